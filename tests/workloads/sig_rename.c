// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A process that renames itself: the child calls prctl(PR_SET_NAME, NAME)
 * (no fork, no exec: only the records it appears in carry the new name),
 * then takes K SIGUSR1 from the parent one at a time (each acknowledged
 * once its handler ran, so none merge) and exits 3.
 * Usage: sig_rename [K] [NAME]
 */
#include "workload.h"

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

/* Waits for the handler to have run n times, giving up after the deadline. */
static void wait_handled(unsigned long n)
{
	time_t end = time(NULL) + WL_DEADLINE_S;

	while ((unsigned long)handled < n) {
		if (time(NULL) > end) {
			errno = ETIMEDOUT;
			wl_die("waiting for SIGUSR1");
		}
		wl_nap();
	}
}

int main(int argc, char **argv)
{
	unsigned long k = wl_arg(argc, argv, 1, 3);
	const char *name = argc > 2 ? argv[2] : "ipcs_first";
	struct wl_sync sync;
	pid_t child = wl_fork_synced(&sync);

	if (child == 0) {
		struct sigaction sa = { .sa_handler = on_usr1 };

		if (prctl(PR_SET_NAME, name))
			wl_die("prctl");
		sigaction(SIGUSR1, &sa, NULL);
		wl_send_byte(sync.ready[1]);
		for (unsigned long i = 1; i <= k; i++) {
			wait_handled(i);
			wl_send_byte(sync.ready[1]);
		}
		_exit(3);
	}
	wl_print_pids(child);
	printf("k=%lu\nname=%s\n", k, name);
	fflush(stdout);
	wl_wait_byte(sync.ready[0]);
	for (unsigned long i = 0; i < k; i++) {
		if (kill(child, SIGUSR1))
			wl_die("kill");
		wl_wait_byte(sync.ready[0]);
	}
	return WEXITSTATUS(wl_reap(child)) == 3 ? 0 : 1;
}
