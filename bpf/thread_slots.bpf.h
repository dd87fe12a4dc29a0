/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where a thread's sys_enter leaves what its sys_exit needs (the call, the
 * object, when it started): one slot per thread id in a plain array.
 *
 * Task storage does the same job but costs a helper call at each end
 * (~20 ns each here, Safe RET on every return, BENCHMARKS.md); an array
 * lookup is inlined by the verifier. The array is indexed by tid modulo its
 * size (a power of two, sized from pid_max up to THREAD_SLOTS_MAX by the
 * loader): below that bound no two threads share a slot. Above it two live
 * threads may; the first to claim the slot (cmpxchg on its owner) has it
 * until its sys_exit, and the other falls back to task storage — so the
 * answer is exact either way, only slower for the loser (except a FIFO
 * open's wait, pipes.bpf.h open__enter(): the loser's goes unmeasured).
 *
 * A slot is released at the call's exit, or at the thread's exit
 * (sched_process_exit runs for every thread) when the call never returned.
 */
#ifndef THREAD_SLOTS_BPF_H
#define THREAD_SLOTS_BPF_H

#include "ipcscope.bpf.h"

#define THREAD_CALL_BYTES 120
/*
 * Both kinds of record start with the call's syscall number + 1: a record
 * left by a call whose sys_exit was missed (the attach window) can then
 * never pass for a call of the other kind.
 */
#define THREAD_CALL_NR 0

struct thread_slot {
	__u32 tid;   /* the thread whose call the slot holds; 0: free */
	__u32 sigpipe; /* a SIGPIPE left for its thread's sys_exit: SIGPIPE_MARK(); 0: none */
	__u8 call[THREAD_CALL_BYTES]; /* a struct io_call or struct ipc_call */
} __attribute__((aligned(64)));	      /* one thread per cache line pair: no false sharing */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, THREAD_SLOTS_MAX); /* set from pid_max at load (src/tracer.c) */
	__type(key, __u32);
	__type(value, struct thread_slot);
} thread_slots SEC(".maps");

const volatile __u32 cfg_thread_slot_mask = THREAD_SLOTS_MAX - 1;

/*
 * Give a slot up by zeroing its owner word (thread slots here, the signal
 * slots of signal_slots.bpf.h): another CPU may claim it next, so every
 * access to the slot comes first (compiler barrier; x86 keeps a store after
 * earlier loads and stores), and the store may not be dropped or torn.
 */
#define slot_owner__release(owner)                                                                 \
	({                                                                                         \
		asm volatile("" ::: "memory");                                                     \
		*(volatile __u32 *)(owner) = 0;                                                    \
	})

#define thread_slot__free(s) slot_owner__release(&(s)->tid)

static __always_inline struct thread_slot *thread_slot__of(__u32 tid)
{
	__u32 idx = tid & cfg_thread_slot_mask;

	return bpf_map_lookup_elem(&thread_slots, &idx);
}

/* This thread's call record for sys_enter to fill; NULL if another thread holds the slot. */
static __always_inline void *thread_slot__claim(struct task_struct *cur)
{
	struct thread_slot *s = thread_slot__of(cur->pid);

	if (!s)
		return NULL;
	if (s->tid != cur->pid && __sync_val_compare_and_swap(&s->tid, 0, cur->pid) != 0)
		return NULL;
	return s->call;
}

/* This thread's slot if it holds a call of this thread's; NULL if not. */
static __always_inline struct thread_slot *thread_slot__mine(struct task_struct *cur)
{
	struct thread_slot *s = thread_slot__of(cur->pid);

	return s && s->tid == cur->pid ? s : NULL;
}

/*
 * At sys_exit: copy this thread's call record out and free the slot.
 * False if the slot is not this thread's (its entry went to task storage,
 * or came before tracing started).
 */
static __always_inline bool thread_slot__take(struct task_struct *cur, void *dst, __u32 size)
{
	struct thread_slot *s = thread_slot__mine(cur);

	if (!s || size > THREAD_CALL_BYTES)
		return false;
	__builtin_memcpy(dst, s->call, size);
	thread_slot__free(s);
	return true;
}

/*
 * A SIGPIPE generation signal_generate left for the sys_exit of the write
 * that raised it (signals.bpf.c sigpipe__defer()). The mark names its
 * thread (tids are below 2^22, PID_MAX_LIMIT), so a thread sharing the slot
 * can neither take it nor overwrite it: the first mark holds the word until
 * its thread's sys_exit takes it, and another thread's SIGPIPE is counted
 * where it is generated meanwhile.
 */
#define SIGPIPE_MARK(tid, result, blocked) ((tid) << 8 | 0x80 | (result) << 1 | (blocked))
#define SIGPIPE_MARK_RESULT(mark) (((mark) >> 1) & 0x7)
#define SIGPIPE_MARK_BLOCKED(mark) ((mark) & 1)

static __always_inline bool thread_slot__mark_sigpipe(struct thread_slot *s, __u32 mark)
{
	return !s->sigpipe && __sync_val_compare_and_swap(&s->sigpipe, 0, mark) == 0;
}

/* At sys_exit: the SIGPIPE mark this thread's call left, taken; 0 if none. */
static __always_inline __u32 thread_slot__take_sigpipe(struct task_struct *cur)
{
	struct thread_slot *s = thread_slot__of(cur->pid);
	__u32 mark;

	if (!s)
		return 0;
	mark = s->sigpipe;
	if (mark >> 8 != cur->pid)
		return 0;
	slot_owner__release(&s->sigpipe);
	return mark;
}

/* A thread ends: a call it never returned from must not hold its slot. */
static __always_inline void thread_slot__forget(struct task_struct *t)
{
	struct thread_slot *s = thread_slot__of(t->pid);

	if (s && s->tid == t->pid)
		thread_slot__free(s);
}

#endif /* THREAD_SLOTS_BPF_H */
