// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The reader goes away, then the writer writes.
 *   pipe_epipe ignore E   SIGPIPE ignored: exactly E writes fail with EPIPE
 *   pipe_epipe blocked E  SIGPIPE blocked, with a handler: E writes fail with
 *                         EPIPE, the first SIGPIPE is queued and the other
 *                         E-1 merge into it; unblocked, the handler runs once
 *   pipe_epipe default    a writer child with default SIGPIPE writes once
 *                         and dies of SIGPIPE
 *   pipe_epipe switch E   a writer child ignores SIGPIPE for E failed writes,
 *                         then restores the default, writes and dies of it
 * The reader (a child) reads 1 byte, then exits without closing the pipe.
 * Prints parent, reader, writer (the process that gets EPIPE), ino, dev (pipefs's st_dev).
 */
#include "workload.h"
#include <sys/stat.h>

static volatile sig_atomic_t handled;

static void on_sigpipe(int sig)
{
	(void)sig;
	handled++;
}

int main(int argc, char **argv)
{
	int blocked = argc > 1 && !strcmp(argv[1], "blocked");
	int ignore = blocked || (argc > 1 && !strcmp(argv[1], "ignore"));
	int change = argc > 1 && !strcmp(argv[1], "switch");
	sigset_t pipe_set;
	unsigned long e = wl_arg(argc, argv, 2, 5), fails = 0;
	struct stat st;
	int fd[2];
	pid_t reader, writer;

	if (pipe(fd) || fstat(fd[0], &st))
		wl_die("pipe");
	reader = wl_fork();
	if (reader == 0) {
		char c;

		close(fd[1]);
		if (read(fd[0], &c, 1) != 1)
			_exit(1);
		_exit(7); /* fd[0] still open: closed by the exit */
	}
	close(fd[0]);
	if (write(fd[1], "r", 1) != 1)
		wl_die("write");
	wl_reap(reader);
	writer = ignore ? getpid() : wl_fork();
	if (writer == 0) {
		if (change) {
			signal(SIGPIPE, SIG_IGN);
			for (unsigned long i = 0; i < e; i++)
				if (write(fd[1], "x", 1) >= 0 || errno != EPIPE)
					_exit(1);
			signal(SIGPIPE, SIG_DFL);
		}
		write(fd[1], "x", 1); /* SIGPIPE, default action: dies here */
		_exit(0);
	}
	printf("parent=%d\nreader=%d\nwriter=%d\nino=%lu\ndev=%lu\n", getpid(), reader, writer,
	       (unsigned long)st.st_ino, (unsigned long)st.st_dev);
	fflush(stdout);
	if (!ignore)
		return WTERMSIG(wl_reap(writer)) == SIGPIPE ? 0 : 1;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (blocked) {
		signal(SIGPIPE, on_sigpipe);
		sigprocmask(SIG_BLOCK, &pipe_set, NULL);
	} else {
		signal(SIGPIPE, SIG_IGN);
	}
	for (unsigned long i = 0; i < e; i++)
		if (write(fd[1], "x", 1) < 0 && errno == EPIPE)
			fails++;
	if (blocked)
		sigprocmask(SIG_UNBLOCK, &pipe_set, NULL); /* the handler runs here */
	return fails == e && handled == blocked ? 0 : 1;
}
