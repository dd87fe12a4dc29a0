/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The aggregation model: processes (proc_table) with their per-signal
 * counters, deaths and what was lost. Fed by decoded events and by the BPF
 * statistics maps; read by the sinks. It never prints.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "ipcscope.h"
#include "ipc.h"
#include "pipes.h"
#include "proc_table.h"
#include "retired_ids.h"

struct proc_signals {
	struct sig_stats *by_sig[IPCSCOPE_NSIG + 1]; /* NULL: no activity */
};

/* What retiring (src/retire.c) dropped from the tables to keep memory bounded. */
struct retire_counts {
	uint64_t processes;	 /* over processes freed */
	uint64_t shown;		 /* of those, ones a report shows: counts kept in "(retired)" */
	uint64_t exits, killed;	 /* shown ones that exited; of those, killed by a signal */
	uint64_t gone;		 /* found over in /proc without their exit record */
	uint64_t pipes, pipe_bytes; /* closed pipes and sockets freed; bytes written to them */
	uint64_t ipc_objects, mapped_objects;
	uint64_t rows;		 /* BPF counter rows moved into the model and deleted */
};

struct model {
	struct proc_table *procs;
	/*
	 * Not in the table: where the counters of retired processes go, so
	 * totals stay exact. Ends and users of objects are merged into it.
	 */
	struct proc *retired_proc;
	struct retire_counts retired;
	struct retired_ids *recent; /* who retired lately: names for late rows */
	struct pipe_table pipes;
	struct ipc_table ipc;
	uint64_t loss[LOSS_REASON_MAX]; /* as counted in BPF */
	uint32_t tracepoints_missing;	/* TP_BIT: not on this kernel (feature_map.h) */
	uint32_t features_off;		/* FEATURE_BIT: off because of them */
	bool exit_group_dead;		/* sched_process_exit passes group_dead */
	uint64_t bad_records;		/* records user space could not decode */
	uint64_t events;		/* records decoded, folded counts included */
	uint64_t start_mono_ns;
	uint64_t end_mono_ns;
};

int model__init(struct model *m);
void model__free(struct model *m);
/* Frees what a process owns (signals, live mappings), not the process. */
void model__proc_free_payload(struct proc *p);
/* dst += src, counter by counter: signals, pipes, messages, semaphores; all or nothing. */
int model__merge_proc(struct proc *dst, const struct proc *src);
/*
 * The process a BPF counter row names, added if new. One that retired
 * already comes back marked late (retire.h retires it at the next pass),
 * with its name if it retired lately; once something was retired, so does
 * one not in the table that /proc says is over. NULL only on ENOMEM.
 */
struct proc *model__row_proc(struct model *m, uint32_t pid, uint64_t start_ns);

/* The process named by a task_ref, created if new; NULL only on ENOMEM. */
struct proc *model__proc(struct model *m, const struct task_ref *ref);
/* Adds one (process, signal) row read from the BPF sig_stats map. */
int model__add_sig_stats(struct model *m, const struct sig_stats_key *key,
			 const struct sig_stats *s);
/*
 * Adds counters a fold slot still deferred at exit (src/fold.h), as
 * bpf/fold.bpf.h fold__settle() would have. rec: the slot's sample record.
 */
int model__settle_folded(struct model *m, const void *rec, size_t size,
			 const struct fold_acc *acc);
const struct sig_stats *model__sig_stats(const struct proc *p, int sig);
/* Sum of a row's counters that make it worth a report line. */
bool model__proc_has_signals(const struct proc *p);
uint64_t sig_stats__sent(const struct sig_stats *s);
uint64_t sig_stats__generated(const struct sig_stats *s);
uint64_t sig_stats__delivered(const struct sig_stats *s);
/*
 * Deliveries and acceptances with no generation time: see docs/design.md,
 * "Deliveries with no pending time", for the causes.
 */
uint64_t sig_stats__pending_unknown(const struct sig_stats *s);
uint64_t model__loss_total(const struct model *m);

/* Adds one (process, object) row of the BPF io_stats map (or a slot's remainder). */
int model__add_io_stats(struct model *m, const struct io_key *key, const struct io_stats *s);

/* Adds one (process, IPC object, type) row of the BPF ipc_stats map. */
int model__add_ipc_stats(struct model *m, const struct ipc_key *key, const struct ipc_stats *s);

/*
 * Names the FIFO an EPIPE record wrote to from the writer's fd, when no
 * record named it yet (opened before tracing). The decoder calls it before
 * the SIGPIPE split from that record goes out, so the signal names it too.
 */
void model__name_epipe_object(struct model *m, const struct epipe_event *e);

/* Applies a decoded record's effect on the process table. */
void model__on_record(struct model *m, const struct event_header *hdr, const void *rec);

#endif /* MODEL_H */
