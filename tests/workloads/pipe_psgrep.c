// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The course notes' `ps aux | grep bash`, built by hand: pipe, fork, dup2,
 * execlp. Prints parent, ps, grep, ino.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
	struct stat st;
	int fd[2];
	pid_t ps, grep;

	if (pipe(fd) || fstat(fd[0], &st))
		wl_die("pipe");
	ps = wl_fork();
	if (ps == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execlp("ps", "ps", "aux", (char *)NULL);
		_exit(127);
	}
	grep = wl_fork();
	if (grep == 0) {
		/*
		 * Not /dev/null: GNU grep recognises it as its stdout, acts
		 * as if given -q and stops at the first match, leaving the
		 * rest of what ps wrote unread. /dev/zero discards writes too.
		 */
		int sink = open("/dev/zero", O_WRONLY);

		dup2(fd[0], STDIN_FILENO);
		dup2(sink, STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execlp("grep", "grep", "bash", (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	close(fd[1]);
	printf("parent=%d\nps=%d\ngrep=%d\nino=%lu\n", getpid(), ps, grep, (unsigned long)st.st_ino);
	fflush(stdout);
	wl_reap(ps);
	wl_reap(grep);
	return 0;
}
