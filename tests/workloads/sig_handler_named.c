// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A handler a tracer can name: on_usr1() is installed for SIGUSR1 and its
 * address printed; the workload then waits for a byte on stdin (so the
 * test can let the tracer read the install while the process lives),
 * raises SIGUSR1 and exits. Truth: the function at that address is
 * on_usr1, in this program.
 * Usage: sig_handler_named; prints pid= and handler=0x...
 */
#include "workload.h"

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	if (sigaction(SIGUSR1, &sa, NULL))
		wl_die("sigaction");
	printf("pid=%d\nhandler=%#lx\n", getpid(), (unsigned long)on_usr1);
	fflush(stdout);
	wl_wait_byte(STDIN_FILENO);
	raise(SIGUSR1);
	return handled == 1 ? 0 : 99;
}
