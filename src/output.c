// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "code_names.h"
#include "output.h"
#include "output_fault.h"

static int64_t mono_to_real_offset(void)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000LL + (real.tv_nsec - mono.tv_nsec);
}

int output__open(struct output *o, const char *path, bool json, struct model *m,
		 const struct filter *f)
{
	int flags;

	memset(o, 0, sizeof(*o));
	o->ops = json ? &sink_json_ops : &sink_text_ops;
	o->model = m;
	o->filter = f;
	o->mono_to_real_ns = mono_to_real_offset();
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		o->path = strdup("stdout");
		/* A person watching wants each line as it happens. */
		setvbuf(stdout, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, 0);
		/* Closed (`>&-`) or read-only (`1</dev/null`): say so before tracing. */
		flags = fcntl(STDOUT_FILENO, F_GETFL);
		if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
			return -EBADF;
	} else {
		/*
		 * fopen's flags, and O_NONBLOCK for the open alone: a FIFO with
		 * no reader fails with ENXIO (fifo(7)) instead of blocking here
		 * for as long as no one comes (SA_RESTART restarts the open
		 * after a first Ctrl-C).
		 */
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0666);

		if (fd < 0)
			return -errno;
		if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) ||
		    !(o->f = fdopen(fd, "we"))) {
			int err = -errno;

			close(fd);
			return err;
		}
		o->path = strdup(path);
		o->owns_file = true;
	}
	output_fault__remember_start(&o->fault, fileno(o->f));
	return o->path ? 0 : -ENOMEM;
}

/*
 * The first write error ends all output: what stdio still buffers is
 * thrown away (fclose or exit would write it later, maybe into space a full
 * disk just got back), and a regular file loses the partial line the
 * failed write left at its end, so every line in it is a whole record.
 */
static void fail(struct output *o, int err)
{
	if (o->err)
		return;
	o->err = err;
	__fpurge(o->f);
	output_fault__cut_partial_line(&o->fault, fileno(o->f));
}

static void note_error(struct output *o)
{
	if (!o->err && ferror(o->f))
		fail(o, errno ? -errno : -EIO);
}

void output__start(struct output *o)
{
	if (o->ops->start)
		o->ops->start(o);
	note_error(o);
}

void output__record(struct output *o, const struct event_header *hdr, const void *rec)
{
	/* a new image: addresses named in the old one mean nothing now */
	if (hdr->type == EVENT_PROC_EXEC)
		code_names__forget(o->code_names, ((const struct lifecycle_event *)rec)->task.pid);
	if (o->err)
		return;
	if (!filter__record(o->filter, o->model->procs, hdr, rec))
		return;
	o->ops->record(o, hdr, rec);
	note_error(o);
}

bool output__code_name(struct output *o, const struct task_ref *task, uint64_t image,
		       uint64_t addr, struct code_name *out)
{
	return code_names__find(o->code_names, task->pid, task->start_ns, image, addr, out);
}

void output__lost(struct output *o, unsigned int reason, uint64_t count, uint64_t total)
{
	if (o->err)
		return;
	o->ops->lost(o, reason, count, total);
	note_error(o);
}

void output__report(struct output *o)
{
	if (o->err)
		return;
	o->ops->report(o);
	note_error(o);
}

void output__alert(struct output *o, const struct storm_alert *a)
{
	if (o->err)
		return;
	o->ops->alert(o, a);
	note_error(o);
}

int output__flush(struct output *o)
{
	if (!o->f)
		return o->err;
	if (!o->err && o->ops->idle)
		o->ops->idle(o);
	errno = 0;
	if (!o->err && fflush(o->f))
		fail(o, errno ? -errno : -EIO);
	return o->err;
}

int output__hangup_fd(const struct output *o)
{
	return o->f && !o->err ? output_fault__hangup_fd(fileno(o->f)) : -1;
}

void output__reader_gone(struct output *o)
{
	fail(o, -EPIPE);
}

int output__close(struct output *o)
{
	int err = output__flush(o);

	if (o->owns_file && o->f && fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	free(o->path);
	o->path = NULL;
	code_names__free(o->code_names);
	o->code_names = NULL;
	return err;
}

const char *loss_reason__name(unsigned int reason)
{
	static const char *const names[LOSS_REASON_MAX] = {
		"ring_buffer_full", "stats_map_full", "watch_map_full",
		"pending_ring_full", "task_storage", "handler_stack", "io_stats_map_full",
		"ipc_stats_map_full", "compat_syscall", "program_recursion", "fd_scan_limit",
	};

	return reason < LOSS_REASON_MAX ? names[reason] : "decode_error";
}

const char *loss_reason__text(unsigned int reason)
{
	static const char *const text[LOSS_REASON_MAX] = {
		"stream events dropped: ring buffer full (totals stay exact)",
		"(process, signal) rows not counted: statistics map full (raise --max-procs)",
		"children not followed: watch map full",
		"real-time signals not timed: more than 32 queued",
		"signals not timed: task storage unavailable",
		"handlers not timed: nested deeper than 4",
		"(process, pipe) traffic not counted: io statistics map full (raise --max-procs)",
		"IPC calls not counted: ipc statistics map full (raise --max-procs)",
		"32-bit (compat) syscalls not followed: their pipe and IPC traffic is missing",
		"events not seen: the kernel skipped a program already running on that CPU",
		("fd table scans cut short (exit, exec, close_range: 1048576 fds from the first): "
		 "pipe ends closed past them not shown"),
	};

	return reason < LOSS_REASON_MAX ? text[reason] : "records user space could not decode";
}
