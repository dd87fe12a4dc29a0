// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A tracer's SIGCHLD raised inside a signal-sending syscall: the parent
 * ptraces the child with PTRACE_SYSCALL, so each rt_sigqueueinfo() the
 * child makes stops it at syscall entry and exit, and each stop sends the
 * parent SIGCHLD (CLD_TRAPPED) from the child's own stack, while the
 * child's registers say rt_sigqueueinfo (kernel/signal.c
 * do_notify_parent_cldstop(), what strace -f lives on).
 * Truth: the child sends exactly K SIGUSR1 to itself (blocked, so they
 * merge and never stop it) through rt_sigqueueinfo, plus the SIGSTOP of
 * its raise(); every SIGCHLD the parent gets comes from the kernel.
 * Usage: sig_ptrace_stop [K]. Prints parent, child, sigqueued (K), stops
 * (syscall stops the parent saw).
 */
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include "workload.h"

static void child_main(unsigned long k)
{
	siginfo_t info = { .si_signo = SIGUSR1, .si_code = SI_QUEUE };
	sigset_t usr1;
	unsigned long i;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	info.si_pid = getpid();
	info.si_uid = getuid();
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		wl_die("PTRACE_TRACEME");
	raise(SIGSTOP); /* wait for the tracer's options */
	for (i = 0; i < k; i++)
		if (syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &info))
			wl_die("rt_sigqueueinfo");
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned long k = wl_arg(argc, argv, 1, 20), stops = 0;
	time_t deadline = time(NULL) + WL_DEADLINE_S;
	int status, first = 1;
	pid_t child = fork();

	if (child < 0)
		wl_die("fork");
	if (child == 0)
		child_main(k);
	printf("parent=%d\nchild=%d\n", getpid(), child);
	fflush(stdout);
	for (;;) {
		if (waitpid(child, &status, 0) != child)
			wl_die("waitpid");
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (first) {
			first = 0;
			if (ptrace(PTRACE_SETOPTIONS, child, NULL,
				   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)))
				wl_die("PTRACE_SETOPTIONS");
		} else if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			stops++;
		}
		if (time(NULL) > deadline) {
			kill(child, SIGKILL); /* our own child: bounded */
			wl_die("deadline");
		}
		if (ptrace(PTRACE_SYSCALL, child, NULL, NULL))
			wl_die("PTRACE_SYSCALL");
	}
	printf("sigqueued=%lu\nstops=%lu\n", k, stops);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
