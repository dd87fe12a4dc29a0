// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Loads and attaches the floor programs, then waits for SIGINT/SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "floor.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(void)
{
	struct floor_bpf *skel = floor_bpf__open_and_load();
	sigset_t stops, waiting;

	if (!skel || floor_bpf__attach(skel)) {
		fprintf(stderr, "floor: cannot load or attach the empty programs\n");
		floor_bpf__destroy(skel);
		return 1;
	}
	/*
	 * Blocked until sigsuspend: a stop landing between the check of the
	 * flag and the wait would otherwise be slept through.
	 */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigprocmask(SIG_BLOCK, &stops, &waiting);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		sigsuspend(&waiting);
	floor_bpf__destroy(skel);
	return 0;
}
