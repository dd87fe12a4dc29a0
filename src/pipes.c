// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include "pipes.h"
#include "user_list.h"

static unsigned int bucket_of(uint32_t dev, uint64_t ino)
{
	return (unsigned int)((ino * 0x9e3779b97f4a7c15ULL ^ dev) >> 32) % PIPE_TABLE_BUCKETS;
}

static void pipe_obj__free(struct pipe_obj *o);

void pipe_table__free(struct pipe_table *t)
{
	struct pipe_obj *o = t->first, *next;

	for (; o; o = next) {
		next = o->next_in_order;
		pipe_obj__free(o);
	}
	*t = (struct pipe_table){ 0 };
}

struct pipe_obj *pipe_table__find(const struct pipe_table *t, const struct obj_ref *ref)
{
	struct pipe_obj *o = t->buckets[bucket_of(ref->dev, ref->ino)];

	while (o && (o->ino != ref->ino || o->dev != ref->dev))
		o = o->next_in_bucket;
	return o;
}

struct pipe_obj *pipe_table__get(struct pipe_table *t, const struct obj_ref *ref)
{
	unsigned int b = bucket_of(ref->dev, ref->ino);
	struct pipe_obj *o = pipe_table__find(t, ref);

	if (!o) {
		o = calloc(1, sizeof(*o));
		if (!o)
			return NULL;
		o->ino = ref->ino;
		o->dev = ref->dev;
		o->next_in_bucket = t->buckets[b];
		t->buckets[b] = o;
		if (t->last)
			t->last->next_in_order = o;
		else
			t->first = o;
		t->last = o;
		t->count++;
	}
	if (ref->kind != OBJ_NONE)
		o->kind = ref->kind;
	return o;
}

const char *pipe_table__path(const struct pipe_table *t, const struct obj_ref *ref)
{
	const struct pipe_obj *o;

	if (ref->kind != OBJ_FIFO || !(o = pipe_table__find(t, ref)))
		return NULL;
	return o->path[0] ? o->path : NULL;
}

const struct inet_ends *pipe_table__inet(const struct pipe_table *t, const struct obj_ref *ref)
{
	const struct pipe_obj *o;

	if ((ref->kind != OBJ_TCP && ref->kind != OBJ_UDP) || !(o = pipe_table__find(t, ref)))
		return NULL;
	return o->inet.family ? &o->inet : NULL;
}

const struct pipe_end *pipe_obj__find_end(const struct pipe_obj *o, const struct proc *p)
{
	for (const struct pipe_end *e = o->ends; e; e = e->next)
		if (e->proc == p)
			return e;
	return NULL;
}

struct pipe_end *pipe_obj__end(struct pipe_obj *o, struct proc *p)
{
	struct pipe_end **pp = &o->ends, *e;

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->proc == p)
			return *pp;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->proc = p;
	*pp = e; /* appended: ends stay in order of first sighting */
	return e;
}

/* ---- retiring (src/retire.c) ---- */

static bool proc__over(const struct proc *p, uint64_t before_ns)
{
	return (p->exited || p->gone) && p->exit_ts_ns <= before_ns;
}

/*
 * Nothing can use it any more since `before_ns`. A pipe or FIFO: both sides
 * were closed for the last time (fs/pipe.c frees it then); that processes
 * seen using it are over says nothing, another may hold it unseen (a
 * shell's stdout pipe). A socket (only seen at EPIPE): every process seen
 * using it is over. Its counter rows were harvested by then (retire.h).
 */
bool pipe_obj__closed(const struct pipe_obj *o, uint64_t before_ns)
{
	if (obj_kind__is_pipe(o->kind))
		return o->last_reader.proc && o->last_writer.proc &&
		       o->last_reader.ts_ns <= before_ns && o->last_writer.ts_ns <= before_ns;
	for (const struct pipe_end *e = o->ends; e; e = e->next)
		if (!proc__over(e->proc, before_ns))
			return false;
	return o->ends != NULL;
}

/* `ipcscope sigpipe` keeps pointers to its writers' ends. */
static bool pipe_obj__doctored(const struct pipe_obj *o)
{
	for (const struct pipe_end *e = o->ends; e; e = e->next)
		if (e->doctor_row)
			return true;
	return false;
}

static void pipe_obj__free(struct pipe_obj *o)
{
	for (struct pipe_end *e = o->ends, *next; e; e = next) {
		next = e->next;
		free(e);
	}
	free(o);
}

static void unlink_from_bucket(struct pipe_table *t, struct pipe_obj *o)
{
	struct pipe_obj **pp = &t->buckets[bucket_of(o->dev, o->ino)];

	while (*pp && *pp != o)
		pp = &(*pp)->next_in_bucket;
	if (*pp)
		*pp = o->next_in_bucket;
}

bool pipe_obj__retirable(const struct pipe_obj *o, uint64_t before_ns)
{
	return pipe_obj__closed(o, before_ns) && !pipe_obj__doctored(o) && !o->slot_held;
}

unsigned int pipe_table__retire(struct pipe_table *t, unsigned int keep, uint64_t before_ns,
				uint64_t *bytes)
{
	struct pipe_obj *o, *prev = NULL, *next;
	unsigned int closed = 0, n = 0, extra;

	for (o = t->first; o; o = o->next_in_order)
		closed += pipe_obj__retirable(o, before_ns);
	if (closed <= keep)
		return 0;
	extra = closed - keep;
	/* Oldest first: the table is in order of first sighting. */
	for (o = t->first; o && n < extra; o = next) {
		next = o->next_in_order;
		if (!pipe_obj__retirable(o, before_ns)) {
			prev = o;
			continue;
		}
		for (const struct pipe_end *e = o->ends; e; e = e->next)
			*bytes += e->io.write_bytes;
		unlink_from_bucket(t, o);
		if (prev)
			prev->next_in_order = next;
		else
			t->first = next;
		if (t->last == o)
			t->last = prev;
		pipe_obj__free(o);
		t->count--;
		n++;
	}
	return n;
}

void pipe_table__pin(const struct pipe_table *t)
{
	for (const struct pipe_obj *o = t->first; o; o = o->next_in_order) {
		if (o->creator)
			o->creator->pinned = true;
		if (o->last_reader.proc)
			o->last_reader.proc->pinned = true;
		if (o->last_writer.proc)
			o->last_writer.proc->pinned = true;
		for (const struct pipe_end *e = o->ends; e; e = e->next)
			if (e->doctor_row)
				e->proc->pinned = true;
	}
}

static int pipe_end__merge(struct pipe_end *dst, const struct pipe_end *e)
{
	io_stats__add(&dst->io, &e->io);
	dst->open_mode |= e->open_mode;
	if (e->epipe_seen) {
		if (!dst->epipe_first_ns || e->epipe_first_ns < dst->epipe_first_ns)
			dst->epipe_first_ns = e->epipe_first_ns;
		if (e->epipe_last_ns > dst->epipe_last_ns)
			dst->epipe_last_ns = e->epipe_last_ns;
		dst->epipe_seen += e->epipe_seen;
		dst->sigpipe_action = e->sigpipe_action;
	}
	return 0;
}

int pipe_table__merge_retiring(struct pipe_table *t, struct proc *into)
{
	for (struct pipe_obj *o = t->first; o; o = o->next_in_order)
		if (user_list__merge_retiring(o, ends, into, pipe_obj__end, pipe_end__merge, free))
			return -1;
	return 0;
}

const char *obj_kind__name(unsigned int kind)
{
	static const char *const names[OBJ_KIND_MAX] = {
		"none", "pipe", "fifo", "unix", "tcp", "udp", "socket", "other",
	};

	return kind < OBJ_KIND_MAX ? names[kind] : "other";
}

const char *pipe_side__name(unsigned int mode)
{
	return (mode & 3) == 3 ? "read_write" : (mode & 2) ? "write" : "read";
}

const char *close_how__name(unsigned int how)
{
	static const char *const names[] = { "close", "exit", "dup2", "close_range", "exec" };

	return how < sizeof(names) / sizeof(names[0]) ? names[how] : "close";
}

void io_stats__add(struct io_stats *dst, const struct io_stats *s)
{
	dst->kind = s->kind;
	dst->write_calls += s->write_calls;
	dst->write_bytes += s->write_bytes;
	dst->write_blocked_ns += s->write_blocked_ns;
	dst->write_partial += s->write_partial;
	dst->write_eagain += s->write_eagain;
	dst->epipe += s->epipe;
	dst->read_calls += s->read_calls;
	dst->read_bytes += s->read_bytes;
	dst->read_blocked_ns += s->read_blocked_ns;
	dst->read_eof += s->read_eof;
	dst->read_eagain += s->read_eagain;
	dst->write_interrupted += s->write_interrupted;
	dst->read_interrupted += s->read_interrupted;
}

const char *pipe_obj__creator_comm(const struct pipe_obj *o)
{
	if (!o->creator)
		return NULL;
	return o->creator->pid && o->creator_comm[0] ? o->creator_comm : o->creator->comm;
}
