// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A signal storm at the highest rate this machine reaches:
 *   sig_flood SECONDS
 * The parent kill()s its child with SIGUSR1 as fast as it can for SECONDS
 * (CLOCK_MONOTONIC), with no handshake, so many land while one is already
 * pending and merge (standard signals do not queue). The child counts its
 * handler's runs. Prints sender, receiver, and the workload's own truth:
 * sent (kill() calls that returned 0) and handled (handler runs). Every
 * signal left pending when the storm stops is handled before the child
 * reports: it reads the "done" byte the parent writes after its last
 * kill(), and the kernel delivers pending signals on that read's return to
 * user space (arch exit_to_user_mode_loop), before the next line runs.
 */
#include "workload.h"
#include <stdint.h>

#define FLOOD_MAX_S 600

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The child: count handler runs until told the storm is over, then report them. */
static void receive(int ready_fd, int done_fd, int count_fd)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	unsigned long n;

	if (sigaction(SIGUSR1, &sa, NULL))
		_exit(97);
	wl_send_byte(ready_fd);
	/* SA_RESTART: the handler interrupts this read as often as it likes. */
	for (time_t end = time(NULL) + FLOOD_MAX_S + WL_DEADLINE_S;;) {
		char c;
		ssize_t r = read(done_fd, &c, 1);

		if (r == 1)
			break;
		if ((r < 0 && errno != EINTR) || r == 0 || time(NULL) > end)
			_exit(96);
	}
	n = (unsigned long)handled;
	if (write(count_fd, &n, sizeof(n)) != sizeof(n))
		_exit(95);
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned long seconds = wl_arg(argc, argv, 1, 30), sent = 0, handled_by_child = 0;
	int ready[2], done[2], counted[2];
	uint64_t end;
	pid_t child;

	if (!seconds || seconds > FLOOD_MAX_S)
		wl_die("SECONDS must be 1 to 600");
	if (pipe(ready) || pipe(done) || pipe(counted))
		wl_die("pipe");
	child = wl_fork();
	if (child == 0)
		receive(ready[1], done[0], counted[1]);
	printf("sender=%d\nreceiver=%d\n", getpid(), child);
	fflush(stdout);
	wl_wait_byte(ready[0]);
	end = mono_ns() + seconds * 1000000000ULL;
	do {
		for (int i = 0; i < 256; i++) {
			if (kill(child, SIGUSR1))
				wl_die("kill");
			sent++;
		}
	} while (mono_ns() < end);
	wl_send_byte(done[1]);
	wl_wait_readable(counted[0]);
	if (read(counted[0], &handled_by_child, sizeof(handled_by_child)) !=
	    sizeof(handled_by_child))
		wl_die("the receiver's count");
	if (WEXITSTATUS(wl_reap(child)))
		wl_die("the receiver failed");
	printf("sent=%lu\nhandled=%lu\n", sent, handled_by_child);
	return 0;
}
