// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `cat big | head`: the reader leaves while the writer sleeps in one big
 * write. fs/pipe.c pipe_write() then sends SIGPIPE and returns what it
 * wrote, not -EPIPE: a SIGPIPE with no EPIPE.
 *   pipe_cut default  the writer (a child) keeps SIGPIPE's default: dies of it
 *   pipe_cut ignore   the writer ignores SIGPIPE: its write returns short
 * The writer writes 1 MiB in one call; the reader (the parent) waits until
 * it sleeps in that write, reads R = 4096 bytes, waits until it sleeps
 * again, and closes its end. Prints reader, writer, ino, and (ignore) wrote,
 * what the cut write returned. Bounded by WL_DEADLINE_S in each wait.
 */
#include "workload.h"
#include <sys/stat.h>
#include <sys/syscall.h>

#define BIG (1 << 20)
#define TAKEN 4096

int main(int argc, char **argv)
{
	int ignore = argc > 1 && !strcmp(argv[1], "ignore");
	static char buf[BIG];
	int fd[2], report[2], status;
	struct stat st;
	ssize_t wrote = 0;
	pid_t writer;

	if (argc < 2 || (!ignore && strcmp(argv[1], "default")))
		wl_die("usage: pipe_cut default|ignore");
	if (pipe(fd) || pipe(report) || fstat(fd[0], &st))
		wl_die("pipe");
	writer = wl_fork();
	if (writer == 0) {
		close(fd[0]);
		close(report[0]);
		if (ignore)
			signal(SIGPIPE, SIG_IGN);
		wrote = write(fd[1], buf, sizeof(buf)); /* default: dies in here */
		if (write(report[1], &wrote, sizeof(wrote)) != sizeof(wrote))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	close(report[1]);
	wl_wait_asleep_in(writer, SYS_write, -1);
	for (size_t got = 0; got < TAKEN;) {
		ssize_t n = read(fd[0], buf, TAKEN - got);

		if (n <= 0)
			wl_die("read");
		got += (size_t)n;
	}
	/* It woke to fill the room we made: cut it only once it sleeps again. */
	wl_sleep_ms(20);
	wl_wait_asleep_in(writer, SYS_write, -1);
	close(fd[0]);
	status = wl_reap(writer);
	if (ignore && read(report[0], &wrote, sizeof(wrote)) != sizeof(wrote))
		wl_die("writer's report");
	printf("reader=%d\nwriter=%d\nino=%lu\n", getpid(), writer, (unsigned long)st.st_ino);
	if (ignore)
		printf("wrote=%zd\n", wrote);
	fflush(stdout);
	if (ignore)
		return WIFEXITED(status) && !WEXITSTATUS(status) && wrote > 0 && wrote < BIG ? 0 : 1;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE ? 0 : 1;
}
