/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Checks before loading anything, each failing with the step, the reason
 * and the fix on one line: privileges, BTF, BPF ring buffer, tracefs.
 */
#ifndef PREFLIGHT_H
#define PREFLIGHT_H

#include <stdbool.h>

/* 0 when ready; otherwise prints one line to stderr and returns -errno. */
int preflight__run(const char *btf_path, bool verbose);
/* Mounts tracefs at /sys/kernel/tracing if it is not there; 0 or -errno. */
int preflight__ensure_tracefs(bool verbose);

#endif /* PREFLIGHT_H */
