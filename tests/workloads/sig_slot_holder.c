// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A "holder" process keeps one standard signal pending (SIGINT, blocked) and
 * one handler running (SIGHUP's, which waits on a pipe) while a child takes
 * exactly N handshaked SIGUSR1s to its handler. With one pending and one
 * handler slot for everybody (IPCSCOPE_THREAD_SLOTS=1), the holder has both
 * the whole time, so every one of the child's signals is timed the other
 * way (bpf/signal_slots.bpf.h): the counts and timings must not change.
 * Truth: child SIGUSR1 N generated, queued, delivered, handler returns, N
 * pending times; holder SIGINT pending and SIGHUP handler each >= HOLD_MS.
 * Usage: sig_slot_holder [N] [HOLD_MS]
 */
#include "workload.h"

static int ack_fd, in_handler_fd, release_fd;
static volatile sig_atomic_t got_usr1, got_hup, got_int;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
	wl_send_byte(ack_fd);
}

/* Runs until the parent releases it: the holder's thread is in a handler. */
static void on_hup(int sig)
{
	(void)sig;
	wl_send_byte(in_handler_fd);
	wl_wait_byte(release_fd);
	got_hup = 1;
}

static void on_int(int sig)
{
	(void)sig;
	got_int = 1;
}

static void holder(int ready_fd)
{
	struct sigaction hup = { .sa_handler = on_hup }, intr = { .sa_handler = on_int };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGHUP, &hup, NULL);
	sigaction(SIGINT, &intr, NULL);
	wl_send_byte(ready_fd);
	for (time_t end = time(NULL) + WL_DEADLINE_S; !got_hup && time(NULL) <= end;)
		wl_nap();
	sigprocmask(SIG_UNBLOCK, &block, NULL); /* SIGINT is delivered here */
	_exit(got_int ? 0 : 97);
}

static pid_t handshaker(int ready_fd, unsigned long n)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pid_t pid = wl_fork();

	if (pid)
		return pid;
	sigaction(SIGUSR1, &sa, NULL);
	wl_send_byte(ready_fd);
	for (time_t end = time(NULL) + WL_DEADLINE_S; (unsigned long)got_usr1 < n;)
		if (time(NULL) > end)
			_exit(96);
		else
			wl_nap();
	_exit(0);
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

int main(int argc, char **argv)
{
	unsigned long n = wl_arg(argc, argv, 1, 200);
	long hold_ms = wl_arg(argc, argv, 2, 300);
	int ready[2], in_handler[2], release[2], ack[2];
	struct timespec held_since;
	pid_t hold, child;
	int st_hold, st_child;

	if (pipe(ready) || pipe(in_handler) || pipe(release) || pipe(ack))
		wl_die("pipe");
	in_handler_fd = in_handler[1];
	release_fd = release[0];
	ack_fd = ack[1];
	hold = wl_fork();
	if (hold == 0)
		holder(ready[1]);
	wl_wait_byte(ready[0]);
	if (kill(hold, SIGINT) || kill(hold, SIGHUP))
		wl_die("kill holder");
	wl_wait_byte(in_handler[0]);
	clock_gettime(CLOCK_MONOTONIC, &held_since);

	child = handshaker(ready[1], n);
	printf("parent=%d\nholder=%d\nchild=%d\nn=%lu\n", getpid(), hold, child, n);
	fflush(stdout);
	wl_wait_byte(ready[0]);
	for (unsigned long i = 0; i < n; i++) {
		if (kill(child, SIGUSR1))
			wl_die("kill child");
		wl_wait_byte(ack[0]);
	}
	st_child = wl_reap(child);
	if (elapsed_ms(&held_since) < hold_ms)
		wl_sleep_ms(hold_ms - elapsed_ms(&held_since) + 1);
	wl_send_byte(release[1]);
	st_hold = wl_reap(hold);
	return WEXITSTATUS(st_child) ? WEXITSTATUS(st_child) : WEXITSTATUS(st_hold);
}
