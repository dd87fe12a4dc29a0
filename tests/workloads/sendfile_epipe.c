// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * EPIPE through sendfile(2), as servers write: with SIGPIPE ignored, E
 * sendfile calls into a pipe whose reader is gone and E into a unix socket
 * whose peer is closed fail with EPIPE; then, with SIGPIPE back to its
 * default, E send(MSG_NOSIGNAL) calls on that socket fail with EPIPE and
 * raise no SIGPIPE.
 * Usage: sendfile_epipe E DIR; prints pid, pipe (ino), sock (ino).
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>

static unsigned long sendfile_epipes(int out, int in, unsigned long e)
{
	unsigned long fails = 0;

	for (unsigned long i = 0; i < e; i++) {
		off_t off = 0;

		if (sendfile(out, in, &off, 1) < 0 && errno == EPIPE)
			fails++;
	}
	return fails;
}

int main(int argc, char **argv)
{
	unsigned long e = wl_arg(argc, argv, 1, 5), fails = 0;
	char path[512];
	struct stat pst, sst;
	int fd[2], sv[2], file;

	if (argc < 3)
		wl_die("usage: sendfile_epipe E DIR");
	snprintf(path, sizeof(path), "%s/sendfile_epipe.data", argv[2]);
	file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (file < 0 || write(file, "data", 4) != 4)
		wl_die("data file");
	if (pipe(fd) || fstat(fd[1], &pst) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
	    fstat(sv[0], &sst))
		wl_die("pipe/socketpair");
	close(fd[0]);
	close(sv[1]);
	printf("pid=%d\npipe=%lu\nsock=%lu\n", getpid(), (unsigned long)pst.st_ino,
	       (unsigned long)sst.st_ino);
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN);
	fails += sendfile_epipes(fd[1], file, e);
	fails += sendfile_epipes(sv[0], file, e);
	signal(SIGPIPE, SIG_DFL); /* MSG_NOSIGNAL must keep this process alive */
	for (unsigned long i = 0; i < e; i++)
		if (send(sv[0], "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE)
			fails++;
	unlink(path);
	return fails == 3 * e ? 0 : 1;
}
