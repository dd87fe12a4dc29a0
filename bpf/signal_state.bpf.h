/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Signal bookkeeping shared by the signal tracepoints and the signal
 * syscalls: exact per-(process, signal) counters, when each pending signal
 * was generated (to time how long it stayed pending), and the handlers a
 * thread is running (to time them until rt_sigreturn).
 */
#ifndef SIGNAL_STATE_BPF_H
#define SIGNAL_STATE_BPF_H

#include "ipcscope.bpf.h"

#define E2BIG 7 /* include/uapi/asm-generic/errno-base.h */

#define RT_RING 32	  /* queued real-time signals timed per process */
#define HANDLER_DEPTH 4 /* nested handlers timed per thread */
#define STD_SIGS 32	  /* standard signals 1..31 (index = signal) */

struct rt_pending {
	__u32 sig;
	__u32 _pad;
	__u64 ts;
};

/*
 * Lives on the group leader. signal_generate and signal_deliver both run
 * under the target's sighand->siglock (kernel/signal.c: __send_signal_locked
 * and get_signal), so updates to one process's state never race.
 */
/*
 * Generation times of the standard signals pending for one process. They
 * do not queue, but kernel/signal.c keeps a pending set per process (kill()
 * and the kernel's group signals: `group` at signal_generate) and one per
 * thread (tgkill(), send_sig(), faults), and one signal can sit in both:
 * one time for the process's set and one for one thread's. dequeue_signal()
 * takes from the thread's own set first, so a delivery to the thread that
 * holds the thread time takes that one, any other the process's time, and
 * one that finds neither takes the thread time whoever holds it: a thread
 * that exec'd under its leader's pid (de_thread()), a fatal signal another
 * thread reports (complete_signal()). (A signal the kernel discards takes
 * its times with it: pending__discard().) Likewise a generation to another
 * thread takes the thread entry over. So the odd cases fall back to one
 * time per signal, as before the two were kept apart; two threads with the
 * same signal in their own sets at once leave one untimed (docs/design.md,
 * "Deliveries with no pending time").
 */
struct std_pending {
	__u64 shared[STD_SIGS]; /* the process's set; 0: none timed */
	__u64 thread[STD_SIGS]; /* thread tid[s]'s own set; 0: none timed */
	__u32 tid[STD_SIGS];
};

/*
 * A standard signal was queued: to the process's set (tid 0) or to thread
 * tid's own. idx is the signal, bound by the caller. Returns 1 when an
 * empty entry was filled, for the caller's count of held entries.
 */
static __always_inline int std_pending__push(struct std_pending *sp, __u32 idx, __u32 tid,
					     __u64 now)
{
	int filled;

	if (!tid) {
		filled = !sp->shared[idx];
		sp->shared[idx] = now;
		return filled;
	}
	filled = !sp->thread[idx]; /* another thread's time is taken over */
	sp->thread[idx] = now;
	sp->tid[idx] = tid;
	return filled;
}

/*
 * Thread tid took standard signal idx: its own set's time first, as
 * dequeue_signal(), then the process's, then (above) another thread's.
 */
static __always_inline __u64 std_pending__pop(struct std_pending *sp, __u32 idx, __u32 tid)
{
	__u64 ts = sp->thread[idx], shared;

	if (ts && sp->tid[idx] == tid) {
		sp->thread[idx] = 0;
		return ts;
	}
	shared = sp->shared[idx];
	if (shared) {
		sp->shared[idx] = 0;
		return shared;
	}
	sp->thread[idx] = 0;
	return ts;
}

/*
 * The kernel discarded standard signal idx from every pending set of the
 * process: forget its times. Returns how many it held (the process's set,
 * one thread's own), keeping held, if not NULL, in step.
 */
static __always_inline __u32 std_pending__discard(struct std_pending *sp, __u32 idx, __u32 *held)
{
	__u32 n = (sp->shared[idx] != 0) + (sp->thread[idx] != 0);

	sp->shared[idx] = 0;
	sp->thread[idx] = 0;
	if (held)
		*held = *held > n ? *held - n : 0;
	return n;
}

struct proc_sig_state {
	struct std_pending std;
	struct rt_pending rt[RT_RING];	/* real-time signals queue: FIFO */
	__u32 rt_head;
	__u32 rt_len;
	__u8 death_reported; /* fatal signal already reported for this group */
	__u8 _pad[7];
};

struct handler_frame {
	__u64 ts;
	__u64 sp;	   /* user sp the delivery interrupted; 0 if unknown */
	/*
	 * The alternate stack the handler ran on (on_altstack), as it was then:
	 * SS_AUTODISARM zeroes the task's until rt_sigreturn restores it
	 * (kernel/signal.c signal_delivered() -> sas_ss_reset()).
	 */
	__u64 alt_base, alt_size;
	__s32 sig;
	__u8 on_altstack;
	__u8 _pad[3];
};

/* The handlers a thread is running, innermost on top. */
struct handler_stack {
	struct handler_frame handler[HANDLER_DEPTH];
	__u32 depth;
	__u32 untracked_depth; /* frames pushed past HANDLER_DEPTH */
};

struct thread_sig_state {
	struct handler_stack stack; /* when another thread held the slot (signal_slots.bpf.h) */
	__u64 mask_before;	    /* blocked set at rt_sigprocmask entry */
	__s32 how;
	__u8 mask_saved;
	__u8 _pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct proc_sig_state);
} proc_sig_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct thread_sig_state);
} thread_sig_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384); /* resized by --max-procs */
	__type(key, struct sig_stats_key);
	__type(value, struct sig_stats);
} sig_stats SEC(".maps");

const struct sig_stats zero_sig_stats = {};

static __always_inline struct proc_sig_state *proc_sig_state__get(struct task_struct *task)
{
	return task_storage__get_or_create(&proc_sig_states, task->group_leader);
}

/* Only where something was recorded before: no allocation on the hot path. */
static __always_inline struct proc_sig_state *proc_sig_state__peek(struct task_struct *task)
{
	return bpf_task_storage_get(&proc_sig_states, task->group_leader, NULL, 0);
}

static __always_inline struct thread_sig_state *thread_sig_state__get(struct task_struct *task)
{
	return task_storage__get_or_create(&thread_sig_states, task);
}

/* The row of (process, signal) that `events` events are about to be counted in. */
static __always_inline struct sig_stats *sig_stats__get(__u32 pid, __u64 start_ns, int sig,
							__u32 events)
{
	struct sig_stats_key key = { .pid = pid, .sig = sig, .start_ns = start_ns };

	return hash_row__get_or_create(&sig_stats, &key, &zero_sig_stats, LOSS_STATS_FULL, events);
}

/*
 * Count n generations that share e's target, sender, signal, result and
 * blocked bit: one per record, or a folded burst at once (fold.bpf.h).
 */
static __always_inline void sig_stats__count_received(__u32 pid, __u64 start_ns, int sig,
						      __u32 result, bool blocked, __u32 n)
{
	struct sig_stats *s;

	barrier_var(result); /* keep the bound check next to the index */
	if (result >= SIG_RESULT_MAX)
		return;
	s = sig_stats__get(pid, start_ns, sig, n);
	barrier_var(result);
	if (s && result < SIG_RESULT_MAX) {
		__sync_fetch_and_add(&s->received[result], n);
		if (blocked)
			__sync_fetch_and_add(&s->received_blocked, n);
	}
}

static __always_inline void sig_generate__count(const struct sig_generate_event *e, __u32 n)
{
	__u32 result = e->result;
	struct sig_stats *s;

	sig_stats__count_received(e->target.pid, e->target.start_ns, e->sig, result, e->blocked, n);
	if (!e->has_sender)
		return;
	s = sig_stats__get(e->sender.pid, e->sender.start_ns, e->sig, n);
	barrier_var(result);
	if (s && result < SIG_RESULT_MAX)
		__sync_fetch_and_add(&s->sent[result], n);
}

static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? log2_u32(hi) + 32 : log2_u32(v);
}

/* Same bucketing as src/histogram.c: 4 linear sub-buckets per octave. */
static __always_inline __u32 hist__slot(__u64 v)
{
	__u32 octave, slot;

	if (v < 8)
		return v;
	octave = log2_u64(v);
	slot = octave * IPCSCOPE_HIST_SUB + ((v >> (octave - 2)) & 3);
	return slot < IPCSCOPE_HIST_SLOTS ? slot : IPCSCOPE_HIST_SLOTS - 1;
}

static __always_inline void sig_stats__add_pending(struct sig_stats *s, __u64 pending_ns)
{
	__u32 slot = hist__slot(pending_ns);

	__sync_fetch_and_add(&s->pending_samples, 1);
	__sync_fetch_and_add(&s->pending_ns_sum, pending_ns);
	atomic_max(&s->pending_ns_max, pending_ns);
	if (slot < IPCSCOPE_HIST_SLOTS)
		__sync_fetch_and_add(&s->pending_hist[slot], 1);
}

/*
 * A signal was queued, to thread tid's own set (0: the process's): remember
 * when, to time its stay in the pending set (task storage: see
 * signal_slots.bpf.h pending__push for the usual place).
 */
static __always_inline void proc_sig_state__push(struct proc_sig_state *st, int sig, __u32 tid,
						 __u64 now)
{
	__u32 idx;

	if (sig > 0 && sig < STD_SIGS) {
		idx = sig;
		barrier_var(idx); /* keep the mask: it is the verifier's bound */
		std_pending__push(&st->std, idx & (STD_SIGS - 1), tid, now);
		return;
	}
	if (st->rt_len >= RT_RING) {
		loss__count(LOSS_PENDING_RING);
		return;
	}
	idx = (st->rt_head + st->rt_len) & (RT_RING - 1);
	st->rt[idx].sig = sig;
	st->rt[idx].ts = now;
	st->rt_len++;
}

/* The i-th real-time entry from the ring's head; NULL past its length. */
static __always_inline struct rt_pending *rt_ring__entry(struct proc_sig_state *st, __u64 i)
{
	return i < st->rt_len ? &st->rt[(st->rt_head + i) & (RT_RING - 1)] : NULL;
}

/*
 * The signal left the pending set (delivered to or accepted by thread
 * tid): when was it generated? 0 when unknown (pending before tracing
 * began, or untracked).
 * Real-time signals of one number are dequeued in the order they were queued
 * (kernel/signal.c: collect_signal takes the first sigqueue entry).
 */
static __always_inline __u64 proc_sig_state__pop(struct proc_sig_state *st, int sig, __u32 tid)
{
	__u64 ts = 0;
	__u32 std;

	if (sig > 0 && sig < STD_SIGS) {
		std = sig;
		barrier_var(std); /* keep the mask: it is the verifier's bound */
		std &= STD_SIGS - 1;
		return std_pending__pop(&st->std, std, tid);
	}
	for (int i = 0; i < RT_RING; i++) {
		struct rt_pending *r = rt_ring__entry(st, i);

		if (!r)
			break;
		if (r->sig == sig) {
			ts = r->ts;
			r->sig = 0;
			break;
		}
	}
	/* Drop the consumed entries at the head of the FIFO. */
	for (int i = 0; i < RT_RING; i++) {
		if (!st->rt_len || st->rt[st->rt_head & (RT_RING - 1)].sig)
			break;
		st->rt_head = (st->rt_head + 1) & (RT_RING - 1);
		st->rt_len--;
	}
	return ts;
}

#endif /* SIGNAL_STATE_BPF_H */
