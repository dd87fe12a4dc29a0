// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A process with a worker thread, for -p given a thread's id (what
 * gettid(), top -H or ps -L show): prints pid= and tid= (the worker's),
 * waits for a byte on stdin (the tracer is attached), then sends its own
 * process SIGUSR1 3 times with kill() and its worker SIGUSR2 2 times with
 * tgkill(), each handled before the next, and exits 0.
 */
#include "workload.h"
#include <pthread.h>
#include <sys/syscall.h>

static volatile sig_atomic_t usr1, usr2;
static volatile pid_t worker_tid;
static volatile int done;

static void on_usr(int sig)
{
	if (sig == SIGUSR1)
		usr1++;
	else
		usr2++;
}

static void *worker(void *arg)
{
	time_t end = time(NULL) + WL_DEADLINE_S;

	(void)arg;
	worker_tid = (pid_t)syscall(SYS_gettid);
	while (!done && time(NULL) < end)
		wl_nap();
	return NULL;
}

/* Waits until the count reaches want, within the deadline. */
static void wait_count(volatile sig_atomic_t *count, int want)
{
	time_t end = time(NULL) + WL_DEADLINE_S;

	while (*count < want && time(NULL) < end)
		wl_nap();
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr };
	time_t end = time(NULL) + WL_DEADLINE_S;
	pthread_t t;
	sigset_t usr;

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	/* Only the main thread takes SIGUSR1: the worker naps with it blocked. */
	sigemptyset(&usr);
	sigaddset(&usr, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr, NULL);
	if (pthread_create(&t, NULL, worker, NULL))
		wl_die("pthread_create");
	pthread_sigmask(SIG_UNBLOCK, &usr, NULL);
	while (!worker_tid && time(NULL) < end)
		wl_nap();
	printf("pid=%d\ntid=%d\n", getpid(), (int)worker_tid);
	fflush(stdout);
	wl_wait_byte(0);
	for (int i = 1; i <= 3; i++) {
		kill(getpid(), SIGUSR1);
		wait_count(&usr1, i);
	}
	for (int i = 1; i <= 2; i++) {
		syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR2);
		wait_count(&usr2, i);
	}
	done = 1;
	pthread_join(t, NULL);
	printf("usr1=%d\nusr2=%d\n", (int)usr1, (int)usr2);
	return 0;
}
