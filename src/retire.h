/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Retiring: what keeps the model's memory bounded over long runs. Processes
 * that are over and objects that are closed for good are freed once more
 * than `keep` of them are held, oldest first; the counters of freed
 * processes are merged into the model's "(retired)" process so report
 * totals stay exact, and struct retire_counts says what was dropped.
 *
 * Order of a pass (main.c): tracer__harvest() first moves the BPF counter
 * rows of processes over for `grace_ns` into the model, then retire__run()
 * may free those processes: a process is never freed before its rows.
 */
#ifndef RETIRE_H
#define RETIRE_H

#include <stdbool.h>
#include <stdint.h>
#include "model.h"

struct retire_policy {
	unsigned int keep; /* over processes, and closed objects of each kind, kept by name */
	uint64_t grace_ns; /* a process retires no sooner than this after its end */
	/* The report would show it (report__wants); NULL: all are shown. */
	bool (*shown)(const struct proc *p, void *ctx);
	void *ctx;
};

/*
 * Counter rows of this process are final: it is over since `before_ns` or
 * earlier, or it retired already (a late row). Rows of a process not known
 * at all stay in BPF until the end: its records may still be on their way.
 */
bool retire__rows_final(struct model *m, uint32_t pid, uint64_t start_ns, uint64_t before_ns);
/*
 * Rows of this (process, object) are final: the process is, or the pipe's
 * both sides were closed for the last time by `before_ns`.
 */
bool retire__io_rows_final(struct model *m, const struct io_key *key, uint64_t before_ns);
/*
 * Marks processes gone that /proc said were over at the previous call and
 * still says so, with no exit record since (it was lost): they can then
 * retire too. Call it seconds apart. Returns how many.
 */
unsigned int retire__find_gone(struct model *m, uint64_t now_ns);
/* One pass; 0, or -ENOMEM (then nothing was freed). */
int retire__run(struct model *m, const struct retire_policy *pol, uint64_t now_ns);

#endif /* RETIRE_H */
