/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by the JSON sink's files (sink_json.c, sink_json_ipc.c); not for other modules. */
#ifndef SINK_JSON_H
#define SINK_JSON_H

#include <stddef.h>
#include <stdio.h>
#include "output.h"

/* A string from the traced system, sanitized and quoted. */
void json_str(FILE *f, const char *s);
void json_comm(FILE *f, const char *comm);
/* ,"path":"..." of at most max bytes. */
void json_path(FILE *f, const char *path, size_t max);
/* {"type":..,"ts_ns":.. and a folded record's count. */
void json_begin(FILE *f, const char *type, const struct event_header *hdr);
/* ,"pid":..,"tid":..,"comm":.. */
void json_self(FILE *f, const struct task_ref *t);

/* System V, POSIX mq and mapping records (sink_json_ipc.c). */
void json_ipc_record(struct output *o, const struct event_header *hdr, const void *rec);
/* The report's shm, msgq, sem, mq and mapping records. */
void json_ipc_report(struct output *o);

#endif /* SINK_JSON_H */
