// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A TCP connection over 127.0.0.1 whose client has shut down its sending
 * side: with SIGPIPE ignored, exactly E writes fail with EPIPE.
 * tcp_epipe E reset: the server resets the connection instead (SO_LINGER
 * 0, then close), as a peer that went away does; the client's first write
 * fails with ECONNRESET, the next E with EPIPE. The kernel has then closed
 * the socket and zeroed its bound port (inet_put_port()): the local port
 * must still be named.
 * Usage: tcp_epipe E [reset]; prints pid, ino (client socket), lport, rport.
 */
#include "workload.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	unsigned long e = wl_arg(argc, argv, 1, 5), fails = 0;
	struct sockaddr_in addr = { .sin_family = AF_INET }, remote;
	socklen_t len = sizeof(addr), rlen = sizeof(remote);
	int reset = argc > 2 && !strcmp(argv[2], "reset");
	struct linger abort_close = { .l_onoff = 1, .l_linger = 0 };
	int srv, cli, peer;
	char c;
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
	if (peer < 0 || fstat(cli, &st))
		wl_die("accept");
	len = sizeof(addr);
	if (getsockname(cli, (struct sockaddr *)&addr, &len) ||
	    getpeername(cli, (struct sockaddr *)&remote, &rlen))
		wl_die("getsockname");
	if (!reset && shutdown(cli, SHUT_WR))
		wl_die("shutdown");
	if (reset) {
		if (setsockopt(peer, SOL_SOCKET, SO_LINGER, &abort_close, sizeof(abort_close)) ||
		    close(peer))
			wl_die("reset");
		/* Over loopback the RST is in before recv looks; it takes the error. */
		if (recv(cli, &c, 1, 0) >= 0 || errno != ECONNRESET)
			wl_die("no reset seen");
	}
	signal(SIGPIPE, SIG_IGN);
	for (unsigned long i = 0; i < e; i++)
		if (write(cli, "x", 1) < 0 && errno == EPIPE)
			fails++;
	printf("pid=%d\nino=%lu\nlport=%u\nrport=%u\n", getpid(), (unsigned long)st.st_ino,
	       ntohs(addr.sin_port), ntohs(remote.sin_port));
	return fails == e ? 0 : 1;
}
