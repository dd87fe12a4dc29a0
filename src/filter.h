/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * User-space half of the filters: what the kernel side cannot decide (comm
 * names change at exec) and the report's choice of rows. The pid and signal
 * filters are also applied in BPF so filtered-out work costs nothing there.
 */
#ifndef FILTER_H
#define FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include "ipcscope.h"
#include "proc_table.h"

#define FILTER_MAX_PIDS 4096 /* -p list and the command (its tree: proc->followed) */
#define FILTER_MAX_COMMS 16

struct filter {
	uint32_t pids[FILTER_MAX_PIDS];
	unsigned int npids;
	bool follow; /* -- COMMAND: its descendants too (proc->followed) */
	const char *comms[FILTER_MAX_COMMS];
	unsigned int ncomms;
	uint64_t sig_mask; /* bit sig-1; all ones when no -s */
	/*
	 * -s was given: the live stream is about the selected signals only
	 * (filter__record). Not set by `ipcscope sigpipe`, whose mask is
	 * SIGPIPE but which shows its pipes, closes and exits.
	 */
	bool sig_only;
	bool match_sender, match_target;
};

void filter__init(struct filter *f);
bool filter__active(const struct filter *f);
/* Adds a pid (-p or the command); false when full. */
bool filter__add_pid(struct filter *f, uint32_t pid);
bool filter__has_pid(const struct filter *f, uint32_t pid);
bool filter__proc(const struct filter *f, const struct proc *p);
/* Signal sig passes -s. */
bool filter__sig(const struct filter *f, int sig);
/*
 * Every signal selected (no -s, not the doctor): what is about no one signal
 * (a failed kill(pid, 0), the count of failed sends) is shown only then.
 */
bool filter__all_signals(const struct filter *f);
/*
 * -c: after a record named p (p->comm current, ref_comm the thread's name in
 * the record), marks p matched for the rest of the run if either name is
 * listed, so a process that renames itself or execs stays in its report.
 */
void filter__note_name(const struct filter *f, struct proc *p, const char *ref_comm);
/* Whether a decoded record should reach the sinks. */
bool filter__record(const struct filter *f, struct proc_table *t, const struct event_header *hdr,
		    const void *rec);

struct pipe_obj;
/*
 * Whether the report shows a pipe/FIFO: one of the processes using it passes;
 * under -s only with SIGPIPE selected and an EPIPE on it.
 */
bool filter__pipe(const struct filter *f, const struct pipe_obj *o);
/* Whether the report shows IPC objects and mappings at all: not under -s. */
bool filter__ipc(const struct filter *f);

/*
 * Whether the final report has a row for p: without filters every process
 * that took part in something (under -s only: in a selected signal); with
 * -p/-c/COMMAND the matching ones, including their plain exits.
 */
bool report__wants(const struct filter *f, const struct proc *p);
/*
 * Which side of a process's signal counters the report shows: with -p/-c
 * and --match sender, what it sent only (its received counts belong to
 * signals not selected); with --match target, what it received only.
 */
bool report__sent_side(const struct filter *f);
bool report__received_side(const struct filter *f);
/* Whether the report has a (process, signal) row: selected, with counts on a shown side. */
struct sig_stats;
bool report__sig_row(const struct filter *f, int sig, const struct sig_stats *s);

#endif /* FILTER_H */
