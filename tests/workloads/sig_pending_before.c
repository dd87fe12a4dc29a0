// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A signal pending before tracing began: blocks SIGUSR1 and raises it
 * (queued, blocked), prints pid=, waits for a byte on stdin (the tracer is
 * attached), unblocks SIGUSR1 (its handler runs: a delivery whose
 * generation the tracer never saw), then raises SIGUSR2 to a handler (seen
 * from generation to delivery). Prints usr1= and usr2= and exits 0.
 * Usage: sig_pending_before
 */
#include "workload.h"

static volatile sig_atomic_t usr1, usr2;

static void on_usr(int sig)
{
	if (sig == SIGUSR1)
		usr1++;
	else
		usr2++;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr };
	sigset_t set;

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (raise(SIGUSR1))
		wl_die("raise");
	printf("pid=%d\n", getpid());
	fflush(stdout);
	wl_wait_byte(STDIN_FILENO);
	sigprocmask(SIG_UNBLOCK, &set, NULL); /* the handler runs here */
	if (raise(SIGUSR2))
		wl_die("raise");
	printf("usr1=%d\nusr2=%d\n", (int)usr1, (int)usr2);
	return 0;
}
