// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Processes whose threads all leave at the same instant: each child starts
 * THREADS-1 threads, every thread (main included) spins until all are
 * running, then each calls exit(2) -- the thread's own exit, not the
 * group's -- with status 7. On two CPUs the last two threads run do_exit()
 * side by side: both may decrement signal->live before either reaches the
 * sched_process_exit tracepoint, so a tracer that reads live there instead
 * of the tracepoint's group_dead sees the process end twice.
 * Usage: threads_exit_together CHILDREN THREADS; prints children=PID,...
 * once every child is reaped with status 7.
 */
#include "workload.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#define THREADS_MAX 16

static atomic_int ready;
static int threads;

/* Spins (bounded) until every thread is here, then leaves at once. */
static void *leave_together(void *unused)
{
	time_t deadline = time(NULL) + WL_DEADLINE_S;

	(void)unused;
	atomic_fetch_add(&ready, 1);
	while (atomic_load(&ready) < threads && time(NULL) < deadline)
		;
	syscall(SYS_exit, 7);
	return NULL;
}

static void child(void)
{
	pthread_t t;

	for (int i = 1; i < threads; i++)
		if (pthread_create(&t, NULL, leave_together, NULL))
			_exit(98);
	leave_together(NULL);
}

int main(int argc, char **argv)
{
	unsigned long children = wl_arg(argc, argv, 1, 20);
	pid_t pids[256];
	char line[256 * 12] = "";
	size_t len = 0;

	threads = (int)wl_arg(argc, argv, 2, 2);
	if (children < 1 || children > 256 || threads < 2 || threads > THREADS_MAX) {
		fprintf(stderr, "usage: threads_exit_together CHILDREN(1-256) THREADS(2-%d)\n",
			THREADS_MAX);
		return 2;
	}
	for (unsigned long i = 0; i < children; i++) {
		int status;

		pids[i] = fork();
		if (pids[i] < 0)
			wl_die("fork");
		if (pids[i] == 0)
			child();
		if (waitpid(pids[i], &status, 0) != pids[i])
			wl_die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 7) {
			fprintf(stderr, "workload: child %d status %#x, not exit 7\n", pids[i],
				status);
			return 99;
		}
		len += snprintf(line + len, sizeof(line) - len, "%s%d", i ? "," : "", pids[i]);
	}
	printf("children=%s\n", line);
	return 0;
}
