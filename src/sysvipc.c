// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
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
