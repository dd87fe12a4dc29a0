// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * alarm(1), then naps until the handler has run: the kernel's ITIMER_REAL sends SIGALRM (no process
 * sends it) and the handler runs once.
 */
#include "workload.h"

static volatile sig_atomic_t fired;

static void on_alarm(int sig)
{
	(void)sig;
	fired = 1;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	time_t end = time(NULL) + WL_DEADLINE_S;

	sigaction(SIGALRM, &sa, NULL);
	printf("pid=%d\n", getpid());
	fflush(stdout);
	alarm(1);
	while (!fired && time(NULL) < end)
		wl_nap();
	return fired ? 0 : 1;
}
