// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A process that dies with a signal still pending: it blocks SIGUSR2,
 * sends it to itself (queued, blocked) and exits. Truth: one SIGUSR2
 * generated and queued to it, never delivered; the tracer must let go of
 * what it kept to time that signal (its pending slot) when the process dies.
 * Usage: sig_pending_at_exit
 */
#include "workload.h"

int main(void)
{
	sigset_t usr2;

	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	printf("pid=%d\n", getpid());
	fflush(stdout);
	if (raise(SIGUSR2))
		wl_die("raise");
	return 0;
}
