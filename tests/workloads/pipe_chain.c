// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * writer -> relay -> reader over two pipes, like `a | b | c`: the writer
 * sends exactly BYTES in 1000-byte writes, the relay copies everything it
 * reads, the reader drains to EOF. Prints writer, relay, reader, ino1, ino2.
 */
#include "workload.h"
#include <sys/stat.h>

static void drain(int in, int out)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (out >= 0 && write(out, buf, n) != n)
			wl_die("relay write");
}

int main(int argc, char **argv)
{
	unsigned long bytes = wl_arg(argc, argv, 1, 10000);
	char buf[1000];
	struct stat s1, s2;
	int a[2], b[2];
	pid_t relay, reader;

	if (bytes % sizeof(buf) || pipe(a) || pipe(b) || fstat(a[0], &s1) || fstat(b[0], &s2))
		wl_die("BYTES must be a multiple of 1000 / pipe");
	relay = wl_fork();
	if (relay == 0) {
		close(a[1]);
		close(b[0]);
		drain(a[0], b[1]);
		_exit(0);
	}
	reader = wl_fork();
	if (reader == 0) {
		close(a[0]);
		close(a[1]);
		close(b[1]);
		drain(b[0], -1);
		_exit(0);
	}
	close(a[0]);
	close(b[0]);
	close(b[1]);
	printf("writer=%d\nrelay=%d\nreader=%d\nino1=%lu\nino2=%lu\n", getpid(), relay, reader,
	       (unsigned long)s1.st_ino, (unsigned long)s2.st_ino);
	fflush(stdout);
	memset(buf, 'c', sizeof(buf));
	for (unsigned long i = 0; i < bytes / sizeof(buf); i++)
		if (write(a[1], buf, sizeof(buf)) != sizeof(buf))
			wl_die("write");
	close(a[1]);
	wl_reap(relay);
	return WEXITSTATUS(wl_reap(reader));
}
