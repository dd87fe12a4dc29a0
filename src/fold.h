/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * User-space side of in-kernel folding (bpf/ipcscope.bpf.h emit_folded):
 * BPF reports repeats when a slot starts a new window; when a storm simply
 * stops, the repeats of its last window are only in the map, so a sweep
 * reports them, and later flush records are reduced by what it reported.
 */
#ifndef FOLD_H
#define FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ipcscope.h"

struct fold_mark {
	uint32_t gen;
	uint32_t reported;
};

struct fold_state {
	int ncpus;
	struct fold_mark *marks; /* [cpu][slot] */
	struct fold_slot *buf;	 /* one per-CPU value */
	struct fold_slot *again; /* the same value read a second time (fold_state__sweep) */
};

typedef void (*fold_emit_fn)(void *ctx, const void *rec, size_t size);
/* A slot's sample record and the counters still deferred in it. */
typedef void (*fold_settle_fn)(void *ctx, const void *rec, size_t size,
			       const struct fold_acc *acc);

int fold_state__init(struct fold_state *s, int ncpus);
void fold_state__free(struct fold_state *s);
/* A folded record from BPF: the count still to report (0: drop it). */
uint32_t fold_state__on_flush(struct fold_state *s, const struct event_header *hdr);
/*
 * Reports repeats idle for a full window (all of them when final) through
 * emit, as records with EVENT_F_FOLDED and hdr.count = the repeats. While
 * BPF runs, a slot is reported only if two reads of it agree.
 */
int fold_state__sweep(struct fold_state *s, int map_fd, uint64_t now_ns, uint64_t window_ns,
		      bool final, fold_emit_fn emit, void *ctx);
/*
 * Idle for a full window: BPF will not touch the slot again unless its key
 * comes back. last_ns ahead of now is not idle: BPF wrote it after the
 * caller read its clock (the difference would wrap to "very old").
 */
bool fold_slot__idle(const struct fold_slot *fs, uint64_t now_ns, uint64_t window_ns);
/*
 * Two reads of one slot agree. The map copy is not atomic against BPF on
 * the slot's CPU (the kernel copies it word by word): a key coming back in
 * the middle of the copy could pair the old window's repeats with the new
 * window's gen, and the old window's flush would then be counted twice.
 */
bool fold_slot__same(const struct fold_slot *a, const struct fold_slot *b);
/*
 * After detach: hands every slot's deferred counters to settle. BPF adds a
 * burst to its exact counters only when the slot's window ends
 * (bpf/fold.bpf.h fold__settle), so what is still in the slots at exit is
 * the caller's to count.
 */
int fold_state__settle(struct fold_state *s, int map_fd, fold_settle_fn settle, void *ctx);

#endif /* FOLD_H */
