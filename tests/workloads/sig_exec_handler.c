// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A child whose SIGUSR1 handler execs the program again, CHAIN times, so
 * that CHAIN handlers never return; the last image's handler does. Truth:
 * the child takes CHAIN + 1 SIGUSR1, all delivered to a handler, and
 * exactly one handler returns (with nothing lost: the handlers left by exec
 * must not fill the tracer's handler stack, which is 4 deep).
 * Usage: sig_exec_handler [CHAIN]
 */
#include "workload.h"

static unsigned long remaining;
static int ready_fd;
static char *self;

static void on_usr1(int sig)
{
	char left[24], fd[24];

	(void)sig;
	if (!remaining) {
		wl_send_byte(ready_fd); /* the last one: acknowledged, then returns */
		return;
	}
	snprintf(left, sizeof(left), "%lu", remaining - 1);
	snprintf(fd, sizeof(fd), "%d", ready_fd);
	execl(self, self, "--image", left, fd, (char *)NULL);
	_exit(95);
}

/*
 * One image of the child: says it is ready, waits for its SIGUSR1. The last
 * one returns once its handler has (sigsuspend returns after rt_sigreturn);
 * it blocks SIGUSR1 before saying so, or a signal landing between the
 * ready byte and sigsuspend would run the handler early and leave
 * sigsuspend waiting for nothing.
 */
static int image(void)
{
	/* SA_NODEFER: the mask a handler runs with would survive the exec. */
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_NODEFER };
	sigset_t none, usr1;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&none);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (!remaining)
		sigprocmask(SIG_BLOCK, &usr1, NULL);
	wl_send_byte(ready_fd);
	if (!remaining) {
		sigsuspend(&none);
		return 0;
	}
	for (time_t end = time(NULL) + WL_DEADLINE_S; time(NULL) <= end;)
		wl_nap(); /* the handler execs */
	return 94;
}

int main(int argc, char **argv)
{
	unsigned long chain;
	int ready[2];
	pid_t child;

	self = argv[0];
	if (argc == 4 && !strcmp(argv[1], "--image")) {
		remaining = strtoul(argv[2], NULL, 10);
		ready_fd = atoi(argv[3]);
		return image();
	}
	chain = wl_arg(argc, argv, 1, 5);
	if (pipe(ready))
		wl_die("pipe");
	child = wl_fork();
	if (child == 0) {
		char left[24], fd[24];

		snprintf(left, sizeof(left), "%lu", chain);
		snprintf(fd, sizeof(fd), "%d", ready[1]);
		execl(self, self, "--image", left, fd, (char *)NULL);
		_exit(93);
	}
	wl_print_pids(child);
	printf("chain=%lu\n", chain);
	fflush(stdout);
	for (unsigned long i = 0; i <= chain; i++) {
		wl_wait_byte(ready[0]);
		if (kill(child, SIGUSR1))
			wl_die("kill");
	}
	wl_wait_byte(ready[0]); /* the last handler's acknowledgement */
	return WEXITSTATUS(wl_reap(child));
}
