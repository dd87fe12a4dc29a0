/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `ipcscope sigpipe`: watches EPIPE per (writer process, object) and says
 * when a storm starts and ends. A storm is a rate of EPIPE at or above the
 * threshold over the last DOCTOR_SPAN_NS, counted from the live records
 * (folded repeats included, so rates hold under load); the report's exact
 * totals come from the BPF counters. It reads the model, never prints:
 * alerts go to a callback (the sink).
 */
#ifndef SIGPIPE_DOCTOR_H
#define SIGPIPE_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>
#include "ipcscope.h"
#include "pipes.h"

#define DOCTOR_TICK_NS 250000000ULL /* doctor__tick() is called this often */
#define DOCTOR_BUCKETS 8	    /* ticks the rate is measured over */
#define DOCTOR_SPAN_NS (DOCTOR_TICK_NS * DOCTOR_BUCKETS)
#define DOCTOR_DEFAULT_THRESHOLD 100 /* EPIPE/s per writer and object */
#define DOCTOR_FOLD_WINDOW_MS 250    /* folded counts reach the doctor each tick */

/* One writer's EPIPEs on one object. */
struct doctor_writer {
	struct pipe_obj *obj;
	struct pipe_end *end;	/* end->proc is the writer */
	uint64_t recent[DOCTOR_BUCKETS]; /* EPIPEs per tick, a ring */
	uint64_t pending;	/* since the last tick */
	unsigned int head;
	bool storming;
	uint64_t storm_start_ns; /* monotonic, when the alert went up */
	uint64_t storm_first_seen; /* epipe_seen when it went up */
	double peak_rate;
	unsigned int storms; /* alerts raised */
};

struct storm_alert {
	bool started; /* false: the storm ended */
	uint64_t ts_ns; /* monotonic */
	const struct doctor_writer *w;
	double rate; /* EPIPE/s over the last DOCTOR_SPAN_NS */
	uint64_t threshold;
	uint64_t count; /* ended: EPIPEs during the storm */
	uint64_t duration_ns; /* ended */
};

typedef void (*doctor_alert_fn)(void *ctx, const struct storm_alert *a);
/* The writer's traffic on the object so far (tracer__io_counters); 0 or -errno. */
typedef int (*doctor_io_fn)(void *ctx, const struct io_key *key, struct io_stats *out);

/* Rows let go by doctor__retire(): what the report still owes them. */
struct doctor_retired {
	uint64_t writers; /* (writer, object) rows */
	uint64_t epipe;
	uint64_t storms;
};

struct sigpipe_doctor {
	uint64_t threshold;
	struct doctor_writer *writers; /* in order of first EPIPE */
	unsigned int count, cap;
	struct doctor_retired retired;
	doctor_alert_fn alert;
	void *alert_ctx;
	doctor_io_fn io;
	void *io_ctx;
	uint64_t alerts;
};

void doctor__init(struct sigpipe_doctor *d, uint64_t threshold);
void doctor__free(struct sigpipe_doctor *d);
/* An EPIPE record the model has applied (end->epipe_seen includes it). */
int doctor__on_epipe(struct sigpipe_doctor *d, struct pipe_obj *obj, struct pipe_end *end,
		     uint32_t count);
/* Every DOCTOR_TICK_NS: rates move on; alerts start or end. */
void doctor__tick(struct sigpipe_doctor *d, uint64_t now_ns);
/*
 * Keeps a long run's rows bounded: past `keep` rows whose object was
 * closed for good by before_ns (no EPIPE can come from it again) and that
 * are quiet (no storm, nothing in the rate window), the oldest are let go
 * into d->retired, and their ends become free to retire with their object.
 * Call after the counters of before_ns are harvested (the totals are then
 * final). Returns how many rows went.
 */
unsigned int doctor__retire(struct sigpipe_doctor *d, unsigned int keep, uint64_t before_ns);
/* End of the run: storms still going end here. */
void doctor__finish(struct sigpipe_doctor *d, uint64_t now_ns);
double doctor_writer__rate(const struct doctor_writer *w);
/* The writer's EPIPE total: the exact BPF count once read, else the live one. */
uint64_t doctor_writer__epipes(const struct doctor_writer *w);
/* EPIPE/s from first to last seen (0 for a single instant). */
double doctor_writer__avg_rate(const struct doctor_writer *w);

#endif /* SIGPIPE_DOCTOR_H */
