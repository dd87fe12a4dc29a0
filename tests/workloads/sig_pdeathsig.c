// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A parent-death signal: the middle process forks a child that asks for
 * SIGUSR1 when its parent dies (prctl PR_SET_PDEATHSIG) and waits for it in
 * a SA_SIGINFO handler; the middle then exits. kernel/exit.c sends it with
 * SEND_SIG_NOINFO while the middle is current, so the child's siginfo says
 * SI_USER from the middle's pid. The top process is a subreaper, so the
 * orphaned child comes to it to be reaped. Prints top, middle, child and
 * what the child's handler saw (si_code, si_pid).
 */
#include "workload.h"

static volatile sig_atomic_t seen_code = -1, seen_pid = -1;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	seen_code = si->si_code;
	seen_pid = si->si_pid;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	int ready[2], report[2];
	pid_t middle, child;
	int got[3] = { 0 };

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) || pipe(ready) || pipe(report))
		wl_die("subreaper/pipe");
	middle = fork();
	if (middle < 0)
		wl_die("fork");
	if (middle == 0) {
		child = fork();
		if (child < 0)
			_exit(1);
		if (child == 0) {
			time_t end = time(NULL) + WL_DEADLINE_S;

			if (sigaction(SIGUSR1, &sa, NULL) || prctl(PR_SET_PDEATHSIG, SIGUSR1))
				_exit(1);
			wl_send_byte(ready[1]);
			while (seen_code == -1 && time(NULL) < end)
				wl_nap();
			got[0] = getpid();
			got[1] = seen_code;
			got[2] = seen_pid;
			if (write(report[1], got, sizeof(got)) != sizeof(got))
				_exit(1);
			_exit(seen_code == -1);
		}
		wl_wait_byte(ready[0]);
		_exit(0); /* the child's parent dies */
	}
	wl_reap(middle);
	wl_wait_readable(report[0]);
	if (read(report[0], got, sizeof(got)) != sizeof(got))
		wl_die("read");
	if (wl_reap(got[0]) != 0)
		return 1;
	printf("top=%d\nmiddle=%d\nchild=%d\nsi_code=%d\nsi_pid=%d\n", getpid(), middle, got[0],
	       got[1], got[2]);
	return 0;
}
