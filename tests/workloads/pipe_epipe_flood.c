// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * An EPIPE storm at the highest rate this machine reaches:
 *   pipe_epipe_flood SECONDS
 * A pipe whose read end is closed; SIGPIPE ignored; 1-byte writes as fast
 * as possible for SECONDS (CLOCK_MONOTONIC). Every write fails with EPIPE
 * (fs/pipe.c pipe_write: no readers), and each raises a SIGPIPE the kernel
 * discards as ignored. Prints writer and ino, then its own truth: epipe
 * (writes that failed with EPIPE: all of them, or it exits 99).
 */
#include "workload.h"
#include <stdint.h>
#include <sys/stat.h>

#define FLOOD_MAX_S 600

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long seconds = wl_arg(argc, argv, 1, 30), epipe = 0;
	struct stat st;
	uint64_t end;
	int fd[2];

	if (!seconds || seconds > FLOOD_MAX_S)
		wl_die("SECONDS must be 1 to 600");
	if (pipe(fd) || fstat(fd[1], &st))
		wl_die("pipe");
	close(fd[0]);
	signal(SIGPIPE, SIG_IGN);
	printf("writer=%d\nino=%lu\n", getpid(), (unsigned long)st.st_ino);
	fflush(stdout);
	end = mono_ns() + seconds * 1000000000ULL;
	do {
		for (int i = 0; i < 1024; i++) {
			if (write(fd[1], "x", 1) >= 0 || errno != EPIPE)
				wl_die("a write to a pipe without readers did not fail with EPIPE");
			epipe++;
		}
	} while (mono_ns() < end);
	printf("epipe=%lu\n", epipe);
	return 0;
}
