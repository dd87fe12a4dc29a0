// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A signal handler cutting syscalls short, as signal(7) "Interruption of
 * system calls" tells: the child waits in a call, the parent sends it
 * SIGUSR1 once it is asleep there (/proc/PID/syscall names the call), and
 * waits for the handler's byte before the next step:
 *  1. read() on an empty pipe, handler without SA_RESTART: EINTR;
 *  2. read() again, handler with SA_RESTART: restarted, then gets the byte
 *     the parent writes;
 *  3. pause(): EINTR whatever SA_RESTART says;
 *  4. nanosleep(): EINTR too (restarted only for stops, not handlers).
 * Prints child= and, from the child, outcome1..4=eintr|restarted as it saw them.
 * Usage: sig_interrupt
 */
#include "workload.h"
#include <sys/syscall.h>

static volatile sig_atomic_t handled;
static int ack = -1; /* the handler tells the parent it ran: the next step may begin */

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
	if (write(ack, "h", 1) != 1)
		_exit(97);
}

/* Until child sleeps in syscall nr (first field of /proc/PID/syscall), within the deadline. */
static void wait_in_syscall(pid_t child, long nr)
{
	char path[64], buf[128];
	time_t deadline = time(NULL) + WL_DEADLINE_S;

	snprintf(path, sizeof(path), "/proc/%d/syscall", child);
	while (time(NULL) < deadline) {
		FILE *f = fopen(path, "r");
		long seen = -2;

		if (f) {
			/* "running" while it runs: only a number means asleep in a call */
			if (fgets(buf, sizeof(buf), f) && buf[0] >= '0' && buf[0] <= '9')
				seen = strtol(buf, NULL, 10);
			fclose(f);
		}
		if (seen == nr)
			return;
		wl_sleep_ms(1);
	}
	fprintf(stderr, "workload: child never slept in syscall %ld\n", nr);
	kill(child, SIGKILL);
	exit(99);
}

static void child(int rd)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec long_sleep = { WL_DEADLINE_S, 0 };
	char byte;
	ssize_t n;

	sigaction(SIGUSR1, &sa, NULL);
	n = read(rd, &byte, 1);
	printf("outcome1=%s\n", n < 0 && errno == EINTR ? "eintr" : "other");
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	n = read(rd, &byte, 1);
	printf("outcome2=%s\n", n == 1 && handled == 2 ? "restarted" : "other");
	printf("outcome3=%s\n", pause() < 0 && errno == EINTR ? "eintr" : "other");
	n = syscall(SYS_nanosleep, &long_sleep, NULL);
	printf("outcome4=%s\n", n < 0 && errno == EINTR ? "eintr" : "other");
	fflush(stdout);
	_exit(handled == 4 ? 0 : 98);
}

int main(void)
{
	static const long calls[] = { SYS_read, SYS_read, SYS_pause, SYS_nanosleep };
	int fd[2], acks[2], status;
	pid_t pid;

	if (pipe(fd) || pipe(acks))
		wl_die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		wl_die("fork");
	if (pid == 0) {
		close(fd[1]);
		close(acks[0]);
		ack = acks[1];
		child(fd[0]);
	}
	close(fd[0]);
	close(acks[1]);
	printf("child=%d\n", pid);
	fflush(stdout);
	for (int i = 0; i < 4; i++) {
		wait_in_syscall(pid, calls[i]);
		kill(pid, SIGUSR1);
		wl_wait_byte(acks[0]);
		if (i == 1) {
			wait_in_syscall(pid, SYS_read); /* restarted: asleep in it again */
			if (write(fd[1], "x", 1) != 1)
				wl_die("write");
		}
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return 99;
	return 0;
}
