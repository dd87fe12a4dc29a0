/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * 32-bit (compat) syscalls: a 32-bit program, or 64-bit code using
 * int 0x80, numbers its syscalls from arch/x86/entry/syscalls/syscall_32.tbl
 * and passes arguments in bx, cx, dx, si, di, bp. The raw sys_enter and
 * sys_exit tracepoints give that number as is: read (3) would pass for
 * x86-64's close, write (4) for stat. ipcscope follows x86-64 syscalls; of
 * compat ones it knows the six that send signals (the sender of a signal,
 * signals.bpf.c) and the two that return from handlers, and counts the
 * ones whose x86-64 twins it follows as not followed (LOSS_COMPAT_SYSCALL),
 * so a 32-bit program's missing pipe and IPC traffic is shown, not
 * silently absent.
 */
#ifndef COMPAT_BPF_H
#define COMPAT_BPF_H

#include "ipcscope.bpf.h"

/*
 * Set in thread_info.status for the length of a compat syscall: from
 * entry (arch/x86/entry/syscall_32.c) until exit_to_user_mode_prepare()
 * clears it, after sys_exit (arch/x86/include/asm/entry-common.h).
 */
#define TS_COMPAT 0x0002

/* The signal-sending syscalls: arch/x86/entry/syscalls/syscall_64.tbl */
#define NR_kill 62
#define NR_rt_sigqueueinfo 129
#define NR_tkill 200
#define NR_tgkill 234
#define NR_rt_tgsigqueueinfo 297
#define NR_pidfd_send_signal 424

/* and their compat twins (with the handler returns): syscall_32.tbl */
#define NR32_kill 37
#define NR32_sigreturn 119
#define NR32_rt_sigreturn 173
#define NR32_rt_sigqueueinfo 178
#define NR32_tkill 238
#define NR32_tgkill 270
#define NR32_rt_tgsigqueueinfo 335
#define NR32_pidfd_send_signal 424

static __always_inline bool syscall__compat(struct task_struct *cur)
{
	return cur->thread_info.status & TS_COMPAT;
}

/* A compat signal-sending syscall as its x86-64 twin; -1 for any other. */
static __always_inline int compat__signal_syscall(long nr32)
{
	switch (nr32) {
	case NR32_kill:
		return NR_kill;
	case NR32_rt_sigqueueinfo:
		return NR_rt_sigqueueinfo;
	case NR32_tkill:
		return NR_tkill;
	case NR32_tgkill:
		return NR_tgkill;
	case NR32_rt_tgsigqueueinfo:
		return NR_rt_tgsigqueueinfo;
	case NR32_pidfd_send_signal:
		return NR_pidfd_send_signal;
	}
	return -1;
}

/*
 * A compat syscall whose x86-64 twin ipcscope follows (pipes, FIFOs, IPC,
 * shared mappings, signal masks and actions, signalfd, sends): numbers
 * from syscall_32.tbl. ipc (117) and socketcall (102) multiplex System V
 * IPC and socket sends.
 */
static __always_inline bool compat__twin_followed(long nr32)
{
	switch (nr32) {
	case 3: /* read */
	case 4: /* write */
	case 5: /* open */
	case 6: /* close */
	case 14: /* mknod */
	case 42: /* pipe */
	case 63: /* dup2 */
	case 67: /* sigaction */
	case 90: /* mmap */
	case 91: /* munmap */
	case 102: /* socketcall */
	case 117: /* ipc */
	case 126: /* sigprocmask */
	case 145: /* readv */
	case 146: /* writev */
	case 163: /* mremap */
	case 174: /* rt_sigaction */
	case 175: /* rt_sigprocmask */
	case 177: /* rt_sigtimedwait */
	case 187: /* sendfile */
	case 192: /* mmap2 */
	case 239: /* sendfile64 */
	case 277: /* mq_open */
	case 278: /* mq_unlink */
	case 279: /* mq_timedsend */
	case 280: /* mq_timedreceive */
	case 281: /* mq_notify */
	case 295: /* openat */
	case 297: /* mknodat */
	case 313: /* splice */
	case 315: /* tee */
	case 316: /* vmsplice */
	case 321: /* signalfd */
	case 327: /* signalfd4 */
	case 330: /* dup3 */
	case 331: /* pipe2 */
	case 345: /* sendmmsg */
	case 356: /* memfd_create */
	case 369: /* sendto */
	case 370: /* sendmsg */
	case 393 ... 402: /* semget, semctl, shmget, shmctl, shmat, shmdt, msgget..msgctl */
	case 418 ... 421: /* mq_timedsend/receive_time64, semtimedop_time64, rt_sigtimedwait_time64 */
	case 436: /* close_range */
	case 437: /* openat2 */
		return true;
	}
	return false;
}

/* A number sys_enter must look at in case the call is a compat one. */
static __always_inline bool compat__noticed(long nr32)
{
	return nr32 == NR32_rt_sigreturn || nr32 == NR32_sigreturn || compat__twin_followed(nr32);
}

#endif /* COMPAT_BPF_H */
