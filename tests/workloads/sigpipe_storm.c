// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * An EPIPE storm of known size and pace, as a Python writer makes one:
 *   sigpipe_storm B RATE STORM_MS QUIET_MS CODE
 * The reader (a child) reads exactly B bytes, then exits with status CODE
 * with its read end still open. The writer ignores SIGPIPE, writes those B
 * bytes first, then writes 1 byte at RATE per second for STORM_MS (every
 * write fails with EPIPE), then stays quiet for QUIET_MS so a storm's end
 * can be seen. Prints writer, reader, ino, bytes and epipe (its own count).
 */
#include "workload.h"
#include <stdint.h>
#include <sys/stat.h>

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	unsigned long bytes = wl_arg(argc, argv, 1, 4096), rate = wl_arg(argc, argv, 2, 5000);
	unsigned long storm_ms = wl_arg(argc, argv, 3, 2000), quiet_ms = wl_arg(argc, argv, 4, 0);
	int code = (int)wl_arg(argc, argv, 5, 3);
	unsigned long epipe = 0, done = 0;
	char buf[4096];
	struct stat st;
	uint64_t start;
	pid_t reader;
	int fd[2];

	if (storm_ms > WL_DEADLINE_S * 1000UL || quiet_ms > WL_DEADLINE_S * 1000UL)
		wl_die("STORM_MS and QUIET_MS are bounded by the workload deadline");
	if (pipe(fd) || fstat(fd[0], &st))
		wl_die("pipe");
	reader = wl_fork();
	if (reader == 0) {
		unsigned long got = 0;

		close(fd[1]);
		while (got < bytes) {
			ssize_t n = read(fd[0], buf, sizeof(buf));

			if (n <= 0)
				_exit(98);
			got += (unsigned long)n;
		}
		_exit(code); /* fd[0] still open: the exit closes it */
	}
	close(fd[0]);
	signal(SIGPIPE, SIG_IGN);
	memset(buf, 'x', sizeof(buf));
	while (done < bytes) {
		size_t n = bytes - done < sizeof(buf) ? bytes - done : sizeof(buf);
		ssize_t w = write(fd[1], buf, n);

		if (w <= 0)
			wl_die("write before the storm");
		done += (unsigned long)w;
	}
	wl_reap(reader);
	/* Paced in 1 ms steps: RATE/1000 writes each (at least one every step). */
	start = mono_ms();
	for (uint64_t now = start; now - start < storm_ms; now = mono_ms()) {
		unsigned long due = (unsigned long)((now - start + 1) * rate / 1000);

		while (epipe < due) {
			if (write(fd[1], "x", 1) >= 0 || errno != EPIPE)
				wl_die("a write after the reader left did not fail with EPIPE");
			epipe++;
		}
		wl_sleep_ms(1);
	}
	wl_sleep_ms((long)quiet_ms);
	printf("writer=%d\nreader=%d\nino=%lu\nbytes=%lu\nepipe=%lu\n", getpid(), reader,
	       (unsigned long)st.st_ino, done, epipe);
	return 0;
}
