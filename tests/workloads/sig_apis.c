// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One signal through each of the six signal-sending syscalls, each with a
 * signal of its own so none merges: kill SIGUSR1, tkill SIGUSR2, tgkill
 * 40, rt_sigqueueinfo 41, rt_tgsigqueueinfo 42, pidfd_send_signal 43. The
 * child blocks all six and takes them with sigtimedwait(). tgkill and
 * rt_tgsigqueueinfo pass the signal in their third argument, the others in
 * their second. Truth: exactly one of each from the parent to the child,
 * thread-directed for tkill, tgkill and rt_tgsigqueueinfo; each queued
 * once and accepted once, none delivered.
 */
#include <sys/syscall.h>
#include "workload.h"

static const int sigs[] = { SIGUSR1, SIGUSR2, 40, 41, 42, 43 };
#define NSIGS (int)(sizeof(sigs) / sizeof(sigs[0]))

static void send_all(pid_t child)
{
	siginfo_t info = { .si_code = SI_QUEUE };
	int pidfd = syscall(SYS_pidfd_open, child, 0);

	if (pidfd < 0)
		wl_die("pidfd_open");
	info.si_pid = getpid();
	info.si_uid = getuid();
	if (kill(child, SIGUSR1) || syscall(SYS_tkill, child, SIGUSR2) ||
	    syscall(SYS_tgkill, child, child, 40))
		wl_die("kill/tkill/tgkill");
	info.si_signo = 41;
	if (syscall(SYS_rt_sigqueueinfo, child, 41, &info))
		wl_die("rt_sigqueueinfo");
	info.si_signo = 42;
	if (syscall(SYS_rt_tgsigqueueinfo, child, child, 42, &info))
		wl_die("rt_tgsigqueueinfo");
	if (syscall(SYS_pidfd_send_signal, pidfd, 43, NULL, 0))
		wl_die("pidfd_send_signal");
	close(pidfd);
}

int main(void)
{
	struct wl_sync sync;
	sigset_t all;
	pid_t child;
	int i;

	sigemptyset(&all);
	for (i = 0; i < NSIGS; i++)
		sigaddset(&all, sigs[i]);
	child = wl_fork_synced(&sync);
	if (child == 0) {
		struct timespec limit = { WL_DEADLINE_S, 0 };

		sigprocmask(SIG_BLOCK, &all, NULL);
		wl_send_byte(sync.ready[1]);
		for (i = 0; i < NSIGS; i++)
			if (sigtimedwait(&all, NULL, &limit) < 0)
				wl_die("sigtimedwait");
		_exit(0);
	}
	wl_print_pids(child);
	fflush(stdout);
	wl_wait_byte(sync.ready[0]);
	send_all(child);
	return WEXITSTATUS(wl_reap(child));
}
