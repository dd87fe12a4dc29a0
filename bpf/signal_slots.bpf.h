/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where a signal's timestamps wait for its delivery and its handler's
 * return, in plain arrays rather than task storage: every handled signal
 * took four task-storage helper calls (generate, deliver twice, rt_sigreturn;
 * ~20-40 ns each with Safe RET on every return here, BENCHMARKS.md), where
 * an array lookup is inlined by the verifier.
 *
 * - A pending slot (per process, indexed by tgid) holds the generation time
 *   of each standard signal pending for it. Claimed by the first one queued,
 *   released when the last one leaves the pending set.
 * - A handler slot (per thread, indexed by tid) holds the handlers the
 *   thread is running. Claimed by the first frame, released when the
 *   outermost handler returns, or when the thread exits.
 *
 * Slots are few (SIGNAL_SLOTS_MAX) because they are held only that long.
 * When another process or thread holds the slot its index maps to, the
 * state goes to task storage as before (signal_state.bpf.h), so the answer
 * is exact either way, only slower for the loser. Real-time signals, which
 * queue, always use task storage.
 */
#ifndef SIGNAL_SLOTS_BPF_H
#define SIGNAL_SLOTS_BPF_H

#include "signal_state.bpf.h"
#include "thread_slots.bpf.h"
#include "task_stack.bpf.h"

#define SA_ONSTACK 0x08000000 /* include/uapi/asm-generic/signal-defs.h */

/*
 * signal_generate and signal_deliver run under the process's
 * sighand->siglock, so their updates of its pending slot never race; the
 * cmpxchg on tgid settles two processes whose tgids share the slot. An
 * accept (sigtimedwait, signalfd read) pops at sys_exit, after the kernel
 * dequeued the signal under the lock and dropped it: a generation for the
 * same process on another CPU in that window can race on count, and so can
 * one a timer interrupt raises on this CPU between the pop's load and store
 * (signal_generate runs in interrupts; the siglock is not held). At worst
 * one pending time is lost or taken from the wrong generation, or the slot
 * stays held until the process dies; never a count (those are in
 * sig_stats, atomic).
 */
struct pending_slot {
	__u32 tgid;	    /* the process whose signals are timed here; 0: free */
	__u32 count;	    /* nonzero times in std */
	__u64 start_ns;	    /* its identity with tgid: pids are reused */
	struct std_pending std; /* generation times of standard signals (signal_state.bpf.h) */
};

struct handler_slot {
	__u32 tid; /* the thread whose handlers these are; 0: free */
	__u32 _pad;
	struct handler_stack stack;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SIGNAL_SLOTS_MAX); /* set at load (src/tracer.c) */
	__type(key, __u32);
	__type(value, struct pending_slot);
} pending_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SIGNAL_SLOTS_MAX); /* set at load (src/tracer.c) */
	__type(key, __u32);
	__type(value, struct handler_slot);
} handler_slots SEC(".maps");

const volatile __u32 cfg_signal_slot_mask = SIGNAL_SLOTS_MAX - 1;

static __always_inline struct pending_slot *pending_slot__of(__u32 tgid)
{
	__u32 idx = tgid & cfg_signal_slot_mask;

	return bpf_map_lookup_elem(&pending_slots, &idx);
}

/* The process's pending slot if it holds it now; NULL if not. */
static __always_inline struct pending_slot *pending_slot__mine(struct task_struct *task)
{
	struct pending_slot *p = pending_slot__of(task->tgid);

	return p && p->tgid == task->tgid && p->start_ns == task__start_ns(task) ? p : NULL;
}

/*
 * The process's pending slot, claimed if free; NULL if another process
 * holds it. A slot whose owner has the same tgid but another start time
 * belongs to a dead process whose pid was reused and whose exit did not
 * release it (see pending_slot__forget()): taken over, emptied.
 */
static __always_inline struct pending_slot *pending_slot__claim(struct task_struct *task)
{
	struct pending_slot *p = pending_slot__of(task->tgid);
	__u64 start = task__start_ns(task);
	__u32 tgid = task->tgid;

	if (!p)
		return NULL;
	if (p->tgid != tgid) {
		if (p->tgid || __sync_val_compare_and_swap(&p->tgid, 0, tgid) != 0)
			return NULL;
		p->start_ns = start; /* released only when empty: ts are all 0 */
		return p;
	}
	if (p->start_ns != start) {
		__builtin_memset(&p->std, 0, sizeof(p->std));
		p->count = 0;
		p->start_ns = start;
	}
	return p;
}

/*
 * A signal was queued to task's process (group), or to thread task alone:
 * remember when, to time its stay in the pending set. Standard signals do
 * not queue: one time each per set (struct std_pending).
 */
static __always_inline void pending__push(struct task_struct *task, int sig, bool group,
					  __u64 now)
{
	struct proc_sig_state *st;
	struct pending_slot *p;
	__u32 idx, tid = group ? 0 : task->pid;

	if (sig > 0 && sig < STD_SIGS && (p = pending_slot__claim(task))) {
		idx = sig;
		barrier_var(idx); /* keep the mask: it is the verifier's bound */
		idx &= STD_SIGS - 1;
		p->count += std_pending__push(&p->std, idx, tid, now);
		return;
	}
	st = proc_sig_state__get(task);
	if (st)
		proc_sig_state__push(st, sig, tid, now);
}

/*
 * The signal left the pending set of thread task or of its process
 * (delivered or accepted): when was it generated? 0 when unknown (pending
 * before tracing began, or untracked). A standard signal queued while
 * another process held the slot was timed in task storage: looked for
 * there when the slot does not have it.
 */
static __always_inline __u64 pending__pop(struct task_struct *task, int sig)
{
	struct proc_sig_state *st;
	struct pending_slot *p;
	__u64 ts;
	__u32 idx;

	if (sig > 0 && sig < STD_SIGS && (p = pending_slot__mine(task))) {
		idx = sig;
		barrier_var(idx);
		idx &= STD_SIGS - 1;
		ts = std_pending__pop(&p->std, idx, task->pid);
		if (ts) {
			if (!--p->count)
				slot_owner__release(&p->tgid);
			return ts;
		}
	}
	st = proc_sig_state__peek(task);
	return st ? proc_sig_state__pop(st, sig, task->pid) : 0;
}

/*
 * task's process is dead (its last thread exits): signals still pending
 * for it (blocked, or generated while it died) are never delivered, so
 * nothing would release its slot until its pid came back; meanwhile every
 * other process at that index would be timed the slow way. Called outside
 * the siglock: a signal queued to the dying process at this very moment
 * (only possible when it did not die by exit_group or a fatal signal,
 * kernel/signal.c prepare_signal() drops them then) can leave one stale
 * time behind, which costs the next owner only its slot's fast path.
 */
static __always_inline void pending_slot__forget(struct task_struct *task)
{
	struct pending_slot *p = pending_slot__mine(task);

	if (p) {
		__builtin_memset(&p->std, 0, sizeof(p->std));
		p->count = 0;
		slot_owner__release(&p->tgid);
	}
}

static __always_inline struct handler_slot *handler_slot__of(__u32 tid)
{
	__u32 idx = tid & cfg_signal_slot_mask;

	return bpf_map_lookup_elem(&handler_slots, &idx);
}

/* sp lies on the alternate stack at base (kernel/signal.c on_sig_stack(), stack growing down). */
static __always_inline bool altstack__holds(__u64 base, __u64 size, __u64 sp)
{
	return size && sp > base && sp - base <= size;
}

/*
 * A handler left with (sig)longjmp never reaches rt_sigreturn: its frame
 * must not be taken for a later handler's, nor fill the stack (the course's
 * SIGSEGV handlers longjmp back every time). The thread's user sp, at a
 * later delivery or at rt_sigreturn, tells: a handler runs below the sp it
 * interrupted (arch/x86/kernel/signal.c get_sigframe() puts its frame under
 * the red zone), or on the alternate stack. So the frame is abandoned when
 * sp is back at or above the sp it interrupted, on the same stack, or when
 * it ran on the alternate stack (as it was then) and sp is off it. On the
 * task's alternate stack now but not then: cannot tell, kept.
 */
static __always_inline bool handler_frame__abandoned(const struct handler_frame *f,
						     struct task_struct *t, __u64 sp)
{
	if (!f->sp || !sp)
		return false;
	if (f->on_altstack)
		return !altstack__holds(f->alt_base, f->alt_size, sp);
	return !altstack__holds(t->sas_ss_sp, t->sas_ss_size, sp) && sp >= f->sp;
}

/* Take abandoned frames off the top (below an untracked one nothing is known). */
static __always_inline void handler_stack__drop_abandoned(struct handler_stack *st,
							  struct task_struct *t, __u64 sp)
{
	for (int i = 0; i < HANDLER_DEPTH; i++) {
		__u32 depth = st->depth;

		if (st->untracked_depth || !depth || depth > HANDLER_DEPTH)
			return;
		if (!handler_frame__abandoned(&st->handler[depth - 1], t, sp))
			return;
		st->depth = depth - 1;
	}
}

static __always_inline void handler_stack__push(struct handler_stack *st, struct task_struct *t,
						const struct handler_frame *f)
{
	__u32 depth;

	handler_stack__drop_abandoned(st, t, f->sp);
	depth = st->depth;
	if (depth >= HANDLER_DEPTH) {
		st->untracked_depth++;
		loss__count(LOSS_HANDLER_STACK);
		return;
	}
	st->handler[depth] = *f;
	st->depth = depth + 1;
}

/*
 * The frame rt_sigreturn at user sp returns from, taken off with the
 * abandoned ones above it, and its nesting level; false if not known (past
 * the depth).
 */
static __always_inline bool handler_stack__pop(struct handler_stack *st, struct task_struct *t,
					       __u64 sp, struct handler_frame *out, __u32 *level)
{
	__u32 depth;

	if (st->untracked_depth) {
		st->untracked_depth--;
		return false;
	}
	handler_stack__drop_abandoned(st, t, sp);
	depth = st->depth;
	if (!depth || depth > HANDLER_DEPTH)
		return false;
	depth--;
	st->depth = depth;
	*out = st->handler[depth];
	*level = depth;
	return true;
}

/*
 * A handler starts on cur: push its frame. Frames go to the thread's slot
 * if it holds it or can claim it, else to task storage; once the slot is
 * the thread's, every deeper frame goes there too until it is released, so
 * the frames on top are always the slot's and handler__pop() looks there
 * first.
 */
static __always_inline void handler__push(struct task_struct *cur, int sig, __u64 now,
					  __u32 sa_flags)
{
	struct handler_slot *h = handler_slot__of(cur->pid);
	struct pt_regs *regs = task__user_regs(cur);
	struct handler_frame f = { .ts = now, .sig = sig };
	struct thread_sig_state *t;

	f.sp = regs ? regs->sp : 0;
	f.alt_base = cur->sas_ss_sp;
	f.alt_size = cur->sas_ss_size;
	/* arch/x86/kernel/signal.c get_sigframe() -> sigsp(): where the handler runs */
	f.on_altstack = f.alt_size &&
			((sa_flags & SA_ONSTACK) || altstack__holds(f.alt_base, f.alt_size, f.sp));
	if (h && h->tid == cur->pid) {
		handler_stack__push(&h->stack, cur, &f);
		return;
	}
	if (h && !h->tid && __sync_val_compare_and_swap(&h->tid, 0, cur->pid) == 0) {
		h->stack.depth = 0; /* a slot is released empty, but never trust it */
		h->stack.untracked_depth = 0;
		handler_stack__push(&h->stack, cur, &f);
		return;
	}
	t = thread_sig_state__get(cur);
	if (t)
		handler_stack__push(&t->stack, cur, &f);
}

/*
 * A handler of cur returned (rt_sigreturn, at user sp): its frame, or false
 * if none is known (it started before tracing, or past the depth). The slot
 * is released with its last frame.
 */
static __always_inline bool handler__pop(struct task_struct *cur, __u64 sp,
					 struct handler_frame *out, __u32 *level)
{
	struct handler_slot *h = handler_slot__of(cur->pid);
	struct thread_sig_state *t;
	bool known;

	if (h && h->tid == cur->pid) {
		known = handler_stack__pop(&h->stack, cur, sp, out, level);
		if (!h->stack.depth)
			slot_owner__release(&h->tid);
		return known;
	}
	t = bpf_task_storage_get(&thread_sig_states, cur, NULL, 0);
	return t && handler_stack__pop(&t->stack, cur, sp, out, level);
}

/* Thread tid's handler slot is let go: handlers it never returned from must not hold it. */
static __always_inline void handler_slot__forget(__u32 tid)
{
	struct handler_slot *h = handler_slot__of(tid);

	if (h && h->tid == tid) {
		h->stack.depth = 0;
		h->stack.untracked_depth = 0;
		slot_owner__release(&h->tid);
	}
}

/*
 * A thread execs: a handler that called execve never reaches rt_sigreturn,
 * and its frames would be paired with the new program's handlers. old_tid:
 * the thread's tid before exec (de_thread() gives a non-leader that execs
 * the leader's tid, kernel/exec.c exchange_tids()).
 */
static __always_inline void handler__drop_all(struct task_struct *t, __u32 old_tid)
{
	struct thread_sig_state *ts = bpf_task_storage_get(&thread_sig_states, t, NULL, 0);

	handler_slot__forget(old_tid);
	handler_slot__forget(t->pid);
	if (ts) {
		ts->stack.depth = 0;
		ts->stack.untracked_depth = 0;
	}
}

/* include/linux/signal.h sig_kernel_ignore(): SIGCONT, SIGCHLD, SIGWINCH, SIGURG. */
#define SIG_KERNEL_IGNORE_MASK ((1ULL << (SIGCONT - 1)) | (1ULL << (SIGCHLD - 1)) | \
				(1ULL << (SIGWINCH - 1)) | (1ULL << (SIGURG - 1)))

struct rt_discard {
	struct proc_sig_state *st;
	__u32 sig;
	__u32 n;
};

/* bpf_loop callback: ring entry i, if it is a copy of sig, is discarded. */
static long rt_discard__entry(__u64 i, void *ctx)
{
	struct rt_discard *d = ctx;
	struct rt_pending *r = d->st ? rt_ring__entry(d->st, i) : NULL;

	if (!r)
		return 1;
	if (r->sig == d->sig) {
		r->sig = 0;
		d->n++;
	}
	return 0;
}

/* bpf_loop callback: drop a consumed entry at the head of the ring. */
static long rt_discard__head(__u64 i, void *ctx)
{
	struct rt_discard *d = ctx;
	struct proc_sig_state *st = d->st;

	if (!st || !st->rt_len || st->rt[st->rt_head & (RT_RING - 1)].sig)
		return 1;
	st->rt_head = (st->rt_head + 1) & (RT_RING - 1);
	st->rt_len--;
	return 0;
}

/*
 * Every queued copy of real-time signal sig (do_sigaction() flushes the
 * sigqueue entries): through bpf_loop, as a loop here took sys_exit past
 * the verifier's 1M instructions.
 */
static __always_inline __u32 rt_pending__discard(struct task_struct *task, int sig)
{
	struct rt_discard d = { .st = proc_sig_state__peek(task), .sig = sig };

	if (!d.st)
		return 0;
	bpf_loop(RT_RING, rt_discard__entry, &d, 0);
	bpf_loop(RT_RING, rt_discard__head, &d, 0);
	return d.n;
}

/*
 * Signal sig, pending for task's process, was discarded by the kernel,
 * never delivered: its times go, and the discards are counted in the
 * process's row. Returns how many there were, as far as the tracer saw them
 * queued (a standard signal: the process's set and one thread's own, not a
 * second thread's own copy; a real-time one: each copy in the ring; none
 * queued before tracing). Only with pending timing on.
 */
static __noinline __u32 pending__discard(struct task_struct *task, int sig)
{
	struct proc_sig_state *st;
	struct pending_slot *p;
	struct sig_stats *s;
	__u32 idx, n = 0;

	if (!cfg_pending_timing || sig < 1 || sig > IPCSCOPE_NSIG)
		return 0;
	if (sig >= STD_SIGS) {
		n = rt_pending__discard(task, sig);
		goto count;
	}
	idx = sig;
	barrier_var(idx);
	idx &= STD_SIGS - 1;
	p = pending_slot__mine(task);
	if (p && p->count) {
		n += std_pending__discard(&p->std, idx, &p->count);
		if (!p->count)
			slot_owner__release(&p->tgid);
	}
	st = proc_sig_state__peek(task);
	if (st)
		n += std_pending__discard(&st->std, idx, NULL);
count:
	if (!n || !sig__wanted(sig) || !proc__wanted(task->tgid))
		return n;
	s = sig_stats__get(task->tgid, task__start_ns(task), sig, n);
	if (s)
		__sync_fetch_and_add(&s->discarded, n);
	return n;
}

/*
 * kernel/signal.c prepare_signal(), before signal_generate: a SIGCONT
 * discards the stop signals pending for the process (SIGSTOP to SIGTTOU,
 * sig_kernel_stop()), a stop signal its pending SIGCONT; nothing when the
 * process is already exiting (the signal is dropped then). Out of line:
 * signal_generate calls it before its filters, where inlined it added
 * ~0.2 s to the load.
 */
static __noinline void pending__flushed_by(struct task_struct *task, int sig)
{
	if (task->signal->flags & SIGNAL_GROUP_EXIT)
		return;
	if (sig == SIGCONT) {
		for (int stop = SIGSTOP; stop <= SIGTTOU; stop++)
			pending__discard(task, stop);
	} else if (sig >= SIGSTOP && sig <= SIGTTOU) {
		pending__discard(task, SIGCONT);
	}
}

/*
 * rt_sigaction() set sig's action to one that ignores it (SIG_IGN, or
 * SIG_DFL for a signal whose default is to ignore): kernel/signal.c
 * do_sigaction() then discards it from every pending set of the process
 * (POSIX: "shall cause the pending signal to be discarded").
 */
static __always_inline bool sig_action__ignores(__u64 handler, int sig)
{
	return handler == 1 /* SIG_IGN */ ||
	       (handler == 0 /* SIG_DFL */ && sig > 0 && sig < 64 &&
		(SIG_KERNEL_IGNORE_MASK & (1ULL << (sig - 1))));
}

/*
 * What an exit leaves pending (pending__left_at_exit()): the sets it
 * empties, whose discards it counts, and what it found.
 */
struct exit_discard {
	struct pending_slot *p;	  /* the process's pending slot, or NULL */
	struct proc_sig_state *st; /* its task storage, or NULL */
	__u64 start_ns;
	__u64 mask; /* bit (sig - 1) of each signal counted */
	__u32 pid;
	__u32 tid; /* a thread's exit: only its own set; 0: the process's end */
	__u32 n;   /* discards counted */
	bool counted; /* the process is in scope */
};

static __always_inline void exit_discard__count(struct exit_discard *d, int sig, __u32 k)
{
	struct sig_stats *s;

	if (!k || !d->counted || !sig__wanted(sig))
		return;
	d->n += k;
	d->mask |= 1ULL << ((sig - 1) & 63);
	s = sig_stats__get(d->pid, d->start_ns, sig, k);
	if (s)
		__sync_fetch_and_add(&s->discarded, k);
}

/*
 * Standard signal idx leaves d's sets: the thread's own entry, or every
 * entry. Taken with an exchange: in a group exit the last thread's walk
 * can meet another exiting thread's walk of its own entry (each left the
 * group before either reached the tracepoint); one of them counts it.
 */
static __always_inline __u32 exit_discard__std_set(struct exit_discard *d, struct std_pending *sp,
						   __u32 idx, __u32 *held)
{
	__u32 n = 0;

	if (d->tid && (!sp->thread[idx] || sp->tid[idx] != d->tid))
		return 0;
	n += __sync_lock_test_and_set(&sp->thread[idx], 0) != 0;
	if (!d->tid)
		n += __sync_lock_test_and_set(&sp->shared[idx], 0) != 0;
	if (held)
		*held = *held > n ? *held - n : 0;
	return n;
}

/* bpf_loop callback: standard signal i + 1. */
static long exit_discard__std(__u64 i, void *ctx)
{
	struct exit_discard *d = ctx;
	__u32 idx = (i + 1) & (STD_SIGS - 1), k = 0;

	if (!idx)
		return 1;
	if (d->p)
		k += exit_discard__std_set(d, &d->p->std, idx, &d->p->count);
	if (d->st)
		k += exit_discard__std_set(d, &d->st->std, idx, NULL);
	exit_discard__count(d, idx, k);
	return 0;
}

/* bpf_loop callback: the real-time signal in ring entry i, from the head. */
static long exit_discard__rt(__u64 i, void *ctx)
{
	struct exit_discard *d = ctx;
	struct rt_pending *r = d->st ? rt_ring__entry(d->st, i) : NULL;

	if (!r)
		return 1;
	if (r->sig) {
		exit_discard__count(d, r->sig, 1);
		r->sig = 0;
	}
	return 0;
}

/*
 * Thread task exits (group_dead: the last of its process): the signals
 * still pending for it are never delivered. kernel/exit.c __exit_signal()
 * flushes the thread's own set, and the process's too with the last thread;
 * a signal sent after it began to die is dropped by prepare_signal() (the
 * group exit) and never queued. The fatal signal it died of was taken at
 * signal_deliver. Counted as discarded, as far as the tracer saw them
 * queued (see pending__discard()); the times go, and a slot a thread's
 * exit leaves empty is released (the process's end: pending_slot__forget()
 * after this). Outside the siglock: a signal queued to a thread exiting by
 * itself (exit(2), not exit_group) at this moment can leave one stale time
 * or be missed, never double-counted. Returns how many were counted;
 * *mask gets their signals.
 */
static __noinline __u32 pending__left_at_exit(struct task_struct *task, bool group_dead,
					      __u64 *mask)
{
	struct exit_discard d = {};

	*mask = 0;
	if (!cfg_pending_timing)
		return 0;
	d.p = pending_slot__mine(task);
	if (d.p && !d.p->count && !group_dead)
		d.p = NULL;
	d.st = proc_sig_state__peek(task);
	if (!d.p && !d.st)
		return 0;
	d.pid = task->tgid;
	d.start_ns = task__start_ns(task);
	d.tid = group_dead ? 0 : task->pid;
	d.counted = proc__wanted(d.pid);
	bpf_loop(STD_SIGS - 1, exit_discard__std, &d, 0);
	if (group_dead && d.st) {
		bpf_loop(RT_RING, exit_discard__rt, &d, 0);
		d.st->rt_len = 0;
	}
	if (!group_dead && d.p && !d.p->count)
		slot_owner__release(&d.p->tgid);
	*mask = d.mask;
	return d.n;
}

#endif /* SIGNAL_SLOTS_BPF_H */
