// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <sys/wait.h>
#include "retire.h"

static bool over_since(const struct proc *p, uint64_t before_ns)
{
	return (p->exited || p->gone) && p->exit_ts_ns <= before_ns;
}

bool retire__rows_final(struct model *m, uint32_t pid, uint64_t start_ns, uint64_t before_ns)
{
	struct proc *p = proc_table__find(m->procs, pid, start_ns);

	if (p)
		return over_since(p, before_ns);
	/*
	 * Retired already: a late row. Otherwise unknown: perhaps its records
	 * wait in the ring buffer still (the drain lags under a storm), so
	 * its rows stay for the end of the run, however /proc says it is over.
	 */
	return retired_ids__known(m->recent, pid, start_ns);
}

bool retire__io_rows_final(struct model *m, const struct io_key *key, uint64_t before_ns)
{
	struct obj_ref ref = { .ino = key->ino, .dev = key->dev };
	const struct pipe_obj *o;

	if (retire__rows_final(m, key->pid, key->start_ns, before_ns))
		return true;
	/* fs/pipe.c frees the pipe with its last reader and writer: no I/O can follow. */
	o = pipe_table__find(&m->pipes, &ref);
	return o && pipe_obj__closed(o, before_ns);
}

unsigned int retire__find_gone(struct model *m, uint64_t now_ns)
{
	unsigned int n = 0;

	for (struct proc *p = proc_table__first(m->procs); p; p = proc_table__next(p)) {
		if (p->exited || p->gone || !proc_table__gone(m->ipc.procfs, p->pid, p->start_ns))
			continue;
		/*
		 * Its exit record may still wait in the ring buffer (the drain
		 * lags under a storm): gone only if still missing next time.
		 */
		if (!p->missing_since_ns) {
			p->missing_since_ns = now_ns;
			continue;
		}
		p->gone = true;
		p->exit_ts_ns = now_ns;
		ipc_table__on_drop_all(&m->ipc, p, now_ns);
		n++;
	}
	m->retired.gone += n;
	return n;
}

static bool shown(const struct retire_policy *pol, const struct proc *p)
{
	return !pol->shown || pol->shown(p, pol->ctx);
}

/*
 * Marks the processes to free: every candidate the report would not show
 * or that came back late, and the oldest shown ones past `keep` (the table
 * is in order of first sighting). A candidate is over since the grace
 * period and named by no object that stays.
 */
static unsigned int mark_retiring(struct model *m, const struct retire_policy *pol,
				  uint64_t now_ns)
{
	uint64_t before = now_ns > pol->grace_ns ? now_ns - pol->grace_ns : 0;
	unsigned int over_shown = 0, marked = 0;
	struct proc *p;

	for (p = proc_table__first(m->procs); p; p = proc_table__next(p))
		if ((p->exited || p->gone) && !p->late && shown(pol, p))
			over_shown++;
	for (p = proc_table__first(m->procs); p; p = proc_table__next(p)) {
		if (!over_since(p, before) || p->pinned)
			continue;
		if (shown(pol, p) && !p->late) {
			if (over_shown <= pol->keep)
				continue;
			over_shown--;
		}
		p->retiring = true;
		marked++;
	}
	return marked;
}

static void unmark_all(struct model *m)
{
	for (struct proc *p = proc_table__first(m->procs); p; p = proc_table__next(p))
		p->retiring = false;
}

/*
 * Counters of shown processes go to "(retired)"; the others were in no
 * report. Out of memory: the processes not merged yet stay.
 */
static int merge_counters(struct model *m, const struct retire_policy *pol)
{
	int err = 0;

	for (struct proc *p = proc_table__first(m->procs); p; p = proc_table__next(p)) {
		if (!p->retiring || !shown(pol, p))
			continue;
		if (err || (err = model__merge_proc(m->retired_proc, p))) {
			p->retiring = false; /* merge_proc adds counters whole or not at all */
			continue;
		}
		m->retired.shown += !p->late; /* counted when it first retired */
		if (p->exited && !p->late) {
			m->retired.exits++;
			m->retired.killed += WIFSIGNALED(p->exit_status);
		}
	}
	return err;
}

int retire__run(struct model *m, const struct retire_policy *pol, uint64_t now_ns)
{
	uint64_t before = now_ns > pol->grace_ns ? now_ns - pol->grace_ns : 0;
	unsigned int late = 0;
	int err;

	m->retired.pipes +=
		pipe_table__retire(&m->pipes, pol->keep, before, &m->retired.pipe_bytes);
	ipc_table__retire(&m->ipc, pol->keep, before, &m->retired.ipc_objects,
			  &m->retired.mapped_objects);
	for (struct proc *p = proc_table__first(m->procs); p; p = proc_table__next(p))
		p->pinned = false;
	pipe_table__pin(&m->pipes);
	ipc_table__pin(&m->ipc);
	if (!mark_retiring(m, pol, now_ns))
		return 0;
	err = merge_counters(m, pol);
	/*
	 * An end or user left behind would name a freed process: on failure
	 * keep them all (rare: out of memory; the ones merged so far are then
	 * counted twice, in their row and in "(retired)").
	 */
	if (pipe_table__merge_retiring(&m->pipes, m->retired_proc) ||
	    ipc_table__merge_retiring(&m->ipc, m->retired_proc)) {
		unmark_all(m);
		return -ENOMEM;
	}
	for (struct proc *p = proc_table__first(m->procs); p; p = proc_table__next(p)) {
		if (!p->retiring)
			continue;
		late += p->late; /* counted when they first retired */
		retired_ids__add(m->recent, p);
	}
	m->retired.processes +=
		proc_table__remove_retiring(m->procs, model__proc_free_payload) - late;
	return err;
}
