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
	int ready[2], sent[2];
	pid_t child;

	if (pipe(ready) || pipe(sent))
		wl_die("pipe");
	child = wl_fork();
	if (child == 0) {
		signal(SIGUSR1, SIG_IGN);
		wl_send_byte(ready[1]);
		wl_wait_byte(sent[0]);
		_exit(0);
	}
	printf("parent=%d\nchild=%d\nn=%lu\n", getpid(), child, n);
	fflush(stdout);
	wl_wait_byte(ready[0]);
	for (unsigned long i = 0; i < n; i++)
		if (kill(child, SIGUSR1))
			wl_die("kill");
	wl_send_byte(sent[1]);
	return WEXITSTATUS(wl_reap(child));
}
