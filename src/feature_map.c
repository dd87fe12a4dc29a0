// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdbool.h>
#include "feature_map.h"

static const char *const tracepoint_names[TP_MAX] = {
	[TP_SIGNAL_GENERATE] = "signal_generate",
	[TP_SIGNAL_DELIVER] = "signal_deliver",
	[TP_SYS_ENTER] = "sys_enter",
	[TP_SYS_EXIT] = "sys_exit",
	[TP_SCHED_PROCESS_FORK] = "sched_process_fork",
	[TP_SCHED_PROCESS_EXEC] = "sched_process_exec",
	[TP_SCHED_PROCESS_EXIT] = "sched_process_exit",
	[TP_SCHED_PREPARE_EXEC] = "sched_prepare_exec",
};

/*
 * What each feature needs, read from the BPF programs:
 * - pending time: signal_generate remembers when a signal was queued
 *   (pending__push), signal_deliver (or an accept seen at sys_exit) takes
 *   that time back (pending__pop). Without deliver, the timestamps of
 *   delivered signals would never be taken and a later accept would get a
 *   stale one: the clock is not started at all (cfg_pending_timing).
 * - handler time: signal_deliver pushes a handler frame, rt_sigreturn at
 *   sys_enter pops it. Without sys_enter the frames would pile up past the
 *   depth tracked and count handler_stack losses that are not real: no
 *   frames are pushed (cfg_handler_timing).
 * - syscalls: sys_enter remembers the call (its object, start time, the vma
 *   of a munmap), sys_exit reports it; msgsnd, semop, mq_*, shmdt, munmap
 *   and signal masks report nothing without the entry. Only the two
 *   together are a feature.
 * - The API a signal was sent with (kill, tgkill...) is read at
 *   signal_generate from the sender's registers: it needs no sys_enter.
 */
static const struct {
	const char *name;
	const char *text;
	uint32_t needs;
} features[FEATURE_MAX] = {
	[FEATURE_SIGNAL_GENERATION] = { "signal_generation",
		"signal generation (signal records, sent and received counts)",
		TP_BIT(TP_SIGNAL_GENERATE) },
	[FEATURE_SIGNAL_DELIVERY] = { "signal_delivery",
		"signal delivery (deliver records, delivered and handled counts)",
		TP_BIT(TP_SIGNAL_DELIVER) },
	[FEATURE_PENDING_TIME] = { "pending_time", "pending time",
		TP_BIT(TP_SIGNAL_GENERATE) | TP_BIT(TP_SIGNAL_DELIVER) },
	[FEATURE_HANDLER_TIME] = { "handler_time", "handler time",
		TP_BIT(TP_SIGNAL_DELIVER) | TP_BIT(TP_SYS_ENTER) },
	[FEATURE_SYSCALLS] = { "syscalls",
		"syscalls (pipes, FIFOs, EPIPE, IPC, mappings, sigaction, masks, accepts)",
		TP_BIT(TP_SYS_ENTER) | TP_BIT(TP_SYS_EXIT) },
	[FEATURE_FORK] = { "fork", "fork records and following COMMAND's children",
		TP_BIT(TP_SCHED_PROCESS_FORK) },
	[FEATURE_EXEC] = { "exec", "exec records and names after exec",
		TP_BIT(TP_SCHED_PROCESS_EXEC) },
	[FEATURE_EXIT] = { "exit", "exit records, deaths and pipe ends closed at exit",
		TP_BIT(TP_SCHED_PROCESS_EXIT) },
	[FEATURE_EXEC_CLOSES] = { "exec_closes", "pipe ends closed on exec (close-on-exec)",
		TP_BIT(TP_SCHED_PREPARE_EXEC) },
};

const char *tracepoint__name(unsigned int tp)
{
	return tp < TP_MAX ? tracepoint_names[tp] : "?";
}

const char *feature__name(unsigned int f)
{
	return f < FEATURE_MAX ? features[f].name : "?";
}

const char *feature__text(unsigned int f)
{
	return f < FEATURE_MAX ? features[f].text : "?";
}

uint32_t feature__needs(unsigned int f)
{
	return f < FEATURE_MAX ? features[f].needs : 0;
}

uint32_t features__off(uint32_t missing)
{
	uint32_t off = 0;

	for (unsigned int f = 0; f < FEATURE_MAX; f++)
		if (features[f].needs & missing)
			off |= FEATURE_BIT(f);
	return off;
}

uint32_t tracepoints__unloaded(uint32_t missing)
{
	uint32_t off = features__off(missing), unloaded = missing & TP_ALL;

	for (unsigned int tp = 0; tp < TP_MAX; tp++) {
		bool serves_one = false;

		for (unsigned int f = 0; f < FEATURE_MAX; f++)
			if ((features[f].needs & TP_BIT(tp)) && !(off & FEATURE_BIT(f)))
				serves_one = true;
		if (!serves_one)
			unloaded |= TP_BIT(tp);
	}
	return unloaded;
}
