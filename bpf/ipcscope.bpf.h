/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every ipcscope BPF object shares: the maps (declared __weak so that
 * `bpftool gen object` merges the copies from each .bpf.c into one), the
 * configuration set by user space between open and load, process identity,
 * loss accounting and the in-kernel folding of repeated events.
 */
#ifndef IPCSCOPE_BPF_H
#define IPCSCOPE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "../src/ipcscope.h"

/* ---- configuration (rodata, set by src/tracer.c before load) ---- */
const volatile __u64 cfg_fold_window_ns __weak = 1000000000ULL;
const volatile __u32 cfg_fold_burst __weak = 0; /* 0: never fold */
const volatile __u64 cfg_sig_mask __weak = ~0ULL; /* bit (sig - 1) */
const volatile __u8 cfg_filter_pids __weak = 0;	  /* consult the watch map */
const volatile __u8 cfg_match_sender __weak = 1;
const volatile __u8 cfg_match_target __weak = 1;

/* ---- maps shared by all objects ---- */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOSS_REASON_MAX);
	__type(key, __u32);
	__type(value, __u64);
} loss SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPCSCOPE_FOLD_SLOTS);
	__type(key, __u32);
	__type(value, struct fold_slot);
} fold_slots SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} watch SEC(".maps") __weak;

/* Ring-buffer records are only read every few ms by user space: never wake it. */
#define EMIT_FLAGS BPF_RB_NO_WAKEUP

/* struct signal_struct flags, include/linux/sched/signal.h */
#define SIGNAL_GROUP_EXIT 0x00000004
#define SIGKILL 9
#define SIGPIPE 13

static __always_inline void loss__count(enum ipcscope_loss_reason reason)
{
	__u32 key = reason;
	__u64 *n = bpf_map_lookup_elem(&loss, &key);

	if (n)
		*n += 1; /* per-CPU slot: no other writer */
}

static __always_inline bool emit(void *rec, __u32 size)
{
	if (bpf_ringbuf_output(&events, rec, size, EMIT_FLAGS)) {
		loss__count(LOSS_RINGBUF);
		return false;
	}
	return true;
}

/* Identity of a process: pid plus its leader's start time (pids are reused). */
static __always_inline __u64 task__start_ns(struct task_struct *task)
{
	return BPF_CORE_READ(task, group_leader, start_boottime);
}

static __always_inline void task_ref__fill(struct task_ref *ref, struct task_struct *task)
{
	ref->pid = BPF_CORE_READ(task, tgid);
	ref->tid = BPF_CORE_READ(task, pid);
	ref->start_ns = task__start_ns(task);
	bpf_probe_read_kernel(ref->comm, sizeof(ref->comm), &task->comm);
}

static __always_inline bool sig__wanted(int sig)
{
	if (sig < 1 || sig > IPCSCOPE_NSIG)
		return false;
	return cfg_sig_mask & (1ULL << (sig - 1));
}

static __always_inline bool pid__watched(__u32 pid)
{
	return bpf_map_lookup_elem(&watch, &pid) != NULL;
}

/* A process-local event (delivery, handler, mask...) passes the pid filter? */
static __always_inline bool proc__wanted(__u32 pid)
{
	return !cfg_filter_pids || pid__watched(pid);
}

static __always_inline void hdr__init(struct event_header *hdr, __u32 type, __u64 now)
{
	hdr->type = type;
	hdr->count = 1;
	hdr->ts_ns = now;
	hdr->cpu = bpf_get_smp_processor_id();
	hdr->fold_slot = 0;
	hdr->fold_gen = 0;
	hdr->flags = 0;
	hdr->_pad = 0;
}

static __always_inline __u64 fold__mix(__u64 h, __u64 v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

/* Emit the repeats a slot folded as one record carrying their count. */
static __always_inline void fold__flush(struct fold_slot *slot)
{
	struct event_header *saved = (struct event_header *)slot->saved;
	__u32 size = slot->size;

	if (!slot->suppressed)
		return;
	saved->count = slot->suppressed;
	saved->flags |= EVENT_F_FOLDED;
	slot->suppressed = 0;
	if (size > IPCSCOPE_FOLD_SAVED_MAX)
		return;
	if (bpf_ringbuf_output(&events, slot->saved, size, EMIT_FLAGS))
		loss__count(LOSS_RINGBUF);
}

/*
 * Emit rec unless it repeats (same key) more than cfg_fold_burst times in the
 * current window; repeats are counted in the slot and come out later as one
 * record with hdr.count = N. Counting, not sampling: no event disappears.
 */
static __always_inline void emit_folded(void *rec, __u32 size, __u64 key)
{
	struct event_header *hdr = rec;
	struct fold_slot *slot;
	__u32 idx;

	if (!cfg_fold_burst) {
		emit(rec, size);
		return;
	}
	idx = key % IPCSCOPE_FOLD_SLOTS;
	slot = bpf_map_lookup_elem(&fold_slots, &idx);
	if (!slot) {
		emit(rec, size);
		return;
	}
	hdr->fold_slot = idx;
	if (slot->key == key && hdr->ts_ns - slot->window_start_ns < cfg_fold_window_ns) {
		slot->last_ns = hdr->ts_ns;
		if (slot->emitted < cfg_fold_burst) {
			slot->emitted++;
			hdr->fold_gen = slot->gen;
			emit(rec, size);
			return;
		}
		slot->suppressed++;
		hdr->fold_gen = slot->gen;
		if (size <= IPCSCOPE_FOLD_SAVED_MAX) {
			bpf_probe_read_kernel(slot->saved, size, rec);
			slot->size = size;
		}
		return;
	}
	fold__flush(slot);
	slot->key = key;
	slot->window_start_ns = hdr->ts_ns;
	slot->last_ns = hdr->ts_ns;
	slot->emitted = 1;
	slot->gen++;
	hdr->fold_gen = slot->gen;
	emit(rec, size);
}

/* Racing updates of a shared max: retry a few times, then give up (benign). */
static __always_inline void atomic_max(__u64 *dst, __u64 v)
{
	for (int i = 0; i < 4; i++) {
		__u64 cur = *(volatile __u64 *)dst;

		if (v <= cur)
			return;
		if (__sync_val_compare_and_swap(dst, cur, v) == cur)
			return;
	}
}

#endif /* IPCSCOPE_BPF_H */
