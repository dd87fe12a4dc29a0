// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Benchmark storms, pinned to one CPU, run for a fixed time; prints
 * "ops=N seconds=S parent=P child=C".
 *   storm sig SECONDS CPU    handshaked SIGUSR1/SIGUSR2 ping-pong, ops = signals
 *   storm epipe SECONDS CPU  1-byte writes to a pipe with no reader, SIGPIPE
 *                            ignored, ops = failed writes (each one a SIGPIPE)
 *   storm pingpong SECONDS CPU  1-byte ping-pong over two pipes, ops = messages
 *   storm stream1 SECONDS CPU   1-byte writes streamed to a reader, ops = writes
 *   storm stream64k SECONDS CPU 64 KiB writes streamed to a reader, ops = writes
 *   storm msgq SECONDS CPU      System V message ping-pong, ops = messages sent
 *   storm sem SECONDS CPU       semop ping-pong on two semaphores, ops = semop calls
 *   storm shmat SECONDS CPU     shmat/shmdt of one segment in a loop, ops = shmat calls
 *   storm getppid SECONDS CPU   getppid() in a loop, ops = calls: a syscall ipcscope
 *                               does not follow, what every other program pays
 * Pipe storms also print ino (the pipe the parent writes) and bytes; the
 * System V ones the object's id (msqid, semid, shmid).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("sched_setaffinity");
}

static volatile sig_atomic_t got;

static void on_sig(int sig)
{
	(void)sig;
	got = 1;
}

static int sig_storm(double seconds)
{
	struct sigaction sa = { .sa_handler = on_sig };
	sigset_t block, wait_mask;
	unsigned long long rounds = 0;
	pid_t parent = getpid(), child;
	double start, end;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGUSR1);
	sigdelset(&wait_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	child = fork();
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			while (!got)
				sigsuspend(&wait_mask);
			got = 0;
			kill(parent, SIGUSR2);
		}
	}
	start = now_s();
	end = start + seconds;
	do {
		for (int i = 0; i < 256; i++) {
			kill(child, SIGUSR1);
			while (!got)
				sigsuspend(&wait_mask);
			got = 0;
			rounds++;
		}
	} while (now_s() < end);
	end = now_s();
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	printf("ops=%llu seconds=%.3f parent=%d child=%d\n", rounds * 2, end - start, parent,
	       child);
	return 0;
}

static int epipe_storm(double seconds)
{
	unsigned long long n = 0;
	double start, end;
	int fds[2];

	signal(SIGPIPE, SIG_IGN);
	if (pipe(fds))
		return 1;
	close(fds[0]);
	start = now_s();
	end = start + seconds;
	do {
		for (int i = 0; i < 1024; i++)
			if (write(fds[1], "x", 1) < 0 && errno == EPIPE)
				n++;
	} while (now_s() < end);
	end = now_s();
	printf("ops=%llu seconds=%.3f parent=%d child=0\n", n, end - start, getpid());
	return 0;
}

static int pipe_storm(double seconds, size_t chunk, bool pingpong)
{
	static char buf[1 << 16];
	unsigned long long n = 0, bytes = 0;
	int down[2], up[2];
	double start, end;
	struct stat st;
	pid_t child;

	if (pipe(down) || pipe(up) || fstat(down[1], &st))
		return 1;
	child = fork();
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(down[1]);
		close(up[0]);
		for (;;) {
			ssize_t got = read(down[0], buf, pingpong ? 1 : sizeof(buf));

			if (got <= 0)
				_exit(0);
			if (pingpong && write(up[1], buf, 1) != 1)
				_exit(1);
		}
	}
	close(down[0]);
	close(up[1]);
	start = now_s();
	end = start + seconds;
	do {
		for (int i = 0; i < 256; i++) {
			if (write(down[1], buf, chunk) != (ssize_t)chunk)
				return 1;
			bytes += chunk;
			n++;
			if (pingpong && read(up[0], buf, 1) == 1)
				n++;
		}
	} while (now_s() < end);
	end = now_s();
	close(down[1]);
	waitpid(child, NULL, 0);
	printf("ops=%llu seconds=%.3f parent=%d child=%d ino=%lu bytes=%llu\n", n, end - start,
	       getpid(), child, (unsigned long)st.st_ino, bytes);
	return 0;
}

static pid_t child_for_storm(void)
{
	pid_t child = fork();

	if (child == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	return child;
}

struct bench_msg {
	long mtype;
	char c;
};

/* The parent sends type 1 and waits for type 2; the child answers each one. */
static int msgq_storm(double seconds)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct bench_msg m = { 1, 'x' };
	unsigned long long n = 0;
	double start, end;
	pid_t child;

	if (id < 0)
		return 1;
	child = child_for_storm();
	if (child == 0) {
		for (;;) {
			if (msgrcv(id, &m, 1, 1, 0) != 1)
				_exit(0); /* removed: done */
			m.mtype = 2;
			if (msgsnd(id, &m, 1, 0))
				_exit(0);
		}
	}
	start = now_s();
	end = start + seconds;
	do {
		for (int i = 0; i < 256; i++) {
			m.mtype = 1;
			if (msgsnd(id, &m, 1, 0) || msgrcv(id, &m, 1, 2, 0) != 1)
				return 1;
			n += 2;
		}
	} while (now_s() < end);
	end = now_s();
	msgctl(id, IPC_RMID, NULL);
	waitpid(child, NULL, 0);
	printf("ops=%llu seconds=%.3f parent=%d child=%d msqid=%d\n", n, end - start, getpid(),
	       child, id);
	return 0;
}

/* Semaphore 0 says "your turn, child", semaphore 1 "your turn, parent". */
static int sem_storm(double seconds)
{
	int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	struct sembuf v0 = { 0, 1, 0 }, p0 = { 0, -1, 0 }, v1 = { 1, 1, 0 }, p1 = { 1, -1, 0 };
	unsigned long long n = 0;
	double start, end;
	pid_t child;

	if (id < 0)
		return 1;
	child = child_for_storm();
	if (child == 0) {
		for (;;)
			if (semop(id, &p0, 1) || semop(id, &v1, 1))
				_exit(0); /* removed: done */
	}
	start = now_s();
	end = start + seconds;
	do {
		for (int i = 0; i < 256; i++) {
			if (semop(id, &v0, 1) || semop(id, &p1, 1))
				return 1;
			n += 4; /* the child's P and V too */
		}
	} while (now_s() < end);
	end = now_s();
	semctl(id, 0, IPC_RMID);
	waitpid(child, NULL, 0);
	printf("ops=%llu seconds=%.3f parent=%d child=%d semid=%d\n", n, end - start, getpid(),
	       child, id);
	return 0;
}

static int shmat_storm(double seconds)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	unsigned long long n = 0;
	double start, end;

	if (id < 0)
		return 1;
	start = now_s();
	end = start + seconds;
	do {
		for (int i = 0; i < 256; i++) {
			void *p = shmat(id, NULL, 0);

			if (p == (void *)-1 || shmdt(p))
				return 1;
			n++;
		}
	} while (now_s() < end);
	end = now_s();
	shmctl(id, IPC_RMID, NULL);
	printf("ops=%llu seconds=%.3f parent=%d child=0 shmid=%d\n", n, end - start, getpid(), id);
	return 0;
}

/* The raw syscall: libc may not cache getppid, but say so. */
static int getppid_storm(double seconds)
{
	unsigned long long n = 0;
	double start, end;

	start = now_s();
	end = start + seconds;
	do {
		for (int i = 0; i < 1024; i++)
			syscall(SYS_getppid);
		n += 1024;
	} while (now_s() < end);
	end = now_s();
	printf("ops=%llu seconds=%.3f parent=%d child=0\n", n, end - start, getpid());
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = argc > 2 ? atof(argv[2]) : 2;

	if (argc < 2 || seconds <= 0 || seconds > 600) {
		fprintf(stderr, "usage: storm sig|epipe|pingpong|stream1|stream64k|msgq|sem|shmat|getppid"
				" SECONDS [CPU]\n");
		return 2;
	}
	pin(argc > 3 ? atoi(argv[3]) : 1);
	if (!strcmp(argv[1], "sig"))
		return sig_storm(seconds);
	if (!strcmp(argv[1], "epipe"))
		return epipe_storm(seconds);
	if (!strcmp(argv[1], "pingpong"))
		return pipe_storm(seconds, 1, true);
	if (!strcmp(argv[1], "stream1"))
		return pipe_storm(seconds, 1, false);
	if (!strcmp(argv[1], "stream64k"))
		return pipe_storm(seconds, 1 << 16, false);
	if (!strcmp(argv[1], "msgq"))
		return msgq_storm(seconds);
	if (!strcmp(argv[1], "sem"))
		return sem_storm(seconds);
	if (!strcmp(argv[1], "shmat"))
		return shmat_storm(seconds);
	if (!strcmp(argv[1], "getppid"))
		return getppid_storm(seconds);
	fprintf(stderr, "storm: unknown mode %s\n", argv[1]);
	return 2;
}
