// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Synchronous acceptance: the child blocks SIGUSR1 and SIGUSR2, takes
 * SIGUSR1 with sigwaitinfo() and SIGUSR2 by reading a signalfd. Neither
 * reaches signal_deliver; both must count as accepted, not lost.
 * sig_accept inherited K: the parent blocks SIGRTMIN+1 and makes a
 * signalfd for it, then forks; the child, which never called signalfd(),
 * reads the K queued SIGRTMIN+1 the parent sends it from the inherited fd.
 */
#include <sys/signalfd.h>
#include "workload.h"

static int inherited(unsigned long k)
{
	int sig = SIGRTMIN + 1, sfd;
	struct wl_sync sync;
	sigset_t rt;
	pid_t child;

	sigemptyset(&rt);
	sigaddset(&rt, sig);
	sigprocmask(SIG_BLOCK, &rt, NULL);
	sfd = signalfd(-1, &rt, 0);
	if (sfd < 0)
		wl_die("signalfd");
	child = wl_fork_synced(&sync);
	if (child == 0) {
		struct signalfd_siginfo ssi[8];
		unsigned long got = 0;

		wl_send_byte(sync.ready[1]);
		wl_wait_byte(sync.go[0]); /* all K queued: reads of several records */
		while (got < k) {
			ssize_t n = read(sfd, ssi, sizeof(ssi));

			if (n <= 0 || n % sizeof(ssi[0]) || ssi[0].ssi_signo != (unsigned)sig)
				wl_die("signalfd read");
			got += n / sizeof(ssi[0]);
		}
		_exit(got == k ? 0 : 1);
	}
	wl_print_pids(child);
	fflush(stdout);
	wl_wait_byte(sync.ready[0]);
	for (unsigned long i = 0; i < k; i++)
		if (sigqueue(child, sig, (union sigval){ .sival_int = (int)i }))
			wl_die("sigqueue");
	wl_send_byte(sync.go[1]);
	return WEXITSTATUS(wl_reap(child));
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "inherited"))
		return inherited(wl_arg(argc, argv, 2, 5));
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
