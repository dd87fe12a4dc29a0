// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A thread that exits with a signal pending in its own set, in a process
 * that lives on: a worker blocks SIGUSR1, main sends it one with tgkill()
 * (queued to the worker alone, blocked), the worker exits. Prints pid= and
 * then gone= once the worker is joined, waits for a byte on stdin, exits 0.
 * Truth: one SIGUSR1 queued, never delivered; the tracer must let go of
 * the time it kept for it (its process's pending slot) when the worker
 * exits, not when the process does.
 * Usage: sig_thread_pending_exit
 */
#include "workload.h"
#include <pthread.h>
#include <sys/syscall.h>

static int ready[2], go[2];
static volatile pid_t worker_tid;

static void *worker(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	worker_tid = (pid_t)syscall(SYS_gettid);
	wl_send_byte(ready[1]);
	wl_wait_byte(go[0]); /* the signal is pending in this thread's own set */
	return NULL;
}

int main(void)
{
	pthread_t t;

	if (pipe(ready) || pipe(go))
		wl_die("pipe");
	printf("pid=%d\n", getpid());
	fflush(stdout);
	if (pthread_create(&t, NULL, worker, NULL))
		wl_die("pthread_create");
	wl_wait_byte(ready[0]);
	if (syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1))
		wl_die("tgkill");
	wl_send_byte(go[1]);
	pthread_join(t, NULL);
	printf("gone=%d\n", (int)worker_tid);
	fflush(stdout);
	wl_wait_byte(STDIN_FILENO);
	return 0;
}
