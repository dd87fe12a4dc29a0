/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The six signal-sending syscalls (kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo, pidfd_send_signal; numbers in compat.bpf.h): which
 * argument holds the signal and which API a call is, for signal_generate
 * (signals.bpf.c) and for a call that failed (syscalls.bpf.c).
 */
#ifndef SIGNAL_SYSCALLS_BPF_H
#define SIGNAL_SYSCALLS_BPF_H

#include "compat.bpf.h"

/* include/uapi/asm-generic/siginfo.h */
#define SI_USER 0
#define SI_TKILL -6

/*
 * The signal a signal-sending syscall was asked to send: its second
 * argument, the third for the two that name a thread group and a thread.
 * x86-64 passes arguments in di, si, dx (arch/x86/entry/entry_64.S), a
 * compat syscall in bx, cx, dx (compat.bpf.h).
 */
static __always_inline int syscall__sig_arg(struct task_struct *cur, struct pt_regs *regs, int nr)
{
	bool third = nr == NR_tgkill || nr == NR_rt_tgsigqueueinfo;

	if (syscall__compat(cur))
		return third ? regs->dx : regs->cx;
	return third ? regs->dx : regs->si;
}

/* The API a syscall sends with, if the siginfo carries a code it produces. */
static __always_inline __u8 syscall_api(int nr, int code)
{
	switch (nr) {
	case NR_kill:
		return code == SI_USER ? VIA_KILL : VIA_KERNEL;
	case NR_tkill:
		return code == SI_TKILL ? VIA_TKILL : VIA_KERNEL;
	case NR_tgkill:
		return code == SI_TKILL ? VIA_TGKILL : VIA_KERNEL;
	case NR_pidfd_send_signal:
		return code <= 0 ? VIA_PIDFD_SEND_SIGNAL : VIA_KERNEL;
	case NR_rt_sigqueueinfo:
		return VIA_RT_SIGQUEUEINFO; /* users pick the code */
	case NR_rt_tgsigqueueinfo:
		return VIA_RT_TGSIGQUEUEINFO;
	}
	return VIA_KERNEL;
}

/* The API of a call that sent nothing: the code it would have sent with. */
static __always_inline __u8 syscall_api_of_call(int nr)
{
	return syscall_api(nr, nr == NR_tkill || nr == NR_tgkill ? SI_TKILL : SI_USER);
}

#endif /* SIGNAL_SYSCALLS_BPF_H */
