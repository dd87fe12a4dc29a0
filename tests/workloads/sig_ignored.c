// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * SIGUSR1 sent N times to a child that set it to SIG_IGN (and does not block
 * it): the kernel drops each at generation, result "ignored", none delivered.
 * Usage: sig_ignored [N]
 */
#include "workload.h"

int main(int argc, char **argv)
{
	unsigned long n = wl_arg(argc, argv, 1, 3);
	struct wl_sync sync;
	pid_t child = wl_fork_synced(&sync);

	if (child == 0) {
		signal(SIGUSR1, SIG_IGN);
		wl_send_byte(sync.ready[1]);
		wl_wait_byte(sync.go[0]);
		_exit(0);
	}
	wl_print_pids(child);
	printf("n=%lu\n", n);
	fflush(stdout);
	wl_wait_byte(sync.ready[0]);
	for (unsigned long i = 0; i < n; i++)
		if (kill(child, SIGUSR1))
			wl_die("kill");
	wl_send_byte(sync.go[1]);
	return WEXITSTATUS(wl_reap(child));
}
