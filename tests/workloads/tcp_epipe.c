// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A TCP connection over 127.0.0.1 whose client has shut down its sending
 * side: with SIGPIPE ignored, exactly E writes fail with EPIPE.
 * Usage: tcp_epipe E; prints pid, ino (client socket), lport, rport.
 */
#include "workload.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	unsigned long e = wl_arg(argc, argv, 1, 5), fails = 0;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int srv, cli, peer;
	struct stat st;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = socket(AF_INET, SOCK_STREAM, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&addr, sizeof(addr)) || listen(srv, 1) ||
	    getsockname(srv, (struct sockaddr *)&addr, &len))
		wl_die("listen");
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (cli < 0 || connect(cli, (struct sockaddr *)&addr, sizeof(addr)))
		wl_die("connect");
	peer = accept(srv, NULL, NULL);
	if (peer < 0 || fstat(cli, &st) || shutdown(cli, SHUT_WR))
		wl_die("accept");
	len = sizeof(addr);
	if (getsockname(cli, (struct sockaddr *)&addr, &len))
		wl_die("getsockname");
	signal(SIGPIPE, SIG_IGN);
	for (unsigned long i = 0; i < e; i++)
		if (write(cli, "x", 1) < 0 && errno == EPIPE)
			fails++;
	printf("pid=%d\nino=%lu\nlport=%u\n", getpid(), (unsigned long)st.st_ino,
	       ntohs(addr.sin_port));
	len = sizeof(addr);
	if (getpeername(cli, (struct sockaddr *)&addr, &len))
		wl_die("getpeername");
	printf("rport=%u\n", ntohs(addr.sin_port));
	return fails == e ? 0 : 1;
}
