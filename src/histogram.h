/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Reads the pending-time histograms BPF fills (see bpf/signal_state.bpf.h). */
#ifndef HISTOGRAM_H
#define HISTOGRAM_H

#include <stdint.h>

/* The slot BPF puts value v in; mirrors hist__slot(). */
unsigned int histogram__slot(uint64_t v);
/* Lowest and one-past-highest value a slot holds. */
void histogram__bounds(unsigned int slot, uint64_t *lo, uint64_t *hi);
/*
 * Value at quantile q (0..1): the midpoint of the slot holding it, clamped to
 * max_seen; within 12.5% of the true value. 0 when the histogram is empty.
 */
uint64_t histogram__quantile(const uint32_t *slots, unsigned int n, double q, uint64_t max_seen);

#endif /* HISTOGRAM_H */
