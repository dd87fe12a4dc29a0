// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON Lines for System V IPC, POSIX message queues and shared mappings:
 * live "ipc", "map" and "ipc_open" records, and the report's "shm", "msgq",
 * "sem", "mq" and "mapping" records (docs/json-schema.md).
 */
#include <string.h>
#include "filter.h"
#include "format.h"
#include "ipc.h"
#include "kdev.h"
#include "sanitize.h"
#include "sink_json.h"

static void json_error(FILE *f, int err)
{
	char name[32];

	if (err)
		fprintf(f, ",\"error\":\"%s\"", format__errno(name, sizeof(name), err));
}

static void json_key(FILE *f, uint32_t key)
{
	fprintf(f, ",\"key\":\"0x%08x\"", key);
}

/* An object's key and size (or nsems), null when unknown (report_object()). */
static void json_obj_key_size(FILE *f, const struct ipc_obj *o, const char *size_name)
{
	if (o->key_known)
		json_key(f, o->key);
	else
		fputs(",\"key\":null", f);
	if (!size_name)
		return;
	if (o->size || o->key_known)
		fprintf(f, ",\"%s\":%llu", size_name, (unsigned long long)o->size);
	else
		fprintf(f, ",\"%s\":null", size_name);
}

/* "ops": the first operations (IPC_SEMOP_OPS_SEEN); null when they could not be read. */
static void json_semops(FILE *f, const struct ipc_event *e)
{
	uint16_t num[IPC_SEMOP_OPS_SEEN];
	int16_t op[IPC_SEMOP_OPS_SEEN];
	unsigned int n = ipc_event__semops(e, num, op), i;

	if (!n && e->size) {
		fputs(",\"ops\":null", f);
		return;
	}
	fputs(",\"ops\":[", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s{\"num\":%u,\"op\":%d}", i ? "," : "", num[i], op[i]);
	fputc(']', f);
}

static void json_live_ipc(FILE *f, const struct event_header *hdr, const struct ipc_event *e)
{
	json_begin(f, "ipc", hdr);
	json_self(f, &e->task);
	fprintf(f, ",\"op\":\"%s\"", ipc_op__name(e->op));
	switch (e->op) {
	case IPC_OP_SHMGET:
	case IPC_OP_MSGGET:
	case IPC_OP_SEMGET:
		json_key(f, (uint32_t)e->key);
		fprintf(f, ",\"flags\":\"0%llo\"", (unsigned long long)e->flags);
		if (e->op == IPC_OP_SHMGET)
			fprintf(f, ",\"size\":%llu", (unsigned long long)e->size);
		if (e->op == IPC_OP_SEMGET)
			fprintf(f, ",\"nsems\":%llu", (unsigned long long)e->size);
		break;
	case IPC_OP_SHMAT:
	case IPC_OP_SHMDT:
		fprintf(f, ",\"addr\":\"0x%llx\"", (unsigned long long)e->addr);
		if (e->op == IPC_OP_SHMAT)
			fprintf(f, ",\"readonly\":%s", e->flags & 010000 ? "true" : "false");
		break;
	case IPC_OP_MSGSND:
	case IPC_OP_MSGRCV:
		fprintf(f, ",\"mtype\":%lld,\"bytes\":%llu,\"nowait\":%s", (long long)e->key,
			(unsigned long long)e->size, e->flags & 04000 ? "true" : "false");
		if (e->op == IPC_OP_MSGRCV)
			fprintf(f, ",\"asked_mtype\":%lld,\"except\":%s", (long long)e->addr,
				e->flags & 020000 ? "true" : "false");
		break;
	case IPC_OP_SEMOP:
		fprintf(f, ",\"nsops\":%llu,\"undo\":%s,\"nowait\":%s", (unsigned long long)e->size,
			e->flags & IPC_F_SEM_UNDO ? "true" : "false",
			e->flags & IPC_F_SEM_NOWAIT ? "true" : "false");
		json_semops(f, e);
		break;
	case IPC_OP_SHMCTL:
	case IPC_OP_MSGCTL:
	case IPC_OP_SEMCTL:
		fprintf(f, ",\"cmd\":\"%s\"",
			e->key == 0 ? "IPC_RMID" : e->key == 1 ? "IPC_SET" :
			e->key == 16 ? "SETVAL" : e->key == 17 ? "SETALL" : "?");
		if (e->op == IPC_OP_SEMCTL && e->key == 16)
			fprintf(f, ",\"semnum\":%llu,\"value\":%lld", (unsigned long long)e->size,
				(long long)(int)e->flags);
		break;
	case IPC_OP_MQ_SEND:
	case IPC_OP_MQ_RECEIVE:
		fprintf(f, ",\"priority\":%llu,\"bytes\":%llu", (unsigned long long)e->key,
			(unsigned long long)e->size);
		break;
	}
	fprintf(f, ",\"kind\":\"%s\",\"id\":%llu", ipc_kind__name(ipc_op__kind(e->op)),
		(unsigned long long)e->id);
	if (e->blocked_ns)
		fprintf(f, ",\"blocked_ns\":%llu", (unsigned long long)e->blocked_ns);
	json_error(f, e->err);
	fputs("}\n", f);
}

static void json_live_map(struct output *o, const struct event_header *hdr,
			  const struct map_event *e)
{
	FILE *f = o->f;
	static const char *const ops[] = { "?", "mmap", "munmap", "mremap" };
	char err[32];

	json_begin(f, "map", hdr);
	json_self(f, &e->task);
	fprintf(f, ",\"op\":\"%s\",\"addr\":\"0x%llx\",\"len\":%llu", ops[e->op <= 3 ? e->op : 0],
		(unsigned long long)e->addr, (unsigned long long)e->len);
	/* munmap/mremap: the vma BPF found at entry (a mapping from before tracing too). */
	fprintf(f, ",\"kind\":\"%s\",\"ino\":%llu,\"dev\":%llu",
		map_kind__name(map_kind__of(e, o->model->ipc.devshm_dev)),
		(unsigned long long)e->ino, (unsigned long long)kdev__to_user(e->dev));
	if (e->op == MAP_OP_MMAP)
		fprintf(f, ",\"fd\":%d,\"prot\":%u", e->fd, e->prot);
	if (map_event__failed(e))
		fprintf(f, ",\"offset\":%llu,\"error\":\"%s\"", (unsigned long long)e->new_addr,
			format__errno(err, sizeof(err), map_event__failed(e)));
	fputs(",\"name\":", f); /* BPF's copy may fill the field without a NUL */
	sanitize__json(f, e->name, sanitize__strnlen(e->name, sizeof(e->name)));
	if (e->op == MAP_OP_MREMAP)
		fprintf(f, ",\"new_addr\":\"0x%llx\",\"new_len\":%llu",
			(unsigned long long)e->new_addr, (unsigned long long)e->new_len);
	fputs("}\n", f);
}

static void json_live_open(FILE *f, const struct event_header *hdr,
			   const struct ipc_open_event *e)
{
	char name[IPCSCOPE_PATH_LEN + 2];

	snprintf(name, sizeof(name), "%s%.*s",
		 e->op == IPC_OPEN_MQ_OPEN || e->op == IPC_OPEN_MQ_UNLINK ? "/" : "",
		 IPCSCOPE_PATH_LEN, e->name);
	json_begin(f, "ipc_open", hdr);
	json_self(f, &e->task);
	fprintf(f, ",\"op\":\"%s\",\"name\":", ipc_open_op__name(e->op));
	json_str(f, name);
	if (e->ret >= 0 && e->op != IPC_OPEN_MQ_UNLINK && e->op != IPC_OPEN_SHM_UNLINK)
		fprintf(f, ",\"fd\":%d,\"ino\":%llu,\"dev\":%llu", e->ret,
			(unsigned long long)e->ino, (unsigned long long)kdev__to_user(e->dev));
	json_error(f, e->ret < 0 ? e->ret : 0);
	fputs("}\n", f);
}

void json_ipc_record(struct output *o, const struct event_header *hdr, const void *rec)
{
	switch (hdr->type) {
	case EVENT_IPC:
		json_live_ipc(o->f, hdr, rec);
		break;
	case EVENT_MAP:
		json_live_map(o, hdr, rec);
		break;
	case EVENT_IPC_OPEN:
		json_live_open(o->f, hdr, rec);
		break;
	}
}

/* ---- report ---- */

static void json_who(FILE *f, const struct proc *p)
{
	fprintf(f, "{\"pid\":%u,\"comm\":", p->pid);
	json_str(f, p->comm[0] ? p->comm : "?");
}

static void json_proc_field(FILE *f, const char *key, const struct proc *p)
{
	if (!p) {
		fprintf(f, ",\"%s\":null", key);
		return;
	}
	fprintf(f, ",\"%s\":", key);
	json_who(f, p);
	fputc('}', f);
}

static void json_types(FILE *f, const struct ipc_user *u, bool sent, const char *key)
{
	bool first = true;

	fprintf(f, ",\"%s\":{", key);
	for (const struct ipc_type_count *c = u->types; c; c = c->next) {
		uint64_t n = sent ? c->sends : c->receives;

		if (!n)
			continue;
		fprintf(f, "%s\"%lld\":%llu", first ? "" : ",", (long long)c->type,
			(unsigned long long)n);
		first = false;
	}
	fputc('}', f);
}

static void json_errors(FILE *f, const struct ipc_stats *s)
{
	fprintf(f, ",\"enomsg\":%llu,\"eagain\":%llu,\"eidrm\":%llu,\"errors\":%llu",
		s->enomsg, s->eagain, s->eidrm, s->errors);
}

/* Senders and receivers of a message queue (System V or POSIX). */
static void json_traffic(FILE *f, const struct ipc_obj *o)
{
	const char *types = o->kind == IPC_KIND_MQ ? "priorities" : "types";
	bool first = true;

	fputs(",\"senders\":[", f);
	for (const struct ipc_user *u = o->users; u; u = u->next) {
		if (!u->st.sends && !u->st.send_blocked_ns)
			continue;
		fputs(first ? "" : ",", f);
		json_who(f, u->proc);
		fprintf(f, ",\"msgs\":%llu,\"bytes\":%llu,\"blocked_ns\":%llu", u->st.sends,
			u->st.send_bytes, u->st.send_blocked_ns);
		json_types(f, u, true, types);
		fputc('}', f);
		first = false;
	}
	fputs("],\"receivers\":[", f);
	first = true;
	for (const struct ipc_user *u = o->users; u; u = u->next) {
		if (!u->st.receives && !u->st.recv_blocked_ns && !u->st.enomsg && !u->st.eidrm)
			continue;
		fputs(first ? "" : ",", f);
		json_who(f, u->proc);
		fprintf(f, ",\"msgs\":%llu,\"bytes\":%llu,\"blocked_ns\":%llu", u->st.receives,
			u->st.recv_bytes, u->st.recv_blocked_ns);
		json_types(f, u, false, types);
		json_errors(f, &u->st);
		fputc('}', f);
		first = false;
	}
	fputc(']', f);
}

static void json_removed(FILE *f, const struct ipc_obj *o)
{
	fprintf(f, ",\"removed\":%s", o->removed ? "true" : "false");
	if (!o->removed)
		return;
	fprintf(f, ",\"removed_ns\":%llu", (unsigned long long)o->removed_ns);
	json_proc_field(f, "removed_by", o->remover);
}

static void json_shm(FILE *f, const struct ipc_obj *o)
{
	bool first = true;

	fprintf(f, "{\"type\":\"shm\",\"shmid\":%llu", (unsigned long long)o->id);
	json_obj_key_size(f, o, "size");
	json_proc_field(f, "creator", o->creator);
	fprintf(f, ",\"before_tracing\":%s", o->before_tracing ? "true" : "false");
	fputs(",\"attachers\":[", f);
	for (const struct ipc_user *u = o->users; u; u = u->next) {
		if (!u->st.attaches && !u->st.detaches && !u->dropped)
			continue;
		fputs(first ? "" : ",", f);
		json_who(f, u->proc);
		fprintf(f, ",\"attaches\":%llu,\"detaches\":%llu,\"dropped_at_exit\":%llu}",
			u->st.attaches, u->st.detaches, (unsigned long long)u->dropped);
		first = false;
	}
	fputc(']', f);
	json_removed(f, o);
	if (o->removed)
		fprintf(f, ",\"attached_at_removal\":%d", o->attached_at_removal);
	if (o->destroyed_ns) {
		fprintf(f, ",\"destroyed_ns\":%llu,\"destroyed_at_last_detach\":%s",
			(unsigned long long)o->destroyed_ns,
			o->attached_at_removal > 0 ? "true" : "false");
		json_proc_field(f, "last_detacher", o->attached_at_removal > 0 ? o->last_detacher
									       : NULL);
	}
	fputs("}\n", f);
}

static void json_msgq(FILE *f, const struct ipc_obj *o)
{
	fprintf(f, "{\"type\":\"msgq\",\"msqid\":%llu", (unsigned long long)o->id);
	json_obj_key_size(f, o, NULL);
	json_proc_field(f, "creator", o->creator);
	fprintf(f, ",\"before_tracing\":%s", o->before_tracing ? "true" : "false");
	json_traffic(f, o);
	json_removed(f, o);
	fputs("}\n", f);
}

static void json_sem(FILE *f, const struct ipc_obj *o)
{
	bool first = true;

	fprintf(f, "{\"type\":\"sem\",\"semid\":%llu", (unsigned long long)o->id);
	json_obj_key_size(f, o, "nsems");
	json_proc_field(f, "creator", o->creator);
	fprintf(f, ",\"before_tracing\":%s", o->before_tracing ? "true" : "false");
	fputs(",\"users\":[", f);
	for (const struct ipc_user *u = o->users; u; u = u->next) {
		if (!u->st.semop_calls && !u->st.waits && !u->st.eagain && !u->st.errors &&
		    !u->st.eidrm)
			continue;
		fputs(first ? "" : ",", f);
		json_who(f, u->proc);
		fprintf(f, ",\"ops\":%llu,\"calls\":%llu,\"waits\":%llu,\"wait_ns\":%llu,\"undo\":%llu",
			u->st.sem_ops, u->st.semop_calls, u->st.waits, u->st.wait_ns, u->st.undo);
		json_errors(f, &u->st);
		fputc('}', f);
		first = false;
	}
	fputc(']', f);
	json_removed(f, o);
	fputs("}\n", f);
}

static void json_mq(FILE *f, const struct ipc_obj *o)
{
	fputs("{\"type\":\"mq\",\"name\":", f);
	if (o->name[0])
		json_str(f, o->name);
	else
		fputs("null", f);
	fprintf(f, ",\"ino\":%llu,\"dev\":%llu", (unsigned long long)o->id,
		(unsigned long long)kdev__to_user(o->dev));
	json_proc_field(f, "creator", o->creator);
	json_traffic(f, o);
	fprintf(f, ",\"notify_calls\":%llu", (unsigned long long)o->notify_calls);
	json_removed(f, o);
	fputs("}\n", f);
}

/* One record per (process, mapped object), naming the others that mapped it. */
static void json_mapping(FILE *f, const struct map_obj *o, const struct map_user *u)
{
	bool first = true;

	fprintf(f, "{\"type\":\"mapping\",\"pid\":%u,\"comm\":", u->proc->pid);
	json_str(f, u->proc->comm[0] ? u->proc->comm : "?");
	fprintf(f, ",\"kind\":\"%s\"", map_kind__name(o->kind));
	if (o->path[0])
		json_path(f, o->path, sizeof(o->path));
	else
		fputs(",\"path\":null", f);
	fprintf(f, ",\"ino\":%llu,\"dev\":%llu,\"bytes\":%llu,\"maps\":%llu,\"inherited\":%s"
		   ",\"before_tracing\":%s",
		(unsigned long long)o->ino,
		o->dev == UINT32_MAX ? 0ULL : (unsigned long long)kdev__to_user(o->dev),
		(unsigned long long)u->bytes, (unsigned long long)u->maps,
		u->inherited ? "true" : "false", u->before ? "true" : "false");
	if (o->kind == MAP_KIND_POSIX_SHM)
		fprintf(f, ",\"unlinked\":%s", o->unlinked_ns ? "true" : "false");
	fputs(",\"shared_with\":[", f);
	for (const struct map_user *w = o->users; w; w = w->next) {
		if (w->proc == u->proc || w->proc->pid == u->proc->pid)
			continue;
		fprintf(f, "%s%u", first ? "" : ",", w->proc->pid);
		first = false;
	}
	fputs("]}\n", f);
}

static bool users_pass(const struct filter *flt, const struct ipc_obj *o)
{
	for (const struct ipc_user *u = o->users; u; u = u->next)
		if (!filter__active(flt) || filter__proc(flt, u->proc))
			return true;
	return false;
}

void json_ipc_report(struct output *out)
{
	const struct ipc_table *t = &out->model->ipc;
	const struct filter *flt = out->filter;
	FILE *f = out->f;

	if (!filter__ipc(flt))
		return; /* -s: the report is about signals */
	for (const struct ipc_obj *o = t->first; o; o = o->next_in_order) {
		if (!users_pass(flt, o))
			continue;
		switch (o->kind) {
		case IPC_KIND_SHM:
			json_shm(f, o);
			break;
		case IPC_KIND_MSG:
			json_msgq(f, o);
			break;
		case IPC_KIND_SEM:
			json_sem(f, o);
			break;
		case IPC_KIND_MQ:
			json_mq(f, o);
			break;
		}
	}
	for (const struct map_obj *o = t->map_first; o; o = o->next_in_order)
		for (const struct map_user *u = o->users; u; u = u->next)
			if (!filter__active(flt) || filter__proc(flt, u->proc))
				json_mapping(f, o, u);
}
