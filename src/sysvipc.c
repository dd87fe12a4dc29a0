// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ipcscope.h"
#include "sysvipc.h"

static FILE *sysvipc__open(const char *procfs, unsigned int kind)
{
	const char *file = kind == IPC_KIND_SHM ? "shm" : kind == IPC_KIND_MSG ? "msg" : "sem";
	char path[256];

	if (kind != IPC_KIND_SHM && kind != IPC_KIND_MSG && kind != IPC_KIND_SEM)
		return NULL;
	snprintf(path, sizeof(path), "%s/sysvipc/%s", procfs, file);
	return fopen(path, "re");
}

/*
 * One line, false for the heading. Columns (ipc/shm.c sysvipc_shm_proc_show,
 * msg.c, sem.c):
 *   shm: key shmid perms size cpid lpid nattch ...
 *   msg: key msqid perms cbytes qnum ...
 *   sem: key semid perms nsems ...
 */
static bool sysvipc__parse(unsigned int kind, const char *line, struct sysvipc_row *row)
{
	long long key;
	unsigned long long id, size = 0;
	unsigned int perms, cpid = 0, lpid, nattch = 0;
	int n = sscanf(line, "%lld %llu %o %llu %u %u %u", &key, &id, &perms, &size, &cpid, &lpid,
		       &nattch);

	if (n < 4)
		return false;
	memset(row, 0, sizeof(*row));
	row->id = id;
	row->key = (uint32_t)key;
	row->size = size;
	if (kind == IPC_KIND_SHM && n == 7) {
		row->cpid = cpid;
		row->nattch = nattch;
	}
	return true;
}

bool sysvipc__lookup(const char *procfs, unsigned int kind, uint64_t id, struct sysvipc_row *row)
{
	FILE *f = sysvipc__open(procfs, kind);
	char line[512];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sysvipc__parse(kind, line, row) && row->id == id;
	fclose(f);
	return found;
}

static int id_order(const void *a, const void *b)
{
	uint64_t x = ((const struct sysvipc_row *)a)->id, y = ((const struct sysvipc_row *)b)->id;

	return x < y ? -1 : x > y;
}

size_t sysvipc__rows(const char *procfs, unsigned int kind, struct sysvipc_row **rows)
{
	FILE *f = sysvipc__open(procfs, kind);
	size_t n = 0, cap = 0;
	struct sysvipc_row row;
	char line[512];

	*rows = NULL;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!sysvipc__parse(kind, line, &row))
			continue; /* the heading */
		if (n == cap) {
			size_t grown_cap = cap ? cap * 2 : 64;
			struct sysvipc_row *grown = realloc(*rows, grown_cap * sizeof(*grown));

			if (!grown)
				break; /* the ones read so far still tell */
			*rows = grown;
			cap = grown_cap;
		}
		(*rows)[n++] = row;
	}
	fclose(f);
	if (n)
		qsort(*rows, n, sizeof(**rows), id_order);
	return n;
}

const struct sysvipc_row *sysvipc__rows_find(const struct sysvipc_row *rows, size_t n,
					     uint64_t id)
{
	struct sysvipc_row want = { .id = id };

	return rows ? bsearch(&want, rows, n, sizeof(want), id_order) : NULL;
}
