// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Synchronous acceptance: the child blocks SIGUSR1 and SIGUSR2, takes
 * SIGUSR1 with sigwaitinfo() and SIGUSR2 by reading a signalfd. Neither
 * reaches signal_deliver; both must count as accepted, not lost.
 */
#include <sys/signalfd.h>
#include "workload.h"

int main(void)
{
	struct wl_sync sync; /* go: the child took SIGUSR1, send SIGUSR2 */
	pid_t child = wl_fork_synced(&sync);

	if (child == 0) {
		struct signalfd_siginfo ssi;
		sigset_t both, usr1, usr2;
		siginfo_t si;
		int sfd;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigemptyset(&usr2);
		sigaddset(&usr2, SIGUSR2);
		sigemptyset(&both);
		sigaddset(&both, SIGUSR1);
		sigaddset(&both, SIGUSR2);
		sigprocmask(SIG_BLOCK, &both, NULL);
		sfd = signalfd(-1, &usr2, SFD_CLOEXEC);
		if (sfd < 0)
			wl_die("signalfd");
		wl_send_byte(sync.ready[1]);
		if (sigwaitinfo(&usr1, &si) != SIGUSR1)
			wl_die("sigwaitinfo");
		wl_send_byte(sync.go[1]);
		if (read(sfd, &ssi, sizeof(ssi)) != sizeof(ssi) || ssi.ssi_signo != SIGUSR2)
			wl_die("signalfd read");
		_exit(0);
	}
	wl_print_pids(child);
	fflush(stdout);
	wl_wait_byte(sync.ready[0]);
	kill(child, SIGUSR1);
	wl_wait_byte(sync.go[0]);
	kill(child, SIGUSR2);
	return WEXITSTATUS(wl_reap(child));
}
