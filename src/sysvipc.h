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
	uint32_t key;
	uint64_t size;	 /* shm: bytes; sem: nsems; msg: bytes queued */
	uint32_t cpid;	 /* shm: the creator; 0 where the file does not say */
	uint32_t nattch; /* shm */
};

/* kind: enum ipcscope_ipc_kind (shm, msg, sem). False if not listed. */
bool sysvipc__lookup(const char *procfs, unsigned int kind, uint64_t id, struct sysvipc_row *row);
/*
 * Every id of that kind listed now, sorted, in *ids (malloc'd, the caller
 * frees); returns how many, 0 with *ids NULL when none or unreadable.
 */
size_t sysvipc__ids(const char *procfs, unsigned int kind, uint64_t **ids);
/* Whether a list sysvipc__ids() made holds id. */
bool sysvipc__ids_have(const uint64_t *ids, size_t n, uint64_t id);

#endif /* SYSVIPC_H */
