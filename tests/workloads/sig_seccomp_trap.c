// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A signal the kernel raises inside a signal-sending syscall, in task
 * context and on the caller's own stack: a seccomp filter traps
 * rt_sigqueueinfo, so each call gets SIGSYS (si_code SYS_SECCOMP) from the
 * kernel at syscall entry (kernel/seccomp.c force_sig_seccomp()) while the
 * syscall number in the caller's registers still says rt_sigqueueinfo.
 * Truth: exactly K SIGSYS from the kernel, each handled once; no SIGUSR1 is
 * ever sent (the trapped call does not run) and the process sends nothing.
 * Usage: sig_seccomp_trap [K]. Prints pid, trapped (SIGSYS handled).
 */
#include "workload.h"
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>

static volatile sig_atomic_t trapped;

static void on_sigsys(int sig)
{
	(void)sig;
	trapped++;
}

int main(int argc, char **argv)
{
	unsigned long k = wl_arg(argc, argv, 1, 50), i;
	struct sock_filter trap_sigqueueinfo[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_sigqueueinfo, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(trap_sigqueueinfo) / sizeof(trap_sigqueueinfo[0]),
		.filter = trap_sigqueueinfo,
	};
	struct sigaction sa = { .sa_handler = on_sigsys };
	siginfo_t info = { .si_signo = SIGUSR1, .si_code = SI_QUEUE };

	info.si_pid = getpid();
	info.si_uid = getuid();
	signal(SIGUSR1, SIG_IGN);
	sigaction(SIGSYS, &sa, NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		wl_die("PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		wl_die("PR_SET_SECCOMP");
	printf("pid=%d\n", getpid());
	fflush(stdout);
	/* Forced at entry, delivered on the way out: one SIGSYS per call. */
	for (i = 0; i < k; i++)
		syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &info);
	printf("trapped=%d\n", (int)trapped);
	return 0;
}
