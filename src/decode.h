/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Ring-buffer records in: validated, applied to the model, passed to the sink. */
#ifndef DECODE_H
#define DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include "filter.h"
#include "fold.h"
#include "model.h"
#include "output.h"
#include "sigpipe_doctor.h"

struct decoder {
	struct model *model;
	struct output *out;
	struct fold_state *fold;
	struct filter *filter; /* with follow, decode.c marks the command's descendants */
	struct sigpipe_doctor *doctor; /* `ipcscope sigpipe`, else NULL */
};

/* Never fails the ring-buffer callback: bad records are counted, not fatal. */
int decode__record(void *ctx, const void *data, size_t size);
/*
 * For a kernel-sent signal, whether current (e->context) caused it: the target
 * itself (SIGPIPE from a write, a fault) or the exiting child of a SIGCHLD.
 * Otherwise current is whatever task a timer or interrupt happened to hit
 * (in_interrupt says so when the interrupt landed in kernel code).
 */
bool decode__context_is_cause(const struct sig_generate_event *e);
/*
 * Whether the siginfo the target gets names a pid (si_pid): a real one
 * whose code carries one, or SEND_SIG_NOINFO's (current, as BPF read it
 * for a target in the host's namespace: a parent-death signal's parent).
 */
bool decode__info_names_pid(const struct sig_generate_event *e);
/* Minimum size of a record of this type, 0 for an unknown type. */
size_t decode__record_size(unsigned int type);

#endif /* DECODE_H */
