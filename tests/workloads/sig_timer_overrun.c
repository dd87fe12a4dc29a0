// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A POSIX timer whose signal waits while blocked: timer_create() with
 * SIGRTMIN+2, every PERIOD_MS, blocked for BLOCK_MS. Only one signal is
 * queued however many times the timer expires; the rest are counted as
 * overruns, which the handler reads from si_overrun. The handler disarms
 * the timer at once, so normally one delivery comes; if another expiry
 * slips in before that, its delivery and overrun are printed too.
 * Usage: sig_timer_overrun [PERIOD_MS [BLOCK_MS]]; prints pid=, sig=,
 * overruns=N[,N...] (what each delivery's handler saw, in order).
 */
#include "workload.h"
#include <time.h>

#define DELIVERIES_MAX 16

static timer_t timer;
static volatile sig_atomic_t deliveries;
static volatile int overruns[DELIVERIES_MAX];

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };

	(void)sig;
	(void)uc;
	if (deliveries < DELIVERIES_MAX)
		overruns[deliveries] = si->si_overrun;
	deliveries++;
	timer_settime(timer, 0, &off, NULL);
}

int main(int argc, char **argv)
{
	long period_ms = (long)wl_arg(argc, argv, 1, 5), block_ms = (long)wl_arg(argc, argv, 2, 60);
	int sig = SIGRTMIN + 2;
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = sig };
	struct itimerspec every = { { period_ms / 1000, (period_ms % 1000) * 1000000L },
				    { period_ms / 1000, (period_ms % 1000) * 1000000L } };
	struct sigaction sa = { .sa_sigaction = on_timer, .sa_flags = SA_SIGINFO };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigaction(sig, &sa, NULL) || sigprocmask(SIG_BLOCK, &set, NULL))
		wl_die("sigaction/sigprocmask");
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) || timer_settime(timer, 0, &every, NULL))
		wl_die("timer_create/timer_settime");
	wl_sleep_ms(block_ms);
	sigprocmask(SIG_UNBLOCK, &set, NULL); /* the pending one is delivered on return */
	for (int i = 0; i < 100 && !deliveries; i++)
		wl_nap();
	timer_delete(timer);
	printf("pid=%d\nsig=%d\noverruns=", getpid(), sig);
	for (int i = 0; i < deliveries && i < DELIVERIES_MAX; i++)
		printf("%s%d", i ? "," : "", overruns[i]);
	printf("\n");
	return deliveries ? 0 : 99;
}
