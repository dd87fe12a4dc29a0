// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kill(2) to a process group, as the course lists it: the parent makes its
 * own group (setpgid(0, 0): nothing else is in it), forks two children
 * that handle SIGUSR1 and SIGUSR2, ignores both itself, then calls
 * kill(0, SIGUSR1) (its own group: itself and both children) and
 * kill(-pgid, SIGUSR2) (the same group by number). Each child exits once
 * it has both. Prints parent, child1, child2, pgid.
 */
#include "workload.h"

static volatile sig_atomic_t got;

static void on_sig(int sig)
{
	got |= sig == SIGUSR1 ? 1 : 2;
}

static pid_t child(struct wl_sync *s)
{
	pid_t pid = wl_fork_synced(s);

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_sig };
		time_t end = time(NULL) + WL_DEADLINE_S;

		sigaction(SIGUSR1, &sa, NULL);
		sigaction(SIGUSR2, &sa, NULL);
		wl_send_byte(s->ready[1]);
		while (got != 3 && time(NULL) < end)
			wl_nap();
		_exit(got == 3 ? 0 : 1);
	}
	return pid;
}

int main(void)
{
	struct wl_sync s1, s2;
	pid_t c1, c2;

	if (setpgid(0, 0))
		wl_die("setpgid");
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	c1 = child(&s1);
	c2 = child(&s2);
	wl_wait_byte(s1.ready[0]);
	wl_wait_byte(s2.ready[0]);
	printf("parent=%d\nchild1=%d\nchild2=%d\npgid=%d\n", getpid(), c1, c2, getpgrp());
	fflush(stdout);
	if (kill(0, SIGUSR1) || kill(-getpgrp(), SIGUSR2))
		wl_die("kill");
	if (wl_reap(c1) || wl_reap(c2))
		return 1;
	return 0;
}
