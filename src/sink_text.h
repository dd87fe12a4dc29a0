/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by the text sink's files (sink_text.c, sink_text_ipc.c, sink_text_doctor.c); not for other modules. */
#ifndef SINK_TEXT_H
#define SINK_TEXT_H

/*
 * The live lines' SIGNAL column: as wide as the longest name, SIGRTMIN+15 or
 * SIGRTMAX-14 (11), so real-time signals keep the columns after it aligned.
 */
#define SIGNAL_WIDTH 11

#include <stdbool.h>
#include <stddef.h>
#include "output.h"

/* The column header, once, before the first live line (output.h lazy_header). */
void text_header(struct output *o);
/* "TIME EVENT SIGNAL " columns of a live line, then its end (folded count, newline). */
void line_begin(struct output *o, const struct event_header *hdr, const char *kind,
		const char *signal);
void line_end(struct output *o, const struct event_header *hdr);
/* "comm[pid/tid]", sanitized. */
const char *task_str(char *buf, size_t size, const struct task_ref *t);
/* ", N what" after a report line's counts, when N is not 0. */
void text_count(struct output *o, unsigned long long n, const char *what);

/* What a writer does with SIGPIPE: "default: dies", "ignored", "handler". */
const char *sigpipe_word(unsigned int action);
/* A "signal" line: who sent what to whom, the kernel's result, the object written. */
void text_generate(struct output *o, const struct sig_generate_event *e);
/* Pipe, FIFO, close and EPIPE lines. */
void text_pipe_record(struct output *o, const struct event_header *hdr, const void *rec);
/* "exit" line: who, and how it ended. */
void text_exit(struct output *o, const struct lifecycle_event *e);
void text_handler(struct output *o, const struct task_ref *task, uint64_t image, uint64_t addr);
void text_fork_exec(struct output *o, const struct event_header *hdr,
		    const struct lifecycle_event *e);

/* ipcscope sigpipe (sink_text_doctor.c): the live lines of an EPIPE story only. */
void text_doctor_record(struct output *o, const struct event_header *hdr, const void *rec);
/* End of the live stream: SIGPIPEs still waiting for their EPIPE had none. */
void text_doctor_flush(struct output *o);
void text_doctor_alert(struct output *o, const struct storm_alert *a);
/* The doctor's report table. */
void text_doctor_report(struct output *o);
/* The report's exit table lists p: killed by SIGPIPE, or part of an EPIPE story. */
bool text_doctor_story_exit(const struct output *o, const struct proc *p);

/* "action" lines; a run of resets to SIG_DFL is held for one (sink_text_sigaction.c). */
void text_sigaction(struct output *o, const struct event_header *hdr,
		    const struct sigaction_event *e);
/* Writes the run held, if any: before any other line, and when a read ends. */
void text_sigaction_flush(struct output *o);

/* System V, POSIX mq and mapping lines (sink_text_ipc.c). */
void text_ipc_record(struct output *o, const struct event_header *hdr, const void *rec);
/* The report's shared memory, message queue, semaphore and mapping sections. */
void text_ipc_report(struct output *o);

#endif /* SINK_TEXT_H */
