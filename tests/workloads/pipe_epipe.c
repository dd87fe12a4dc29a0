// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The reader goes away, then the writer writes.
 *   pipe_epipe ignore E   SIGPIPE ignored: exactly E writes fail with EPIPE
 *   pipe_epipe default    a writer child with default SIGPIPE writes once
 *                         and dies of SIGPIPE
 * The reader (a child) reads 1 byte, then exits without closing the pipe.
 * Prints parent, reader, writer (the process that gets EPIPE), ino.
 */
#include "workload.h"
#include <sys/stat.h>

int main(int argc, char **argv)
{
	int ignore = argc > 1 && !strcmp(argv[1], "ignore");
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
		write(fd[1], "x", 1); /* SIGPIPE, default action: dies here */
		_exit(0);
	}
	printf("parent=%d\nreader=%d\nwriter=%d\nino=%lu\n", getpid(), reader, writer,
	       (unsigned long)st.st_ino);
	fflush(stdout);
	if (!ignore)
		return WTERMSIG(wl_reap(writer)) == SIGPIPE ? 0 : 1;
	signal(SIGPIPE, SIG_IGN);
	for (unsigned long i = 0; i < e; i++)
		if (write(fd[1], "x", 1) < 0 && errno == EPIPE)
			fails++;
	return fails == e ? 0 : 1;
}
