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
	bool match_sender, match_target;
};

void filter__init(struct filter *f);
bool filter__active(const struct filter *f);
/* Adds a pid (-p or the command); false when full. */
bool filter__add_pid(struct filter *f, uint32_t pid);
bool filter__has_pid(const struct filter *f, uint32_t pid);
bool filter__proc(const struct filter *f, const struct proc *p);
/* Whether a decoded record should reach the sinks. */
bool filter__record(const struct filter *f, struct proc_table *t, const struct event_header *hdr,
		    const void *rec);

struct pipe_obj;
/* Whether the report shows a pipe/FIFO: one of the processes using it passes. */
bool filter__pipe(const struct filter *f, const struct pipe_obj *o);

/*
 * Whether the final report has a row for p: without filters every process
 * that took part in something; with filters the matching ones, including
 * their plain exits.
 */
bool report__wants(const struct filter *f, const struct proc *p);

#endif /* FILTER_H */
