// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "fold.h"

int fold_state__init(struct fold_state *s, int ncpus)
{
	s->ncpus = ncpus;
	s->marks = calloc((size_t)ncpus * IPCSCOPE_FOLD_SLOTS, sizeof(*s->marks));
	s->buf = calloc((size_t)ncpus, sizeof(*s->buf));
	s->again = calloc((size_t)ncpus, sizeof(*s->again));
	if (!s->marks || !s->buf || !s->again) {
		fold_state__free(s);
		return -ENOMEM;
	}
	return 0;
}

void fold_state__free(struct fold_state *s)
{
	free(s->marks);
	free(s->buf);
	free(s->again);
	s->marks = NULL;
	s->buf = NULL;
	s->again = NULL;
}

static struct fold_mark *mark_of(struct fold_state *s, unsigned int cpu, unsigned int slot)
{
	if (cpu >= (unsigned int)s->ncpus || slot >= IPCSCOPE_FOLD_SLOTS)
		return NULL;
	return &s->marks[cpu * IPCSCOPE_FOLD_SLOTS + slot];
}

uint32_t fold_state__on_flush(struct fold_state *s, const struct event_header *hdr)
{
	struct fold_mark *m = mark_of(s, hdr->cpu, hdr->fold_slot);
	uint32_t count = hdr->count;

	if (!m || m->gen != hdr->fold_gen)
		return count;
	count = count > m->reported ? count - m->reported : 0;
	m->reported = 0;
	m->gen = 0;
	return count;
}

bool fold_slot__idle(const struct fold_slot *fs, uint64_t now_ns, uint64_t window_ns)
{
	return fs->last_ns <= now_ns && now_ns - fs->last_ns >= window_ns;
}

bool fold_slot__same(const struct fold_slot *a, const struct fold_slot *b)
{
	return a->gen == b->gen && a->suppressed == b->suppressed && a->last_ns == b->last_ns &&
	       a->size == b->size;
}

int fold_state__sweep(struct fold_state *s, int map_fd, uint64_t now_ns, uint64_t window_ns,
		      bool final, fold_emit_fn emit, void *ctx)
{
	for (uint32_t slot = 0; slot < IPCSCOPE_FOLD_SLOTS; slot++) {
		bool read_again = false;

		if (bpf_map_lookup_elem(map_fd, &slot, s->buf))
			return -errno;
		for (int cpu = 0; cpu < s->ncpus; cpu++) {
			struct fold_slot *fs = &s->buf[cpu];
			struct fold_mark *m = mark_of(s, cpu, slot);
			unsigned char rec[IPCSCOPE_FOLD_SAVED_MAX];
			struct event_header *hdr = (struct event_header *)rec;
			uint32_t already;

			if (!fs->suppressed || fs->size < sizeof(*hdr) ||
			    fs->size > IPCSCOPE_FOLD_SAVED_MAX)
				continue;
			if (!final && !fold_slot__idle(fs, now_ns, window_ns))
				continue; /* still storming: BPF will flush it */
			if (!final && !read_again) {
				if (bpf_map_lookup_elem(map_fd, &slot, s->again))
					return -errno;
				read_again = true;
			}
			if (!final && !fold_slot__same(fs, &s->again[cpu]))
				continue; /* its key came back: BPF flushes it */
			already = m->gen == fs->gen ? m->reported : 0;
			if (fs->suppressed <= already)
				continue;
			memcpy(rec, fs->saved, fs->size);
			hdr->count = fs->suppressed - already;
			hdr->flags |= EVENT_F_FOLDED | EVENT_F_SWEPT;
			hdr->span_us = fs->last_ns > hdr->ts_ns ? (fs->last_ns - hdr->ts_ns) / 1000 : 0;
			m->gen = fs->gen;
			m->reported = fs->suppressed;
			emit(ctx, rec, fs->size);
		}
	}
	return 0;
}

int fold_state__settle(struct fold_state *s, int map_fd, fold_settle_fn settle, void *ctx)
{
	for (uint32_t slot = 0; slot < IPCSCOPE_FOLD_SLOTS; slot++) {
		if (bpf_map_lookup_elem(map_fd, &slot, s->buf))
			return -errno;
		for (int cpu = 0; cpu < s->ncpus; cpu++) {
			const struct fold_slot *fs = &s->buf[cpu];

			if (!fs->acc.n || fs->size < sizeof(struct event_header) ||
			    fs->size > IPCSCOPE_FOLD_SAVED_MAX)
				continue;
			settle(ctx, fs->saved, fs->size, &fs->acc);
		}
	}
	return 0;
}
