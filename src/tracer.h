/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BPF side's lifecycle: open the skeleton, configure it, load, attach,
 * drain the ring buffer, read the exact counters, detach.
 */
#ifndef TRACER_H
#define TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include "fold.h"
#include "ipcscope.h"
#include "model.h"

struct ipcscope_bpf;
struct ring_buffer;

struct tracer_opts {
	uint32_t fold_burst; /* 0: no folding */
	uint64_t fold_window_ns;
	uint64_t sig_mask;
	bool filter_pids;
	bool match_sender, match_target;
	bool send_failures; /* report failed kill() and the like */
	bool pipe_io_live;  /* pipe EOF, EAGAIN and long waits as records */
	uint32_t max_procs;
	const char *btf_path;
	uint32_t missing; /* TP_BIT (feature_map.h): tracepoints this kernel lacks */
	bool exit_group_dead; /* sched_process_exit passes group_dead */
	int verbose;
};

/* Called for every ring-buffer record and every swept fold. */
typedef int (*tracer_record_fn)(void *ctx, const void *data, size_t size);

struct tracer {
	struct ipcscope_bpf *skel;
	struct ring_buffer *rb;
	struct fold_state fold;
	struct tracer_opts opts;
	tracer_record_fn on_record;
	void *ctx;
	bool attached;
	int wake_fd; /* epoll, edge-triggered on the ring buffer: see tracer__wake_fd() */
};

/*
 * libbpf's own messages: warnings and info with -v, debug with -vv. Set
 * before anything calls libbpf (preflight parses BTF), so that without -v
 * a failure is only our one line.
 */
void tracer__set_verbosity(int verbose);
/*
 * Opens, loads and attaches; prints the failing step and its fix. -errno.
 * Programs of missing tracepoints, and those left with nothing to serve, are
 * not loaded (tracepoints__unloaded); the rest are told what is off.
 */
int tracer__start(struct tracer *t, const struct tracer_opts *opts, tracer_record_fn fn,
		  void *ctx);
int tracer__watch(struct tracer *t, uint32_t pid, uint8_t how);
/*
 * -p: the pipes and FIFOs pid holds now are the scope's (watched_objs,
 * bpf/pipes.bpf.h), so who else drops an end of them is seen even if pid
 * does not touch them again: a writer idle when its reader leaves. Those
 * it uses later join by themselves. Returns how many, or -errno.
 */
#define WATCH_FDS_MAX 1024
int tracer__watch_fds(struct tracer *t, uint32_t pid);
/* Drains what the ring buffer holds now; number of records or -errno. */
int tracer__drain(struct tracer *t);
/*
 * An fd that polls readable when a record asked to wake the reader (a
 * handler install: BPF_RB_FORCE_WAKEUP, bpf/syscalls.bpf.c); -1 if none.
 * Every other record waits for the next periodic drain (NO_WAKEUP), and
 * the registration is edge-triggered, so that a storm of those never keeps
 * it readable. tracer__wake_taken() consumes the edge after a poll.
 */
int tracer__wake_fd(const struct tracer *t);
void tracer__wake_taken(struct tracer *t);
/* Reports repeats folded by a storm that has stopped (all of them if final). */
int tracer__sweep_folds(struct tracer *t, uint64_t now_ns, bool final);
/* Totals per loss reason, summed over CPUs. */
int tracer__read_losses(struct tracer *t, uint64_t out[LOSS_REASON_MAX]);
/*
 * After detach: adds every (process, signal) row of the statistics map, and
 * the folded bursts BPF had not yet added to it, to the model.
 */
int tracer__read_stats(struct tracer *t, struct model *m);
/*
 * While tracing: one (process, object)'s traffic so far, the io_stats row
 * plus what the per-CPU write-combining slots hold for it. -ENOENT if none.
 */
int tracer__io_counters(struct tracer *t, const struct io_key *key, struct io_stats *out);
/*
 * While tracing: moves the counter rows of processes over since `before_ns`
 * (and of pipes closed on both sides by then) into the model, deleting them
 * from the BPF maps so they never fill up over a long run (src/retire.h).
 * Returns how many rows moved, or -errno.
 */
int tracer__harvest(struct tracer *t, struct model *m, uint64_t before_ns);
/* Detaches the programs; maps stay readable until tracer__destroy. */
void tracer__detach(struct tracer *t);
void tracer__destroy(struct tracer *t);

#endif /* TRACER_H */
