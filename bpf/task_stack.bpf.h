/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A task's kernel stack: where its user registers sit, and whether a
 * program runs on it or in interrupt context.
 */
#ifndef TASK_STACK_BPF_H
#define TASK_STACK_BPF_H

#include "ipcscope.bpf.h"

/*
 * Where a task's user registers sit relative to its stack page: the same for
 * every task (arch/x86/include/asm/processor.h task_pt_regs(): the top of the
 * THREAD_SIZE stack, less padding, less one pt_regs). Learned from the
 * first bpf_task_pt_regs() answer, because the helper call costs ~19 ns of
 * a ~50 ns SIGPIPE generation here (BENCHMARKS.md) while the sum is a load.
 */
static __u64 pt_regs_offset;

/* The syscall registers of a user task (not a kernel thread); NULL if unknown. */
static __always_inline struct pt_regs *task__user_regs(struct task_struct *task)
{
	__u64 stack = (__u64)task->stack, offset = pt_regs_offset;
	struct pt_regs *regs;

	if (offset)
		return bpf_rdonly_cast((void *)(stack + offset),
				       bpf_core_type_id_kernel(struct pt_regs));
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (regs && stack && (__u64)regs > stack)
		pt_regs_offset = (__u64)regs - stack;
	return regs;
}

/*
 * Whether the tracepoint fired in interrupt context. Only signal_generate
 * can: timers raise signals from the hard interrupt (posix_timer_fn(),
 * it_real_fn()), sockets from softirqs (SIGIO, SIGURG). Two things follow:
 *  - current is whatever task the interrupt landed on, not the sender: a
 *    POSIX timer firing while that task is in rt_sigqueueinfo() carries a
 *    si_code the syscall also takes from users (SI_TIMER);
 *  - the program may have interrupted another of ours on this CPU between
 *    two updates of per-CPU state (the fold slots: fold__admit_in()).
 *
 * preempt_count would say so, but its per-CPU variable has no kallsyms
 * entry here (no CONFIG_KALLSYMS_ALL), so a __ksym cannot reach it. The
 * stack can, for what matters: an interrupt that lands in kernel code runs
 * on the CPU's IRQ stack, and so do the softirqs it or local_bh_enable()
 * runs; NMIs and machine checks run on IST stacks
 * (arch/x86/include/asm/irq_stack.h call_on_irqstack_cond()). Syscalls and
 * exceptions (page faults) run on the task's own stack, where the kernel
 * builds the tracepoint's argument array (ctx, kernel/trace/bpf_trace.c
 * bpf_trace_runN()). The program's own frame says nothing: it may be a
 * private per-CPU stack (6.13+).
 *
 * An interrupt that lands in user mode stays on the (empty) task stack and
 * passes for task context. That is safe on both counts: it interrupted no
 * program of ours, and current was in no syscall (the entry code sets
 * orig_ax to -1), so it is not taken for a sender either.
 *
 * task_stack__holds() says whether an address is on a task's stack, below
 * its user registers: the same test tells a siginfo a syscall built on its
 * stack from one that lives elsewhere (signals.bpf.c sender_api()).
 */
static __always_inline bool task_stack__holds(struct task_struct *task, struct pt_regs *top,
					      const void *addr)
{
	__u64 base = (__u64)task->stack, at = (__u64)addr;

	return top && base && at >= base && at < (__u64)top;
}

/* top: task__user_regs(cur), where the stack's used part ends. */
static __always_inline bool tracepoint__in_interrupt(struct task_struct *cur, struct pt_regs *top,
						     const void *ctx)
{
	if (!top || !cur->stack)
		return false; /* cannot tell: taken as task context */
	return !task_stack__holds(cur, top, ctx);
}

#endif /* TASK_STACK_BPF_H */
