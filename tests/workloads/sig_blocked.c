// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The course's classic lab: a child blocks SIGINT, the parent sends it K
 * times, the child unblocks T ms after the first one. Standard signals do
 * not queue: 1 queued, K-1 already_pending, 1 delivered with a pending time
 * of at least T ms.
 * Usage: sig_blocked [K] [T_ms]
 */
#include "workload.h"

static volatile sig_atomic_t handled;

static void on_int(int sig)
{
	(void)sig;
	handled++;
}

int main(int argc, char **argv)
{
	unsigned long k = wl_arg(argc, argv, 1, 5), t_ms = wl_arg(argc, argv, 2, 300);
	struct wl_sync sync;
	pid_t child = wl_fork_synced(&sync);

	if (child == 0) {
		struct sigaction sa = { .sa_handler = on_int };
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sigaction(SIGINT, &sa, NULL);
		wl_send_byte(sync.ready[1]);
		wl_wait_byte(sync.go[0]); /* the parent has sent all K */
		wl_sleep_ms((long)t_ms);
		sigprocmask(SIG_UNBLOCK, &set, NULL); /* the handler runs here, once */
		_exit(handled == 1 ? 0 : 1);
	}
	wl_print_pids(child);
	printf("k=%lu\nt_ms=%lu\n", k, t_ms);
	fflush(stdout);
	wl_wait_byte(sync.ready[0]);
	for (unsigned long i = 0; i < k; i++)
		if (kill(child, SIGINT))
			wl_die("kill");
	wl_send_byte(sync.go[1]);
	return WEXITSTATUS(wl_reap(child));
}
