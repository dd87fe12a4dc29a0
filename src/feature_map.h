/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The tracepoints ipcscope's programs attach to, the features a person sees,
 * and which features turn off when a kernel lacks a tracepoint: ipcscope
 * then runs without that program and says what is off (stderr at start,
 * every report). Vocabulary and rules only; preflight.c asks the kernel's
 * BTF which tracepoints exist, tracer.c leaves programs unloaded.
 */
#ifndef FEATURE_MAP_H
#define FEATURE_MAP_H

#include <stdint.h>

/* One per BPF program: tp_btf/<name> (bpf/proc.bpf.c, signals.bpf.c, syscalls.bpf.c). */
enum ipcscope_tracepoint {
	TP_SIGNAL_GENERATE,
	TP_SIGNAL_DELIVER,
	TP_SYS_ENTER,
	TP_SYS_EXIT,
	TP_SCHED_PROCESS_FORK,
	TP_SCHED_PROCESS_EXEC,
	TP_SCHED_PROCESS_EXIT,
	TP_SCHED_PREPARE_EXEC,
	TP_MAX,
};

#define TP_BIT(tp) (1U << (tp))
#define TP_ALL (TP_BIT(TP_MAX) - 1)

/* What the user sees; a feature is off when any tracepoint it needs is missing. */
enum ipcscope_feature {
	FEATURE_SIGNAL_GENERATION, /* signal_generate */
	FEATURE_SIGNAL_DELIVERY,   /* signal_deliver */
	FEATURE_PENDING_TIME,	   /* generate starts the clock, deliver stops it */
	FEATURE_HANDLER_TIME,	   /* deliver enters the handler, sys_enter rt_sigreturn leaves */
	FEATURE_SYSCALLS,	   /* sys_enter remembers a call, sys_exit reports it */
	FEATURE_FORK,
	FEATURE_EXEC,
	FEATURE_EXIT,
	FEATURE_EXEC_CLOSES, /* sched_prepare_exec (6.10+) */
	FEATURE_MAX,
};

#define FEATURE_BIT(f) (1U << (f))

/* "signal_deliver": the tracepoint's name, as in tp_btf/<name> and btf_trace_<name>. */
const char *tracepoint__name(unsigned int tp);
/* "signal_delivery": a stable key for JSON. */
const char *feature__name(unsigned int f);
/* "signal delivery (deliver records, ...)": for people, short enough for one report line. */
const char *feature__text(unsigned int f);
/* The tracepoints (TP_BIT) the feature needs, all of them. */
uint32_t feature__needs(unsigned int f);
/* The features (FEATURE_BIT) that are off when the tracepoints in missing are. */
uint32_t features__off(uint32_t missing);
/*
 * The programs (TP_BIT) to leave unloaded: the missing ones, and any other
 * that would serve only features already off (sys_exit without sys_enter
 * reports calls it never saw start: msgsnd, semop, munmap... would all be
 * silently zero). TP_ALL means there is nothing left to trace.
 */
uint32_t tracepoints__unloaded(uint32_t missing);

#endif /* FEATURE_MAP_H */
