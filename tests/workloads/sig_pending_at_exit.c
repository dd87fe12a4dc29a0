// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A process that dies with signals still pending: it blocks SIGUSR2,
 * sends it to itself (queued to its own thread, blocked) and exits.
 * Truth: one SIGUSR2 generated and queued to it, never delivered; the
 * tracer must let go of what it kept to time that signal (its pending
 * slot) when the process dies, and count it as discarded.
 * With RT_COPIES, it also blocks SIGRTMIN+1 and sigqueue()s it to itself
 * that many times (each copy queues); with "shared", a kill() of SIGUSR2
 * to the process adds a second copy in the process's set. Every copy is
 * pending at exit and never delivered.
 * Usage: sig_pending_at_exit [RT_COPIES [shared]]; prints pid= and rt=.
 */
#include "workload.h"

int main(int argc, char **argv)
{
	unsigned long rt_copies = wl_arg(argc, argv, 1, 0);
	int shared = argc > 2 && !strcmp(argv[2], "shared");
	int rt = SIGRTMIN + 1;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, rt);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("pid=%d\nrt=%d\n", getpid(), rt);
	fflush(stdout);
	if (raise(SIGUSR2))
		wl_die("raise");
	if (shared && kill(getpid(), SIGUSR2))
		wl_die("kill");
	for (unsigned long i = 0; i < rt_copies; i++)
		if (sigqueue(getpid(), rt, (union sigval){ .sival_int = (int)i }))
			wl_die("sigqueue");
	return 0;
}
