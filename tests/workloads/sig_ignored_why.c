// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Four signals the kernel ignores, each for another reason:
 *  - SIGUSR1 to a child that set it to SIG_IGN (ign=);
 *  - SIGTERM to a zombie: a child that exited and is not reaped yet
 *    (zombie=);
 *  - SIGTERM to the init of a new PID namespace that has no handler for
 *    it (init=): a container's pid 1 is not killed by its default action;
 *    SIGKILL from here (an ancestor namespace) then kills it;
 *  - SIGCHLD to this process (parent=), whose default action is to ignore.
 */
#include "workload.h"
#include <sched.h>

int main(void)
{
	struct wl_sync s;
	pid_t ign, zombie, init;
	siginfo_t info;
	int status;

	printf("parent=%d\n", getpid());
	/* SIG_IGN */
	ign = wl_fork_synced(&s);
	if (ign == 0) {
		signal(SIGUSR1, SIG_IGN);
		wl_send_byte(s.ready[1]);
		wl_wait_byte(s.go[0]);
		_exit(0);
	}
	wl_wait_byte(s.ready[0]);
	kill(ign, SIGUSR1);
	wl_send_byte(s.go[1]);
	wl_reap(ign);
	/* A zombie: waitid(WNOWAIT) says it exited and leaves it unreaped. */
	zombie = wl_fork();
	if (zombie == 0)
		_exit(4);
	if (waitid(P_PID, zombie, &info, WEXITED | WNOWAIT))
		wl_die("waitid");
	kill(zombie, SIGTERM);
	wl_reap(zombie);
	/* A PID namespace's init with no SIGTERM handler. */
	if (pipe(s.ready) || unshare(CLONE_NEWPID))
		wl_die("pipe or unshare(CLONE_NEWPID)");
	init = fork(); /* not wl_fork(): outside the namespace, getppid() is 0 */
	if (init < 0)
		wl_die("fork");
	if (init == 0) {
		time_t end = time(NULL) + WL_DEADLINE_S;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		wl_send_byte(s.ready[1]);
		while (time(NULL) < end)
			wl_nap();
		_exit(0);
	}
	wl_wait_byte(s.ready[0]);
	kill(init, SIGTERM);
	kill(init, SIGKILL);
	status = wl_reap(init);
	printf("ign=%d\nzombie=%d\ninit=%d\ninit_signal=%d\n", ign, zombie, init,
	       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return 0;
}
