/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The identities (pid, start time, comm) of the most recently retired
 * processes, a bounded ring: a counter row that comes late for one of them
 * (a BPF slot spilling after the harvest, a fold settled at the end) is
 * given its name back, so the report's filter can still tell whether its
 * counters belong in "(retired)". Older ones are forgotten, oldest first.
 */
#ifndef RETIRED_IDS_H
#define RETIRED_IDS_H

#include <stdbool.h>
#include <stdint.h>
#include "ipcscope.h"
#include "proc_table.h"

#define RETIRED_IDS_MAX 8192

struct retired_ids;

struct retired_ids *retired_ids__new(void);
void retired_ids__free(struct retired_ids *r);
/* Remembers p's identity, name and whether it was followed. */
void retired_ids__add(struct retired_ids *r, const struct proc *p);
/* This process retired lately. */
bool retired_ids__known(const struct retired_ids *r, uint32_t pid, uint64_t start_ns);
/* Gives p (a new entry for a retired process) its name and mark back; false if forgotten. */
bool retired_ids__restore(const struct retired_ids *r, struct proc *p);

#endif /* RETIRED_IDS_H */
