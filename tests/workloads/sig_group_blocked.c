// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * "Blocked" for a signal to the whole process means every thread blocks
 * it (kernel/signal.c complete_signal() gives it to any that does not).
 * The main thread blocks SIGUSR2; a worker unblocks it and handles it.
 * Main sends N kill(getpid(), SIGUSR2), each handled by the worker before
 * the next: none blocked. Then the worker blocks it too and main sends one
 * more: blocked; main unblocks and handles it.
 * Prints pid, worker (its tid). Bounded by WL_DEADLINE_S in each wait.
 * Usage: sig_group_blocked [N]
 */
#include "workload.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>

static atomic_int handled;
static atomic_int worker_blocks; /* 1: the worker asked to block it, 2: it has */
static volatile pid_t worker_tid;

static void on_usr2(int sig)
{
	(void)sig;
	atomic_fetch_add(&handled, 1);
}

static void wait_until(atomic_int *v, int want)
{
	time_t end = time(NULL) + WL_DEADLINE_S;

	while (atomic_load(v) < want)
		if (time(NULL) > end)
			wl_die("waiting for the other thread");
		else
			wl_sleep_ms(1);
}

static void *worker(void *arg)
{
	sigset_t usr2;

	(void)arg;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	worker_tid = (pid_t)syscall(SYS_gettid);
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
	wait_until(&worker_blocks, 1);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	atomic_store(&worker_blocks, 2);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = (int)wl_arg(argc, argv, 1, 5);
	sigset_t usr2;
	pthread_t t;

	signal(SIGUSR2, on_usr2);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	if (pthread_create(&t, NULL, worker, NULL))
		wl_die("pthread_create");
	while (!worker_tid)
		wl_sleep_ms(1);
	wl_sleep_ms(20); /* its unblock is done well before */
	for (int i = 0; i < n; i++) {
		kill(getpid(), SIGUSR2);
		wait_until(&handled, i + 1);
	}
	atomic_store(&worker_blocks, 1);
	wait_until(&worker_blocks, 2);
	kill(getpid(), SIGUSR2); /* every thread blocks it: pending */
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL); /* main takes it here */
	wait_until(&handled, n + 1);
	pthread_join(t, NULL);
	printf("pid=%d\nworker=%d\n", getpid(), worker_tid);
	return 0;
}
