// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include "retired_ids.h"

#define BUCKETS 4096
#define NONE (-1)

struct retired_id {
	uint32_t pid;
	uint64_t start_ns;
	char comm[IPCSCOPE_COMM_LEN + 1];
	bool followed;
	int next; /* in its bucket's chain */
};

struct retired_ids {
	struct retired_id ring[RETIRED_IDS_MAX];
	int bucket[BUCKETS];
	unsigned int head, count; /* head: the next slot to fill (the oldest when full) */
};

struct retired_ids *retired_ids__new(void)
{
	struct retired_ids *r = calloc(1, sizeof(*r));

	if (r)
		for (int i = 0; i < BUCKETS; i++)
			r->bucket[i] = NONE;
	return r;
}

void retired_ids__free(struct retired_ids *r)
{
	free(r);
}

static void unlink_slot(struct retired_ids *r, int slot)
{
	int *link = &r->bucket[r->ring[slot].pid % BUCKETS];

	while (*link != NONE && *link != slot)
		link = &r->ring[*link].next;
	if (*link == slot)
		*link = r->ring[slot].next;
}

void retired_ids__add(struct retired_ids *r, const struct proc *p)
{
	uint32_t pid = p->pid;
	int slot = (int)r->head;
	struct retired_id *e = &r->ring[slot];

	if (r->count == RETIRED_IDS_MAX)
		unlink_slot(r, slot); /* forget the oldest */
	else
		r->count++;
	e->pid = pid;
	e->start_ns = p->start_ns;
	memcpy(e->comm, p->comm, sizeof(e->comm));
	e->followed = p->followed;
	e->next = r->bucket[pid % BUCKETS];
	r->bucket[pid % BUCKETS] = slot;
	r->head = (r->head + 1) % RETIRED_IDS_MAX;
}

static const struct retired_id *find(const struct retired_ids *r, uint32_t pid, uint64_t start_ns)
{
	for (int i = r->bucket[pid % BUCKETS]; i != NONE; i = r->ring[i].next)
		if (r->ring[i].pid == pid && proc_table__same_start(r->ring[i].start_ns, start_ns))
			return &r->ring[i];
	return NULL;
}

bool retired_ids__known(const struct retired_ids *r, uint32_t pid, uint64_t start_ns)
{
	return find(r, pid, start_ns) != NULL;
}

bool retired_ids__restore(const struct retired_ids *r, struct proc *p)
{
	const struct retired_id *e = find(r, p->pid, p->start_ns);

	if (!e)
		return false;
	proc_table__set_comm(p, e->comm);
	p->followed = e->followed;
	return true;
}
