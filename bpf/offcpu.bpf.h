/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * How long a thread was off CPU during a blocking call, from the
 * scheduler's own bookkeeping instead of a clock read at each end
 * (bpf_ktime_get_ns() costs ~45 ns here, BENCHMARKS.md; four plain loads
 * cost next to nothing).
 *
 * Each time a thread gets a CPU, kernel/sched/stats.h sched_info_arrive()
 * stamps sched_info.last_arrival with the runqueue clock (CONFIG_SCHED_INFO)
 * and kernel/sched/fair.c set_next_entity() copies se.sum_exec_runtime into
 * se.prev_sum_exec_runtime. Take both at the call's entry and again at its
 * exit: the arrivals are two switch-ins, the wall time between them minus
 * the runtime between them is the time off CPU between them. The thread ran
 * without a break from its last arrival to the entry and from its last
 * arrival to the exit, so that is its time off CPU during the call (asleep,
 * and waiting for a CPU after the wake-up). A call that never switched out
 * gives 0. Two limits: the runtime is counted in rq_clock_task(), which
 * leaves out IRQ time (CONFIG_IRQ_TIME_ACCOUNTING) and a VM's steal time, so
 * those, when they hit the thread while it ran (from its last switch-in
 * before the call to the exit), count as off CPU; and a preempted thread
 * that had already set itself to sleep is picked again without a new
 * last_arrival (sched_info_arrive() needs last_queued), which shifts the
 * result by that stretch. Both are rare here (no IRQ time accounting,
 * PREEMPT_NONE).
 *
 * Only the fair class refreshes prev_sum_exec_runtime at each switch-in:
 * real-time and deadline threads (prio below MAX_RT_PRIO, which also covers
 * a fair thread boosted by priority inheritance), kernels built with
 * sched_ext (whose class does not; which class runs a thread is not
 * visible here without fair_sched_class in kallsyms) and kernels without
 * CONFIG_SCHED_INFO read the clock at both ends instead: their blocked time
 * is the call's wall time, its own time on CPU included.
 */
#ifndef OFFCPU_BPF_H
#define OFFCPU_BPF_H

#include "ipcscope.bpf.h"

#define MAX_RT_PRIO 100		  /* include/linux/sched/prio.h */
#define OFFCPU_BY_CLOCK ((__u64)-1) /* offcpu_mark.ran: start is a clock reading */

struct offcpu_mark {
	__u64 start; /* sched_info.last_arrival, or the clock; 0: not timed */
	__u64 ran;   /* se.prev_sum_exec_runtime, or OFFCPU_BY_CLOCK */
};

/* CO-RE flavours: present only in kernels built with CONFIG_SCHED_CLASS_EXT */
struct sched_ext_entity___offcpu {
	int _unused;
};
struct task_struct___offcpu {
	struct sched_ext_entity___offcpu scx;
} __attribute__((preserve_access_index));

static __always_inline bool offcpu__by_scheduler(struct task_struct *t)
{
	if (bpf_core_field_exists(((struct task_struct___offcpu *)t)->scx) ||
	    !bpf_core_field_exists(t->sched_info))
		return false;
	return t->prio >= MAX_RT_PRIO;
}

static __always_inline void offcpu__mark(struct task_struct *t, struct offcpu_mark *m)
{
	if (offcpu__by_scheduler(t)) {
		m->start = t->sched_info.last_arrival;
		m->ran = t->se.prev_sum_exec_runtime;
	} else {
		m->start = bpf_ktime_get_ns();
		m->ran = OFFCPU_BY_CLOCK;
	}
}

static __always_inline void offcpu__untimed(struct offcpu_mark *m)
{
	m->start = 0;
	m->ran = 0;
}

/*
 * Time off CPU since the mark, for a call that slept (its nvcsw moved): at
 * least 1 ns, so the wait is counted even if the runqueue clock did not move.
 */
static __always_inline __u64 offcpu__since(struct task_struct *t, const struct offcpu_mark *m,
					   __u64 *now)
{
	__u64 wall, ran;

	if (!m->start)
		return 0;
	if (m->ran == OFFCPU_BY_CLOCK) {
		wall = clock__now(now) - m->start;
		ran = 0;
	} else {
		wall = t->sched_info.last_arrival - m->start;
		ran = t->se.prev_sum_exec_runtime - m->ran;
	}
	/* runqueue clocks of two CPUs may disagree by a little: never negative */
	return (__s64)(wall - ran) > 0 ? wall - ran : 1;
}

#endif /* OFFCPU_BPF_H */
