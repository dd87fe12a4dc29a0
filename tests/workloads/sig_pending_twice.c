// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One standard signal pending twice at once: with SIGUSR1 blocked, kill()
 * puts it in the process's shared pending set and tgkill() in the thread's
 * own (kernel/signal.c: both "queued"), so unblocking runs the handler
 * twice. ipcscope keeps one generation time per standard signal and
 * process: one delivery is timed, the other counted in pending_unknown.
 * Prints pid= and handled=; exits 0.
 * Usage: sig_pending_twice
 */
#include "workload.h"
#include <sys/syscall.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t set;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (kill(getpid(), SIGUSR1))
		wl_die("kill");
	if (syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1))
		wl_die("tgkill");
	sigprocmask(SIG_UNBLOCK, &set, NULL); /* the handler runs here, twice */
	printf("pid=%d\nhandled=%d\n", getpid(), (int)handled);
	return 0;
}
