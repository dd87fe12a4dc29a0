// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

int model__init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->procs = proc_table__new();
	return m->procs ? 0 : -ENOMEM;
}

static void free_signals(struct proc *p)
{
	if (!p->signals)
		return;
	for (int i = 0; i <= IPCSCOPE_NSIG; i++)
		free(p->signals->by_sig[i]);
	free(p->signals);
	p->signals = NULL;
}

void model__free(struct model *m)
{
	proc_table__free(m->procs, free_signals);
	m->procs = NULL;
}

struct proc *model__proc(struct model *m, const struct task_ref *ref)
{
	struct proc *p = proc_table__get(m->procs, ref->pid, ref->start_ns, ref->comm);

	if (p && !p->comm[0])
		proc_table__set_comm(p, ref->comm);
	return p;
}

int model__add_sig_stats(struct model *m, const struct sig_stats_key *key,
			 const struct sig_stats *s)
{
	struct proc *p;
	struct sig_stats *dst;

	if (key->sig < 1 || key->sig > IPCSCOPE_NSIG)
		return -EINVAL;
	p = proc_table__find(m->procs, key->pid, key->start_ns);
	if (!p)
		p = proc_table__get(m->procs, key->pid, key->start_ns, NULL);
	if (!p)
		return -ENOMEM;
	if (!p->signals && !(p->signals = calloc(1, sizeof(*p->signals))))
		return -ENOMEM;
	dst = p->signals->by_sig[key->sig];
	if (!dst && !(dst = p->signals->by_sig[key->sig] = calloc(1, sizeof(*dst))))
		return -ENOMEM;
	/* Rows are read once at the end; adding keeps repeated reads honest. */
	for (int i = 0; i < SIG_RESULT_MAX; i++) {
		dst->sent[i] += s->sent[i];
		dst->received[i] += s->received[i];
	}
	dst->received_blocked += s->received_blocked;
	for (int i = 0; i < ACTION_MAX; i++)
		dst->delivered[i] += s->delivered[i];
	dst->accepted += s->accepted;
	dst->handler_returns += s->handler_returns;
	dst->handler_ns_sum += s->handler_ns_sum;
	if (s->handler_ns_max > dst->handler_ns_max)
		dst->handler_ns_max = s->handler_ns_max;
	dst->pending_samples += s->pending_samples;
	dst->pending_ns_sum += s->pending_ns_sum;
	if (s->pending_ns_max > dst->pending_ns_max)
		dst->pending_ns_max = s->pending_ns_max;
	for (int i = 0; i < IPCSCOPE_HIST_SLOTS; i++)
		dst->pending_hist[i] += s->pending_hist[i];
	p->involved = true;
	return 0;
}

static void settle_pending(struct sig_stats *d, const struct fold_acc *acc)
{
	d->pending_samples = acc->samples;
	d->pending_ns_sum = acc->sum;
	d->pending_ns_max = acc->max;
	for (int i = 0; i < IPCSCOPE_FOLD_HIST; i++) {
		unsigned int slot = acc->hist_slot[i];

		if (slot && slot <= IPCSCOPE_HIST_SLOTS)
			d->pending_hist[slot - 1] += acc->hist_n[i];
	}
}

static int add_delta(struct model *m, const struct task_ref *who, int sig,
		     const struct sig_stats *delta)
{
	struct sig_stats_key key = { .pid = who->pid, .sig = sig, .start_ns = who->start_ns };

	return model__add_sig_stats(m, &key, delta);
}

/* Mirrors bpf/fold.bpf.h fold__settle(): the same record types, the same counters. */
int model__settle_folded(struct model *m, const void *rec, size_t size,
			 const struct fold_acc *acc)
{
	unsigned char buf[IPCSCOPE_FOLD_SAVED_MAX] __attribute__((aligned(8)));
	const struct event_header *hdr = (const void *)buf;
	static struct sig_stats delta; /* 872 bytes: not on the stack */
	int err;

	if (size < sizeof(*hdr) || size > sizeof(buf) || !acc->n)
		return 0;
	memcpy(buf, rec, size); /* aligned copy */
	memset(&delta, 0, sizeof(delta));
	switch (hdr->type) {
	case EVENT_SIG_GENERATE: {
		const struct sig_generate_event *e = (const void *)buf;

		if (size < sizeof(*e) || e->result >= SIG_RESULT_MAX)
			return 0;
		delta.received[e->result] = acc->n;
		delta.received_blocked = e->blocked ? acc->n : 0;
		err = add_delta(m, &e->target, e->sig, &delta);
		if (err || !e->has_sender)
			return err;
		memset(&delta, 0, sizeof(delta));
		delta.sent[e->result] = acc->n;
		return add_delta(m, &e->sender, e->sig, &delta);
	}
	case EVENT_SIG_DELIVER: {
		const struct sig_deliver_event *e = (const void *)buf;

		if (size < sizeof(*e) || e->action >= ACTION_MAX)
			return 0;
		delta.delivered[e->action] = acc->n;
		settle_pending(&delta, acc);
		return add_delta(m, &e->task, e->sig, &delta);
	}
	case EVENT_SIG_HANDLER_RETURN: {
		const struct sig_handler_return_event *e = (const void *)buf;

		if (size < sizeof(*e))
			return 0;
		delta.handler_returns = acc->n;
		delta.handler_ns_sum = acc->sum;
		delta.handler_ns_max = acc->max;
		return add_delta(m, &e->task, e->sig, &delta);
	}
	case EVENT_SIG_ACCEPT: {
		const struct sig_accept_event *e = (const void *)buf;

		if (size < sizeof(*e))
			return 0;
		delta.accepted = acc->n;
		settle_pending(&delta, acc);
		return add_delta(m, &e->task, e->sig, &delta);
	}
	}
	return 0;
}

const struct sig_stats *model__sig_stats(const struct proc *p, int sig)
{
	if (!p->signals || sig < 1 || sig > IPCSCOPE_NSIG)
		return NULL;
	return p->signals->by_sig[sig];
}

bool model__proc_has_signals(const struct proc *p)
{
	return p->signals != NULL;
}

uint64_t sig_stats__sent(const struct sig_stats *s)
{
	uint64_t n = 0;

	for (int i = 0; i < SIG_RESULT_MAX; i++)
		n += s->sent[i];
	return n;
}

uint64_t sig_stats__generated(const struct sig_stats *s)
{
	uint64_t n = 0;

	for (int i = 0; i < SIG_RESULT_MAX; i++)
		n += s->received[i];
	return n;
}

uint64_t sig_stats__delivered(const struct sig_stats *s)
{
	uint64_t n = 0;

	for (int i = 0; i < ACTION_MAX; i++)
		n += s->delivered[i];
	return n;
}

uint64_t model__loss_total(const struct model *m)
{
	uint64_t n = m->bad_records;

	for (int i = 0; i < LOSS_REASON_MAX; i++)
		n += m->loss[i];
	return n;
}

void model__on_record(struct model *m, const struct event_header *hdr, const void *rec)
{
	const struct lifecycle_event *pe = rec;
	struct proc *p;

	m->events += hdr->count;
	switch (hdr->type) {
	case EVENT_PROC_FORK:
		p = model__proc(m, &pe->task);
		if (p)
			p->ppid = pe->parent.pid;
		break;
	case EVENT_PROC_EXEC:
		p = model__proc(m, &pe->task);
		if (p)
			proc_table__set_comm(p, pe->task.comm);
		break;
	case EVENT_PROC_EXIT:
		p = model__proc(m, &pe->task);
		if (p) {
			p->exited = true;
			p->exit_status = pe->exit_code;
			p->exit_ts_ns = hdr->ts_ns;
			p->ppid = pe->parent.pid;
		}
		break;
	case EVENT_SIG_GENERATE: {
		const struct sig_generate_event *e = rec;

		if ((p = model__proc(m, &e->target)))
			p->involved = true;
		if (e->has_sender && (p = model__proc(m, &e->sender)))
			p->involved = true;
		break;
	}
	default: {
		/* Every other signal record starts with the task it concerns. */
		const struct task_ref *t = (const void *)((const char *)rec + sizeof(*hdr));

		if ((p = model__proc(m, t)))
			p->involved = true;
		break;
	}
	}
}
