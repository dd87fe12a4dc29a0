// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Two processes that share nothing but a FIFO's path: one mkfifo()s it and
 * opens it for writing and sends BYTES in 100-byte writes, the other opens it
 * for reading and drains it. Usage: fifo_pair DIR BYTES [DELAY_MS].
 * DELAY_MS: the writer opens DELAY_MS after it saw the reader asleep in
 * open() (/proc/PID/syscall), so the reader waits in open() at least that
 * long (fs/pipe.c fifo_open(): a reader waits for a writer); at the end the
 * writer also opens it O_RDONLY|O_NONBLOCK, which never waits.
 * Prints writer, reader, path, ino.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	unsigned long bytes = wl_arg(argc, argv, 2, 1000);
	unsigned long delay_ms = wl_arg(argc, argv, 3, 0);
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
