// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Exactly N kill(child, SIGUSR1), each acknowledged by the child's handler
 * before the next is sent, so none can merge: N generated, N queued,
 * N delivered to the handler, sender = parent, target = child.
 * Usage: sig_handshake [N]
 */
#include "workload.h"

static int ack_fd;
static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	(void)sig;
	got++;
	wl_send_byte(ack_fd);
}

int main(int argc, char **argv)
{
	unsigned long n = wl_arg(argc, argv, 1, 100);
	int ack[2], ready[2];
	struct sigaction sa = { .sa_handler = on_usr1 };
	pid_t child;

	if (pipe(ack) || pipe(ready))
		wl_die("pipe");
	child = wl_fork();
	if (child == 0) {
		ack_fd = ack[1];
		sigaction(SIGUSR1, &sa, NULL);
		wl_send_byte(ready[1]);
		while ((unsigned long)got < n)
			wl_nap();
		_exit(0);
	}
	printf("parent=%d\nchild=%d\nn=%lu\n", getpid(), child, n);
	fflush(stdout);
	wl_wait_byte(ready[0]);
	for (unsigned long i = 0; i < n; i++) {
		if (kill(child, SIGUSR1))
			wl_die("kill");
		wl_wait_byte(ack[0]);
	}
	return WEXITSTATUS(wl_reap(child));
}
