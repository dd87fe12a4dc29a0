// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The text sink in `ipcscope sigpipe`: the live lines of EPIPE stories only,
 * the storm alerts and the doctor's report. System-wide, most exits and
 * last-reader closes have nothing to do with EPIPE; what is shown is each
 * writer's first EPIPE on an object, the last reader leaving an object that
 * gets EPIPE (before or after), and the exits of SIGPIPE, of writers that
 * got EPIPE and of readers of their objects.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "format.h"
#include "pipes.h"
#include "sanitize.h"
#include "signals.h"
#include "sink_text.h"

/*
 * A reader leaving before the first EPIPE on its object is where the story
 * starts, but nothing says so until the EPIPE comes: last-reader closes and
 * exits (an exit's record comes before the closes of its fd scan) wait here,
 * and those of the object's last reader are shown just before the first
 * EPIPE on it, in the order they came. Closes and exits have rings of their
 * own: system-wide every exit is held, and a churn of short processes must
 * not push out the one close that matters. The oldest give way when a ring
 * is full, and those older than HELD_MAX_AGE_NS are not shown (a stale
 * close is not the cause). One text output per run: the rings are the
 * sink's own.
 */
#define HELD_MAX 512
#define HELD_MAX_AGE_NS (10 * 1000000000ULL)

struct held_record {
	bool used;
	uint64_t seq; /* arrival order across both rings */
	union {
		struct event_header hdr;
		struct pipe_close_event close;
		struct lifecycle_event exit;
	};
};

struct held_ring {
	struct held_record rec[HELD_MAX];
	unsigned int next;
};

static struct held_ring held_closes, held_exits;
static uint64_t held_seq;

static void hold(const struct event_header *hdr, const void *rec)
{
	struct held_ring *r = hdr->type == EVENT_PIPE_CLOSE ? &held_closes : &held_exits;
	struct held_record *h = &r->rec[r->next++ % HELD_MAX];

	memset(h, 0, sizeof(*h));
	memcpy(&h->hdr, rec, hdr->type == EVENT_PIPE_CLOSE ? sizeof(h->close) : sizeof(h->exit));
	h->seq = ++held_seq;
	h->used = true;
}

static bool same_task(const struct task_ref *a, const struct task_ref *b)
{
	return a->pid == b->pid && proc_table__same_start(a->start_ns, b->start_ns);
}

static bool held_close_of(const struct held_record *h, const struct obj_ref *obj)
{
	return h->close.pipe.ino == obj->ino && h->close.pipe.dev == obj->dev;
}

static int by_seq(const void *a, const void *b)
{
	const struct held_record *x = *(const struct held_record *const *)a;
	const struct held_record *y = *(const struct held_record *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The held lines of obj's last reader, in their order, before its first EPIPE at now_ns. */
static void release_held(struct output *o, const struct obj_ref *obj, uint64_t now_ns)
{
	static struct held_record *show[2 * HELD_MAX];
	unsigned int nshow = 0, ncloses;

	for (unsigned int k = 0; k < HELD_MAX; k++) {
		struct held_record *h = &held_closes.rec[k];

		if (h->used && h->hdr.ts_ns + HELD_MAX_AGE_NS < now_ns)
			h->used = false;
		if (h->used && held_close_of(h, obj))
			show[nshow++] = h;
	}
	ncloses = nshow;
	for (unsigned int k = 0; k < HELD_MAX && ncloses; k++) {
		struct held_record *h = &held_exits.rec[k];

		if (h->used && h->hdr.ts_ns + HELD_MAX_AGE_NS < now_ns)
			h->used = false;
		for (unsigned int g = 0; h->used && g < ncloses; g++) {
			if (!same_task(&show[g]->close.task, &h->exit.task))
				continue;
			show[nshow++] = h;
			break;
		}
	}
	qsort(show, nshow, sizeof(show[0]), by_seq);
	for (unsigned int i = 0; i < nshow; i++) {
		if (show[i]->hdr.type == EVENT_PIPE_CLOSE)
			text_pipe_record(o, &show[i]->hdr, &show[i]->close);
		else
			text_exit(o, &show[i]->exit);
		show[i]->used = false;
	}
}

/* The first EPIPE record of this writer on this object (the model has counted it). */
static bool first_epipe(const struct output *o, const struct event_header *hdr,
			const struct epipe_event *e)
{
	const struct proc *p = proc_table__find(o->model->procs, e->task.pid, e->task.start_ns);
	const struct pipe_obj *po = pipe_table__find(&o->model->pipes, &e->object);
	const struct pipe_end *end = po ? pipe_obj__find_end(po, p) : NULL;

	return !end || end->epipe_seen <= hdr->count;
}

static void doctor_close(struct output *o, const struct event_header *hdr,
			 const struct pipe_close_event *e)
{
	if (!pipe_close__last_reader(e))
		return;
	if (doctor__has_object(o->doctor, pipe_table__find(&o->model->pipes, &e->pipe)))
		text_pipe_record(o, hdr, e);
	else
		hold(hdr, e);
}

/*
 * A writer's first SIGPIPE on an object, raised inside a write whose
 * result is not known yet: its EPIPE record, if it has one, comes from the
 * same write's sys_exit and says it. An EPIPE record that carries a
 * SIGPIPE of its own (EVENT_F_WITH_SIGPIPE: its write found no reader
 * at entry, signals.bpf.c sigpipe__defer()) is a later write's: the parked
 * one was cut short and is shown before it. So it is if the writer exits
 * first (or died of it), or at the end of the run. One per writer thread,
 * the oldest giving way.
 */
#define PARKED_SIGPIPE_MAX 64

static struct sig_generate_event parked[PARKED_SIGPIPE_MAX];
static unsigned int parked_next;

static void show_sigpipe(struct output *o, const struct sig_generate_event *e)
{
	release_held(o, &e->object, e->hdr.ts_ns);
	text_generate(o, e);
}

/* An EPIPE of the parked SIGPIPE's writer: its own write's (says both), or a later one's. */
static void unpark_epipe(struct output *o, const struct event_header *hdr,
			 const struct epipe_event *e)
{
	for (unsigned int i = 0; i < PARKED_SIGPIPE_MAX; i++) {
		if (!parked[i].hdr.type || parked[i].target.tid != e->task.tid ||
		    parked[i].object.ino != e->object.ino || parked[i].object.dev != e->object.dev)
			continue;
		if (hdr->flags & EVENT_F_WITH_SIGPIPE)
			show_sigpipe(o, &parked[i]);
		parked[i].hdr.type = 0;
	}
}

void text_doctor_flush(struct output *o)
{
	for (unsigned int i = 0; i < PARKED_SIGPIPE_MAX; i++) {
		unsigned int k = (parked_next + i) % PARKED_SIGPIPE_MAX; /* oldest first */

		if (!parked[k].hdr.type)
			continue;
		show_sigpipe(o, &parked[k]);
		parked[k].hdr.type = 0;
	}
}

/* The writer exits: its parked SIGPIPEs had no EPIPE. */
static void unpark_exit(struct output *o, const struct lifecycle_event *e)
{
	for (unsigned int i = 0; i < PARKED_SIGPIPE_MAX; i++) {
		if (!parked[i].hdr.type || parked[i].target.pid != e->task.pid)
			continue;
		show_sigpipe(o, &parked[i]);
		parked[i].hdr.type = 0;
	}
}

static void doctor_exit(struct output *o, const struct event_header *hdr,
			const struct lifecycle_event *e)
{
	const struct proc *p = proc_table__find(o->model->procs, e->task.pid, e->task.start_ns);

	unpark_exit(o, e);
	if ((e->exit_code & 0x7f) == SIGPIPE || doctor__involves(o->doctor, p))
		text_exit(o, e);
	else
		hold(hdr, e); /* it may be the reader an EPIPE soon follows */
}

/*
 * A writer's first SIGPIPE on an object before any EPIPE there. A write
 * cut short by the last reader leaving says so (EVENT_F_NO_EPIPE): shown
 * now; any other waits for its write's EPIPE (parked). Those an EPIPE
 * record carried are said by its line.
 */
static void doctor_sigpipe(struct output *o, const struct event_header *hdr,
			   const struct sig_generate_event *e)
{
	const struct proc *p = proc_table__find(o->model->procs, e->target.pid, e->target.start_ns);
	const struct pipe_obj *po = pipe_table__find(&o->model->pipes, &e->object);
	const struct pipe_end *end = po ? pipe_obj__find_end(po, p) : NULL;
	const struct doctor_writer *w = end ? doctor__writer(o->doctor, end) : NULL;
	unsigned int slot = parked_next % PARKED_SIGPIPE_MAX;

	if (!w || w->had_epipe || w->sigpipes > hdr->count)
		return;
	if (hdr->flags & EVENT_F_NO_EPIPE) {
		show_sigpipe(o, e);
		return;
	}
	for (unsigned int i = 0; i < PARKED_SIGPIPE_MAX; i++)
		if (parked[i].hdr.type && parked[i].target.tid == e->target.tid)
			slot = i; /* its thread's earlier one had its answer or never will */
	if (slot == parked_next % PARKED_SIGPIPE_MAX)
		parked_next++;
	parked[slot] = *e;
}

void text_doctor_record(struct output *o, const struct event_header *hdr, const void *rec)
{
	switch (hdr->type) {
	case EVENT_SIG_GENERATE: {
		const struct sig_generate_event *e = rec;

		if (e->sig == SIGPIPE && e->object.kind != OBJ_NONE &&
		    !(hdr->flags & EVENT_F_FROM_EPIPE))
			doctor_sigpipe(o, hdr, e);
		return;
	}
	case EVENT_EPIPE: {
		const struct epipe_event *e = rec;

		unpark_epipe(o, hdr, e);
		if (!first_epipe(o, hdr, e))
			return;
		release_held(o, &e->object, hdr->ts_ns);
		text_pipe_record(o, hdr, rec);
		return;
	}
	case EVENT_PIPE_CLOSE:
		doctor_close(o, hdr, rec);
		return;
	case EVENT_PROC_EXIT:
		doctor_exit(o, hdr, rec);
		return;
	case EVENT_PROC_FORK:
	case EVENT_PROC_EXEC:
		text_fork_exec(o, hdr, rec);
		return;
	}
}

bool text_doctor_story_exit(const struct output *o, const struct proc *p)
{
	return (p->exit_status & 0x7f) == SIGPIPE || doctor__involves(o->doctor, p);
}

/* "250 EPIPE in 1.20s, 208/s": no rate for a span too short to give one. */
/* Counted from records: with records lost, a lower bound, and it says so. */
static void storm_numbers(struct output *o, const struct doctor_storm *s, bool exact)
{
	char dur[32];
	double rate;

	fprintf(o->f, "%s%llu EPIPE in %s", exact ? "" : "at least ", (unsigned long long)s->epipe,
		format__ns(dur, sizeof(dur), s->last_ns - s->first_ns));
	if (doctor_storm__rate(s, &rate))
		fprintf(o->f, ", %.0f/s", rate);
}

/* The object's last reader leaving: seen, or inferred from a writer failing at start. */
static const char *last_reader_text(char *buf, size_t size, const struct output *o,
				    const struct doctor_writer *w)
{
	if (!obj_kind__is_pipe(w->obj->kind))
		return "not tracked for sockets";
	if (!w->obj->last_reader.proc && w->failing_at_start)
		return "gone before tracing started";
	return format__departure(buf, size, &w->obj->last_reader, o->mono_to_real_ns);
}

static void alert_detail(struct output *o, const struct doctor_writer *w)
{
	char gone[192];

	fprintf(o->f, "%-12s %-7s %-*s ", "", "", SIGNAL_WIDTH, "");
	if (w->failing_at_start)
		fputs("already failing when tracing started (its reader left before); ", o->f);
	else if (w->end->bytes_before_known)
		fprintf(o->f, "%llu B written before the first EPIPE; ",
			(unsigned long long)w->end->bytes_before_epipe);
	else if (obj_kind__is_pipe(w->obj->kind))
		fputs("? B written before the first EPIPE (writer started before tracing); ", o->f);
	fprintf(o->f, "last reader: %s\n", last_reader_text(gone, sizeof(gone), o, w));
}

/*
 * start:  "storm: who -> obj: 250 EPIPE in 240.0ms (threshold 100/s over 2s), SIGPIPE ignored"
 * end:    "storm over: who -> obj: 1500 EPIPE in 14.9s, 101/s, peak 108/s over 2s"
 *         (a storm shorter than 2 s: "peak 918/s over 1.09s", its own rate)
 * ongoing: "storm still going when tracing stopped: who -> obj: ... so far, ..."
 */
void text_doctor_alert(struct output *o, const struct storm_alert *a)
{
	const struct doctor_writer *w = a->w;
	char clock[32], who[96], obj[160], span[32];

	text_header(o);
	format__task(who, sizeof(who), w->end->proc->comm, w->end->proc->pid, 0);
	format__object(obj, sizeof(obj), w->obj->kind, w->obj->ino, w->obj->path);
	format__inet(obj + strlen(obj), sizeof(obj) - strlen(obj), &w->obj->inet);
	fprintf(o->f, "%-12s %-7s %-*s ",
		format__clock(clock, sizeof(clock), a->ts_ns, o->mono_to_real_ns), "ALERT",
		SIGNAL_WIDTH, "SIGPIPE");
	if (a->state == STORM_START) {
		fprintf(o->f, "storm: %s -> %s: ", who, obj);
		storm_numbers(o, a->storm, a->exact);
		fprintf(o->f, " (threshold %llu/s over 2s), SIGPIPE %s\n",
			(unsigned long long)a->threshold, sigpipe_word(w->end->sigpipe_action));
		alert_detail(o, w);
		return;
	}
	fprintf(o->f, "%s: %s -> %s: ",
		a->state == STORM_ONGOING ? "storm still going when tracing stopped" : "storm over",
		who, obj);
	storm_numbers(o, a->storm, a->exact);
	fprintf(o->f, "%s, peak %.0f/s over %s%s\n", a->state == STORM_ONGOING ? " so far" : "",
		a->storm->peak_rate,
		a->storm->peak_span_ns == DOCTOR_SPAN_NS
			? "2s" : format__ns(span, sizeof(span), a->storm->peak_span_ns),
		a->end_by == STORM_END_WRITER_EXIT ? " (writer exited)" : "");
}

#define WRITER_COLS 22
#define REPORT_ROWS 20 /* rows before "N more ... not listed" without -v */

/* "comm[pid]" in WRITER_COLS columns: the comm is cut, never the pid. */
static const char *writer_cell(char *buf, size_t size, const struct proc *p)
{
	char comm[64], pid[16];
	int room;

	snprintf(pid, sizeof(pid), "[%u]", p->pid);
	sanitize__terminal(comm, sizeof(comm), p->comm, strlen(p->comm));
	room = WRITER_COLS - (int)strlen(pid);
	snprintf(buf, size, "%.*s%s", room > 0 ? room : 0, comm, pid);
	return buf;
}

static void report_row(struct output *o, const struct doctor_writer *w)
{
	const struct pipe_end *e = w->end;
	char who[96], obj[PIPE_PATH_MAX + 64], first[32], last[32], gone[192], rate_s[32],
		bytes[32];
	bool no_epipe = !doctor_writer__epipes(o->doctor, w);
	double rate;

	if (doctor_writer__avg_rate(o->doctor, w, &rate))
		snprintf(rate_s, sizeof(rate_s), "%.0f", rate);
	else
		strcpy(rate_s, "-");
	if (e->bytes_before_known)
		snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)e->bytes_before_epipe);
	else
		strcpy(bytes, no_epipe ? "-" : "?");
	/* A row with no EPIPE: FIRST and LAST are its SIGPIPEs'. */
	fprintf(o->f, "%-*s %12llu %8s %-12s %-12s %-14s %12s\n", WRITER_COLS,
		writer_cell(who, sizeof(who), e->proc),
		(unsigned long long)doctor_writer__epipes(o->doctor, w), rate_s,
		format__clock(first, sizeof(first),
			      no_epipe ? w->sigpipe_first_ns : e->epipe_first_ns,
			      o->mono_to_real_ns),
		format__clock(last, sizeof(last),
			      no_epipe ? w->sigpipe_last_ns : e->epipe_last_ns,
			      o->mono_to_real_ns),
		sigpipe_word(doctor_writer__sigpipe_action(w)), bytes);
	if (w->failing_at_start)
		fputs("  already failing when tracing started: FIRST is when tracing began, "
		      "not when its EPIPEs did\n", o->f);
	if (no_epipe)
		fprintf(o->f, "  no EPIPE: %s%llu SIGPIPE from %s cut short by the last reader "
			      "leaving; %llu B written\n",
			o->doctor->records_lost ? "at least " : "", (unsigned long long)w->sigpipes,
			format__plural(w->sigpipes, "a write", "writes"),
			(unsigned long long)e->io.write_bytes);
	/* The object on its own line: a long FIFO path keeps the table aligned. */
	format__object(obj, sizeof(obj), w->obj->kind, w->obj->ino, w->obj->path);
	format__inet(obj + strlen(obj), sizeof(obj) - strlen(obj), &w->obj->inet);
	fprintf(o->f, "  to %s\n", obj);
	for (const struct pipe_end *r = w->obj->ends; r; r = r->next)
		if (r->io.read_calls)
			fprintf(o->f, "  read by %s: %llu B\n",
				format__task(who, sizeof(who), r->proc->comm, r->proc->pid, 0),
				(unsigned long long)r->io.read_bytes);
	if (obj_kind__is_pipe(w->obj->kind))
		fprintf(o->f, "  last reader: %s\n", last_reader_text(gone, sizeof(gone), o, w));
}

/* Report order: the most EPIPEs first (then SIGPIPEs, then the earliest). */
struct ranked_writer {
	const struct doctor_writer *w;
	uint64_t epipes;
	uint64_t first_ns;
};

static int by_epipes(const void *a, const void *b)
{
	const struct ranked_writer *x = a, *y = b;

	if (x->epipes != y->epipes)
		return x->epipes > y->epipes ? -1 : 1;
	if (x->w->sigpipes != y->w->sigpipes)
		return x->w->sigpipes > y->w->sigpipes ? -1 : 1;
	return x->first_ns < y->first_ns ? -1 : x->first_ns > y->first_ns;
}

/*
 * One row per (writer, object) with EPIPE or SIGPIPE, then what it wrote
 * to, who read it and who left, the most EPIPEs first: in a fleet of
 * writers the one to look at is on top. Past REPORT_ROWS rows (-v lists
 * them all) the rest are one line with their EPIPE total. EPIPE counts are
 * exact (SIGPIPE counts too unless records were lost, which a line says);
 * RATE/s is "-" for a span under 1 s and BYTES BEFORE "?" when not every
 * write was traced ("-" with no EPIPE: a write cut short raises SIGPIPE
 * alone).
 */
void text_doctor_report(struct output *o)
{
	const struct sigpipe_doctor *d = o->doctor;
	struct ranked_writer *ranked;
	unsigned int storms = 0;
	uint64_t rest = 0;

	for (unsigned int i = 0; i < d->count; i++)
		storms += d->writers[i].storms;
	fprintf(o->f, "\nSIGPIPE doctor: %llu writer/object %s with EPIPE or SIGPIPE, %llu %s "
		      "(threshold %llu/s)\n", (unsigned long long)(d->count + d->retired.writers),
		format__plural(d->count + d->retired.writers, "pair", "pairs"),
		(unsigned long long)(storms + d->retired.storms),
		format__plural(storms + d->retired.storms, "storm", "storms"),
		(unsigned long long)d->threshold);
	if (d->retired.writers)
		fprintf(o->f, "  %llu of them quiet on closed objects, not listed: %llu EPIPE\n",
			(unsigned long long)d->retired.writers,
			(unsigned long long)d->retired.epipe);
	if (d->records_lost && d->count)
		fprintf(o->f, "  %llu stream %s dropped (see lost: below): SIGPIPE counts, storms "
			      "and peaks are lower bounds%s\n", (unsigned long long)d->records_lost,
			format__plural(d->records_lost, "event", "events"),
			d->counters_exact ? "; EPIPE counts stay exact (counted in BPF)" : "");
	if (!d->count)
		return;
	ranked = calloc(d->count, sizeof(*ranked));
	if (!ranked) {
		fprintf(o->f, "  (out of memory: %u rows not listed)\n", d->count);
		return;
	}
	for (unsigned int i = 0; i < d->count; i++) {
		const struct doctor_writer *w = &d->writers[i];

		ranked[i].w = w;
		ranked[i].epipes = doctor_writer__epipes(d, w);
		ranked[i].first_ns = ranked[i].epipes ? w->end->epipe_first_ns : w->sigpipe_first_ns;
	}
	qsort(ranked, d->count, sizeof(*ranked), by_epipes);
	fprintf(o->f, "%-*s %12s %8s %-12s %-12s %-14s %12s\n", WRITER_COLS, "WRITER", "EPIPE",
		"RATE/s", "FIRST", "LAST", "SIGPIPE", "BYTES BEFORE");
	for (unsigned int i = 0; i < d->count; i++) {
		if (i == REPORT_ROWS && !o->verbose) {
			for (unsigned int k = i; k < d->count; k++)
				rest += ranked[k].epipes;
			fprintf(o->f, "%u more writer/object %s not listed (-v lists them): "
				      "%llu EPIPE\n", d->count - i,
				format__plural(d->count - i, "pair", "pairs"),
				(unsigned long long)rest);
			break;
		}
		report_row(o, ranked[i].w);
	}
	free(ranked);
}
