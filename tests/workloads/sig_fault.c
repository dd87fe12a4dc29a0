// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Hardware exceptions from the course notes: a child dereferences NULL
 * (SIGSEGV) or divides by zero (SIGFPE); both default to Core. With "core"
 * the child may dump one (RLIMIT_CORE raised, cwd a fresh temp dir), and the
 * parent prints what waitpid saw, which the test compares with ipcscope.
 * Usage: sig_fault segv|fpe [core]
 */
#include <sys/resource.h>
#include "workload.h"

/* An address that is never mapped, hidden from the optimiser. */
static unsigned long zero_page(void)
{
	volatile unsigned long addr = 0;

	return addr;
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "segv";
	int want_core = argc > 2 && !strcmp(argv[2], "core");
	pid_t child;
	int status;

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
		if (!strcmp(kind, "fpe")) {
			volatile int zero = 0, one = 1;

			_exit(one / zero);
		}
		_exit(*(volatile int *)(unsigned long)zero_page());
	}
	printf("parent=%d\nchild=%d\n", getpid(), child);
	fflush(stdout);
	status = wl_reap(child);
	printf("signal=%d\ncore=%d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0,
	       WIFSIGNALED(status) && WCOREDUMP(status) ? 1 : 0);
	return 0;
}
