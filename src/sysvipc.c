// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ipcscope.h"
#include "sysvipc.h"

/*
 * Columns (ipc/shm.c sysvipc_shm_proc_show, msg.c, sem.c):
 *   shm: key shmid perms size cpid lpid nattch ...
 *   msg: key msqid perms cbytes qnum ...
 *   sem: key semid perms nsems ...
 */
bool sysvipc__lookup(const char *procfs, unsigned int kind, uint64_t id, struct sysvipc_row *row)
{
	const char *file = kind == IPC_KIND_SHM ? "shm" : kind == IPC_KIND_MSG ? "msg" : "sem";
	char path[256], line[512];
	bool found = false;
	FILE *f;

	if (kind != IPC_KIND_SHM && kind != IPC_KIND_MSG && kind != IPC_KIND_SEM)
		return false;
	snprintf(path, sizeof(path), "%s/sysvipc/%s", procfs, file);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		long long key;
		unsigned long long oid, size = 0;
		unsigned int perms, cpid = 0, lpid, nattch = 0;
		int n = sscanf(line, "%lld %llu %o %llu %u %u %u", &key, &oid, &perms, &size, &cpid,
			       &lpid, &nattch);

		if (n < 4 || oid != id)
			continue;
		memset(row, 0, sizeof(*row));
		row->key = (uint32_t)key;
		row->size = size;
		if (kind == IPC_KIND_SHM && n == 7) {
			row->cpid = cpid;
			row->nattch = nattch;
		}
		found = true;
	}
	fclose(f);
	return found;
}

static int id_order(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t sysvipc__ids(const char *procfs, unsigned int kind, uint64_t **ids)
{
	const char *file = kind == IPC_KIND_SHM ? "shm" : kind == IPC_KIND_MSG ? "msg" : "sem";
	size_t n = 0, cap = 0;
	char path[256], line[512];
	FILE *f;

	*ids = NULL;
	if (kind != IPC_KIND_SHM && kind != IPC_KIND_MSG && kind != IPC_KIND_SEM)
		return 0;
	snprintf(path, sizeof(path), "%s/sysvipc/%s", procfs, file);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		long long key;
		unsigned long long id;

		if (sscanf(line, "%lld %llu", &key, &id) != 2)
			continue; /* the heading */
		if (n == cap) {
			size_t grown_cap = cap ? cap * 2 : 64;
			uint64_t *grown = realloc(*ids, grown_cap * sizeof(*grown));

			if (!grown)
				break; /* the ones read so far still tell */
			*ids = grown;
			cap = grown_cap;
		}
		(*ids)[n++] = id;
	}
	fclose(f);
	if (n)
		qsort(*ids, n, sizeof(**ids), id_order);
	return n;
}

bool sysvipc__ids_have(const uint64_t *ids, size_t n, uint64_t id)
{
	return ids && bsearch(&id, ids, n, sizeof(id), id_order);
}
