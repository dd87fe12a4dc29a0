// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Text lines and report sections for System V IPC, POSIX message queues and
 * shared mappings: what a lab student runs ipcs and strace side by side for.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "filter.h"
#include "format.h"
#include "ipc.h"
#include "sanitize.h"
#include "sink_text.h"

static const char *err_word(char *buf, size_t size, int err)
{
	char name[32];

	if (!err)
		return "";
	snprintf(buf, size, ": %s", format__errno(name, sizeof(name), err));
	return buf;
}

/*
 * msgrcv: the type asked for and what it means (msgrcv(2): 0 the first
 * message, N the first of type N, -N the first of the lowest type <= N;
 * MSG_EXCEPT: the first of any other type), then the type received. A
 * failed call received nothing: only what it asked for.
 */
static void text_msgrcv(struct output *o, const struct ipc_event *e)
{
	long long asked = (long long)e->addr;

	fprintf(o->f, "msqid %llu asked type %lld", (unsigned long long)e->id, asked);
	if (asked == 0)
		fputs(" (any)", o->f);
	else if (e->flags & 020000 /* MSG_EXCEPT */)
		fputs(asked > 0 ? " (MSG_EXCEPT: any other)" : " (MSG_EXCEPT)", o->f);
	else if (asked < 0)
		fprintf(o->f, " (lowest <= %lld)", -asked);
	if (!e->err)
		fprintf(o->f, ": got type %lld, %llu B", (long long)e->key,
			(unsigned long long)e->size);
	if (e->flags & 04000 /* IPC_NOWAIT */)
		fputs(" IPC_NOWAIT", o->f);
}

/* semop: each operation as "sem N -1" (P), "sem N +1" (V), "sem N 0" (wait for zero). */
static void text_semop(struct output *o, const struct ipc_event *e)
{
	uint16_t num[IPC_SEMOP_OPS_SEEN];
	int16_t op[IPC_SEMOP_OPS_SEEN];
	unsigned int n = ipc_event__semops(e, num, op), i;

	fprintf(o->f, "semid %llu", (unsigned long long)e->id);
	for (i = 0; i < n; i++)
		fprintf(o->f, "%s sem %u %s%d%s", i ? "," : ":", num[i], op[i] > 0 ? "+" : "",
			op[i], op[i] ? "" : " (wait for 0)");
	if (e->size > n)
		fprintf(o->f, n ? " and %llu more op(s)" : ", %llu op(s)",
			(unsigned long long)(e->size - n));
	fprintf(o->f, "%s%s", e->flags & IPC_F_SEM_UNDO ? " SEM_UNDO" : "",
		e->flags & IPC_F_SEM_NOWAIT ? " IPC_NOWAIT" : "");
}

/* "mq /name (ino N)" once its mq_open named it, else "mq ino N". */
static void text_mq_name(struct output *o, uint64_t ino)
{
	const struct ipc_obj *q = ipc_table__find(&o->model->ipc, IPC_KIND_MQ, ino);
	char name[IPC_NAME_MAX * 4 + 1];

	if (!q || !q->name[0]) {
		fprintf(o->f, "mq ino %llu", (unsigned long long)ino);
		return;
	}
	sanitize__terminal(name, sizeof(name), q->name, strlen(q->name));
	fprintf(o->f, "mq %s (ino %llu)", name, (unsigned long long)ino);
}

/* Did this get create its object? The model has applied it (ipc_obj__on_get). */
static bool get_created(const struct output *o, const struct event_header *hdr,
			const struct ipc_event *e)
{
	const struct ipc_obj *obj = ipc_table__find(&o->model->ipc, ipc_op__kind(e->op), e->id);

	return obj && obj->creator && obj->creator->pid == e->task.pid &&
	       obj->created_ns == hdr->ts_ns;
}

static void text_ipc_op(struct output *o, const struct event_header *hdr,
			const struct ipc_event *e)
{
	char who[96], err[32], t[32], n[16];
	unsigned int kind = ipc_op__kind(e->op);

	line_begin(o, hdr, ipc_kind__name(kind), "-");
	fprintf(o->f, "%s %s ", task_str(who, sizeof(who), &e->task), ipc_op__name(e->op));
	switch (e->op) {
	case IPC_OP_SHMGET:
	case IPC_OP_MSGGET:
	case IPC_OP_SEMGET:
		/* key as ipcs shows it; IPC_PRIVATE (0) always makes a new object */
		if (e->key)
			fprintf(o->f, "key 0x%08x", (unsigned int)e->key);
		else
			fputs("key IPC_PRIVATE", o->f);
		if (e->op == IPC_OP_SHMGET)
			fprintf(o->f, " size %s", format__bytes(n, sizeof(n), e->size));
		if (e->op == IPC_OP_SEMGET)
			fprintf(o->f, " nsems %llu", (unsigned long long)e->size);
		/* the low 9 bits: mode */
		fprintf(o->f, "%s%s", e->flags & IPC_CREAT ? " IPC_CREAT" : "",
			e->flags & IPC_EXCL ? (e->flags & IPC_CREAT ? "|IPC_EXCL" : " IPC_EXCL") : "");
		if (e->flags & IPC_CREAT || !e->key) /* the mode of what it may create */
			fprintf(o->f, " mode %04llo", (unsigned long long)(e->flags & 0777));
		if (!e->err)
			fprintf(o->f, " -> id %llu", (unsigned long long)e->id);
		/*
		 * IPC_CREAT with a key creates the object or finds the one that
		 * exists (with IPC_EXCL too it can only create: nothing to say).
		 */
		if (!e->err && e->key && (e->flags & IPC_CREAT) && !(e->flags & IPC_EXCL))
			fputs(get_created(o, hdr, e) ? " (created)" : " (existing)", o->f);
		break;
	case IPC_OP_SHMAT:
		fprintf(o->f, "shmid %llu at 0x%llx%s", (unsigned long long)e->id,
			(unsigned long long)e->addr, e->flags & 010000 ? " read-only" : "");
		break;
	case IPC_OP_SHMDT:
		fprintf(o->f, "shmid %llu from 0x%llx", (unsigned long long)e->id,
			(unsigned long long)e->addr);
		break;
	case IPC_OP_MSGSND:
		fprintf(o->f, "msqid %llu type %lld, %llu B", (unsigned long long)e->id,
			(long long)e->key, (unsigned long long)e->size);
		break;
	case IPC_OP_MSGRCV:
		text_msgrcv(o, e);
		break;
	case IPC_OP_SEMOP:
		text_semop(o, e);
		break;
	case IPC_OP_SHMCTL:
	case IPC_OP_MSGCTL:
	case IPC_OP_SEMCTL:
		fprintf(o->f, "id %llu %s", (unsigned long long)e->id,
			e->key == 0 ? "IPC_RMID" : e->key == 1 ? "IPC_SET" :
			e->key == 16 ? "SETVAL" : "SETALL");
		if (e->op == IPC_OP_SEMCTL && e->key == 16)
			fprintf(o->f, " sem %llu = %d", (unsigned long long)e->size, (int)e->flags);
		break;
	case IPC_OP_MQ_SEND:
	case IPC_OP_MQ_RECEIVE:
		text_mq_name(o, e->id);
		/* A failed receive took no message: no priority, no size. */
		if (!e->err || e->op == IPC_OP_MQ_SEND)
			fprintf(o->f, " prio %llu, %llu B", (unsigned long long)e->key,
				(unsigned long long)e->size);
		break;
	case IPC_OP_MQ_NOTIFY:
		text_mq_name(o, e->id);
		break;
	}
	if (e->blocked_ns)
		fprintf(o->f, ", waited %s", format__ns(t, sizeof(t), e->blocked_ns));
	fputs(err_word(err, sizeof(err), e->err), o->f);
	line_end(o, hdr);
}

/*
 * A MAP_SHARED mmap the kernel refused, with the two reasons a lab meets
 * (mm/mmap.c do_mmap(): the offset must be a page multiple; a shared
 * writable mapping needs an fd opened for writing, any needs it readable).
 */
static void text_map_refused(struct output *o, const struct map_event *e)
{
	char n[16], err[32];
	int errnum = map_event__failed(e);
	long page = sysconf(_SC_PAGESIZE);

	fprintf(o->f, "mmap MAP_SHARED");
	if (e->flags & 0x20 /* MAP_ANONYMOUS */)
		fputs(" anon", o->f);
	else
		fprintf(o->f, " fd %d", e->fd);
	fprintf(o->f, " %s offset %llu %s%s%s: %s", format__bytes(n, sizeof(n), e->len),
		(unsigned long long)e->new_addr, e->prot & 1 ? "PROT_READ" : "",
		(e->prot & 3) == 3 ? "|" : "", e->prot & 2 ? "PROT_WRITE" : "",
		format__errno(err, sizeof(err), errnum));
	if (errnum == -22 /* EINVAL */ && page > 0 && e->new_addr % (unsigned long)page)
		fprintf(o->f, " (offset not a multiple of the page size, %ld)", page);
	else if (errnum == -13 /* EACCES */)
		fputs(" (prot asks for more than the fd was opened for)", o->f);
}

static void text_map(struct output *o, const struct event_header *hdr, const struct map_event *e)
{
	char who[96], name[IPCSCOPE_MAP_NAME_LEN * 4 + 1], n[16], n2[16];

	/* A file mapped shared read-only carries nothing between processes (ipc.h). */
	if (e->op == MAP_OP_MMAP && !map_event__failed(e) && !(e->prot & PROT_WRITE) &&
	    map_kind__of(e, o->model->ipc.devshm_dev) == MAP_KIND_FILE && !o->verbose)
		return;
	line_begin(o, hdr, "mmap", "-");
	fprintf(o->f, "%s ", task_str(who, sizeof(who), &e->task));
	/* munmap/mremap: the vma BPF found at entry, a mapping from before tracing too. */
	sanitize__terminal(name, sizeof(name), e->name,
			   sanitize__strnlen(e->name, sizeof(e->name)));
	/* mm/shmem.c names shared anonymous memory "dev/zero": no file the user named */
	if (map_kind__of(e, o->model->ipc.devshm_dev) == MAP_KIND_ANON)
		snprintf(name, sizeof(name), "memory");
	if (map_event__failed(e)) {
		text_map_refused(o, e);
		line_end(o, hdr);
		return;
	}
	switch (e->op) {
	case MAP_OP_MMAP:
		fprintf(o->f, "mmap MAP_SHARED %s %s (ino %llu) %s at 0x%llx%s",
			map_kind__name(map_kind__of(e, o->model->ipc.devshm_dev)), name,
			(unsigned long long)e->ino, format__bytes(n, sizeof(n), e->len),
			(unsigned long long)e->addr, e->prot & 2 ? "" : " read-only");
		break;
	case MAP_OP_MUNMAP:
		fprintf(o->f, "munmap shared %s %s (ino %llu) 0x%llx, %s",
			map_kind__name(map_kind__of(e, o->model->ipc.devshm_dev)), name,
			(unsigned long long)e->ino, (unsigned long long)e->addr,
			format__bytes(n, sizeof(n), e->len));
		break;
	case MAP_OP_MREMAP:
		fprintf(o->f, "mremap shared %s %s (ino %llu) 0x%llx -> 0x%llx, %s -> %s",
			map_kind__name(map_kind__of(e, o->model->ipc.devshm_dev)), name,
			(unsigned long long)e->ino, (unsigned long long)e->addr,
			(unsigned long long)e->new_addr, format__bytes(n, sizeof(n), e->len),
			format__bytes(n2, sizeof(n2), e->new_len));
		break;
	}
	line_end(o, hdr);
}

static void text_open(struct output *o, const struct event_header *hdr,
		      const struct ipc_open_event *e)
{
	char who[96], raw[IPCSCOPE_PATH_LEN + 2], name[IPCSCOPE_PATH_LEN * 4 + 8], err[32];
	bool mq = e->op == IPC_OPEN_MQ_OPEN || e->op == IPC_OPEN_MQ_UNLINK;

	snprintf(raw, sizeof(raw), "%s%.*s", mq ? "/" : "", IPCSCOPE_PATH_LEN, e->name);
	sanitize__terminal(name, sizeof(name), raw, strlen(raw));
	line_begin(o, hdr, mq ? "mq" : "shm", "-");
	fprintf(o->f, "%s %s %s", task_str(who, sizeof(who), &e->task), ipc_open_op__name(e->op),
		name);
	if (e->ret >= 0 && e->op != IPC_OPEN_MQ_UNLINK && e->op != IPC_OPEN_SHM_UNLINK)
		fprintf(o->f, " -> fd %d (ino %llu)", e->ret, (unsigned long long)e->ino);
	fputs(err_word(err, sizeof(err), e->ret < 0 ? e->ret : 0), o->f);
	line_end(o, hdr);
}

void text_ipc_record(struct output *o, const struct event_header *hdr, const void *rec)
{
	switch (hdr->type) {
	case EVENT_IPC:
		text_ipc_op(o, hdr, rec);
		break;
	case EVENT_MAP:
		text_map(o, hdr, rec);
		break;
	case EVENT_IPC_OPEN:
		text_open(o, hdr, rec);
		break;
	}
}

/* ---- report ---- */

static const char *who_str(char *buf, size_t size, const struct proc *p)
{
	return p ? format__task(buf, size, p->comm, p->pid, 0) : "?";
}

static bool users_pass(const struct filter *flt, const struct ipc_obj *o)
{
	for (const struct ipc_user *u = o->users; u; u = u->next)
		if (!filter__active(flt) || filter__proc(flt, u->proc))
			return true;
	return false;
}

/*
 * Messages by System V message type, or by priority on a POSIX queue (the
 * same slots: ipc.h), as the JSON's "types" and "priorities".
 */
static void report_types(struct output *o, const struct ipc_obj *q, const struct ipc_user *u,
			 bool sent)
{
	const char *what = q->kind == IPC_KIND_MQ ? "priority" : "type";
	bool first = true;

	for (const struct ipc_type_count *c = u->types; c; c = c->next) {
		uint64_t n = sent ? c->sends : c->receives;

		if (!n)
			continue;
		if (first)
			fprintf(o->f, " (%s:count", what);
		fprintf(o->f, " %lld:%llu", (long long)c->type, (unsigned long long)n);
		first = false;
	}
	if (!first)
		fputc(')', o->f);
}

/*
 * Calls that failed other than by ENOMSG (a receive's, on its line):
 * EIDRM (the queue removed, a sender's or a receiver's), EAGAIN
 * (IPC_NOWAIT, O_NONBLOCK) and the rest (a mq_timedreceive's ETIMEDOUT,
 * EINTR, ...), counted per process and object, not per side.
 */
static void report_failed(struct output *o, const struct ipc_user *u)
{
	char who[96];
	const char *sep = "";

	if (!u->st.eidrm && !u->st.eagain && !u->st.errors)
		return;
	fprintf(o->f, "  %-28s failed:", who_str(who, sizeof(who), u->proc));
	if (u->st.eidrm) {
		fprintf(o->f, " %llu EIDRM (removed while it waited)",
			(unsigned long long)u->st.eidrm);
		sep = ",";
	}
	if (u->st.eagain) {
		fprintf(o->f, "%s %llu EAGAIN", sep, (unsigned long long)u->st.eagain);
		sep = ",";
	}
	if (u->st.errors)
		fprintf(o->f, "%s %llu other (ETIMEDOUT, EINTR, ...)", sep,
			(unsigned long long)u->st.errors);
	fputc('\n', o->f);
}

static void report_queue(struct output *o, const struct ipc_obj *q)
{
	char who[96], t[32];

	for (const struct ipc_user *u = q->users; u; u = u->next) {
		if (u->st.sends || u->st.send_blocked_ns) {
			fprintf(o->f, "  %-28s sent %llu %s, %llu B", who_str(who, sizeof(who), u->proc),
				(unsigned long long)u->st.sends,
				format__plural(u->st.sends, "msg", "msgs"),
				(unsigned long long)u->st.send_bytes);
			report_types(o, q, u, true);
			if (u->st.send_blocked_ns)
				fprintf(o->f, ", blocked %s",
					format__ns(t, sizeof(t), u->st.send_blocked_ns));
			fputc('\n', o->f);
		}
		if (u->st.receives || u->st.recv_blocked_ns || u->st.enomsg) {
			fprintf(o->f, "  -> %-25s received %llu %s, %llu B",
				who_str(who, sizeof(who), u->proc),
				(unsigned long long)u->st.receives,
				format__plural(u->st.receives, "msg", "msgs"),
				(unsigned long long)u->st.recv_bytes);
			report_types(o, q, u, false);
			fprintf(o->f, ", blocked %s", format__ns(t, sizeof(t), u->st.recv_blocked_ns));
			text_count(o, u->st.enomsg, "ENOMSG");
			fputc('\n', o->f);
		}
		report_failed(o, u);
	}
}

static void report_removed(struct output *o, const struct ipc_obj *obj)
{
	char who[96], t[32];

	if (!obj->removed)
		return;
	fprintf(o->f, "  removed by %s at %s", who_str(who, sizeof(who), obj->remover),
		format__clock(t, sizeof(t), obj->removed_ns, o->mono_to_real_ns));
	if (obj->kind == IPC_KIND_SHM && obj->attached_at_removal > 0) {
		fprintf(o->f, " while %d attached", obj->attached_at_removal);
		if (obj->destroyed_ns)
			fprintf(o->f, "; destroyed at last detach by %s at %s",
				who_str(who, sizeof(who), obj->last_detacher),
				format__clock(t, sizeof(t), obj->destroyed_ns, o->mono_to_real_ns));
	}
	fputc('\n', o->f);
}

static void report_object(struct output *o, const struct ipc_obj *obj)
{
	char who[96], name[IPC_NAME_MAX * 4 + 1], t[32], key[32], size[32];

	/*
	 * An object from before tracing that left /proc/sysvipc before it was
	 * first handled (ipc_obj__describe) has no known key or size: "?", not
	 * a made-up IPC_PRIVATE and 0.
	 */
	if (!obj->key_known)
		strcpy(key, "?");
	else
		snprintf(key, sizeof(key), "0x%08x%s", obj->key, obj->key ? "" : " (IPC_PRIVATE)");
	if (obj->size || obj->key_known)
		snprintf(size, sizeof(size), "%llu", (unsigned long long)obj->size);
	else
		strcpy(size, "?");

	switch (obj->kind) {
	case IPC_KIND_SHM:
		fprintf(o->f, "shm shmid %llu key %s, %s B", (unsigned long long)obj->id, key, size);
		break;
	case IPC_KIND_MSG:
		fprintf(o->f, "msgq msqid %llu key %s", (unsigned long long)obj->id, key);
		break;
	case IPC_KIND_SEM:
		fprintf(o->f, "sem semid %llu key %s, %s semaphore(s)", (unsigned long long)obj->id,
			key, size);
		break;
	case IPC_KIND_MQ:
		sanitize__terminal(name, sizeof(name), obj->name, strlen(obj->name));
		fprintf(o->f, "mq %s (ino %llu)", obj->name[0] ? name : "?",
			(unsigned long long)obj->id);
		break;
	}
	if (obj->creator)
		fprintf(o->f, " created by %s", who_str(who, sizeof(who), obj->creator));
	else if (obj->before_tracing)
		fputs(" (existed before tracing)", o->f);
	fputc('\n', o->f);
	for (const struct ipc_user *u = obj->users; u; u = u->next) {
		if (obj->kind == IPC_KIND_SHM && (u->st.attaches || u->st.detaches || u->dropped)) {
			fprintf(o->f, "  %-28s attached %llu, detached %llu",
				who_str(who, sizeof(who), u->proc), (unsigned long long)u->st.attaches,
				(unsigned long long)u->st.detaches);
			text_count(o, u->dropped, "still attached at exit or exec");
			fputc('\n', o->f);
		}
		if (obj->kind == IPC_KIND_SEM &&
		    (u->st.semop_calls || u->st.waits || u->st.eagain || u->st.errors)) {
			fprintf(o->f, "  %-28s %llu op(s) in %llu call(s), waited %llu time(s) %s",
				who_str(who, sizeof(who), u->proc), (unsigned long long)u->st.sem_ops,
				(unsigned long long)u->st.semop_calls, (unsigned long long)u->st.waits,
				format__ns(t, sizeof(t), u->st.wait_ns));
			if (u->st.undo)
				fprintf(o->f, ", SEM_UNDO %llu", (unsigned long long)u->st.undo);
			text_count(o, u->st.eagain, "EAGAIN");
			text_count(o, u->st.errors, "failed otherwise");
			fputc('\n', o->f);
		}
	}
	if (obj->kind == IPC_KIND_MSG || obj->kind == IPC_KIND_MQ)
		report_queue(o, obj);
	report_removed(o, obj);
}

static void report_mappings(struct output *o)
{
	char who[96], path[IPC_NAME_MAX * 4 + 1];
	bool headed = false;
	size_t read_only = 0;

	for (const struct map_obj *m = o->model->ipc.map_first; m; m = m->next_in_order) {
		bool shown = false;

		for (const struct map_user *u = m->users; u; u = u->next)
			shown |= !filter__active(o->filter) || filter__proc(o->filter, u->proc);
		if (!shown)
			continue;
		if (map_obj__read_only_file(m) && !o->verbose) {
			read_only++;
			continue;
		}
		if (!headed)
			fputs("\nshared mappings (object: who mapped it, bytes mapped in all while traced):\n", o->f);
		headed = true;
		sanitize__terminal(path, sizeof(path), m->path, strlen(m->path));
		fprintf(o->f, "%s %s (ino %llu)%s%s\n", map_kind__name(m->kind),
			m->kind == MAP_KIND_ANON ? "memory" : m->path[0] ? path : "-",
			(unsigned long long)m->ino,
			m->users && m->users->next ? "" : " (one process)",
			m->unlinked_ns ? " (name unlinked)" : "");
		for (const struct map_user *u = m->users; u; u = u->next) {
			fprintf(o->f, "  %-28s %llu B", who_str(who, sizeof(who), u->proc),
				(unsigned long long)u->bytes);
			/* bytes sums both: say so when it attached or mapped it itself too */
			if (u->inherited && u->maps)
				fprintf(o->f, " (inherited at fork, and %llu mapping(s) of its own)",
					(unsigned long long)u->maps);
			else if (u->inherited)
				fputs(" (inherited at fork)", o->f);
			fprintf(o->f, "%s\n", u->before ? " (mapped before tracing)" : "");
		}
	}
	if (read_only)
		fprintf(o->f, "%s%zu %s mapped MAP_SHARED but never writable (glibc's "
			"gconv-modules.cache and the like) not listed: no process writes to another "
			"through %s; -v lists %s\n",
			headed ? "" : "\n", read_only, read_only == 1 ? "file" : "files",
			read_only == 1 ? "it" : "them", read_only == 1 ? "it" : "them");
}

void text_ipc_report(struct output *o)
{
	bool headed = false;

	if (!filter__ipc(o->filter))
		return; /* -s: the report is about signals */
	for (const struct ipc_obj *obj = o->model->ipc.first; obj; obj = obj->next_in_order) {
		if (!users_pass(o->filter, obj))
			continue;
		if (!headed)
			fputs("\nSystem V IPC and POSIX message queues:\n", o->f);
		headed = true;
		report_object(o, obj);
	}
	report_mappings(o);
}
