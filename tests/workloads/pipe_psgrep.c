// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The course notes' `ps aux | grep bash`, built by hand: pipe, fork, dup2,
 * execlp. Two sibling children with the parent reaping; or, with the
 * argument "self", the notes' other shape: a child creates the pipe, forks
 * grep and execs ps itself (the parent, a subreaper, reaps both). Prints
 * parent, ps, grep, ino.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/stat.h>

static void exec_grep(int fd[2])
{
	/*
	 * Not /dev/null: GNU grep recognises it as its stdout, acts as if
	 * given -q and stops at the first match, leaving the rest of what ps
	 * wrote unread. /dev/zero discards writes too.
	 */
	int sink = open("/dev/zero", O_WRONLY);

	dup2(fd[0], STDIN_FILENO);
	dup2(sink, STDOUT_FILENO);
	close(fd[0]);
	close(fd[1]);
	execlp("grep", "grep", "bash", (char *)NULL);
	_exit(127);
}

/* The creator of the pipe becomes ps: pipe, fork grep, dup2, execlp. */
static int creator_becomes_ps(void)
{
	struct stat st;
	int fd[2];
	pid_t child, grep;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		wl_die("subreaper");
	child = wl_fork();
	if (child == 0) {
		if (pipe(fd) || fstat(fd[0], &st))
			wl_die("pipe");
		grep = fork(); /* not wl_fork(): its parent becomes ps, which exits first */
		if (grep < 0)
			wl_die("fork");
		if (grep == 0)
			exec_grep(fd);
		printf("parent=%d\nps=%d\ngrep=%d\nino=%lu\n", getppid(), getpid(), grep,
		       (unsigned long)st.st_ino);
		fflush(stdout);
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execlp("ps", "ps", "aux", (char *)NULL);
		_exit(127);
	}
	wl_reap(child);
	/* grep, reparented to us when ps exited: reap it too (bounded). */
	for (time_t end = time(NULL) + WL_DEADLINE_S; time(NULL) <= end;) {
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return 0;
		wl_sleep_ms(5);
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct stat st;
	int fd[2];
	pid_t ps, grep;

	if (argc > 1 && !strcmp(argv[1], "self"))
		return creator_becomes_ps();
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
	if (grep == 0)
		exec_grep(fd);
	close(fd[0]);
	close(fd[1]);
	printf("parent=%d\nps=%d\ngrep=%d\nino=%lu\n", getpid(), ps, grep, (unsigned long)st.st_ino);
	fflush(stdout);
	wl_reap(ps);
	wl_reap(grep);
	return 0;
}
