// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Real-time signals queue: SIGRTMIN+1 sigqueue()d K times while the child
 * blocks it gives K queued and, once unblocked, K delivered to the handler.
 * Usage: sig_rt_queue [K]
 */
#include "workload.h"

static volatile sig_atomic_t handled;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	handled++;
}

int main(int argc, char **argv)
{
	unsigned long k = wl_arg(argc, argv, 1, 4);
	int sig = SIGRTMIN + 1;
	struct wl_sync sync;
	pid_t child = wl_fork_synced(&sync);

	if (child == 0) {
		struct sigaction sa = { .sa_sigaction = on_rt, .sa_flags = SA_SIGINFO };
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sigaction(sig, &sa, NULL);
		wl_send_byte(sync.ready[1]);
		wl_wait_byte(sync.go[0]);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		_exit((unsigned long)handled == k ? 0 : 1);
	}
	wl_print_pids(child);
	printf("k=%lu\nsig=%d\n", k, sig);
	fflush(stdout);
	wl_wait_byte(sync.ready[0]);
	for (unsigned long i = 0; i < k; i++) {
		union sigval v = { .sival_int = (int)i };

		if (sigqueue(child, sig, v))
			wl_die("sigqueue");
	}
	wl_send_byte(sync.go[1]);
	return WEXITSTATUS(wl_reap(child));
}
