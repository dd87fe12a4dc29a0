/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What /proc/sysvipc/{shm,msg,sem} says of one System V object: names the
 * objects that existed before tracing started (their get call was never
 * seen) and confirms whether a removed segment still exists.
 */
#ifndef SYSVIPC_H
#define SYSVIPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sysvipc_row {
	uint64_t id;
	uint32_t key;
	uint64_t size;	 /* shm: bytes; sem: nsems; msg: bytes queued */
	uint32_t cpid;	 /* shm: the creator; 0 where the file does not say */
	uint32_t nattch; /* shm */
};

/* kind: enum ipcscope_ipc_kind (shm, msg, sem). False if not listed. */
bool sysvipc__lookup(const char *procfs, unsigned int kind, uint64_t id, struct sysvipc_row *row);
/*
 * Every object of that kind listed now, sorted by id, in *rows (malloc'd,
 * the caller frees); returns how many, 0 with *rows NULL when none or
 * unreadable.
 */
size_t sysvipc__rows(const char *procfs, unsigned int kind, struct sysvipc_row **rows);
/* The row for id in a list sysvipc__rows() made, or NULL. */
const struct sysvipc_row *sysvipc__rows_find(const struct sysvipc_row *rows, size_t n,
					     uint64_t id);

#endif /* SYSVIPC_H */
