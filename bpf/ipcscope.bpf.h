/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What all ipcscope BPF programs share: the maps, the configuration set by
 * user space between open and load, process identity and loss accounting.
 * Folding of repeated events is in fold.bpf.h.
 */
#ifndef IPCSCOPE_BPF_H
#define IPCSCOPE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "../src/ipcscope.h"

/* ---- configuration (rodata, set by src/tracer.c before load) ---- */
const volatile __u64 cfg_fold_window_ns = 1000000000ULL;
const volatile __u32 cfg_fold_burst = 0; /* 0: never fold */
const volatile __u64 cfg_sig_mask = ~0ULL; /* bit (sig - 1) */
const volatile __u8 cfg_fd_direct_load = 1; /* files.bpf.h fd__file() */
const volatile __u8 cfg_filter_pids = 0;	  /* consult the watch map */
const volatile __u8 cfg_match_sender = 1;
const volatile __u8 cfg_match_target = 1;
/*
 * ipcscope's own process: never a subject of its own trace (its output
 * pipe, its ring buffer's mapping, signals to it), or the report would
 * show the tracer at work beside what it traces, as perf trace avoids.
 */
const volatile __u32 cfg_self_tgid;
/*
 * Features whose other half is missing on this kernel (src/feature_map.c):
 * their first half is then not done either, or it would leave state that
 * nothing takes back (pending timestamps, handler frames, calls entered).
 */
const volatile __u8 cfg_pending_timing = 1; /* needs signal_generate and signal_deliver */
const volatile __u8 cfg_handler_timing = 1; /* needs signal_deliver and sys_enter */
const volatile __u8 cfg_syscalls = 1;	    /* needs sys_enter and sys_exit */
const volatile __u8 cfg_send_failures = 1; /* failed kill() and the like (not for the doctor) */
/* pipe EOF, EAGAIN and long waits as records (not for the doctor) */
const volatile __u8 cfg_pipe_io_live = 1;
/* sched_process_exit passes group_dead (bpf/proc.bpf.c); older kernels do not */
const volatile __u8 cfg_exit_group_dead_arg = 1;

/* ---- maps shared by all objects ---- */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOSS_REASON_MAX);
	__type(key, __u32);
	__type(value, __u64);
} loss SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPCSCOPE_FOLD_SLOTS);
	__type(key, __u32);
	__type(value, struct fold_slot);
} fold_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} watch SEC(".maps");

/*
 * Ring-buffer records are only read every few ms by user space: never wake
 * it (a handler install does: bpf/syscalls.bpf.c on_sigaction_exit()).
 */
#define EMIT_FLAGS BPF_RB_NO_WAKEUP

/* struct signal_struct flags, include/linux/sched/signal.h */
#define SIGNAL_GROUP_EXIT 0x00000004
#define SIGNAL_CLD_STOPPED 0x00000010
#define SIGNAL_CLD_CONTINUED 0x00000020
#define SIGKILL 9
#define SIGPIPE 13
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28

/*
 * include/linux/errno.h: what a syscall a signal cut short returns at
 * sys_exit, before the signal's delivery turns it into EINTR or a restart
 * (arch/x86/kernel/signal.c handle_signal()); EINTR as some calls return it.
 */
#define EINTR 4
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* n more things lost for reason (for the ring buffer: events, not records). */
static __always_inline void loss__add(enum ipcscope_loss_reason reason, __u64 n)
{
	__u32 key = reason;
	__u64 *total = bpf_map_lookup_elem(&loss, &key);

	if (total) /* per CPU, but an interrupt's program may add between our load and store */
		__sync_fetch_and_add(total, n);
}

static __always_inline void loss__count(enum ipcscope_loss_reason reason)
{
	loss__add(reason, 1);
}

/* The events a record stands for: a record WITH_SIGPIPE is two per repeat. */
static __always_inline __u64 record__events(const struct event_header *hdr)
{
	return (__u64)hdr->count << !!(hdr->flags & EVENT_F_WITH_SIGPIPE);
}

static __always_inline bool emit_flags(void *rec, __u32 size, __u64 flags)
{
	if (bpf_ringbuf_output(&events, rec, size, flags)) {
		loss__add(LOSS_RINGBUF, record__events(rec));
		return false;
	}
	return true;
}

static __always_inline bool emit(void *rec, __u32 size)
{
	return emit_flags(rec, size, EMIT_FLAGS);
}

/*
 * A record built in the ring buffer, zeroed, for callers whose frame has no
 * room for it on the stack; NULL (counted lost) when the ring is full.
 * bpf_ringbuf_submit() sends it with EMIT_FLAGS.
 */
#define record__reserve(type)                                                                  \
	({                                                                                     \
		type *__r = bpf_ringbuf_reserve(&events, sizeof(type), 0);                     \
		if (__r)                                                                       \
			__builtin_memset(__r, 0, sizeof(type));                                \
		else                                                                           \
			loss__add(LOSS_RINGBUF, 1);                                            \
		__r;                                                                           \
	})

/*
 * Task storage of map for task, created if missing; NULL (counted lost) only
 * if it cannot be. A create fails when it races another CPU's: the first
 * storage of a task loses the cmpxchg of task->bpf_storage with -EAGAIN
 * (kernel/bpf/bpf_local_storage.c bpf_local_storage_alloc), and the same
 * map's entry with -EEXIST (BPF_NOEXIST). A parent creating its child's
 * proc_sig_states at kill() while the child creates its io_calls does
 * that. The second try finds the storage, or the winner's entry.
 */
#define task_storage__get_or_create(map, task)                                                 \
	({                                                                                     \
		void *__v = bpf_task_storage_get(map, task, NULL,                              \
						 BPF_LOCAL_STORAGE_GET_F_CREATE);               \
		if (!__v)                                                                      \
			__v = bpf_task_storage_get(map, task, NULL,                            \
						   BPF_LOCAL_STORAGE_GET_F_CREATE);             \
		if (!__v)                                                                      \
			loss__count(LOSS_STORAGE);                                             \
		__v;                                                                           \
	})

/*
 * The shared-hash row of key, created from zero if missing (-EEXIST: another
 * CPU created it first, fine). NULL only if the row could not be had (map
 * full, or no memory for the element): the `events` the caller was about to
 * count there are added to `loss` here, once, so callers only skip their
 * update (docs/json-schema.md: map losses count events, like the ring's).
 * `events` is evaluated only then: a sum over a slot costs nothing when
 * the row is there.
 */
#define hash_row__get_or_create(map, key, zero, loss, events)                                  \
	({                                                                                     \
		void *__r = bpf_map_lookup_elem(map, key);                                     \
		if (!__r) {                                                                    \
			bpf_map_update_elem(map, key, zero, BPF_NOEXIST);                      \
			__r = bpf_map_lookup_elem(map, key);                                   \
			if (!__r)                                                              \
				loss__add(loss, events);                                       \
		}                                                                              \
		__r;                                                                           \
	})

/* Identity of a process: pid plus its leader's start time (pids are reused). */
/* BTF-typed pointers (tp_btf args, current): plain loads, no helper calls. */
static __always_inline __u64 task__start_ns(struct task_struct *task)
{
	return task->group_leader->start_boottime;
}

/*
 * Which program image a task runs, to name its handler addresses later
 * (src/code_names.c): its stack's start, randomized at each exec, mixed
 * with its executable's inode (the same when ASLR is off). User space
 * reads both from /proc/PID/stat (startstack) and /proc/PID/exe: a
 * process that exec'd since gives another value, and is not asked.
 */
static __always_inline __u64 task__image_id(struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	struct file *exe;

	if (!mm)
		return 0;
	/* BTF pointer loads, not probe-read helpers: a handled signal pays for this */
	exe = mm->exe_file;
	return mm->start_stack ^ (exe ? exe->f_inode->i_ino << 1 : 0);
}

/* Identity only: what the counters need on every event. */
static __always_inline void task_ref__ident(struct task_ref *ref, struct task_struct *task)
{
	ref->pid = task->tgid;
	ref->tid = task->pid;
	ref->start_ns = task__start_ns(task);
}

/* The name: only for records that are emitted. */
static __always_inline void task_ref__name(struct task_ref *ref, struct task_struct *task)
{
	bpf_probe_read_kernel(ref->comm, sizeof(ref->comm), &task->comm);
}

static __always_inline void task_ref__fill(struct task_ref *ref, struct task_struct *task)
{
	task_ref__ident(ref, task);
	task_ref__name(ref, task);
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

/*
 * A process-local event (delivery, handler, mask...) passes the pid filter?
 * Not ipcscope's, and not those of a COMMAND before its exec: until then it
 * runs ipcscope's set-up (closing ipcscope's pipes, resetting its signal
 * state, reading the go byte: src/main.c command__spawn).
 */
static __always_inline bool proc__wanted(__u32 pid)
{
	__u8 *how;

	if (pid == cfg_self_tgid)
		return false;
	if (!cfg_filter_pids)
		return true;
	how = bpf_map_lookup_elem(&watch, &pid);
	return how && *how != WATCH_AT_EXEC;
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
	hdr->span_us = 0;
}

/*
 * The time of the event being handled, read at most once and only when
 * needed: bpf_ktime_get_ns() costs ~45 ns here (an indirect call to the
 * clocksource through a retpoline, BENCHMARKS.md), as much as the rest of
 * a folded event's work. *now is 0 until read.
 */
static __always_inline __u64 clock__now(__u64 *now)
{
	if (!*now)
		*now = bpf_ktime_get_ns();
	return *now;
}

/* A shared counter: atomic, and no locked add at all when there is nothing to add. */
static __always_inline void counter__add(__u64 *dst, __u64 v)
{
	if (v)
		__sync_fetch_and_add(dst, v);
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
