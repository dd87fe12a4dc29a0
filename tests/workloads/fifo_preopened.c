// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A writer that opened two FIFOs before ipcscope started, so no fifo_open
 * record names them: it waits for a byte on stdin (the test starts
 * `ipcscope -p WRITER` first), then
 *   FIFO a: writes BYTES in 100-byte writes to reader_a, which reads them
 *           and exits; then E one-byte writes fail with EPIPE (SIGPIPE
 *           ignored);
 *   FIFO b: opened non-blocking, its reader not reading yet: one write of
 *           100000 bytes fills the pipe and returns less (partial), the
 *           next fails with EAGAIN.
 * It prints "done=1" and keeps both FIFOs open until stdin closes, so the
 * tracer can name them from /proc/PID/fd until its end.
 * Usage: fifo_preopened DIR BYTES E. Prints writer, reader_a, reader_b,
 * path_a, ino_a, dev_a (st_dev), path_b, ino_b, dev_b, ready=1, then its own
 * counts b_bytes, b_partial, b_eagain, epipe.
 */
#include "workload.h"
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>

#define B_WRITE 100000

static void read_exactly(const char *path, unsigned long bytes)
{
	char buf[100];
	unsigned long got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		_exit(1);
	while (got < bytes && (n = read(fd, buf, sizeof(buf))) > 0)
		got += n;
	_exit(got == bytes ? 0 : 2); /* the read end closes with the exit */
}

/* Opens only once told (go), then drains to EOF: the writer's b stays full until then. */
static void read_after_go(const char *path, struct wl_sync *s)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		_exit(1);
	wl_wait_byte(s->go[0]);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	_exit(0);
}

/* Open for writing (waits for the reader), then optionally non-blocking; stat it. */
static int open_writer(const char *path, bool nonblock, struct stat *st)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || fstat(fd, st) || (nonblock && fcntl(fd, F_SETFL, O_NONBLOCK)))
		wl_die("open FIFO");
	return fd;
}

/* Waits (bounded) until the test closes stdin: the tracer has stopped by then. */
static void wait_stdin_closed(void)
{
	char c;

	wl_wait_readable(0);
	while (read(0, &c, 1) > 0)
		wl_wait_readable(0);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	unsigned long bytes = wl_arg(argc, argv, 2, 5000), e = wl_arg(argc, argv, 3, 7);
	unsigned long epipe = 0, b_partial = 0, b_eagain = 0, b_bytes = 0;
	static char buf[B_WRITE];
	char path_a[256], path_b[256];
	struct stat st_a, st_b;
	struct wl_sync s;
	pid_t reader_a, reader_b;
	int fd_a, fd_b;
	ssize_t n;

	snprintf(path_a, sizeof(path_a), "%s/ipcscope-preopened-%d-a", dir, getpid());
	snprintf(path_b, sizeof(path_b), "%s/ipcscope-preopened-%d-b", dir, getpid());
	unlink(path_a);
	unlink(path_b);
	if (bytes % 100 || mkfifo(path_a, 0600) || mkfifo(path_b, 0600))
		wl_die("mkfifo");
	signal(SIGPIPE, SIG_IGN);
	reader_a = wl_fork();
	if (reader_a == 0)
		read_exactly(path_a, bytes);
	reader_b = wl_fork_synced(&s);
	if (reader_b == 0)
		read_after_go(path_b, &s);
	fd_a = open_writer(path_a, false, &st_a);
	fd_b = open_writer(path_b, true, &st_b);
	printf("writer=%d\nreader_a=%d\nreader_b=%d\npath_a=%s\nino_a=%lu\ndev_a=%lu\n"
	       "path_b=%s\nino_b=%lu\ndev_b=%lu\nready=1\n", getpid(), reader_a, reader_b, path_a,
	       (unsigned long)st_a.st_ino, (unsigned long)st_a.st_dev, path_b,
	       (unsigned long)st_b.st_ino, (unsigned long)st_b.st_dev);
	fflush(stdout);
	wl_wait_byte(0);

	memset(buf, 'p', sizeof(buf));
	for (unsigned long i = 0; i < bytes / 100; i++)
		if (write(fd_a, buf, 100) != 100)
			wl_die("write a");
	if (wl_reap(reader_a) != 0)
		wl_die("reader_a");
	for (unsigned long i = 0; i < e; i++)
		if (write(fd_a, "x", 1) < 0 && errno == EPIPE)
			epipe++;
	for (int i = 0; i < 2; i++) {
		n = write(fd_b, buf, sizeof(buf));
		if (n > 0)
			b_bytes += n;
		b_partial += n > 0 && n < (ssize_t)sizeof(buf);
		b_eagain += n < 0 && errno == EAGAIN;
	}
	printf("b_bytes=%lu\nb_partial=%lu\nb_eagain=%lu\nepipe=%lu\ndone=1\n", b_bytes, b_partial,
	       b_eagain, epipe);
	fflush(stdout);

	wait_stdin_closed();
	close(fd_b);
	wl_send_byte(s.go[1]);
	wl_reap(reader_b);
	close(fd_a);
	unlink(path_a);
	unlink(path_b);
	return epipe == e && b_partial == 1 && b_eagain == 1 ? 0 : 1;
}
