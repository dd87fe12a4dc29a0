/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The current task at sys_enter and sys_exit without a helper call.
 *
 * bpf_get_current_task_btf() is a real call on this kernel (6.18 does not
 * inline it) and its return goes through the SRSO Safe RET thunk: ~19 ns
 * (bpf_stats, a getppid storm), paid by both programs for every syscall
 * ipcscope follows. A ksym of the per-CPU current_task does not load here
 * (kallsyms lists no data symbols without CONFIG_KALLSYMS_ALL). But the
 * syscall tracepoints hand over task_pt_regs(current), the top frame of
 * the current task's kernel stack, and no two live tasks share a stack: so
 * each CPU keeps the last few (frame, task) pairs it saw, and the helper
 * runs only on a miss (BENCHMARKS.md: ~51 ns for a lookup and six field
 * reads against ~69 ns with the helper).
 *
 * The cache holds a reference to each task (a referenced kptr, taken with
 * bpf_task_acquire()): its task_struct cannot be freed and reused while
 * cached, and a pointer loaded from a kptr is RCU-protected, so its fields
 * are plain loads and task storage accepts it, as it does the helper's.
 * A hit is checked against the task's stack pointer as it was when the
 * entry was filled: a task that exits gives its stack up through
 * kernel/fork.c free_thread_stack(), which sets tsk->stack to NULL before
 * another task can get that stack, so a dead task's entry never matches the
 * frame of the new task that reuses its stack. The reference of a dead
 * task is dropped when its entry is replaced (or when the map goes, at
 * exit): at most CURRENT_WAYS task_structs per CPU are kept that way.
 *
 * The kptr's BTF type tag needs clang 15 or later (Makefile BPF_CLANG).
 */
#ifndef CURRENT_BPF_H
#define CURRENT_BPF_H

#include "ipcscope.bpf.h"

extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

struct current_entry {
	__u64 frame; /* task_pt_regs(task), as a number; 0: empty */
	__u64 stack; /* task->stack when the entry was filled */
	struct task_struct __kptr *task;
};

#define CURRENT_WAYS 4 /* the entries below: a kptr needs a constant offset, no index */

struct current_cache {
	struct current_entry e0, e1, e2, e3;
	__u32 next; /* the entry a miss fills next */
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct current_cache);
} current_caches SEC(".maps");

/* The task of e if e holds the task whose frame regs is, alive on its stack; else NULL. */
static __always_inline struct task_struct *current_entry__holds(struct current_entry *e,
								 struct pt_regs *regs)
{
	struct task_struct *t;

	if (e->frame != (__u64)regs)
		return NULL;
	t = e->task;
	return t && (__u64)t->stack == e->stack ? t : NULL;
}

/* Put task t (ref: a reference to it, given to e) in e; its task as e now holds it. */
static __always_inline struct task_struct *current_entry__fill(struct current_entry *e,
								struct pt_regs *regs,
								struct task_struct *t,
								struct task_struct *ref)
{
	struct task_struct *old;

	e->frame = (__u64)regs;
	e->stack = (__u64)t->stack;
	old = bpf_kptr_xchg(&e->task, ref);
	if (old)
		bpf_task_release(old); /* a task that left this CPU's cache */
	return e->task;
}

/*
 * The current task, from the syscall tracepoints' regs (task_pt_regs of
 * current); NULL only if the cache could not be had (never: a per-CPU
 * entry, and a running task's reference count is not zero), which the
 * caller counts as lost.
 */
static __always_inline struct task_struct *current__of_frame(struct pt_regs *regs)
{
	const __u32 zero = 0;
	struct current_cache *c = bpf_map_lookup_elem(&current_caches, &zero);
	struct task_struct *t, *ref;

	if (!c)
		return NULL;
	if ((t = current_entry__holds(&c->e0, regs)) || (t = current_entry__holds(&c->e1, regs)) ||
	    (t = current_entry__holds(&c->e2, regs)) || (t = current_entry__holds(&c->e3, regs)))
		return t;
	t = bpf_get_current_task_btf();
	ref = bpf_task_acquire(t);
	if (!ref)
		return NULL;
	_Static_assert(CURRENT_WAYS == 4, "one case per entry");
	switch (c->next++ % CURRENT_WAYS) {
	case 0:
		return current_entry__fill(&c->e0, regs, t, ref);
	case 1:
		return current_entry__fill(&c->e1, regs, t, ref);
	case 2:
		return current_entry__fill(&c->e2, regs, t, ref);
	default:
		return current_entry__fill(&c->e3, regs, t, ref);
	}
}

#endif /* CURRENT_BPF_H */
