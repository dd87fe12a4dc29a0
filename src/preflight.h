/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Checks before loading anything, each failing with the step, the reason
 * and the fix on one line: privileges, BTF, BPF ring buffer, tracefs.
 */
#ifndef PREFLIGHT_H
#define PREFLIGHT_H

#include <stdbool.h>
#include <stdint.h>

/* 0 when ready; otherwise prints one line to stderr and returns -errno. */
int preflight__run(const char *btf_path, bool verbose);
/*
 * Which of our tracepoints (TP_BIT, feature_map.h) the kernel lacks, by the BTF
 * of btf_path or /sys/kernel/btf/vmlinux. Prints one line per feature that
 * is off because of them ("ipcscope: X is missing on this kernel: ... is
 * off"); 0, or -errno after one line when the BTF is unreadable or no
 * program would be left to load. exit_group_dead: sched_process_exit
 * tells which thread's exit ends its process (bpf/proc.bpf.c).
 */
int preflight__tracepoints(const char *btf_path, uint32_t *missing, bool *exit_group_dead);
/*
 * 0 in the initial PID namespace; otherwise prints one line naming the fix
 * and returns -EPERM. The kernel gives BPF host pids, while getpid(),
 * fork(), -p and /proc in a child namespace (a container without the
 * host's pids) are that namespace's: nothing would match.
 */
int preflight__pid_namespace(void);
/* Mounts tracefs at /sys/kernel/tracing if it is not there; 0 or -errno. */
int preflight__ensure_tracefs(bool verbose);

#endif /* PREFLIGHT_H */
