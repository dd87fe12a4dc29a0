// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include "pipes.h"

static unsigned int bucket_of(uint32_t dev, uint64_t ino)
{
	return (unsigned int)((ino * 0x9e3779b97f4a7c15ULL ^ dev) >> 32) % PIPE_TABLE_BUCKETS;
}

void pipe_table__free(struct pipe_table *t)
{
	struct pipe_obj *o = t->first, *next;

	for (; o; o = next) {
		struct pipe_end *e = o->ends, *enext;

		for (; e; e = enext) {
			enext = e->next;
			free(e);
		}
		next = o->next_in_order;
		free(o);
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
}
