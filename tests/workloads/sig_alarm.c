// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * alarm(5), then alarm(1), which replaces it and returns the 5 s left; then
 * naps until the handler has run: the kernel's ITIMER_REAL sends SIGALRM (no
 * process sends it) and the handler runs once. Then arms ITIMER_VIRTUAL for
 * 10 s (asking for the old value: none) and disarms it (the old value: what
 * was left of the 10 s). Prints pid and left (alarm(1)'s return).
 */
#include "workload.h"
#include <sys/time.h>

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

	struct itimerval ten = { .it_value = { 10, 0 } }, off = { { 0, 0 }, { 0, 0 } }, old;
	unsigned int left;

	sigaction(SIGALRM, &sa, NULL);
	alarm(5);
	left = alarm(1);
	printf("pid=%d\nleft=%u\n", getpid(), left);
	fflush(stdout);
	while (!fired && time(NULL) < end)
		wl_nap();
	if (setitimer(ITIMER_VIRTUAL, &ten, &old) || setitimer(ITIMER_VIRTUAL, &off, &old))
		wl_die("setitimer");
	return fired ? 0 : 1;
}
