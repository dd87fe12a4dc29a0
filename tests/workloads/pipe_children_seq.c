// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * N children one after another, pinned with their parent to one CPU, child
 * K writing K bytes in one write into a pipe the parent drains at the end.
 * Each child is reaped before the next is forked: short-lived writers one
 * after another, likely on the pid, kernel stack and syscall frame of the
 * sibling before (kernel/fork.c keeps exited tasks' stacks per CPU for the
 * next fork), each with its own count to be credited with.
 * Usage: pipe_children_seq N (N <= 60). Prints parent, ino, child_K.
 */
#include "workload.h"
#include <sched.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	unsigned long n = wl_arg(argc, argv, 1, 30), total = 0;
	char buf[64];
	cpu_set_t one;
	struct stat st;
	int fds[2], cpu = sched_getcpu();

	if (n > 60 || pipe(fds) || fstat(fds[0], &st) || cpu < 0)
		wl_die("set-up");
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		wl_die("sched_setaffinity");
	printf("parent=%d\nino=%lu\n", getpid(), (unsigned long)st.st_ino);
	memset(buf, 'k', sizeof(buf));
	for (unsigned long k = 1; k <= n; k++) {
		pid_t child = wl_fork();

		if (child == 0)
			_exit(write(fds[1], buf, k) == (ssize_t)k ? 0 : 1);
		if (wl_reap(child) != 0)
			wl_die("child's write");
		printf("child_%lu=%d\n", k, child);
		total += k;
	}
	close(fds[1]);
	while (total) {
		ssize_t got = read(fds[0], buf, sizeof(buf));

		if (got <= 0)
			wl_die("read");
		total -= got;
	}
	return 0;
}
