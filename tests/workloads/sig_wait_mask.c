// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Waits that let a blocked signal in for their duration only: with SIGUSR1
 * blocked and pending (raise()), each of sigsuspend(), ppoll(), pselect()
 * and epoll_pwait() is called with a mask that unblocks SIGUSR1 and blocks
 * SIGUSR2: the handler runs inside the wait, which fails with EINTR, and
 * the old mask (SIGUSR1) is back after. Then waits with nothing to tell:
 * a ppoll() with the mask already in force, one with a bad sigsetsize
 * (EINVAL, no wait), one with a new mask that times out (no signal let
 * in), and, with SIGUSR1 unblocked, one given no mask that a SIGALRM cuts
 * short (the kernel's saved_sigmask still holds the epoll_pwait's mask
 * then, which is not this call's).
 * Truth: four waits with a temporary mask, four SIGUSR1 handled, each
 * while blocked before and after, one SIGALRM handled.
 * Usage: sig_wait_mask; prints pid=, handled=, alarms=.
 */
#include "workload.h"
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>

static volatile sig_atomic_t handled, alarms;

static void on_alrm(int sig)
{
	(void)sig;
	alarms++;
}

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void expect_eintr(int ret, const char *what)
{
	if (ret != -1 || errno != EINTR) {
		fprintf(stderr, "workload: %s returned %d (%s), not EINTR\n", what, ret,
			strerror(errno));
		exit(99);
	}
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 }, sa_alrm = { .sa_handler = on_alrm };
	struct itimerval in_10ms = { .it_value = { 0, 10000 } };
	struct timespec long_wait = { WL_DEADLINE_S, 0 }, none = { 0, 0 };
	struct epoll_event ev;
	sigset_t usr1, during;
	int ep = epoll_create1(0);

	if (ep < 0 || sigaction(SIGUSR1, &sa, NULL) || sigaction(SIGALRM, &sa_alrm, NULL))
		wl_die("epoll_create1/sigaction");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&during);
	sigaddset(&during, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("pid=%d\n", getpid());
	fflush(stdout);

	raise(SIGUSR1);
	expect_eintr(sigsuspend(&during), "sigsuspend");
	raise(SIGUSR1);
	expect_eintr(ppoll(NULL, 0, &long_wait, &during), "ppoll");
	raise(SIGUSR1);
	expect_eintr(pselect(0, NULL, NULL, NULL, &long_wait, &during), "pselect");
	raise(SIGUSR1);
	expect_eintr(epoll_pwait(ep, &ev, 1, WL_DEADLINE_S * 1000, &during), "epoll_pwait");

	/* the mask in force already: no temporary change */
	if (ppoll(NULL, 0, &none, &usr1) != 0)
		wl_die("ppoll with the same mask");
	/* sigsetsize 4: EINVAL before any wait (the raw call: glibc passes 8) */
	if (syscall(SYS_ppoll, NULL, 0, &none, &during, 4) != -1 || errno != EINVAL)
		wl_die("ppoll with a bad sigsetsize");
	/* a new mask, but the wait times out: no signal came in through it */
	if (ppoll(NULL, 0, &none, &during) != 0)
		wl_die("ppoll timing out");
	/* no mask of its own, cut short by SIGALRM */
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	if (setitimer(ITIMER_REAL, &in_10ms, NULL))
		wl_die("setitimer");
	expect_eintr(ppoll(NULL, 0, &long_wait, NULL), "ppoll without a mask");
	printf("handled=%d\nalarms=%d\n", (int)handled, (int)alarms);
	return handled == 4 && alarms == 1 ? 0 : 99;
}
