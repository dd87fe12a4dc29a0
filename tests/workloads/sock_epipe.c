// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A unix stream socketpair whose peer is closed: with SIGPIPE ignored,
 * exactly E writes fail with EPIPE (a socket, not a pipe).
 * Usage: sock_epipe E; prints parent, ino.
 */
#include "workload.h"
#include <sys/socket.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	unsigned long e = wl_arg(argc, argv, 1, 5), fails = 0;
	struct stat st;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || fstat(sv[0], &st))
		wl_die("socketpair");
	close(sv[1]);
	signal(SIGPIPE, SIG_IGN);
	printf("parent=%d\nino=%lu\n", getpid(), (unsigned long)st.st_ino);
	fflush(stdout);
	for (unsigned long i = 0; i < e; i++)
		if (write(sv[0], "x", 1) < 0 && errno == EPIPE)
			fails++;
	return fails == e ? 0 : 1;
}
