/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Helpers for the ground-truth workloads: each one does exactly what its
 * name says, prints the pids a test needs as "key=value" lines on stdout,
 * and never waits unboundedly (every wait has a deadline).
 */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WL_DEADLINE_S 20 /* no workload step may take longer */

static inline void wl_die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(99);
}

static inline void wl_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * What a "while (!flag) pause();" loop should call instead: a signal that
 * lands between the check and pause() would leave pause() waiting for one
 * that never comes. A nap of at most 10 ms is interrupted by the signal
 * just the same and bounds that window, without blocking the signal (tests
 * assert the target did not have it blocked).
 */
static inline void wl_nap(void)
{
	struct timespec ts = { 0, 10 * 1000000L };

	nanosleep(&ts, NULL);
}

static inline unsigned long wl_arg(int argc, char **argv, int i, unsigned long dflt)
{
	return argc > i ? strtoul(argv[i], NULL, 10) : dflt;
}

/*
 * Waits until fd has something to read (or its peer closed it), giving up
 * after the deadline: the handshake pipes stay open on both sides, so a
 * peer that died would leave a plain read() asleep for good.
 */
static inline void wl_wait_readable(int fd)
{
	time_t end = time(NULL) + WL_DEADLINE_S;
	struct pollfd in = { .fd = fd, .events = POLLIN };

	while (poll(&in, 1, 1000) <= 0) /* timed out or EINTR: check the deadline */
		if (time(NULL) > end) {
			errno = ETIMEDOUT;
			wl_die("waiting for the peer");
		}
}

/* Reads one byte, retrying on EINTR, giving up after the deadline. */
static inline void wl_wait_byte(int fd)
{
	char c;

	for (;;) {
		ssize_t n;

		wl_wait_readable(fd);
		n = read(fd, &c, 1);
		if (n == 1)
			return;
		if (n == 0) {
			errno = EPIPE;
			wl_die("peer closed the handshake pipe");
		}
		if (errno != EINTR)
			wl_die("handshake read");
	}
}

/*
 * Waits until process pid sleeps in syscall nr or nr2 (the first field of
 * /proc/PID/syscall, "running" while it is on a CPU): a timed wait must
 * start its clock only once the other side really waits, or a preempted
 * peer shortens the wait the test asserts.
 */
static inline void wl_wait_asleep_in(pid_t pid, long nr, long nr2)
{
	time_t end = time(NULL) + WL_DEADLINE_S;
	char path[64], line[32];

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	while (time(NULL) <= end) {
		FILE *f = fopen(path, "r");
		char *rest;
		long got;

		if (!f)
			wl_die(path);
		line[0] = '\0';
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
		got = strtol(line, &rest, 10);
		if (rest != line && (got == nr || got == nr2))
			return;
		wl_sleep_ms(1);
	}
	errno = ETIMEDOUT;
	wl_die("waiting for the peer to block");
}

static inline void wl_send_byte(int fd)
{
	while (write(fd, "x", 1) != 1)
		if (errno != EINTR)
			wl_die("handshake write");
}

/* A child that dies with us, so a failed test leaves nothing behind. */
static inline pid_t wl_fork(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		wl_die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(98);
	}
	return pid;
}

/* One-byte channels: the child says "ready", the parent says "go". */
struct wl_sync {
	int ready[2];
	int go[2];
};

/* Forks a child with both channels open on each side. */
static inline pid_t wl_fork_synced(struct wl_sync *s)
{
	if (pipe(s->ready) || pipe(s->go))
		wl_die("pipe");
	return wl_fork();
}

/* The pids a test filters on, then the workload's own parameters. */
static inline void wl_print_pids(pid_t child)
{
	printf("parent=%d\nchild=%d\n", getpid(), child);
}

static inline int wl_reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			wl_die("waitpid");
	return status;
}

#endif /* WORKLOAD_H */
