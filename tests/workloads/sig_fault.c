// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Hardware exceptions from the course notes: a child dereferences NULL
 * (SIGSEGV) or divides by zero (SIGFPE); both default to Core. With "core"
 * the child may dump one (RLIMIT_CORE raised, cwd a fresh temp dir), and the
 * parent prints what waitpid saw, which the test compares with ipcscope.
 * With "threads" the fault is a worker thread's while two others sleep:
 * the dump zaps them, and the last thread out need not be the dumper.
 * Usage: sig_fault segv|fpe [core] [threads]
 */
#include <pthread.h>
#include <stdbool.h>
#include <sys/resource.h>
#include "workload.h"

static const char *kind = "segv";

/* An address that is never mapped, hidden from the optimiser. */
static unsigned long zero_page(void)
{
	volatile unsigned long addr = 0;

	return addr;
}

static void *fault(void *arg)
{
	(void)arg;
	if (!strcmp(kind, "fpe")) {
		volatile int zero = 0, one = 1;

		_exit(one / zero);
	}
	_exit(*(volatile int *)(unsigned long)zero_page());
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	wl_sleep_ms(WL_DEADLINE_S * 1000L); /* zapped long before */
	return NULL;
}

static bool has_arg(int argc, char **argv, const char *word)
{
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], word))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int want_core = has_arg(argc, argv, "core"), threads = has_arg(argc, argv, "threads");
	pthread_t t;
	pid_t child;
	int status;

	kind = argc > 1 ? argv[1] : "segv";

	if (want_core) {
		char dir[] = "/tmp/ipcscope-core-XXXXXX";
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		if (!mkdtemp(dir) || chdir(dir))
			wl_die("core dir");
		setrlimit(RLIMIT_CORE, &rl);
		printf("core_dir=%s\n", dir);
	}
	child = wl_fork();
	if (child == 0) {
		if (!threads)
			fault(NULL);
		for (int i = 0; i < 2; i++)
			if (pthread_create(&t, NULL, sleeper, NULL))
				_exit(97);
		if (pthread_create(&t, NULL, fault, NULL))
			_exit(97);
		pthread_join(t, NULL);
		_exit(96);
	}
	printf("parent=%d\nchild=%d\n", getpid(), child);
	fflush(stdout);
	status = wl_reap(child);
	printf("signal=%d\ncore=%d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0,
	       WIFSIGNALED(status) && WCOREDUMP(status) ? 1 : 0);
	return 0;
}
