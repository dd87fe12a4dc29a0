// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Bytes moved between pipes without read/write copies, B bytes each step:
 *   vmsplice(user buffer -> pipe a); tee(a -> b); splice(b -> c);
 *   read(c) and read(a) drain what is left.
 * Pipe a is written B (vmsplice) and read 2B (tee copies without
 * consuming, then read); b is written B (tee) and read B (splice); c is
 * written B (splice) and read B (read). Prints pid and the three inodes.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

static unsigned long ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		wl_die("fstat");
	return (unsigned long)st.st_ino;
}

static void drain(int fd, size_t want)
{
	char buf[4096];

	while (want) {
		ssize_t n = read(fd, buf, want < sizeof(buf) ? want : sizeof(buf));

		if (n <= 0)
			wl_die("drain");
		want -= (size_t)n;
	}
}

int main(int argc, char **argv)
{
	size_t b = wl_arg(argc, argv, 1, 1000);
	static char data[8192];
	struct iovec iov = { data, b };
	int a[2], bp[2], c[2];

	if (b > sizeof(data))
		wl_die("B is at most 8192");
	memset(data, 'v', b);
	if (pipe(a) || pipe(bp) || pipe(c))
		wl_die("pipe");
	if (vmsplice(a[1], &iov, 1, 0) != (ssize_t)b)
		wl_die("vmsplice");
	if (tee(a[0], bp[1], b, 0) != (ssize_t)b)
		wl_die("tee");
	if (splice(bp[0], NULL, c[1], NULL, b, 0) != (ssize_t)b)
		wl_die("splice");
	drain(c[0], b);
	drain(a[0], b);
	printf("pid=%d\nino_a=%lu\nino_b=%lu\nino_c=%lu\n", getpid(), ino_of(a[0]), ino_of(bp[0]),
	       ino_of(c[0]));
	return 0;
}
