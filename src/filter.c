// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "filter.h"
#include "pipes.h"
#include "sanitize.h"

void filter__init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
	f->sig_mask = ~0ULL;
	f->match_sender = f->match_target = true;
}

bool filter__active(const struct filter *f)
{
	return f->npids || f->ncomms || f->follow;
}

static bool pid_listed(const struct filter *f, uint32_t pid)
{
	for (unsigned int i = 0; i < f->npids; i++)
		if (f->pids[i] == pid)
			return true;
	return false;
}

bool filter__has_pid(const struct filter *f, uint32_t pid)
{
	return pid_listed(f, pid);
}

bool filter__add_pid(struct filter *f, uint32_t pid)
{
	if (pid_listed(f, pid))
		return true;
	if (f->npids >= FILTER_MAX_PIDS)
		return false;
	f->pids[f->npids++] = pid;
	return true;
}

/* Is this process one the user asked about (ignoring sender/target roles)? */
static bool task_matches(const struct filter *f, struct proc_table *t, const struct task_ref *r)
{
	bool pid_ok = true, comm_ok = true;

	/* With follow, decode.c marks each child as its fork record arrives. */
	if (f->npids || f->follow) {
		const struct proc *p = f->follow ? proc_table__find(t, r->pid, r->start_ns) : NULL;

		pid_ok = pid_listed(f, r->pid) || (p && p->followed);
	}
	if (f->ncomms) {
		const struct proc *p = proc_table__find(t, r->pid, r->start_ns);
		char comm[IPCSCOPE_COMM_LEN + 1];

		memcpy(comm, p ? p->comm : r->comm, IPCSCOPE_COMM_LEN);
		comm[sanitize__strnlen(comm, IPCSCOPE_COMM_LEN)] = '\0';
		comm_ok = false;
		for (unsigned int i = 0; i < f->ncomms; i++)
			if (!strcmp(comm, f->comms[i]))
				comm_ok = true;
	}
	return pid_ok && comm_ok;
}

bool filter__proc(const struct filter *f, const struct proc *p)
{
	if ((f->npids || f->follow) && !pid_listed(f, p->pid) && !(f->follow && p->followed))
		return false;
	if (f->ncomms) {
		for (unsigned int i = 0; i < f->ncomms; i++)
			if (!strcmp(p->comm, f->comms[i]))
				return true;
		return false;
	}
	return true;
}

static int record_sig(const struct event_header *hdr, const void *rec)
{
	switch (hdr->type) {
	case EVENT_SIG_GENERATE:
		return ((const struct sig_generate_event *)rec)->sig;
	case EVENT_SIG_DELIVER:
		return ((const struct sig_deliver_event *)rec)->sig;
	case EVENT_SIG_HANDLER_RETURN:
		return ((const struct sig_handler_return_event *)rec)->sig;
	case EVENT_SIG_ACCEPT:
		return ((const struct sig_accept_event *)rec)->sig;
	case EVENT_SIGACTION:
		return ((const struct sigaction_event *)rec)->sig;
	}
	return 0;
}

bool filter__record(const struct filter *f, struct proc_table *t, const struct event_header *hdr,
		    const void *rec)
{
	int sig = record_sig(hdr, rec);

	if (sig > 0 && sig <= IPCSCOPE_NSIG && !(f->sig_mask & (1ULL << (sig - 1))))
		return false;
	if (!filter__active(f))
		return true;
	if (hdr->type == EVENT_SIG_GENERATE) {
		const struct sig_generate_event *e = rec;

		return (f->match_target && task_matches(f, t, &e->target)) ||
		       (f->match_sender && e->has_sender && task_matches(f, t, &e->sender));
	}
	/* Every other record starts with the task it concerns. */
	return task_matches(f, t, (const void *)((const char *)rec + sizeof(*hdr)));
}

bool report__wants(const struct filter *f, const struct proc *p)
{
	if (!filter__active(f))
		return p->involved;
	return filter__proc(f, p) && (p->involved || p->exited);
}

bool filter__pipe(const struct filter *f, const struct pipe_obj *o)
{
	if (!obj_kind__is_pipe(o->kind))
		return false;
	for (const struct pipe_end *e = o->ends; e; e = e->next)
		if (!filter__active(f) || filter__proc(f, e->proc))
			return true;
	return false;
}
