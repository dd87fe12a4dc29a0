/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * An EPIPE record may also stand for the SIGPIPE its write raised on the
 * writer (EVENT_F_WITH_SIGPIPE: bpf/signals.bpf.c sigpipe__defer(), folded
 * with the EPIPE by bpf/pipes.bpf.h epipe__emit()). Everything after the
 * decoder sees two records again: the signal, then the EPIPE.
 */
#ifndef EPIPE_SIGPIPE_H
#define EPIPE_SIGPIPE_H

#include <stdbool.h>
#include "ipcscope.h"

/*
 * A send with MSG_NOSIGNAL raises no SIGPIPE: BPF leaves the flag of each
 * register the sends pass it in (send_bits), this reads the one of e's
 * call and makes e's sigpipe_action "nosignal".
 */
void epipe__settle_action(struct epipe_event *e);

/* Whether e carries a SIGPIPE; if so, *sig is that signal's record. */
bool epipe_sigpipe__split(const struct epipe_event *e, struct sig_generate_event *sig);

#endif /* EPIPE_SIGPIPE_H */
