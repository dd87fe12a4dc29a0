// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "ipcscope.h"
#include "histogram.h"

unsigned int histogram__slot(uint64_t v)
{
	unsigned int octave, slot;

	if (v < 8)
		return (unsigned int)v;
	octave = 63 - __builtin_clzll(v);
	slot = octave * IPCSCOPE_HIST_SUB + ((v >> (octave - 2)) & 3);
	return slot < IPCSCOPE_HIST_SLOTS ? slot : IPCSCOPE_HIST_SLOTS - 1;
}

void histogram__bounds(unsigned int slot, uint64_t *lo, uint64_t *hi)
{
	unsigned int octave = slot / IPCSCOPE_HIST_SUB, sub = slot % IPCSCOPE_HIST_SUB;

	if (slot < 8) {
		*lo = slot;
		*hi = slot + 1;
		return;
	}
	*lo = (uint64_t)(4 + sub) << (octave - 2);
	*hi = (uint64_t)(5 + sub) << (octave - 2);
}

uint64_t histogram__quantile(const uint32_t *slots, unsigned int n, double q, uint64_t max_seen)
{
	uint64_t total = 0, seen = 0, rank, lo, hi, mid;

	for (unsigned int i = 0; i < n; i++)
		total += slots[i];
	if (!total)
		return 0;
	if (total == 1 && max_seen)
		return max_seen; /* one sample: its exact value is the max */
	rank = (uint64_t)(q * (double)total);
	if (rank >= total)
		rank = total - 1;
	for (unsigned int i = 0; i < n; i++) {
		seen += slots[i];
		if (seen > rank) {
			histogram__bounds(i, &lo, &hi);
			mid = lo + (hi - lo) / 2;
			return max_seen && mid > max_seen ? max_seen : mid;
		}
	}
	return max_seen;
}
