// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A pipeline's writer, traced alone (ipcscope -p): its stdout is the pipe
 * to a reader it does not know. Once GOFILE exists it writes B bytes,
 * waits for the reader to be gone (poll's POLLERR on a pipe without
 * readers, fs/pipe.c pipe_poll()), then, SIGPIPE ignored, makes E writes
 * that fail with EPIPE. With "early" it writes the B bytes first, before
 * GOFILE (before tracing: the pipe is then one it has not used while
 * traced). With DELAY_MS it waits that long after the reader left before
 * the failing writes. Bounded: 30 s for GOFILE, 10 s for the reader.
 * Prints writer and ino (the pipe) on stderr.
 * Usage: pipe_writer_go GOFILE B E [early|late [DELAY_MS]]
 */
#include "workload.h"
#include <sys/stat.h>

int main(int argc, char **argv)
{
	unsigned long b = wl_arg(argc, argv, 2, 10), e = wl_arg(argc, argv, 3, 3), fails = 0;
	int early = argc > 4 && !strcmp(argv[4], "early");
	time_t until = time(NULL) + 30;
	struct stat st;
	char buf[256];

	if (argc < 4 || fstat(STDOUT_FILENO, &st))
		wl_die("usage: pipe_writer_go GOFILE B E [early], stdout a pipe");
	fprintf(stderr, "writer=%d\nino=%lu\n", getpid(), (unsigned long)st.st_ino);
	memset(buf, 'x', sizeof(buf));
	for (int pass = 0; pass < 2; pass++) {
		if (pass == early) {
			while (access(argv[1], F_OK) && time(NULL) < until)
				wl_sleep_ms(10);
			continue;
		}
		for (unsigned long done = 0; done < b;) {
			size_t n = b - done < sizeof(buf) ? b - done : sizeof(buf);
			ssize_t w = write(STDOUT_FILENO, buf, n);

			if (w <= 0)
				wl_die("write");
			done += w;
		}
	}
	until = time(NULL) + 10;
	for (;;) {
		struct pollfd out = { .fd = STDOUT_FILENO, .events = 0 };

		if (poll(&out, 1, 10) == 1 && (out.revents & POLLERR))
			break;
		if (time(NULL) >= until)
			wl_die("the reader did not go");
	}
	wl_sleep_ms((long)wl_arg(argc, argv, 5, 0));
	signal(SIGPIPE, SIG_IGN);
	for (unsigned long i = 0; i < e; i++)
		if (write(STDOUT_FILENO, "x", 1) < 0 && errno == EPIPE)
			fails++;
	return fails == e ? 0 : 1;
}
