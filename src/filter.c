// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <signal.h>
#include <string.h>
#include "filter.h"
#include "signals.h"
#include "model.h"
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

static bool comm_listed(const struct filter *f, const char *comm, size_t len)
{
	char name[IPCSCOPE_COMM_LEN + 1];

	len = sanitize__strnlen(comm, len < IPCSCOPE_COMM_LEN ? len : IPCSCOPE_COMM_LEN);
	memcpy(name, comm, len);
	name[len] = '\0';
	for (unsigned int i = 0; i < f->ncomms; i++)
		if (!strcmp(name, f->comms[i]))
			return true;
	return false;
}

/* -c: the process's current name, or a listed name it carried once this run. */
static bool proc_comm_matches(const struct filter *f, const struct proc *p)
{
	return p->comm_matched || comm_listed(f, p->comm, sizeof(p->comm));
}

void filter__note_name(const struct filter *f, struct proc *p, const char *ref_comm)
{
	if (!f->ncomms || p->comm_matched)
		return;
	p->comm_matched = comm_listed(f, p->comm, sizeof(p->comm)) ||
			  (ref_comm && comm_listed(f, ref_comm, IPCSCOPE_COMM_LEN));
}

/* Is this process one the user asked about (ignoring sender/target roles)? */
static bool task_matches(const struct filter *f, struct proc_table *t, const struct task_ref *r)
{
	const struct proc *p = proc_table__find(t, r->pid, r->start_ns);
	bool pid_ok = true, comm_ok = true;

	/* With follow, decode.c marks each child as its fork record arrives. */
	if (f->npids || f->follow)
		pid_ok = pid_listed(f, r->pid) || (f->follow && p && p->followed);
	/*
	 * The record's name is the thread's as it is now, the process's name
	 * when the thread is the main one; the table's is the process's.
	 */
	if (f->ncomms)
		comm_ok = (r->tid == r->pid && comm_listed(f, r->comm, sizeof(r->comm))) ||
			  (p && proc_comm_matches(f, p));
	return pid_ok && comm_ok;
}

bool filter__proc(const struct filter *f, const struct proc *p)
{
	if ((f->npids || f->follow) && !pid_listed(f, p->pid) && !(f->follow && p->followed))
		return false;
	return !f->ncomms || proc_comm_matches(f, p);
}

bool filter__sig(const struct filter *f, int sig)
{
	return sig >= 1 && sig <= IPCSCOPE_NSIG && (f->sig_mask & (1ULL << (sig - 1)));
}

bool filter__all_signals(const struct filter *f)
{
	return f->sig_mask == ~0ULL;
}

/* The signal a signal record is about; 0 for the others. */
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
	case EVENT_TIMER: /* the signal the timer sends (setitimer(2)) */
		return itimer__signal(((const struct timer_event *)rec)->which);
	case EVENT_SIG_FAILED: /* 0 (a probe) and invalid numbers are no signal -s names */
		return ((const struct sig_failed_event *)rec)->sig;
	}
	return 0;
}

/*
 * -s: whether a record that is not about one signal still concerns a
 * selected one: a mask change touching one, a death by one, an EPIPE when
 * SIGPIPE is selected (its write raised one). Pipe, FIFO, IPC, mapping,
 * fork and exec records are not about signals.
 */
static bool other_record_wanted(const struct filter *f, const struct event_header *hdr,
				const void *rec)
{
	switch (hdr->type) {
	case EVENT_SIGPROCMASK: {
		const struct sigprocmask_event *e = rec;

		return (e->old_mask ^ e->new_mask) & f->sig_mask;
	}
	case EVENT_PROC_EXIT: {
		const struct lifecycle_event *e = rec;
		int sig = e->exit_code & 0x7f;

		/* killed by sig (wait status), or left one pending */
		return (sig && filter__sig(f, sig)) || (e->discarded_mask & f->sig_mask);
	}
	case EVENT_EPIPE:
		return filter__sig(f, SIGPIPE);
	}
	return false;
}

/*
 * Records a target writes about itself receiving a signal: with --match
 * sender they are never selected (the sender's generation record is).
 */
static bool target_side(unsigned int type)
{
	return type == EVENT_SIG_DELIVER || type == EVENT_SIG_HANDLER_RETURN ||
	       type == EVENT_SIG_ACCEPT;
}

bool filter__record(const struct filter *f, struct proc_table *t, const struct event_header *hdr,
		    const void *rec)
{
	int sig = record_sig(hdr, rec);

	if (sig > 0 && sig <= IPCSCOPE_NSIG) {
		if (!filter__sig(f, sig))
			return false;
	} else if (hdr->type == EVENT_SIG_FAILED) {
		if (!filter__all_signals(f)) /* kill(pid, 0), or no signal at all */
			return false;
	} else if (f->sig_only && !other_record_wanted(f, hdr, rec)) {
		return false;
	}
	if (!filter__active(f))
		return true;
	if (hdr->type == EVENT_SIG_GENERATE) {
		const struct sig_generate_event *e = rec;

		return (f->match_target && task_matches(f, t, &e->target)) ||
		       (f->match_sender && e->has_sender && task_matches(f, t, &e->sender));
	}
	if (hdr->type == EVENT_SIG_FAILED) {
		const struct sig_failed_event *e = rec;
		/* a container's number names no process of ours (target_in_ns) */
		const struct proc *target = e->target > 0 && !e->target_in_ns
						    ? proc_table__latest(t, (uint32_t)e->target)
						    : NULL;

		return (f->match_sender && task_matches(f, t, &e->sender)) ||
		       (f->match_target && target && filter__proc(f, target));
	}
	if (target_side(hdr->type) && !f->match_target)
		return false;
	/* Every other record starts with the task it concerns. */
	return task_matches(f, t, (const void *)((const char *)rec + sizeof(*hdr)));
}

bool report__sent_side(const struct filter *f)
{
	return !filter__active(f) || f->match_sender;
}

bool report__received_side(const struct filter *f)
{
	return !filter__active(f) || f->match_target;
}

bool report__sig_row(const struct filter *f, int sig, const struct sig_stats *s)
{
	if (!s || !filter__sig(f, sig))
		return false;
	if (report__sent_side(f) && sig_stats__sent(s))
		return true;
	return report__received_side(f) &&
	       (sig_stats__generated(s) || sig_stats__delivered(s) || s->accepted ||
		s->handler_returns || s->discarded);
}

/* -s without -p/-c: a process that took part in a selected signal (or died of one). */
static bool proc_has_selected_signal(const struct filter *f, const struct proc *p)
{
	int termsig = p->exited ? p->exit_status & 0x7f : 0;

	for (int sig = 1; sig <= IPCSCOPE_NSIG; sig++)
		if (report__sig_row(f, sig, model__sig_stats(p, sig)))
			return true;
	return (termsig && filter__sig(f, termsig)) || (p->epipe && filter__sig(f, SIGPIPE));
}

bool report__wants(const struct filter *f, const struct proc *p)
{
	if (!filter__active(f))
		return f->sig_only ? proc_has_selected_signal(f, p) : p->involved;
	return filter__proc(f, p) && (p->involved || p->exited);
}

bool filter__pipe(const struct filter *f, const struct pipe_obj *o)
{
	bool epipe = false;

	if (!obj_kind__is_pipe(o->kind))
		return false;
	for (const struct pipe_end *e = o->ends; e; e = e->next)
		epipe |= e->io.epipe != 0;
	if (f->sig_only && !(epipe && filter__sig(f, SIGPIPE)))
		return false;
	for (const struct pipe_end *e = o->ends; e; e = e->next)
		if (!filter__active(f) || filter__proc(f, e->proc))
			return true;
	return false;
}

bool filter__ipc(const struct filter *f)
{
	return !f->sig_only;
}
