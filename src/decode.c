// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <signal.h>
#include <string.h>
#include "decode.h"
#include "epipe_sigpipe.h"
#include "record_copy.h"
#include "signals.h"

#define SIGCHLD 17

bool decode__context_is_cause(const struct sig_generate_event *e)
{
	if (e->has_sender || e->in_interrupt || !e->context.pid)
		return false;
	return e->context.pid == e->target.pid ||
	       (e->sig == SIGCHLD && e->info_pid_host > 0 && (__u32)e->info_pid_host == e->context.pid);
}

bool decode__info_names_pid(const struct sig_generate_event *e)
{
	if (e->info_kind == INFO_NOINFO)
		return e->info_pid > 0;
	return e->info_kind == INFO_REAL && si_code__carries_pid(e->sig, e->code);
}

size_t decode__record_size(unsigned int type)
{
	switch (type) {
	case EVENT_SIG_GENERATE:
		return sizeof(struct sig_generate_event);
	case EVENT_SIG_DELIVER:
		return sizeof(struct sig_deliver_event);
	case EVENT_SIG_HANDLER_RETURN:
		return sizeof(struct sig_handler_return_event);
	case EVENT_SIG_ACCEPT:
		return sizeof(struct sig_accept_event);
	case EVENT_SIGACTION:
		return sizeof(struct sigaction_event);
	case EVENT_SIGPROCMASK:
		return sizeof(struct sigprocmask_event);
	case EVENT_PROC_FORK:
	case EVENT_PROC_EXEC:
	case EVENT_PROC_EXIT:
		return sizeof(struct lifecycle_event);
	case EVENT_PIPE_CREATE:
		return sizeof(struct pipe_create_event);
	case EVENT_FIFO_CREATE:
	case EVENT_FIFO_OPEN:
		return sizeof(struct fifo_event);
	case EVENT_PIPE_CLOSE:
		return sizeof(struct pipe_close_event);
	case EVENT_EPIPE:
		return sizeof(struct epipe_event);
	case EVENT_IPC:
		return sizeof(struct ipc_event);
	case EVENT_MAP:
		return sizeof(struct map_event);
	case EVENT_IPC_OPEN:
		return sizeof(struct ipc_open_event);
	case EVENT_TIMER:
		return sizeof(struct timer_event);
	case EVENT_SIG_FAILED:
		return sizeof(struct sig_failed_event);
	case EVENT_PIPE_IO:
		return sizeof(struct pipe_io_event);
	case EVENT_PIPE_DUP:
		return sizeof(struct pipe_dup_event);
	}
	return 0;
}

/* The doctor follows writers the filters select, as the sinks do. */
static void doctor_feed(struct decoder *d, const struct event_header *hdr,
			const struct epipe_event *e)
{
	struct proc *p = proc_table__find(d->model->procs, e->task.pid, e->task.start_ns);
	struct pipe_obj *o = pipe_table__find(&d->model->pipes, &e->object);
	struct pipe_end *end;

	if (!p || !o || !filter__proc(d->filter, p))
		return;
	end = pipe_obj__end(o, p);
	if (!end || doctor__on_epipe(d->doctor, o, end, hdr->count, hdr->ts_ns,
					 (uint64_t)hdr->span_us * 1000))
		d->model->bad_records++; /* out of memory: counted, not hidden */
}

/*
 * A SIGPIPE the writer's own write raised (only those carry an object,
 * signals.bpf.c sigpipe__object()): with an EPIPE or without one, a write
 * cut short by the last reader leaving (doctor__on_sigpipe()).
 */
static void doctor_feed_sigpipe(struct decoder *d, const struct event_header *hdr,
				const struct sig_generate_event *e)
{
	struct proc *p;
	struct pipe_obj *o;
	struct pipe_end *end;

	if (e->sig != SIGPIPE || e->object.kind == OBJ_NONE)
		return;
	p = proc_table__find(d->model->procs, e->target.pid, e->target.start_ns);
	if (!p || !filter__proc(d->filter, p))
		return;
	o = pipe_table__get(&d->model->pipes, &e->object);
	end = o ? pipe_obj__end(o, p) : NULL;
	if (!end || doctor__on_sigpipe(d->doctor, o, end, hdr, e->result, e->blocked))
		d->model->bad_records++; /* out of memory: counted, not hidden */
}

/*
 * -- COMMAND: a child of the command or of a descendant is followed. The
 * mark is on the process, (pid, start time), not on its pid: a pid reused
 * later by an unrelated process is not followed, and the mark leaves with
 * the process when it retires (src/retire.h), so nothing grows without bound.
 */
static void follow_child(struct decoder *d, const struct lifecycle_event *e)
{
	struct proc *parent = proc_table__find(d->model->procs, e->parent.pid, e->parent.start_ns);
	struct proc *child = proc_table__find(d->model->procs, e->task.pid, e->task.start_ns);

	if (child && (filter__has_pid(d->filter, e->parent.pid) || (parent && parent->followed)))
		child->followed = true;
}

/* -c: a process that carried a listed name in this record stays selected (filter.h). */
static void note_names(struct decoder *d, const struct event_header *hdr, const void *rec)
{
	const struct task_ref *refs[2] = { (const void *)((const char *)rec + sizeof(*hdr)), NULL };

	if (!d->filter->ncomms)
		return;
	if (hdr->type == EVENT_SIG_GENERATE) {
		const struct sig_generate_event *e = rec;

		refs[0] = &e->target;
		refs[1] = e->has_sender ? &e->sender : NULL;
	}
	for (int i = 0; i < 2 && refs[i]; i++) {
		struct proc *p = proc_table__find(d->model->procs, refs[i]->pid, refs[i]->start_ns);

		/* A process's name is its main thread's: a worker's is not a -c match. */
		if (p)
			filter__note_name(d->filter, p,
					  refs[i]->tid == refs[i]->pid ? refs[i]->comm : NULL);
	}
}

/* One record, whole and counted: to the model, the doctor and the sink. */
static void deliver(struct decoder *d, const struct event_header *hdr, const void *rec)
{
	model__on_record(d->model, hdr, rec);
	note_names(d, hdr, rec);
	if (hdr->type == EVENT_PROC_FORK && d->filter->follow)
		follow_child(d, rec);
	if (d->doctor && hdr->type == EVENT_EPIPE)
		doctor_feed(d, hdr, rec);
	if (d->doctor && hdr->type == EVENT_SIG_GENERATE)
		doctor_feed_sigpipe(d, hdr, rec);
	output__record(d->out, hdr, rec);
}

int decode__record(void *ctx, const void *data, size_t size)
{
	struct decoder *d = ctx;
	/* Copy to align and to own the bytes. */
	unsigned char buf[IPCSCOPE_RECORD_MAX] __attribute__((aligned(8)));
	struct event_header *hdr = (struct event_header *)buf;
	struct sig_generate_event sigpipe;
	size_t want;

	if (size < sizeof(*hdr) || size > sizeof(buf)) {
		d->model->bad_records++;
		return 0;
	}
	memcpy(buf, data, size);
	want = decode__record_size(hdr->type);
	if (!want || size < want) {
		d->model->bad_records++;
		return 0;
	}
	record_copy__hide_tail(buf, size, sizeof(buf));
	if ((hdr->flags & EVENT_F_FOLDED) && !(hdr->flags & EVENT_F_SWEPT)) {
		hdr->count = fold_state__on_flush(d->fold, hdr);
		if (!hdr->count)
			goto done; /* a sweep already reported these repeats */
	}
	if (hdr->type == EVENT_EPIPE)
		epipe__settle_action((void *)buf);
	if (hdr->type == EVENT_EPIPE && epipe_sigpipe__split((const void *)buf, &sigpipe)) {
		/* The write's fd names a FIFO opened before tracing, for its SIGPIPE too. */
		model__name_epipe_object(d->model, (const void *)buf);
		deliver(d, &sigpipe.hdr, &sigpipe);
	}
	deliver(d, hdr, buf);
done:
	record_copy__done(buf, sizeof(buf));
	return 0;
}
