// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "proc_table.h"
#include "sigpipe_doctor.h"

void doctor__init(struct sigpipe_doctor *d, uint64_t threshold)
{
	memset(d, 0, sizeof(*d));
	d->threshold = threshold ? threshold : DOCTOR_DEFAULT_THRESHOLD;
	d->settle_ns = DOCTOR_SETTLE_NS(DOCTOR_FOLD_WINDOW_MS);
}

void doctor__free(struct sigpipe_doctor *d)
{
	free(d->writers);
	d->writers = NULL;
	d->count = d->cap = 0;
}

/* The end's row, found through its index: a storm of short-lived writers adds many. */
const struct doctor_writer *doctor__writer(const struct sigpipe_doctor *d,
					  const struct pipe_end *end)
{
	unsigned int row = end->doctor_row;

	return row && row <= d->count && d->writers[row - 1].end == end ? &d->writers[row - 1]
									 : NULL;
}

static struct doctor_writer *writer_of(struct sigpipe_doctor *d, struct pipe_end *end)
{
	return (struct doctor_writer *)doctor__writer(d, end);
}

/*
 * Bytes the writer got through before its first EPIPE: its traffic on the
 * object when that record arrives. The pipe has no reader then, so no later
 * write adds to it (fs/pipe.c: pipe_write fails at once without readers).
 * Only a writer started after tracing began had all its writes counted;
 * for an older one the bytes stay unknown, not a made-up 0.
 */
/* What the writer wrote to obj while traced, from its traffic row; false if it has none. */
static bool traced_write_bytes(const struct sigpipe_doctor *d, const struct pipe_obj *obj,
			       const struct pipe_end *end, uint64_t *bytes)
{
	struct io_key key = {
		.pid = end->proc->pid,
		.dev = obj->dev,
		.start_ns = end->proc->start_ns,
		.ino = obj->ino,
	};
	struct io_stats s;

	if (!d->io || d->io(d->io_ctx, &key, &s))
		return false;
	*bytes = s.write_bytes;
	return true;
}

static void note_bytes_before(struct sigpipe_doctor *d, const struct pipe_obj *obj,
			      struct pipe_end *end)
{
	if (!obj_kind__is_pipe(obj->kind))
		return; /* socket bytes are not counted: unknown, not 0 */
	if (end->proc->start_ns < d->traced_since_ns ||
	    !traced_write_bytes(d, obj, end, &end->bytes_before_epipe))
		return;
	end->bytes_before_known = true;
}

/*
 * Was the writer already failing when tracing began? It is older than
 * tracing, its first EPIPE came within DOCTOR_AT_START_NS of the attach, no
 * reader was seen leaving the object, and nothing it wrote there got
 * through while traced (a write that did had a reader). The EPIPE says the
 * object had no reader then (fs/pipe.c pipe_write()), so the last one left
 * before tracing: its storm, if any, began before anything shown.
 */
static bool failing_at_start(const struct sigpipe_doctor *d, const struct pipe_obj *obj,
			     const struct pipe_end *end, uint64_t ts_ns)
{
	uint64_t bytes;

	/* Sockets: no reader is tracked and their bytes are not counted: nothing to tell by. */
	if (!obj_kind__is_pipe(obj->kind) || !d->traced_since_mono_ns || obj->last_reader.proc ||
	    end->proc->start_ns >= d->traced_since_ns ||
	    ts_ns > d->traced_since_mono_ns + DOCTOR_AT_START_NS)
		return false;
	return !traced_write_bytes(d, obj, end, &bytes) || !bytes;
}

static struct doctor_writer *writer_add(struct sigpipe_doctor *d, struct pipe_obj *obj,
					struct pipe_end *end, uint64_t ts_ns)
{
	struct doctor_writer *w;

	if (d->count == d->cap) {
		unsigned int cap = d->cap ? d->cap * 2 : 16;
		struct doctor_writer *grown = realloc(d->writers, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		d->writers = grown;
		d->cap = cap;
	}
	w = &d->writers[d->count++];
	memset(w, 0, sizeof(*w));
	end->doctor_row = d->count;
	w->obj = obj;
	w->end = end;
	w->next_bucket = ts_ns / DOCTOR_BUCKET_NS; /* nothing of it before */
	return w;
}

/*
 * n EPIPEs from first_ns to last_ns, all in bucket id. A record for a
 * bucket already measured (it came late) still joins the storm that owns
 * that bucket; one older than the ring only misses the rate.
 */
static void bucket_add(struct doctor_writer *w, uint64_t id, uint64_t n, uint64_t first_ns,
		       uint64_t last_ns)
{
	struct doctor_bucket *b = &w->ring[id % DOCTOR_RING];

	if (!n)
		return;
	if (b->id < id) /* the ring moved on: this slot's old bucket is out of every window */
		*b = (struct doctor_bucket){ .id = id, .first_ns = first_ns, .last_ns = last_ns };
	if (b->id == id) {
		b->count += n;
		if (first_ns < b->first_ns)
			b->first_ns = first_ns;
		if (last_ns > b->last_ns)
			b->last_ns = last_ns;
	}
	if (id < w->next_bucket && w->storming && id >= w->storm.start_bucket) {
		w->storm.epipe += n;
		if (last_ns > w->storm.last_ns)
			w->storm.last_ns = last_ns;
	}
}

/*
 * A folded record's count, spread evenly over the span its repeats ran
 * (event_header.span_us): each bucket gets its share, the shares sum to count.
 */
static void spread(struct doctor_writer *w, uint64_t count, uint64_t ts_ns, uint64_t span_ns)
{
	uint64_t end_ns = ts_ns + span_ns, given = 0;

	/* No span, or one whose bucket bounds would wrap (a corrupt record): all at ts. */
	if (!span_ns || span_ns > UINT64_MAX / 2 || ts_ns > UINT64_MAX - span_ns - 2 * DOCTOR_BUCKET_NS) {
		bucket_add(w, ts_ns / DOCTOR_BUCKET_NS, count, ts_ns, ts_ns);
		return;
	}
	for (uint64_t t = ts_ns; t <= end_ns && given < count;) {
		uint64_t id = t / DOCTOR_BUCKET_NS, next = (id + 1) * DOCTOR_BUCKET_NS;
		uint64_t upto = next - 1 < end_ns ? next - 1 : end_ns;
		uint64_t due = upto == end_ns ? count :
			       (uint64_t)((double)count * (double)(next - ts_ns) / (double)span_ns);

		if (due > count)
			due = count;
		bucket_add(w, id, due - given, t, upto);
		given = due;
		t = next;
	}
}

int doctor__on_epipe(struct sigpipe_doctor *d, struct pipe_obj *obj, struct pipe_end *end,
		     uint32_t count, uint64_t ts_ns, uint64_t span_ns)
{
	struct doctor_writer *w = writer_of(d, end);

	if (!w && !(w = writer_add(d, obj, end, ts_ns)))
		return -ENOMEM;
	if (!w->had_epipe) {
		w->had_epipe = true;
		note_bytes_before(d, obj, end);
		w->failing_at_start = failing_at_start(d, obj, end, ts_ns);
	}
	spread(w, count, ts_ns, span_ns);
	return 0;
}

int doctor__on_sigpipe(struct sigpipe_doctor *d, struct pipe_obj *obj, struct pipe_end *end,
		       const struct event_header *hdr, uint8_t result, bool blocked)
{
	struct doctor_writer *w = writer_of(d, end);
	uint64_t last = hdr->ts_ns + (uint64_t)hdr->span_us * 1000;

	if (!w && !(w = writer_add(d, obj, end, hdr->ts_ns)))
		return -ENOMEM;
	/* Swept and per-CPU records arrive out of order. */
	if (!w->sigpipes || hdr->ts_ns < w->sigpipe_first_ns)
		w->sigpipe_first_ns = hdr->ts_ns;
	if (last > w->sigpipe_last_ns) {
		w->sigpipe_last_ns = last;
		w->sigpipe_result = result;
		w->sigpipe_blocked = blocked;
	}
	w->sigpipes += hdr->count;
	return 0;
}

uint8_t doctor_writer__sigpipe_action(const struct doctor_writer *w)
{
	const struct proc *p = w->end->proc;
	const struct sig_stats *sp = model__sig_stats(p, SIGPIPE);

	if (w->had_epipe)
		return w->end->sigpipe_action;
	if (w->sigpipe_result == SIG_RESULT_IGNORED)
		return SIGPIPE_IGNORE;
	if (w->sigpipe_blocked)
		return SIGPIPE_BLOCKED;
	/* Queued: a handler ran it, or its default killed (an exit record lost says nothing). */
	if (sp && sp->delivered[ACTION_HANDLER] && !(p->exited && (p->exit_status & 0x7f) == SIGPIPE))
		return SIGPIPE_HANDLER;
	return SIGPIPE_DEFAULT;
}

/* The bucket's count if the ring still holds it, else 0. */
static const struct doctor_bucket *bucket_get(const struct doctor_writer *w, uint64_t id)
{
	const struct doctor_bucket *b = &w->ring[id % DOCTOR_RING];

	return b->id == id && b->count ? b : NULL;
}

/* EPIPEs in the DOCTOR_BUCKETS buckets ending with bucket id (inclusive). */
static uint64_t window_sum(const struct doctor_writer *w, uint64_t id)
{
	uint64_t sum = 0;

	for (uint64_t i = 0; i < DOCTOR_BUCKETS && i <= id; i++) {
		const struct doctor_bucket *b = bucket_get(w, id - i);

		sum += b ? b->count : 0;
	}
	return sum;
}

bool doctor__rate(uint64_t count, uint64_t span_ns, double *rate)
{
	if (span_ns < DOCTOR_MIN_RATE_SPAN_NS)
		return false;
	*rate = (double)count * 1e9 / (double)span_ns;
	return true;
}

bool doctor_writer__avg_rate(const struct sigpipe_doctor *d, const struct doctor_writer *w,
			     double *rate)
{
	const struct pipe_end *e = w->end;

	return doctor__rate(doctor_writer__epipes(d, w), e->epipe_last_ns - e->epipe_first_ns,
			    rate);
}

double doctor_writer__peak_rate(const struct sigpipe_doctor *d, const struct doctor_writer *w)
{
	double avg;

	return doctor_writer__avg_rate(d, w, &avg) && avg > w->peak_rate ? avg : w->peak_rate;
}

bool doctor_storm__rate(const struct doctor_storm *s, double *rate)
{
	return doctor__rate(s->epipe, s->last_ns - s->first_ns, rate);
}

uint64_t doctor_writer__epipes(const struct sigpipe_doctor *d, const struct doctor_writer *w)
{
	const struct pipe_end *e = w->end;

	/*
	 * Every EPIPE is counted in BPF (io__exit_count) before its record is
	 * emitted, so once the counters are final and none was lost they are
	 * the total: records can only repeat it, never add to it. Until then
	 * the counters lag a harvest behind the records.
	 */
	if (d->counters_exact)
		return e->io.epipe;
	return e->io.epipe > e->epipe_seen ? e->io.epipe : e->epipe_seen;
}

static void say(struct sigpipe_doctor *d, struct doctor_writer *w, enum storm_state state,
		enum storm_end_by by, uint64_t now_ns, double window_rate)
{
	struct storm_alert a = {
		.state = state,
		.end_by = by,
		.ts_ns = now_ns,
		.w = w,
		.threshold = d->threshold,
		.window_rate = window_rate,
		.storm = &w->storm,
		.exact = !d->records_lost,
	};

	d->alerts++;
	if (d->alert)
		d->alert(d->alert_ctx, &a);
}

/*
 * Where a storm whose window ends with bucket id starts: that window's
 * first bucket, or earlier while the buckets before it have EPIPE (the
 * storm's ramp-up, at most another window back); never in a bucket an
 * earlier storm owns.
 */
static uint64_t storm_first_bucket(const struct doctor_writer *w, uint64_t id)
{
	uint64_t from = id + 1 >= DOCTOR_BUCKETS ? id + 1 - DOCTOR_BUCKETS : 0;

	for (unsigned int back = 0; back < DOCTOR_BUCKETS && from > w->free_bucket; back++) {
		if (!bucket_get(w, from - 1))
			break;
		from--;
	}
	return from < w->free_bucket ? w->free_bucket : from;
}

/*
 * The window ending with bucket id crossed the threshold: the storm starts
 * at its first EPIPE (storm_first_bucket) and counts every EPIPE from there.
 */
static void storm_begin(struct sigpipe_doctor *d, struct doctor_writer *w, uint64_t id,
			uint64_t now_ns, double rate)
{
	uint64_t from = storm_first_bucket(w, id);
	struct doctor_storm *s = &w->storm;

	*s = (struct doctor_storm){
		.start_bucket = from, .peak_rate = rate, .peak_span_ns = DOCTOR_SPAN_NS
	};
	for (uint64_t i = from; i <= id; i++) {
		const struct doctor_bucket *b = bucket_get(w, i);

		if (!b)
			continue;
		if (!s->epipe || b->first_ns < s->first_ns)
			s->first_ns = b->first_ns;
		if (b->last_ns > s->last_ns)
			s->last_ns = b->last_ns;
		s->epipe += b->count;
	}
	w->storming = true;
	w->storms++;
	say(d, w, STORM_START, STORM_END_RATE, now_ns, rate);
}

/*
 * The windows are bucket-aligned: a storm shorter than one is diluted in
 * each, and one a little longer fills none (2.1 s from mid-bucket leaves
 * every 2 s window a part short), so that the peak would read below the
 * average. The peak is its own rate when that is higher, over its span but
 * at least DOCTOR_MIN_RATE_SPAN_NS (10 EPIPEs in 10 us are not 1000000/s).
 */
static void storm_own_peak(struct doctor_writer *w)
{
	struct doctor_storm *s = &w->storm;
	uint64_t span = s->last_ns - s->first_ns;
	double own;

	if (span < DOCTOR_MIN_RATE_SPAN_NS)
		span = DOCTOR_MIN_RATE_SPAN_NS;
	own = (double)s->epipe * 1e9 / (double)span;
	if (own <= s->peak_rate)
		return;
	s->peak_rate = own;
	s->peak_span_ns = span;
	if (own > w->peak_rate)
		w->peak_rate = own;
}

/* The storm owns every bucket up to id: a later one starts after. */
static void storm_end(struct sigpipe_doctor *d, struct doctor_writer *w, uint64_t id,
		      enum storm_end_by by, uint64_t now_ns, double rate)
{
	storm_own_peak(w);
	w->storming = false;
	w->free_bucket = id + 1;
	say(d, w, by == STORM_END_TRACE ? STORM_ONGOING : STORM_END, by, now_ns, rate);
}

/* Bucket id has all its records: it joins the storm, or starts or ends one. */
static double measure(struct sigpipe_doctor *d, struct doctor_writer *w, uint64_t id,
		      uint64_t now_ns, bool may_end)
{
	const struct doctor_bucket *b = bucket_get(w, id);
	double rate = (double)window_sum(w, id) * 1e9 / (double)DOCTOR_SPAN_NS;

	if (rate > w->peak_rate)
		w->peak_rate = rate;
	if (!w->storming) {
		/*
		 * Only EPIPEs of this bucket start one: the window may still
		 * hold a storm that just ended (its writer exited), whose
		 * EPIPEs are counted in it already.
		 */
		if (rate >= (double)d->threshold && b && b->count)
			storm_begin(d, w, id, now_ns, rate);
		return rate;
	}
	if (b) {
		w->storm.epipe += b->count;
		if (b->last_ns > w->storm.last_ns)
			w->storm.last_ns = b->last_ns;
	}
	if (rate > w->storm.peak_rate)
		w->storm.peak_rate = rate;
	if (may_end && rate * DOCTOR_END_DIVISOR < (double)d->threshold)
		storm_end(d, w, id, STORM_END_RATE, now_ns, rate);
	return rate;
}

/*
 * Measures the buckets before `upto` not measured yet (a ring's worth at
 * most: older ones are gone). Returns the last rate measured.
 */
static double measure_upto(struct sigpipe_doctor *d, struct doctor_writer *w, uint64_t upto,
			   uint64_t now_ns, bool may_end)
{
	double rate = (double)window_sum(w, w->next_bucket ? w->next_bucket - 1 : 0) * 1e9 /
		      (double)DOCTOR_SPAN_NS;

	if (upto > DOCTOR_RING && w->next_bucket < upto - DOCTOR_RING)
		w->next_bucket = upto - DOCTOR_RING;
	for (; w->next_bucket < upto; w->next_bucket++)
		rate = measure(d, w, w->next_bucket, now_ns, may_end);
	return rate;
}

/* The writer exited by end_ns, so every EPIPE it wrote is in: its storm is over. */
static bool end_if_writer_gone(struct sigpipe_doctor *d, struct doctor_writer *w,
			       uint64_t end_ns, uint64_t now_ns, double rate)
{
	const struct proc *p = w->end->proc;

	if (!w->storming || !p->exited || p->exit_ts_ns >= end_ns)
		return false;
	storm_end(d, w, w->next_bucket - 1, STORM_END_WRITER_EXIT, now_ns, rate);
	return true;
}

void doctor__tick(struct sigpipe_doctor *d, uint64_t now_ns)
{
	uint64_t upto = now_ns > d->settle_ns ? (now_ns - d->settle_ns) / DOCTOR_BUCKET_NS : 0;

	for (unsigned int i = 0; i < d->count; i++) {
		struct doctor_writer *w = &d->writers[i];
		double rate = measure_upto(d, w, upto, now_ns, true);

		end_if_writer_gone(d, w, upto * DOCTOR_BUCKET_NS, now_ns, rate);
	}
}

/* Nothing of it is waiting to be measured or still in the rate window. */
static bool writer__quiet(const struct doctor_writer *w)
{
	for (unsigned int i = 0; i < DOCTOR_RING; i++)
		if (w->ring[i].count && w->ring[i].id + DOCTOR_BUCKETS >= w->next_bucket)
			return false;
	return true;
}

static bool writer__settled(const struct doctor_writer *w, uint64_t before_ns)
{
	return !w->storming && writer__quiet(w) && pipe_obj__closed(w->obj, before_ns);
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
			d->retired.epipe += doctor_writer__epipes(d, w);
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

/*
 * Every record is in: the whole buckets are measured as usual, then the
 * one tracing stopped in, which is cut short and so must not end a storm
 * by its rate. A storm left is still going: said so, never "over".
 */
void doctor__finish(struct sigpipe_doctor *d, uint64_t now_ns)
{
	uint64_t upto = now_ns / DOCTOR_BUCKET_NS;

	for (unsigned int i = 0; i < d->count; i++) {
		struct doctor_writer *w = &d->writers[i];
		double rate;

		measure_upto(d, w, upto, now_ns, true);
		rate = measure_upto(d, w, upto + 1, now_ns, false);
		if (!end_if_writer_gone(d, w, now_ns + 1, now_ns, rate) && w->storming)
			storm_end(d, w, upto, STORM_END_TRACE, now_ns, rate);
	}
}

bool doctor__has_object(const struct sigpipe_doctor *d, const struct pipe_obj *obj)
{
	for (unsigned int i = 0; obj && i < d->count; i++)
		if (d->writers[i].obj == obj)
			return true;
	return false;
}

/* p has a read side on obj, or read from it. */
static bool reads(const struct pipe_obj *obj, const struct proc *p)
{
	for (const struct pipe_end *e = obj->ends; e; e = e->next)
		if (e->proc == p && ((e->open_mode & 1) || e->io.read_calls))
			return true;
	return obj->last_reader.proc == p;
}

bool doctor__involves(const struct sigpipe_doctor *d, const struct proc *p)
{
	for (unsigned int i = 0; p && i < d->count; i++)
		if (d->writers[i].end->proc == p || reads(d->writers[i].obj, p))
			return true;
	return false;
}
