// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fifo_name.h"
#include "model.h"
#include "record_copy.h"
#include "signals.h"

/* /proc lookups per FIFO that may reach a process and still find no name (name_fifo). */
#define FIFO_NAME_TRIES 8

int model__init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->procs = proc_table__new();
	m->retired_proc = calloc(1, sizeof(*m->retired_proc));
	m->recent = retired_ids__new();
	ipc_table__init(&m->ipc, "/proc", m->procs);
	if (!m->procs || !m->retired_proc || !m->recent)
		return -ENOMEM;
	/* Over, so objects it is merged into can retire too. */
	m->retired_proc->exited = true;
	proc_table__set_comm(m->retired_proc, "(retired)");
	return 0;
}

void model__proc_free_payload(struct proc *p)
{
	proc_ipc__free(p);
	if (!p->signals)
		return;
	for (int i = 0; i <= IPCSCOPE_NSIG; i++)
		free(p->signals->by_sig[i]);
	free(p->signals);
	p->signals = NULL;
}

void model__free(struct model *m)
{
	proc_table__free(m->procs, model__proc_free_payload);
	m->procs = NULL;
	if (m->retired_proc)
		model__proc_free_payload(m->retired_proc);
	free(m->retired_proc);
	m->retired_proc = NULL;
	retired_ids__free(m->recent);
	m->recent = NULL;
	pipe_table__free(&m->pipes);
	ipc_table__free(&m->ipc);
}

struct proc *model__proc(struct model *m, const struct task_ref *ref)
{
	struct proc *p = proc_table__get(m->procs, ref->pid, ref->start_ns, ref->comm);

	if (p && !p->comm[0])
		proc_table__set_comm(p, ref->comm);
	return p;
}

/*
 * Keeps a process's name current: records carry the task's comm as it is
 * now, and prctl(PR_SET_NAME) changes it without a fork or exec. Only the
 * leader thread's name (tid == pid) names the process, as /proc/PID/comm
 * does; a record older than the name already seen (a swept fold slot)
 * does not rename it back.
 */
static void proc__saw_name(struct proc *p, const struct task_ref *ref, uint64_t ts_ns)
{
	if (!p || !ref->comm[0] || ref->tid != ref->pid || ts_ns < p->comm_ts_ns)
		return;
	proc_table__set_comm(p, ref->comm);
	p->comm_ts_ns = ts_ns;
}

static void sig_stats__add(struct sig_stats *dst, const struct sig_stats *s)
{
	for (int i = 0; i < SIG_RESULT_MAX; i++) {
		dst->sent[i] += s->sent[i];
		dst->received[i] += s->received[i];
	}
	dst->received_blocked += s->received_blocked;
	for (int i = 0; i < ACTION_MAX; i++)
		dst->delivered[i] += s->delivered[i];
	dst->accepted += s->accepted;
	dst->discarded += s->discarded;
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
}

/* The process's row for this signal, allocated if new; NULL on ENOMEM. */
static struct sig_stats *proc__sig_row(struct proc *p, int sig)
{
	struct sig_stats **row;

	if (!p->signals && !(p->signals = calloc(1, sizeof(*p->signals))))
		return NULL;
	row = &p->signals->by_sig[sig];
	if (!*row)
		*row = calloc(1, sizeof(**row));
	return *row;
}

static int proc__add_sig(struct proc *p, int sig, const struct sig_stats *s)
{
	struct sig_stats *dst = proc__sig_row(p, sig);

	if (!dst)
		return -ENOMEM;
	/* Rows are read at the end and when their process retires: always added. */
	sig_stats__add(dst, s);
	p->involved = true;
	return 0;
}

struct proc *model__row_proc(struct model *m, uint32_t pid, uint64_t start_ns)
{
	struct proc *p = proc_table__find(m->procs, pid, start_ns);
	bool late;

	if (p)
		return p;
	/*
	 * Not in the table: new to us, or retired already and this is a late
	 * row (a write-combining slot spilling after the harvest). Only /proc
	 * tells them apart, and only once retiring has begun. A late one is
	 * retired again at the next pass, into "(retired)" if the report's
	 * filter would show it.
	 */
	late = retired_ids__known(m->recent, pid, start_ns) ||
	       (m->retired.processes && proc_table__gone(m->ipc.procfs, pid, start_ns));
	p = proc_table__get(m->procs, pid, start_ns, NULL);
	if (p && late) {
		retired_ids__restore(m->recent, p);
		p->gone = p->late = true; /* exit_ts_ns 0: over since ever */
	}
	return p;
}

int model__add_sig_stats(struct model *m, const struct sig_stats_key *key,
			 const struct sig_stats *s)
{
	struct proc *p;

	if (key->sig < 1 || key->sig > IPCSCOPE_NSIG)
		return -EINVAL;
	if (!(p = model__row_proc(m, key->pid, key->start_ns)))
		return -ENOMEM;
	return proc__add_sig(p, key->sig, s);
}

int model__merge_proc(struct proc *dst, const struct proc *src)
{
	/* Every row first, so that a failure adds nothing. */
	for (int sig = 1; src->signals && sig <= IPCSCOPE_NSIG; sig++)
		if (src->signals->by_sig[sig] && !proc__sig_row(dst, sig))
			return -ENOMEM;
	for (int sig = 1; src->signals && sig <= IPCSCOPE_NSIG; sig++)
		if (src->signals->by_sig[sig])
			sig_stats__add(dst->signals->by_sig[sig], src->signals->by_sig[sig]);
	dst->pipe_write_bytes += src->pipe_write_bytes;
	dst->pipe_read_bytes += src->pipe_read_bytes;
	dst->pipe_blocked_ns += src->pipe_blocked_ns;
	dst->epipe += src->epipe;
	dst->shm_bytes += src->shm_bytes; /* a sum of peaks: what they held at most */
	dst->msgs_sent += src->msgs_sent;
	dst->msgs_received += src->msgs_received;
	dst->sem_waits += src->sem_waits;
	dst->sem_wait_ns += src->sem_wait_ns;
	dst->send_failures += src->send_failures;
	dst->involved |= src->involved;
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
static int settle_record(struct model *m, const unsigned char *buf, size_t size,
			 const struct fold_acc *acc)
{
	const struct event_header *hdr = (const void *)buf;
	static struct sig_stats delta; /* 872 bytes: not on the stack */
	int err;

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
	case EVENT_EPIPE: {
		/* Its traffic went to io slots; the SIGPIPE it carries is left. */
		const struct epipe_event *e = (const void *)buf;

		if (size < sizeof(*e) || !(hdr->flags & EVENT_F_WITH_SIGPIPE) ||
		    e->sigpipe_result >= SIG_RESULT_MAX)
			return 0;
		delta.received[e->sigpipe_result] = acc->n;
		delta.received_blocked = e->sigpipe_blocked ? acc->n : 0;
		return add_delta(m, &e->task, SIGPIPE, &delta);
	}
	}
	return 0;
}

int model__settle_folded(struct model *m, const void *rec, size_t size,
			 const struct fold_acc *acc)
{
	unsigned char buf[IPCSCOPE_FOLD_SAVED_MAX] __attribute__((aligned(8)));
	int err;

	if (size < sizeof(struct event_header) || size > sizeof(buf) || !acc->n)
		return 0;
	memcpy(buf, rec, size); /* aligned copy */
	record_copy__hide_tail(buf, size, sizeof(buf));
	err = settle_record(m, buf, size, acc);
	record_copy__done(buf, sizeof(buf));
	return err;
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

uint64_t sig_stats__pending_unknown(const struct sig_stats *s)
{
	uint64_t left = sig_stats__delivered(s) + s->accepted;

	/* Every timed one was counted once in both (bpf/signals.bpf.c count_deliver()). */
	return left > s->pending_samples ? left - s->pending_samples : 0;
}

uint64_t model__loss_total(const struct model *m)
{
	uint64_t n = m->bad_records;

	for (int i = 0; i < LOSS_REASON_MAX; i++)
		n += m->loss[i];
	return n;
}

/*
 * A FIFO opened before tracing had no fifo_open record to name it: its path
 * comes from a live process that holds it, through the record's fd when
 * there is one (fd < 0: any of its fds). A process already gone costs one
 * failed open and is not counted; lookups that reached a process and found
 * no name (it closed the FIFO, the name does not fit) are, so that a FIFO
 * nobody can name is not looked for again on every record.
 */
static void name_fifo(struct model *m, struct pipe_obj *o, uint32_t pid, int fd)
{
	int err;

	if (o->kind != OBJ_FIFO || o->path[0] || o->path_tries >= FIFO_NAME_TRIES)
		return;
	err = fifo_name__from_proc(o->path, sizeof(o->path), m->ipc.procfs, pid, fd, o->dev, o->ino);
	if (err && err != -ESRCH)
		o->path_tries++;
}

/* A pipe_io record's fd names a FIFO opened before tracing, as an EPIPE's does. */
static void name_pipe_io_object(struct model *m, const struct pipe_io_event *e)
{
	struct pipe_obj *o;

	if (e->object.kind == OBJ_FIFO && (o = pipe_table__get(&m->pipes, &e->object)))
		name_fifo(m, o, e->task.pid, e->fd);
}

void model__name_epipe_object(struct model *m, const struct epipe_event *e)
{
	struct pipe_obj *o;

	if (e->object.kind == OBJ_FIFO && (o = pipe_table__get(&m->pipes, &e->object)))
		name_fifo(m, o, e->task.pid, e->fd);
}

/*
 * A signal its default action kills with, not ignored nor merged: if the
 * process dies of this signal, this is who sent it (the last one queued of
 * its number; a real-time one queued twice names the later sender).
 */
static void note_killer(struct proc *p, const struct sig_generate_event *e)
{
	/*
	 * Merged into one already pending (kernel/signal.c legacy_queue()):
	 * the signal that acts, with its siginfo, is the first sender's.
	 */
	if (e->result == SIG_RESULT_IGNORED || e->result == SIG_RESULT_OVERFLOW ||
	    e->result == SIG_RESULT_ALREADY_PENDING || !sig__is_fatal_default(e->sig))
		return;
	p->killer.sig = e->sig;
	p->killer.kernel = !e->has_sender;
	p->killer.pid = e->has_sender ? e->sender.pid : 0;
	snprintf(p->killer.comm, sizeof(p->killer.comm), "%.*s", IPCSCOPE_COMM_LEN,
		 e->has_sender ? e->sender.comm : "");
}

/* A SIGPIPE names the FIFO its writer wrote to: the writer holds it, at some fd. */
static void name_sigpipe_object(struct model *m, const struct sig_generate_event *e)
{
	struct pipe_obj *o;

	if (e->object.kind == OBJ_FIFO && (o = pipe_table__get(&m->pipes, &e->object)))
		name_fifo(m, o, e->target.pid, -1);
}

int model__add_io_stats(struct model *m, const struct io_key *key, const struct io_stats *s)
{
	struct obj_ref ref = { .ino = key->ino, .dev = key->dev, .kind = s->kind };
	struct proc *p = model__row_proc(m, key->pid, key->start_ns);
	struct pipe_obj *o;
	struct pipe_end *e;

	o = p ? pipe_table__get(&m->pipes, &ref) : NULL;
	e = o ? pipe_obj__end(o, p) : NULL;
	if (!e)
		return -ENOMEM;
	io_stats__add(&e->io, s);
	name_fifo(m, o, key->pid, -1); /* rows name no fd */
	if (obj_kind__is_pipe(o->kind)) {
		p->pipe_write_bytes += s->write_bytes;
		p->pipe_read_bytes += s->read_bytes;
		p->pipe_blocked_ns += s->write_blocked_ns + s->read_blocked_ns;
	}
	p->epipe += s->epipe;
	p->involved = true;
	return 0;
}

int model__add_ipc_stats(struct model *m, const struct ipc_key *key, const struct ipc_stats *s)
{
	struct proc *p = model__row_proc(m, key->pid, key->start_ns);

	if (!p || ipc_table__add_stats(&m->ipc, p, key, s))
		return -ENOMEM;
	return 0;
}

/* A FIFO path as the process gave it, made absolute from its cwd when relative. */
static void fifo_path(char *dst, size_t size, uint32_t pid, int dirfd, const char *path)
{
	char link[64], dir[PATH_MAX];
	ssize_t n;
	int len;

	snprintf(dst, size, "%.*s", IPCSCOPE_PATH_LEN, path);
	if (path[0] == '/' || !path[0])
		return;
	if (dirfd == -100 /* AT_FDCWD */)
		snprintf(link, sizeof(link), "/proc/%u/cwd", pid);
	else
		snprintf(link, sizeof(link), "/proc/%u/fd/%d", pid, dirfd);
	n = readlink(link, dir, sizeof(dir) - 1);
	if (n <= 0)
		return; /* gone already: keep it relative */
	dir[n] = 0;
	len = snprintf(dst, size, "%s/%.*s", strcmp(dir, "/") ? dir : "", IPCSCOPE_PATH_LEN, path);
	if (len < 0 || (size_t)len >= size)
		snprintf(dst, size, "%.*s", IPCSCOPE_PATH_LEN, path); /* too long: as given */
}

static void on_pipe_record(struct model *m, const struct event_header *hdr, const void *rec,
			   struct proc *p)
{
	struct pipe_obj *o;
	struct pipe_end *end;

	switch (hdr->type) {
	case EVENT_PIPE_CREATE: {
		const struct pipe_create_event *e = rec;

		if (!(o = pipe_table__get(&m->pipes, &e->pipe)))
			return;
		o->creator = p;
		snprintf(o->creator_comm, sizeof(o->creator_comm), "%.*s",
			 (int)strnlen(e->task.comm, sizeof(e->task.comm)), e->task.comm);
		o->created_ns = hdr->ts_ns;
		if ((end = pipe_obj__end(o, p)))
			end->open_mode |= 3;
		return;
	}
	case EVENT_FIFO_OPEN: {
		const struct fifo_event *e = rec;
		char path[IPCSCOPE_PATH_LEN + 1];

		if (!(o = pipe_table__get(&m->pipes, &e->fifo)))
			return;
		if (!o->path[0]) {
			snprintf(path, sizeof(path), "%.*s", IPCSCOPE_PATH_LEN, e->path);
			fifo_path(o->path, sizeof(o->path), e->task.pid, e->dirfd, path);
		}
		if ((end = pipe_obj__end(o, p)))
			end->open_mode |= e->mode & 3;
		/*
		 * Opened again after its last reader and writer left: alive
		 * again, so its counter rows must not be harvested as final
		 * (src/retire.h) while BPF still adds to them.
		 */
		if (o->last_reader.proc && o->last_writer.proc)
			o->last_reader = o->last_writer = (struct pipe_departure){ 0 };
		return;
	}
	case EVENT_PIPE_CLOSE: {
		const struct pipe_close_event *e = rec;
		struct pipe_departure d = { p, hdr->ts_ns, e->how };

		if (!(o = pipe_table__get(&m->pipes, &e->pipe)))
			return;
		if (pipe_close__last_reader(e))
			o->last_reader = d;
		if (pipe_close__last_writer(e))
			o->last_writer = d;
		pipe_obj__end(o, p);
		return;
	}
	case EVENT_PIPE_IO:
		name_pipe_io_object(m, rec);
		return;
	case EVENT_PIPE_DUP: {
		const struct pipe_dup_event *e = rec;

		/* the process holds that end now, under one more fd */
		if ((o = pipe_table__get(&m->pipes, &e->pipe)) && (end = pipe_obj__end(o, p)))
			end->open_mode |= e->mode & 3;
		if (o && e->pipe.kind == OBJ_FIFO)
			name_fifo(m, o, e->task.pid, e->new_fd);
		return;
	}
	case EVENT_EPIPE: {
		const struct epipe_event *e = rec;
		uint64_t last;

		if (!(o = pipe_table__get(&m->pipes, &e->object)) || !(end = pipe_obj__end(o, p)))
			return;
		name_fifo(m, o, e->task.pid, e->fd);
		/* Swept and per-CPU records arrive out of order. */
		last = hdr->ts_ns + (uint64_t)hdr->span_us * 1000;
		if (!end->epipe_first_ns || hdr->ts_ns < end->epipe_first_ns)
			end->epipe_first_ns = hdr->ts_ns;
		if (last > end->epipe_last_ns)
			end->epipe_last_ns = last;
		end->epipe_seen += hdr->count;
		if (e->inet.family)
			o->inet = e->inet;
		end->sigpipe_action = e->sigpipe_action;
		return;
	}
	}
}

void model__on_record(struct model *m, const struct event_header *hdr, const void *rec)
{
	const struct lifecycle_event *pe = rec;
	struct proc *p;

	m->events += hdr->count;
	switch (hdr->type) {
	case EVENT_PROC_FORK: {
		struct proc *parent = proc_table__find(m->procs, pe->parent.pid, pe->parent.start_ns);

		p = model__proc(m, &pe->task);
		proc__saw_name(p, &pe->task, hdr->ts_ns);
		if (p)
			p->ppid = pe->parent.pid;
		/* A CLONE_VM child (vfork, posix_spawn) inherits no attach or mapping of its own. */
		if (p && parent && parent != p && !pe->shared_mm)
			ipc_table__on_fork(&m->ipc, parent, p);
		break;
	}
	case EVENT_PROC_EXEC:
		p = model__proc(m, &pe->task);
		if (p) {
			proc_table__set_comm(p, pe->task.comm);
			p->comm_ts_ns = hdr->ts_ns;
			ipc_table__on_drop_all(&m->ipc, p, hdr->ts_ns);
		}
		break;
	case EVENT_PROC_EXIT:
		p = model__proc(m, &pe->task);
		proc__saw_name(p, &pe->task, hdr->ts_ns);
		if (p) {
			p->exited = true;
			p->exit_status = pe->exit_code;
			p->exit_ts_ns = hdr->ts_ns;
			p->ppid = pe->parent.pid;
			ipc_table__on_drop_all(&m->ipc, p, hdr->ts_ns);
		}
		break;
	case EVENT_SIG_GENERATE: {
		const struct sig_generate_event *e = rec;

		if ((p = model__proc(m, &e->target))) {
			p->involved = true;
			note_killer(p, e);
		}
		proc__saw_name(p, &e->target, hdr->ts_ns);
		if (e->has_sender && (p = model__proc(m, &e->sender))) {
			p->involved = true;
			proc__saw_name(p, &e->sender, hdr->ts_ns);
		}
		name_sigpipe_object(m, e);
		break;
	}
	default: {
		/* Every other record starts with the task it concerns. */
		const struct task_ref *t = (const void *)((const char *)rec + sizeof(*hdr));

		if ((p = model__proc(m, t))) {
			p->involved = true;
			proc__saw_name(p, t, hdr->ts_ns);
			on_pipe_record(m, hdr, rec, p);
			if (hdr->type == EVENT_SIG_FAILED)
				p->send_failures += hdr->count;
			ipc_table__on_record(&m->ipc, hdr, rec, p);
		}
		break;
	}
	}
}
