// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Two processes that share nothing but a FIFO's path: one mkfifo()s it and
 * opens it for writing and sends BYTES in 100-byte writes, the other opens it
 * for reading and drains it. Usage: fifo_pair DIR BYTES [DELAY_MS [stop]].
 * DELAY_MS: the writer opens DELAY_MS after it saw the reader asleep in
 * open() (/proc/PID/syscall), so the reader waits in open() at least that
 * long (fs/pipe.c fifo_open(): a reader waits for a writer); at the end the
 * writer also opens it O_RDONLY|O_NONBLOCK, which never waits. stop: first
 * the writer stops the waiting reader (SIGSTOP) and lets it go on
 * (SIGCONT), which restarts its open, and waits for it to sleep in open()
 * again before DELAY_MS.
 * Prints writer, reader, path, ino.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <sys/syscall.h>

/* Until pid is stopped (/proc/PID/stat's state, after the parenthesized comm, is T). */
static void wait_stopped(pid_t pid)
{
	time_t end = time(NULL) + WL_DEADLINE_S;
	char path[64], line[512], *state;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	while (time(NULL) <= end) {
		FILE *f = fopen(path, "r");

		if (!f)
			wl_die(path);
		state = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
		fclose(f);
		if (state && state[1] == ' ' && state[2] == 'T')
			return;
		wl_sleep_ms(1);
	}
	errno = ETIMEDOUT;
	wl_die("waiting for the reader to stop");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	unsigned long bytes = wl_arg(argc, argv, 2, 1000);
	unsigned long delay_ms = wl_arg(argc, argv, 3, 0);
	bool stop = argc > 4 && !strcmp(argv[4], "stop");
	char path[256], buf[100];
	struct stat st;
	pid_t reader;
	int fd;

	snprintf(path, sizeof(path), "%s/ipcscope-fifo-%d", dir, getpid());
	unlink(path);
	if (bytes % sizeof(buf) || mkfifo(path, 0600) || stat(path, &st))
		wl_die("mkfifo");
	reader = wl_fork();
	if (reader == 0) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			_exit(1);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	printf("writer=%d\nreader=%d\npath=%s\nino=%lu\n", getpid(), reader, path,
	       (unsigned long)st.st_ino);
	fflush(stdout);
	if (delay_ms) {
		wl_wait_asleep_in(reader, SYS_open, SYS_openat);
		if (stop) {
			if (kill(reader, SIGSTOP))
				wl_die("SIGSTOP");
			wait_stopped(reader);
			wl_sleep_ms(50);
			if (kill(reader, SIGCONT))
				wl_die("SIGCONT");
			wl_wait_asleep_in(reader, SYS_open, SYS_openat);
		}
		wl_sleep_ms(delay_ms);
	}
	fd = open(path, O_WRONLY);
	if (fd < 0)
		wl_die("open");
	memset(buf, 'f', sizeof(buf));
	for (unsigned long i = 0; i < bytes / sizeof(buf); i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			wl_die("write");
	close(fd);
	wl_reap(reader);
	if (delay_ms) { /* and an open that cannot wait: O_NONBLOCK, no writer */
		fd = open(path, O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			wl_die("open O_NONBLOCK");
		close(fd);
	}
	unlink(path);
	return 0;
}
