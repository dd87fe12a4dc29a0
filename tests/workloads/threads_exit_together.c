// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Processes whose threads all leave at the same instant: each child starts
 * THREADS-1 threads, every thread (main included) spins until all are
 * running, then each calls exit(2) -- the thread's own exit, not the
 * group's -- the main thread with status 7, the others with 9: wait()
 * reports the code of the thread that left last (kernel/exit.c
 * synchronize_group_exit(), 5.19+), 7 or 9. On two CPUs the last two threads run do_exit()
 * side by side: both may decrement signal->live before either reaches the
 * sched_process_exit tracepoint, so a tracer that reads live there instead
 * of the tracepoint's group_dead sees the process end twice.
 * Usage: threads_exit_together CHILDREN THREADS; prints children=PID:CODE,...
 * (the status waitpid() gave) once every child is reaped.
 */
#include "workload.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#define THREADS_MAX 16

static atomic_int ready;
static int threads;

/* Spins (bounded) until every thread is here, then leaves at once with *code. */
static void *leave_together(void *code)
{
	time_t deadline = time(NULL) + WL_DEADLINE_S;

	atomic_fetch_add(&ready, 1);
	while (atomic_load(&ready) < threads && time(NULL) < deadline)
		;
	syscall(SYS_exit, *(int *)code);
	return NULL;
}

static void child(void)
{
	static int leader_code = 7, others_code = 9;
	pthread_t t;

	for (int i = 1; i < threads; i++)
		if (pthread_create(&t, NULL, leave_together, &others_code))
			_exit(98);
	leave_together(&leader_code);
}

int main(int argc, char **argv)
{
	unsigned long children = wl_arg(argc, argv, 1, 20);
	pid_t pids[256];
	char line[256 * 16] = "";
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
		if (!WIFEXITED(status) || (WEXITSTATUS(status) != 7 && WEXITSTATUS(status) != 9)) {
			fprintf(stderr, "workload: child %d status %#x, not exit 7 or 9\n", pids[i],
				status);
			return 99;
		}
		len += snprintf(line + len, sizeof(line) - len, "%s%d:%d", i ? "," : "", pids[i],
				WEXITSTATUS(status));
	}
	printf("children=%s\n", line);
	return 0;
}
