// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Waits that let a blocked signal in for their duration only: with SIGUSR1
 * blocked and pending (raise()), each of sigsuspend(), ppoll(), pselect()
 * and epoll_pwait() is called with a mask that unblocks SIGUSR1 and blocks
 * SIGUSR2: the handler runs inside the wait, which fails with EINTR, and
 * the old mask (SIGUSR1) is back after. Then a ppoll() with the mask
 * already in force (nothing to tell) and one with a bad sigsetsize
 * (EINVAL, no wait).
 * Truth: four waits with a temporary mask, four SIGUSR1 handled, each
 * while blocked before and after. Usage: sig_wait_mask; prints pid=, handled=.
 */
#include "workload.h"
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>

static volatile sig_atomic_t handled;

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
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec long_wait = { WL_DEADLINE_S, 0 }, none = { 0, 0 };
	struct epoll_event ev;
	sigset_t usr1, during;
	int ep = epoll_create1(0);

	if (ep < 0 || sigaction(SIGUSR1, &sa, NULL))
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
	printf("handled=%d\n", (int)handled);
	return handled == 4 ? 0 : 99;
}
