/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `ipcscope sigpipe`: watches EPIPE per (writer process, object) and says
 * when a storm starts and ends. EPIPEs are counted into 250 ms buckets by
 * their own time (a folded record's repeats spread over the span they ran),
 * not by when their record arrived: folded counts come once per fold window,
 * so counting by arrival made a 2 s sum swing by a window's worth and a
 * steady storm near the threshold flap. A bucket is measured once every
 * record that can fall in it has come (settle_ns after it ends). A storm
 * starts when the 2 s rate reaches the threshold and ends when it falls below
 * half of it (hysteresis), when the writer exits, or it is still going when
 * tracing stops. Each storm owns whole buckets, so no EPIPE counts in two.
 * The report's exact totals come from the BPF counters. It reads the model,
 * never prints: alerts go to a callback (the sink).
 */
#ifndef SIGPIPE_DOCTOR_H
#define SIGPIPE_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>
#include "ipcscope.h"
#include "pipes.h"

#define DOCTOR_TICK_NS 250000000ULL /* doctor__tick() is called this often */
#define DOCTOR_BUCKET_NS DOCTOR_TICK_NS /* EPIPEs are counted per bucket of their time */
/*
 * How long after a bucket's start its EPIPEs may still arrive: a folded
 * record is stamped with its first repeat, which may be a fold window
 * before its last, and goes out a window after its last (the idle sweep,
 * src/fold.c, every tick): two windows and a tick.
 */
#define DOCTOR_SETTLE_NS(fold_window_ms) (2ULL * (fold_window_ms) * 1000000ULL + DOCTOR_TICK_NS)
#define DOCTOR_BUCKETS 8	    /* buckets the rate is measured over */
#define DOCTOR_SPAN_NS (DOCTOR_BUCKET_NS * DOCTOR_BUCKETS)
/* Buckets kept: the rate window plus those whose records may still come (settle_ns). */
#define DOCTOR_RING 24
#define DOCTOR_DEFAULT_THRESHOLD 100 /* EPIPE/s per writer and object */
#define DOCTOR_FOLD_WINDOW_MS 250    /* folded counts reach the doctor each tick */
#define DOCTOR_MAX_FOLD_WINDOW_MS 2000 /* settle_ns must fit in the ring */
/* A storm ends when its 2 s rate falls below threshold / DOCTOR_END_DIVISOR. */
#define DOCTOR_END_DIVISOR 2
/* Shorter spans get no rate: 10 EPIPEs in 10 us are not "1000000/s". */
#define DOCTOR_MIN_RATE_SPAN_NS 1000000000ULL
/* A first EPIPE this soon after the attach, from a writer older than tracing: already failing. */
#define DOCTOR_AT_START_NS 1000000000ULL

/* EPIPEs whose time falls in [id * DOCTOR_BUCKET_NS, (id + 1) * DOCTOR_BUCKET_NS). */
struct doctor_bucket {
	uint64_t id;
	uint64_t count;
	uint64_t first_ns, last_ns; /* monotonic: its first and last EPIPE */
};

/* One storm: the buckets from start_bucket on, until it ends. */
struct doctor_storm {
	uint64_t start_bucket;
	uint64_t epipe;
	uint64_t first_ns, last_ns; /* its first and last EPIPE */
	double peak_rate;	    /* its highest 2 s rate; see peak_span_ns */
	/*
	 * What peak_rate was measured over: DOCTOR_SPAN_NS, or the storm's own
	 * span (at least DOCTOR_MIN_RATE_SPAN_NS) when its own rate is higher:
	 * 1000 EPIPEs in 1.1 s are 900/s, not the 500/s a 2 s window holds;
	 * a peak is never below the storm's average.
	 */
	uint64_t peak_span_ns;
};

/* One writer's EPIPEs and SIGPIPEs on one object. */
struct doctor_writer {
	struct pipe_obj *obj;
	struct pipe_end *end;	/* end->proc is the writer */
	struct doctor_bucket ring[DOCTOR_RING]; /* bucket id % DOCTOR_RING */
	uint64_t next_bucket;	/* the first bucket not measured yet */
	uint64_t free_bucket;	/* buckets before it belong to an ended storm */
	bool storming;
	struct doctor_storm storm; /* the current or last storm */
	double peak_rate;	/* highest 2 s rate of the whole run, or a short storm's peak */
	unsigned int storms;	/* alerts raised */
	bool had_epipe;		/* an EPIPE record came: a row may start with a SIGPIPE */
	/*
	 * Already getting EPIPE when tracing began (doctor__on_epipe): its
	 * first EPIPE shown is not when it began failing, and the object's
	 * last reader left before tracing.
	 */
	bool failing_at_start;
	/*
	 * SIGPIPEs the writer's own writes to obj raised, with an EPIPE or
	 * without one: a write cut short when the last reader left returns
	 * what it wrote and still raises SIGPIPE (fs/pipe.c pipe_write()), the
	 * `cat big | head` death that no EPIPE names.
	 */
	uint64_t sigpipes;
	uint64_t sigpipe_first_ns, sigpipe_last_ns;
	uint8_t sigpipe_result; /* the last one's, enum ipcscope_sig_result */
	bool sigpipe_blocked;	/* the last one found SIGPIPE blocked */
};

enum storm_state {
	STORM_START,
	STORM_END,
	STORM_ONGOING, /* still going when tracing stopped */
};

enum storm_end_by {
	STORM_END_RATE,	       /* the 2 s rate fell below threshold / DOCTOR_END_DIVISOR */
	STORM_END_WRITER_EXIT, /* the writer exited: no EPIPE can follow */
	STORM_END_TRACE,       /* tracing stopped (STORM_ONGOING) */
};

struct storm_alert {
	enum storm_state state;
	enum storm_end_by end_by; /* STORM_END, STORM_ONGOING */
	uint64_t ts_ns;		  /* monotonic, when the doctor said it */
	const struct doctor_writer *w;
	uint64_t threshold;
	double window_rate; /* EPIPE/s over the 2 s measured last */
	const struct doctor_storm *storm; /* so far (start, ongoing) or whole (end) */
	/*
	 * No record was lost so far in the run: the storm's count, rate and
	 * peak are exact. Else they are lower bounds (they come from records).
	 */
	bool exact;
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
	/* Records of a bucket may come this long after it ends: fold window + tick. */
	uint64_t settle_ns;
	/*
	 * CLOCK_BOOTTIME when tracing was attached: a writer started before
	 * wrote untraced bytes, so its bytes before the first EPIPE are unknown.
	 */
	uint64_t traced_since_ns;
	uint64_t traced_since_mono_ns; /* the same moment, CLOCK_MONOTONIC as records; 0 unknown */
	struct doctor_writer *writers; /* in order of first EPIPE */
	unsigned int count, cap;
	struct doctor_retired retired;
	doctor_alert_fn alert;
	void *alert_ctx;
	doctor_io_fn io;
	void *io_ctx;
	uint64_t alerts;
	/*
	 * The BPF counters were read after detach and no per-(process, pipe)
	 * row was lost (LOSS_IO_STATS_FULL): their EPIPE counts are the totals.
	 */
	bool counters_exact;
	/*
	 * Records lost so far (LOSS_RINGBUF, as read from BPF before each
	 * tick): storms, SIGPIPE counts and peaks, counted from records, are
	 * then lower bounds. The loss is read before the buckets it touched
	 * are measured (they settle for settle_ns first).
	 */
	uint64_t records_lost;
};

void doctor__init(struct sigpipe_doctor *d, uint64_t threshold);
void doctor__free(struct sigpipe_doctor *d);
/*
 * An EPIPE record the model has applied: count EPIPEs from ts_ns to
 * ts_ns + span_ns (a folded record's repeats; 0 for one EPIPE).
 */
int doctor__on_epipe(struct sigpipe_doctor *d, struct pipe_obj *obj, struct pipe_end *end,
		     uint32_t count, uint64_t ts_ns, uint64_t span_ns);
/*
 * A SIGPIPE record of the writer's own write to obj (sig_generate_event
 * with an object, or the one an EPIPE record carried): the row it belongs
 * to, new if this is the writer's first word on obj.
 */
int doctor__on_sigpipe(struct sigpipe_doctor *d, struct pipe_obj *obj, struct pipe_end *end,
		       const struct event_header *hdr, uint8_t result, bool blocked);
/* The row of a writer's end, NULL if it has none. */
const struct doctor_writer *doctor__writer(const struct sigpipe_doctor *d,
					  const struct pipe_end *end);
/* What the writer does with SIGPIPE, from its EPIPEs, else from its SIGPIPEs and death. */
uint8_t doctor_writer__sigpipe_action(const struct doctor_writer *w);
/* Every DOCTOR_TICK_NS: buckets settled by now are measured; alerts start or end. */
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
/*
 * End of the run, every record drained: the last buckets are measured, and
 * a storm still going is said so (STORM_ONGOING), or ends if its writer exited.
 */
void doctor__finish(struct sigpipe_doctor *d, uint64_t now_ns);
/*
 * The writer's EPIPE total: the BPF count once final (counters_exact),
 * else the larger of the harvested and the live count.
 */
uint64_t doctor_writer__epipes(const struct sigpipe_doctor *d, const struct doctor_writer *w);
/*
 * count EPIPEs over span_ns as a rate in *rate; false (no rate) when the
 * span is shorter than DOCTOR_MIN_RATE_SPAN_NS.
 */
bool doctor__rate(uint64_t count, uint64_t span_ns, double *rate);
/* The writer's EPIPE/s from first to last seen; false when too short to say. */
bool doctor_writer__avg_rate(const struct sigpipe_doctor *d, const struct doctor_writer *w,
			     double *rate);
/* Its highest rate: the busiest 2 s window or a storm's own rate, never below its average. */
double doctor_writer__peak_rate(const struct sigpipe_doctor *d, const struct doctor_writer *w);
/* A storm's EPIPE/s from its first to its last EPIPE; false when too short. */
bool doctor_storm__rate(const struct doctor_storm *s, double *rate);
/* ipcscope sigpipe shows what concerns an EPIPE story: these say what does. */
/* The object has a doctor row: some writer got EPIPE on it. */
bool doctor__has_object(const struct sigpipe_doctor *d, const struct pipe_obj *obj);
/* p got EPIPE, or reads (or read) an object some writer got EPIPE on. */
bool doctor__involves(const struct sigpipe_doctor *d, const struct proc *p);

#endif /* SIGPIPE_DOCTOR_H */
