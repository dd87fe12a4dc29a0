// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A writer blocked on a full pipe while its reader sleeps T ms (counted
 * from when the writer blocks), then a non-blocking read of an empty pipe
 * (EAGAIN).
 * Usage: pipe_blocked T_MS; prints parent (the writer), child (the reader),
 * ino (the full pipe), ino_empty (the EAGAIN one).
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	long t_ms = wl_arg(argc, argv, 1, 300);
	static char buf[1 << 16];
	struct stat st, st2;
	int fd[2], empty[2];
	pid_t child;
	ssize_t n;

	if (pipe(fd) || fstat(fd[0], &st) || pipe2(empty, O_NONBLOCK) || fstat(empty[0], &st2))
		wl_die("pipe");
	child = wl_fork();
	if (child == 0) {
		int queued = 0;

		close(fd[1]);
		/*
		 * T ms from when the writer waits: the pipe holds the first
		 * 64 KiB and the writer sleeps in the second write.
		 */
		for (time_t end = time(NULL) + WL_DEADLINE_S; queued < (int)sizeof(buf);) {
			if (ioctl(fd[0], FIONREAD, &queued))
				wl_die("FIONREAD");
			if (time(NULL) > end)
				_exit(96);
			if (queued < (int)sizeof(buf))
				wl_sleep_ms(1);
		}
		wl_wait_asleep_in(getppid(), SYS_write, SYS_write);
		wl_sleep_ms(t_ms);
		while (read(fd[0], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(fd[0]);
	wl_print_pids(child);
	printf("ino=%lu\nino_empty=%lu\n", (unsigned long)st.st_ino, (unsigned long)st2.st_ino);
	fflush(stdout);
	/* 64 KiB fills the default pipe; the next write waits for the reader. */
	for (int i = 0; i < 2; i++)
		if (write(fd[1], buf, sizeof(buf)) != sizeof(buf))
			wl_die("write");
	close(fd[1]);
	n = read(empty[0], buf, 1);
	if (n != -1 || errno != EAGAIN)
		wl_die("expected EAGAIN");
	return WEXITSTATUS(wl_reap(child));
}
