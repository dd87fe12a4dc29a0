// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * SIGKILL and SIGSTOP cannot be caught, blocked or ignored: the child tries
 * signal(SIGKILL, handler) and sigaction(SIGSTOP, SIG_IGN) (both fail with
 * EINVAL), installs a SIGUSR1 handler (succeeds), blocks every signal (the
 * kernel leaves SIGKILL and SIGSTOP out), then sends itself SIGKILL and
 * dies of it. Prints parent, child.
 */
#include "workload.h"

static void on_sig(int sig)
{
	(void)sig;
}

int main(void)
{
	pid_t child = wl_fork();

	if (child == 0) {
		struct sigaction ign = { .sa_handler = SIG_IGN };
		sigset_t all;

		if (signal(SIGKILL, on_sig) != SIG_ERR || errno != EINVAL)
			_exit(1);
		if (sigaction(SIGSTOP, &ign, NULL) == 0 || errno != EINVAL)
			_exit(2);
		if (signal(SIGUSR1, on_sig) == SIG_ERR)
			_exit(3);
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		kill(getpid(), SIGKILL);
		_exit(4);
	}
	wl_print_pids(child);
	fflush(stdout);
	return WIFSIGNALED(wl_reap(child)) ? 0 : 1;
}
