// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sigpipe_doctor.h"

void doctor__init(struct sigpipe_doctor *d, uint64_t threshold)
{
	memset(d, 0, sizeof(*d));
	d->threshold = threshold ? threshold : DOCTOR_DEFAULT_THRESHOLD;
}

void doctor__free(struct sigpipe_doctor *d)
{
	free(d->writers);
	d->writers = NULL;
	d->count = d->cap = 0;
}

/* The end's row, found through its index: a storm of short-lived writers adds many. */
static struct doctor_writer *writer_of(struct sigpipe_doctor *d, struct pipe_end *end)
{
	unsigned int row = end->doctor_row;

	return row && row <= d->count && d->writers[row - 1].end == end ? &d->writers[row - 1]
									 : NULL;
}

/*
 * Bytes the writer got through before its first EPIPE: its traffic on the
 * object when that record arrives. The pipe has no reader then, so no later
 * write adds to it (fs/pipe.c: pipe_write fails at once without readers).
 */
static void note_bytes_before(struct sigpipe_doctor *d, const struct pipe_obj *obj,
			      struct pipe_end *end)
{
	struct io_key key = {
		.pid = end->proc->pid,
		.dev = obj->dev,
		.start_ns = end->proc->start_ns,
		.ino = obj->ino,
	};
	struct io_stats s;

	if (!obj_kind__is_pipe(obj->kind) || !d->io || d->io(d->io_ctx, &key, &s))
		return; /* socket bytes are not counted: unknown, not 0 */
	end->bytes_before_epipe = s.write_bytes;
	end->bytes_before_known = true;
}

int doctor__on_epipe(struct sigpipe_doctor *d, struct pipe_obj *obj, struct pipe_end *end,
		     uint32_t count)
{
	struct doctor_writer *w = writer_of(d, end);

	if (!w) {
		if (d->count == d->cap) {
			unsigned int cap = d->cap ? d->cap * 2 : 16;
			struct doctor_writer *grown = realloc(d->writers, cap * sizeof(*grown));

			if (!grown)
				return -ENOMEM;
			d->writers = grown;
			d->cap = cap;
		}
		w = &d->writers[d->count++];
		memset(w, 0, sizeof(*w));
		end->doctor_row = d->count;
		w->obj = obj;
		w->end = end;
		note_bytes_before(d, obj, end);
	}
	w->pending += count;
	return 0;
}

static uint64_t recent_sum(const struct doctor_writer *w)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < DOCTOR_BUCKETS; i++)
		sum += w->recent[i];
	return sum;
}

double doctor_writer__rate(const struct doctor_writer *w)
{
	return (double)recent_sum(w) * 1e9 / (double)DOCTOR_SPAN_NS;
}

double doctor_writer__avg_rate(const struct doctor_writer *w)
{
	const struct pipe_end *e = w->end;
	double span = (double)(e->epipe_last_ns - e->epipe_first_ns) / 1e9;

	return span > 0 ? (double)doctor_writer__epipes(w) / span : 0.0;
}

uint64_t doctor_writer__epipes(const struct doctor_writer *w)
{
	return w->end->io.epipe > w->end->epipe_seen ? w->end->io.epipe : w->end->epipe_seen;
}

static void storm_end(struct sigpipe_doctor *d, struct doctor_writer *w, uint64_t now_ns,
		      double rate)
{
	struct storm_alert a = {
		.started = false,
		.ts_ns = now_ns,
		.w = w,
		.rate = rate,
		.threshold = d->threshold,
		.count = w->end->epipe_seen - w->storm_first_seen,
		.duration_ns = now_ns - w->storm_start_ns,
	};

	w->storming = false;
	d->alerts++;
	if (d->alert)
		d->alert(d->alert_ctx, &a);
}

void doctor__tick(struct sigpipe_doctor *d, uint64_t now_ns)
{
	for (unsigned int i = 0; i < d->count; i++) {
		struct doctor_writer *w = &d->writers[i];
		double rate;

		w->head = (w->head + 1) % DOCTOR_BUCKETS;
		w->recent[w->head] = w->pending;
		w->pending = 0;
		rate = doctor_writer__rate(w);
		if (rate > w->peak_rate)
			w->peak_rate = rate;
		if (!w->storming && rate >= (double)d->threshold) {
			struct storm_alert a = {
				.started = true,
				.ts_ns = now_ns,
				.w = w,
				.rate = rate,
				.threshold = d->threshold,
			};

			w->storming = true;
			w->storms++;
			w->storm_start_ns = now_ns;
			/* The storm counts from the window that raised it. */
			w->storm_first_seen = w->end->epipe_seen - recent_sum(w);
			d->alerts++;
			if (d->alert)
				d->alert(d->alert_ctx, &a);
		} else if (w->storming && rate < (double)d->threshold) {
			storm_end(d, w, now_ns, rate);
		}
	}
}

static bool writer__settled(const struct doctor_writer *w, uint64_t before_ns)
{
	return !w->storming && !w->pending && !recent_sum(w) &&
	       pipe_obj__closed(w->obj, before_ns);
}

unsigned int doctor__retire(struct sigpipe_doctor *d, unsigned int keep, uint64_t before_ns)
{
	unsigned int settled = 0, extra, gone = 0, kept = 0;

	for (unsigned int i = 0; i < d->count; i++)
		settled += writer__settled(&d->writers[i], before_ns);
	if (settled <= keep)
		return 0;
	extra = settled - keep;
	for (unsigned int i = 0; i < d->count; i++) {
		struct doctor_writer *w = &d->writers[i];

		if (gone < extra && writer__settled(w, before_ns)) {
			d->retired.writers++;
			d->retired.epipe += doctor_writer__epipes(w);
			d->retired.storms += w->storms;
			w->end->doctor_row = 0;
			gone++;
			continue;
		}
		if (kept != i)
			d->writers[kept] = *w;
		d->writers[kept].end->doctor_row = kept + 1; /* writer_of() finds it there */
		kept++;
	}
	d->count = kept;
	return gone;
}

void doctor__finish(struct sigpipe_doctor *d, uint64_t now_ns)
{
	for (unsigned int i = 0; i < d->count; i++)
		if (d->writers[i].storming)
			storm_end(d, &d->writers[i], now_ns, doctor_writer__rate(&d->writers[i]));
}
