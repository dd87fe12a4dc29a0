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
