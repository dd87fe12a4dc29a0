/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by the text sink's files (sink_text.c, sink_text_ipc.c); not for other modules. */
#ifndef SINK_TEXT_H
#define SINK_TEXT_H

#include <stddef.h>
#include "output.h"

/* "TIME EVENT SIGNAL " columns of a live line, then its end (folded count, newline). */
void line_begin(struct output *o, const struct event_header *hdr, const char *kind,
		const char *signal);
void line_end(struct output *o, const struct event_header *hdr);
/* "comm[pid/tid]", sanitized. */
const char *task_str(char *buf, size_t size, const struct task_ref *t);

/* System V, POSIX mq and mapping lines (sink_text_ipc.c). */
void text_ipc_record(struct output *o, const struct event_header *hdr, const void *rec);
/* The report's shared memory, message queue, semaphore and mapping sections. */
void text_ipc_report(struct output *o);

#endif /* SINK_TEXT_H */
