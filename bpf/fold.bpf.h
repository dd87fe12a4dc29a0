/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * In-kernel folding of repeated events. Per CPU, a slot keyed by a hash of
 * what makes two events "the same" lets cfg_fold_burst records through per
 * window; later repeats are only counted. When the slot's window ends, the
 * repeats go out as one record carrying their count, and record types whose
 * exact counters allow it (fold__settle) add the whole burst to those
 * counters at once instead of one shared-map update per repeat. Slots still
 * holding repeats at exit are settled by user space (src/fold.c).
 */
#ifndef FOLD_BPF_H
#define FOLD_BPF_H

#include "signal_state.bpf.h"

static __always_inline __u64 fold__mix(__u64 h, __u64 v)
{
	return ipcscope_mix(h, v);
}

/* Add a deferred burst's pending-time samples (deliveries, acceptances). */
static __always_inline void fold__settle_pending(struct sig_stats *s, const struct fold_acc *acc)
{
	if (!acc->samples)
		return;
	__sync_fetch_and_add(&s->pending_samples, acc->samples);
	__sync_fetch_and_add(&s->pending_ns_sum, acc->sum);
	atomic_max(&s->pending_ns_max, acc->max);
	for (int i = 0; i < IPCSCOPE_FOLD_HIST; i++) {
		__u32 idx = (__u32)acc->hist_slot[i] - 1; /* unused (0) wraps: skipped */

		barrier_var(idx); /* keep the bound check on the register used */
		if (idx < IPCSCOPE_HIST_SLOTS)
			__sync_fetch_and_add(&s->pending_hist[idx], acc->hist_n[i]);
	}
}

/*
 * Add a folded burst's deferred counters to the statistics map. The fold
 * key of each type covers every field read here, so the one saved sample
 * stands for all the repeats. src/model.c model__settle_folded() does the
 * same for what is still deferred at exit: keep the two in step.
 */
static __always_inline void fold__settle(const void *saved, __u32 size, const struct fold_acc *acc)
{
	const struct event_header *hdr = saved;
	const struct sig_deliver_event *d = saved;
	const struct sig_handler_return_event *h = saved;
	const struct sig_accept_event *a = saved;
	const struct epipe_event *p = saved;
	struct sig_stats *s;
	__u32 action;

	switch (hdr->type) {
	case EVENT_EPIPE: /* its traffic counters went to io slots: only the SIGPIPE is left */
		if (size >= sizeof(*p) && (hdr->flags & EVENT_F_WITH_SIGPIPE))
			sig_stats__count_received(p->task.pid, p->task.start_ns, SIGPIPE,
						  p->sigpipe_result, p->sigpipe_blocked, acc->n);
		return;
	case EVENT_SIG_GENERATE:
		if (size >= sizeof(struct sig_generate_event))
			sig_generate__count(saved, acc->n);
		return;
	case EVENT_SIG_DELIVER:
		if (size < sizeof(*d))
			return;
		s = sig_stats__get(d->task.pid, d->task.start_ns, d->sig, acc->n);
		action = d->action;
		barrier_var(action);
		if (!s || action >= ACTION_MAX)
			return;
		__sync_fetch_and_add(&s->delivered[action], acc->n);
		fold__settle_pending(s, acc);
		return;
	case EVENT_SIG_HANDLER_RETURN:
		if (size < sizeof(*h))
			return;
		s = sig_stats__get(h->task.pid, h->task.start_ns, h->sig, acc->n);
		if (!s)
			return;
		__sync_fetch_and_add(&s->handler_returns, acc->n);
		__sync_fetch_and_add(&s->handler_ns_sum, acc->sum);
		atomic_max(&s->handler_ns_max, acc->max);
		return;
	case EVENT_SIG_ACCEPT:
		if (size < sizeof(*a))
			return;
		s = sig_stats__get(a->task.pid, a->task.start_ns, a->sig, acc->n);
		if (!s)
			return;
		__sync_fetch_and_add(&s->accepted, acc->n);
		fold__settle_pending(s, acc);
		return;
	}
}

/*
 * Emit the repeats a slot folded as one record carrying their count. If the
 * ring buffer is full, all of them are lost from the stream, not one: the
 * loss counts events, so that what the stream shows plus what it says it
 * dropped always covers what happened. (If a user-space sweep already
 * reported some of them, src/fold.c, they are counted lost again: the loss
 * may over-count in that case, it never under-counts.) Out of line: it runs
 * once per window, and its settle's frame would add to every caller's
 * (bpf/syscalls.bpf.c sys_exit).
 */
static __noinline void fold__flush(struct fold_slot *slot)
{
	struct event_header *saved = (struct event_header *)slot->saved;
	__u32 size = slot->size;

	if (slot->acc.n && size <= IPCSCOPE_FOLD_SAVED_MAX)
		fold__settle(slot->saved, size, &slot->acc);
	__builtin_memset(&slot->acc, 0, sizeof(slot->acc));
	if (!slot->suppressed)
		return;
	if (size > IPCSCOPE_FOLD_SAVED_MAX) {
		slot->suppressed = 0;
		return;
	}
	saved->count = slot->suppressed;
	saved->flags |= EVENT_F_FOLDED;
	saved->span_us = (slot->last_ns - saved->ts_ns) / 1000;
	slot->suppressed = 0;
	if (bpf_ringbuf_output(&events, slot->saved, size, EMIT_FLAGS))
		loss__add(LOSS_RINGBUF, record__events(saved));
}

enum fold_verdict {
	FOLD_EMIT,  /* emit the record */
	FOLD_SAVE,  /* first repeat past the burst: build it, fold__save() it */
	FOLD_COUNT, /* further repeat: counted, nothing to build */
};

struct fold_ticket {
	struct fold_slot *slot;
	__u32 idx;
	__u32 gen;
};

/*
 * A window ends early rather than let its counts wrap: the record's count,
 * the slot's suppressed and acc.n are __u32, and a 1.2 M/s EPIPE storm
 * (BENCHMARKS.md) would pass 2^32 repeats in the longest --fold-window (1 h).
 */
#define FOLD_REPEATS_MAX 0x7fffffffU

/*
 * The slot of key's set (ipcscope_fold_set) that holds key, else the one used
 * least recently, which key takes over (fold__admit flushes it first).
 */
static __always_inline struct fold_slot *fold__slot_of(__u64 key, bool in_interrupt, __u32 *idx)
{
	__u32 first = ipcscope_fold_set(key, in_interrupt), second = first + 1;
	struct fold_slot *a = bpf_map_lookup_elem(&fold_slots, &first);
	struct fold_slot *b = bpf_map_lookup_elem(&fold_slots, &second);

	_Static_assert(IPCSCOPE_FOLD_WAYS == 2, "fold__slot_of looks at two ways");
	if (!a || !b)
		return NULL;
	if (a->key == key || (b->key != key && a->last_ns <= b->last_ns)) {
		*idx = first;
		return a;
	}
	*idx = second;
	return b;
}

/*
 * Decide before building a record: past cfg_fold_burst records per key in a
 * window, repeats are only counted (the first one is kept as the sample the
 * folded record will show). Counting, not sampling: no event disappears.
 *
 * A repeat that is only counted does not read the clock (clock__now) while
 * jiffies have not moved since the slot last did: the slot's last_ns then
 * trails its last repeat by less than a tick (4 ms at HZ=250), and a window
 * ends up to a tick late. *now: the event's time if the caller read it, else
 * 0; read here when needed. in_interrupt: the caller runs in interrupt
 * context and uses the slots set aside for it (bpf/task_stack.bpf.h).
 */
static __always_inline enum fold_verdict fold__admit_in(__u64 key, bool in_interrupt, __u64 *now,
						       struct fold_ticket *t)
{
	struct fold_slot *slot;
	__u64 jiffies, ns;

	t->slot = NULL;
	t->idx = 0;
	t->gen = 0;
	if (!cfg_fold_burst)
		return FOLD_EMIT;
	slot = fold__slot_of(key, in_interrupt, &t->idx);
	if (!slot)
		return FOLD_EMIT;
	t->slot = slot;
	jiffies = bpf_jiffies64();
	if (slot->key == key && slot->suppressed && slot->suppressed < FOLD_REPEATS_MAX &&
	    jiffies == slot->last_jiffies) {
		slot->suppressed++;
		t->gen = slot->gen;
		return FOLD_COUNT;
	}
	slot->last_jiffies = jiffies;
	ns = clock__now(now);
	if (slot->key == key && ns - slot->window_start_ns < cfg_fold_window_ns &&
	    slot->suppressed < FOLD_REPEATS_MAX) {
		slot->last_ns = ns;
		t->gen = slot->gen;
		if (slot->emitted < cfg_fold_burst) {
			slot->emitted++;
			return FOLD_EMIT;
		}
		if (slot->suppressed++)
			return FOLD_COUNT;
		return FOLD_SAVE;
	}
	fold__flush(slot);
	slot->key = key;
	slot->window_start_ns = ns;
	slot->last_ns = ns;
	slot->emitted = 1;
	slot->gen++;
	t->gen = slot->gen;
	return FOLD_EMIT;
}

/* fold__admit_in() for programs that run in task context only. */
static __always_inline enum fold_verdict fold__admit(__u64 key, __u64 *now, struct fold_ticket *t)
{
	return fold__admit_in(key, false, now, t);
}

/* Emit a record fold__admit let through, or keep it as the slot's sample. */
static __always_inline void fold__finish_flags(enum fold_verdict v, struct fold_ticket *t,
					       void *rec, __u32 size, __u64 flags)
{
	struct event_header *hdr = rec;

	hdr->fold_slot = t->idx;
	hdr->fold_gen = t->gen;
	if (v == FOLD_EMIT) {
		emit_flags(rec, size, flags);
		return;
	}
	if (v == FOLD_SAVE && t->slot && size <= IPCSCOPE_FOLD_SAVED_MAX) {
		bpf_probe_read_kernel(t->slot->saved, size, rec);
		t->slot->size = size;
	}
}

static __always_inline void fold__finish(enum fold_verdict v, struct fold_ticket *t, void *rec,
					 __u32 size)
{
	fold__finish_flags(v, t, rec, size, EMIT_FLAGS);
}

/*
 * For a repeat fold__admit() folded (FOLD_SAVE or FOLD_COUNT): leave its
 * counters in the slot for fold__settle(). has_value: it carries a measured
 * value (pending or handler time); hist: that value also feeds a histogram.
 * False when the slot cannot hold it (too many distinct histogram slots):
 * the caller then counts this repeat directly, as for an emitted record.
 */
static __always_inline bool fold__defer(struct fold_ticket *t, bool has_value, __u64 value,
					bool hist)
{
	struct fold_acc *acc;
	__u16 want;
	int i;

	if (!t->slot)
		return false;
	acc = &t->slot->acc;
	if (has_value && hist) {
		want = hist__slot(value) + 1;
		for (i = 0; i < IPCSCOPE_FOLD_HIST; i++) {
			if (acc->hist_slot[i] == want || !acc->hist_slot[i])
				break;
		}
		if (i >= IPCSCOPE_FOLD_HIST)
			return false;
		acc->hist_slot[i] = want;
		acc->hist_n[i]++;
	}
	acc->n++;
	if (has_value) {
		acc->samples++;
		acc->sum += value;
		if (value > acc->max)
			acc->max = value;
	}
	return true;
}

#endif /* FOLD_BPF_H */
