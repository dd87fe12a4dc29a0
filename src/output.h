/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where records and the report go: one sink (text for people, JSON Lines for
 * programs) writing to stdout or -o FILE. Sinks read the model; they never
 * aggregate. Write failures are remembered and reported once by main.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "code_names.h"
#include "filter.h"
#include "ipcscope.h"
#include "model.h"
#include "output_fault.h"
#include "sigpipe_doctor.h"

struct output;

struct sink_ops {
	void (*start)(struct output *o);
	void (*record)(struct output *o, const struct event_header *hdr, const void *rec);
	void (*lost)(struct output *o, unsigned int reason, uint64_t count, uint64_t total);
	void (*report)(struct output *o);
	void (*alert)(struct output *o, const struct storm_alert *a); /* ipcscope sigpipe */
	void (*idle)(struct output *o); /* a read of the ring buffer ended: write what is held */
};

struct output {
	FILE *f;
	char *path; /* "stdout" or the -o path, for messages */
	const struct sink_ops *ops;
	struct model *model;
	const struct filter *filter;
	const struct sigpipe_doctor *doctor; /* `ipcscope sigpipe`: its alerts and report */
	int64_t mono_to_real_ns; /* add to bpf_ktime_get_ns() for wall time */
	bool verbose;
	/*
	 * -- COMMAND: the text header waits for the first line, so a command
	 * that cannot run leaves only its one-line error (header_due: not
	 * written yet).
	 */
	bool lazy_header, header_due;
	/* Text: a run of resets to SIG_DFL held for one line (sink_text_sigaction.c). */
	struct text_resets {
		struct sigaction_event first;
		uint64_t sigs; /* bit (sig - 1) */
		unsigned int n;
	} resets;
	/* Handler addresses named (code_names.h); NULL leaves them bare (unit tests). */
	struct code_names *code_names;
	bool owns_file;
	int err; /* first write error, -errno; nothing is written after it */
	struct output_fault fault; /* what a failed write must tidy up */
};

extern const struct sink_ops sink_text_ops;
extern const struct sink_ops sink_json_ops;

/* Opens path ("-" or NULL for stdout) for the sink; -errno on failure. */
int output__open(struct output *o, const char *path, bool json, struct model *m,
		 const struct filter *f);
void output__start(struct output *o);
void output__record(struct output *o, const struct event_header *hdr, const void *rec);
/* The function a handler address of task's process falls in; false if unknown. */
bool output__code_name(struct output *o, const struct task_ref *task, uint64_t image,
		       uint64_t addr, struct code_name *out);
void output__lost(struct output *o, unsigned int reason, uint64_t count, uint64_t total);
void output__report(struct output *o);
void output__alert(struct output *o, const struct storm_alert *a);
/* Flushes; returns the first write error seen so far (-errno) or 0. */
int output__flush(struct output *o);
/*
 * An fd to poll (no events asked: POLLERR/POLLHUP come anyway) that tells
 * when the output's reader went away, or -1: `ipcscope | head` must end
 * when head does, even if nothing more is traced to write.
 */
int output__hangup_fd(const struct output *o);
/* The poll said so: stop writing, as a write would have failed with EPIPE. */
void output__reader_gone(struct output *o);
int output__close(struct output *o);

const char *loss_reason__name(unsigned int reason);
const char *loss_reason__text(unsigned int reason);

#endif /* OUTPUT_H */
