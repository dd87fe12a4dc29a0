// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * RLIMIT_SIGPENDING reached: the child lowers its limit to L and blocks
 * SIGRTMIN; the parent sigqueue()s it N times. Each sigqueue the kernel
 * could not queue fails with EAGAIN (TRACE_SIGNAL_OVERFLOW_FAIL: result
 * overflow); the others are queued. The limit counts every pending signal
 * of the user, so how many fit depends on the machine: the parent counts
 * both outcomes itself and prints them (queued=, overflow=).
 * Usage: sig_rt_overflow [N] [L]
 */
#include <sys/resource.h>
#include "workload.h"

static volatile sig_atomic_t handled;

static void on_rt(int sig)
{
	(void)sig;
	handled++;
}

static void child_main(struct wl_sync *sync, unsigned long limit)
{
	struct rlimit rl = { limit, limit };
	struct sigaction sa = { .sa_handler = on_rt };
	sigset_t set;

	if (setrlimit(RLIMIT_SIGPENDING, &rl))
		wl_die("setrlimit");
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigaction(SIGRTMIN, &sa, NULL);
	wl_send_byte(sync->ready[1]);
	wl_wait_byte(sync->go[0]); /* the parent has sent all N */
	sigprocmask(SIG_UNBLOCK, &set, NULL); /* the queued ones run the handler here */
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned long n = wl_arg(argc, argv, 1, 50), limit = wl_arg(argc, argv, 2, 10);
	unsigned long queued = 0, overflow = 0;
	struct wl_sync sync;
	pid_t child = wl_fork_synced(&sync);

	if (child == 0)
		child_main(&sync, limit);
	wl_print_pids(child);
	wl_wait_byte(sync.ready[0]);
	for (unsigned long i = 0; i < n; i++) {
		union sigval v = { .sival_int = (int)i };

		if (!sigqueue(child, SIGRTMIN, v))
			queued++;
		else if (errno == EAGAIN)
			overflow++;
		else
			wl_die("sigqueue");
	}
	printf("queued=%lu\noverflow=%lu\n", queued, overflow);
	fflush(stdout);
	wl_send_byte(sync.go[1]);
	return WEXITSTATUS(wl_reap(child));
}
