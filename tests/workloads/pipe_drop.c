// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The reader drops its end of the pipe, by
 *   close        close(fd)
 *   dup2         dup2(/dev/null's fd, fd): another file on its fd
 *   close_range  close_range(HIGH_FD, ~0U, 0), as Python's close_fds does
 *                (the end moved to HIGH_FD first, above the sync pipes)
 *   exec         exec of itself with fd close-on-exec, as a Go or Python
 *                reader re-executing itself (after an exec of a missing
 *                file, which fails and drops nothing)
 *   exit         exiting with it open (the writer reaps it first)
 * (after a dup2 from a closed fd onto it, which fails and drops nothing)
 * then says so and waits; the writer (the parent, SIGPIPE ignored) writes
 * E times and gets EPIPE each time, then lets the reader exit. With FD, the
 * reader first moves its end to fd FD (RLIMIT_NOFILE raised to allow it):
 * the fd table grows past FD, as a server's with many connections.
 * Usage: pipe_drop close|dup2|close_range|exec|exit [E [FD]]. Prints reader,
 * writer, ino, fd (the reader's fd of the pipe). Bounded by WL_DEADLINE_S in
 * each wait.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define HIGH_FD 200

/* The reader after its exec: says it is ready, waits for go, exits. */
static int after_exec(char **argv)
{
	wl_send_byte(atoi(argv[2]));
	wl_wait_byte(atoi(argv[3]));
	return 0;
}

/* The reader's exec, fd close-on-exec: the exec closes it. */
static int exec_dropping(int fd, const struct wl_sync *s)
{
	char ready[16], go[16];

	snprintf(ready, sizeof(ready), "%d", s->ready[1]);
	snprintf(go, sizeof(go), "%d", s->go[0]);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC))
		return 0;
	/* execvp's way: a PATH entry without the file fails before the point of no return. */
	execl("/nonexistent/pipe_drop", "pipe_drop", "after-exec", ready, go, (char *)NULL);
	if (errno != ENOENT)
		return 0;
	execl("/proc/self/exe", "pipe_drop", "after-exec", ready, go, (char *)NULL);
	return 0;
}

/* fd moved to fd to (0: left where it is), the limit on fds raised if need be. */
static int move_fd(int fd, int to)
{
	struct rlimit lim;

	if (to <= 0)
		return fd;
	if (getrlimit(RLIMIT_NOFILE, &lim))
		return -1;
	if (lim.rlim_cur <= (rlim_t)to) {
		lim.rlim_cur = lim.rlim_max = (rlim_t)to + 1;
		if (setrlimit(RLIMIT_NOFILE, &lim))
			return -1;
	}
	if (dup2(fd, to) != to || close(fd))
		return -1;
	return to;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	unsigned long e = wl_arg(argc, argv, 2, 3), fails = 0;
	int at = (int)wl_arg(argc, argv, 3, 0);
	struct wl_sync s;
	struct stat st;
	int fd[2];
	pid_t reader;

	if (!strcmp(how, "after-exec") && argc == 4)
		return after_exec(argv);
	if (strcmp(how, "close") && strcmp(how, "dup2") && strcmp(how, "close_range") &&
	    strcmp(how, "exec") && strcmp(how, "exit"))
		wl_die("usage: pipe_drop close|dup2|close_range|exec|exit [E [FD]]");
	if (!strcmp(how, "close_range") && !at)
		at = HIGH_FD; /* above the sync pipes */
	if (pipe(fd) || fstat(fd[0], &st))
		wl_die("pipe");
	reader = wl_fork_synced(&s);
	if (reader == 0) {
		int null = open("/dev/null", O_RDONLY);
		char c;
		int ok;

		close(fd[1]);
		if (null < 0 || read(fd[0], &c, 1) != 1)
			_exit(1);
		fd[0] = move_fd(fd[0], at);
		if (fd[0] < 0)
			_exit(4);
		/* A dup2 from a closed fd fails (EBADF) and leaves fd[0] be: no close. */
		if (dup2(999, fd[0]) != -1 || errno != EBADF)
			_exit(3);
		if (!strcmp(how, "close"))
			ok = close(fd[0]) == 0;
		else if (!strcmp(how, "dup2"))
			ok = dup2(null, fd[0]) == fd[0];
		else if (!strcmp(how, "exec"))
			ok = exec_dropping(fd[0], &s);
		else if (!strcmp(how, "close_range"))
			ok = syscall(SYS_close_range, fd[0], ~0U, 0) == 0;
		else
			ok = 1;
		if (!ok)
			_exit(2);
		wl_send_byte(s.ready[1]);
		if (!strcmp(how, "exit"))
			_exit(0);
		wl_wait_byte(s.go[0]);
		_exit(0);
	}
	close(fd[0]);
	signal(SIGPIPE, SIG_IGN);
	if (write(fd[1], "r", 1) != 1)
		wl_die("write");
	wl_wait_byte(s.ready[0]);
	if (!strcmp(how, "exit") && wl_reap(reader))
		return 1;
	printf("reader=%d\nwriter=%d\nino=%lu\nfd=%d\n", reader, getpid(), (unsigned long)st.st_ino,
	       at ? at : fd[0]);
	fflush(stdout);
	for (unsigned long i = 0; i < e; i++)
		if (write(fd[1], "x", 1) < 0 && errno == EPIPE)
			fails++;
	if (!strcmp(how, "exit"))
		return fails == e ? 0 : 1;
	wl_send_byte(s.go[1]);
	return !wl_reap(reader) && fails == e ? 0 : 1;
}
