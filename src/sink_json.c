// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON Lines: one object per line, every string through sanitize__json, so
 * the stream stays valid whatever names the traced processes chose. The
 * schema is docs/json-schema.md; field names there are a contract.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "feature_map.h"
#include "format.h"
#include "histogram.h"
#include "kdev.h"
#include "output.h"
#include "sanitize.h"
#include "signals.h"
#include "sink_json.h"

void json_str(FILE *f, const char *s)
{
	sanitize__json(f, s, strlen(s));
}

void json_comm(FILE *f, const char *comm)
{
	sanitize__json(f, comm, sanitize__strnlen(comm, IPCSCOPE_COMM_LEN));
}

static void json_task(FILE *f, const char *key, const struct task_ref *t)
{
	fprintf(f, ",\"%s\":{\"pid\":%u,\"tid\":%u,\"comm\":", key, t->pid, t->tid);
	json_comm(f, t->comm);
	fputc('}', f);
}

/*
 * "ts_ns", "count" and the folded flag: common to every live record. A
 * folded one also says how long its repeats ran from ts_ns (the first): it
 * goes out when they end, after records of events that came meanwhile.
 */
void json_begin(FILE *f, const char *type, const struct event_header *hdr)
{
	fprintf(f, "{\"type\":\"%s\",\"ts_ns\":%llu", type, hdr->ts_ns);
	if (hdr->count != 1 || (hdr->flags & EVENT_F_FOLDED))
		fprintf(f, ",\"count\":%u,\"folded\":%s", hdr->count,
			hdr->flags & EVENT_F_FOLDED ? "true" : "false");
	if (hdr->flags & EVENT_F_FOLDED)
		fprintf(f, ",\"span_ns\":%llu", (unsigned long long)hdr->span_us * 1000);
}

/* ,"local":"1.2.3.4:5","remote":"[::1]:80" for a TCP/UDP socket, nothing otherwise. */
static void json_inet(FILE *f, const struct inet_ends *inet)
{
	char local[64], remote[64];

	if (!format__inet_end(local, sizeof(local), inet, true) ||
	    !format__inet_end(remote, sizeof(remote), inet, false))
		return;
	fprintf(f, ",\"local\":\"%s\",\"remote\":\"%s\"", local, remote);
}


/* ,"key":{"kind":..,"ino":..,"dev":..} plus a FIFO's path and a socket's ends when known. */
static void json_object_full(FILE *f, const char *key, unsigned int kind, uint64_t ino,
			     uint32_t dev, const char *path, size_t path_max,
			     const struct inet_ends *inet)
{
	fprintf(f, ",\"%s\":{\"kind\":\"%s\",\"ino\":%llu,\"dev\":%llu", key,
		obj_kind__name(kind), (unsigned long long)ino,
		(unsigned long long)kdev__to_user(dev));
	if (path && path[0])
		json_path(f, path, path_max);
	if (inet)
		json_inet(f, inet);
	fputc('}', f);
}

/* A record's object, with the FIFO's path when the model knows it (src/pipes.h). */
static void json_object(FILE *f, const struct model *m, const char *key,
			const struct obj_ref *obj, const struct inet_ends *inet)
{
	json_object_full(f, key, obj->kind, obj->ino, obj->dev,
			 pipe_table__path(&m->pipes, obj), PIPE_PATH_MAX, inet);
}

void json_path(FILE *f, const char *path, size_t max)
{
	fputs(",\"path\":", f);
	sanitize__json(f, path, sanitize__strnlen(path, max));
}

static const char *sigpipe_action__name(unsigned int a)
{
	static const char *const names[] = { "default", "ignore", "handler", "blocked",
					     "nosignal" };

	return names[a < 5 ? a : 0];
}

static void json_sig(FILE *f, int sig)
{
	fprintf(f, ",\"sig\":%d,\"signal\":\"%s\"", sig, sig__name(sig));
}

/* pid/tid/comm at top level, as the contract's per-process records have it. */
void json_self(FILE *f, const struct task_ref *t)
{
	fprintf(f, ",\"pid\":%u,\"tid\":%u,\"comm\":", t->pid, t->tid);
	json_comm(f, t->comm);
}

static void json_sigset(FILE *f, const char *key, uint64_t mask)
{
	bool first = true;

	fprintf(f, ",\"%s\":[", key);
	for (int sig = 1; sig <= IPCSCOPE_NSIG; sig++) {
		if (!(mask & (1ULL << (sig - 1))))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", sig__name(sig));
		first = false;
	}
	fputc(']', f);
}

static void json_generate(FILE *f, const struct model *m, const struct sig_generate_event *e)
{
	json_begin(f, "signal", &e->hdr);
	json_sig(f, e->sig);
	fprintf(f, ",\"code\":\"%s\",\"result\":\"%s\",\"via\":\"%s\"", si_code__name(e->sig, e->code),
		sig_result__name(e->result), sig_via__name(e->via));
	if (e->has_sender)
		json_task(f, "sender", &e->sender);
	else
		fputs(",\"sender\":null", f);
	json_task(f, "target", &e->target);
	fprintf(f, ",\"group\":%s,\"blocked\":%s", e->group ? "true" : "false",
		e->blocked ? "true" : "false");
	if (e->result == SIG_RESULT_IGNORED && ignored_why__name(e->ignored_why))
		fprintf(f, ",\"ignored_because\":\"%s\"", ignored_why__name(e->ignored_why));
	if (decode__info_names_pid(e)) {
		/* Host pid when known; the target's namespace's number when it differs. */
		if (e->info_pid_host >= 0)
			fprintf(f, ",\"si_pid\":%d", e->info_pid_host);
		if (e->info_pid_host != e->info_pid)
			fprintf(f, ",\"si_pid_ns\":%d", e->info_pid);
	}
	if (e->bits & SIG_GEN_VALUE)
		fprintf(f, ",\"value\":{\"int\":%d,\"ptr\":\"%#llx\"}", (int)(uint32_t)e->value,
			(unsigned long long)e->value);
	if (e->bits & SIG_GEN_CONTINUED)
		fputs(",\"continued\":true", f);
	if (e->via == VIA_KILL && (e->bits & SIG_GEN_KILL_PID))
		fprintf(f, ",\"kill_pid\":%lld", (long long)e->kill_pid);
	if (e->object.kind != OBJ_NONE)
		json_object(f, m, "object", &e->object, pipe_table__inet(&m->pipes, &e->object));
	if (e->in_interrupt)
		fputs(",\"interrupt\":true", f);
	if (decode__context_is_cause(e)) {
		json_task(f, "context", &e->context);
		if (e->syscall_nr >= 0 && e->context.pid == e->target.pid)
			fprintf(f, ",\"syscall\":\"%s\"", syscall__name(e->syscall_nr));
	}
	fputs("}\n", f);
}

/* "handler":"0x...", and its function and file when they can be named (code_names.h). */
static void json_handler(FILE *f, struct output *o, const struct task_ref *task, uint64_t image,
			 uint64_t addr)
{
	struct code_name n;
	char sym[96];

	fprintf(f, ",\"handler\":\"%#llx\"", (unsigned long long)addr);
	if (!output__code_name(o, task, image, addr, &n))
		return;
	if (n.func[0]) {
		if (n.func_offset)
			snprintf(sym, sizeof(sym), "%s+%#llx", n.func,
				 (unsigned long long)n.func_offset);
		else
			snprintf(sym, sizeof(sym), "%s", n.func);
		fputs(",\"handler_symbol\":", f);
		sanitize__json(f, sym, strlen(sym));
	}
	fputs(",\"handler_object\":", f);
	sanitize__json(f, n.object, strnlen(n.object, sizeof(n.object)));
}

static void json_deliver(FILE *f, struct output *o, const struct sig_deliver_event *e)
{
	json_begin(f, "signal_deliver", &e->hdr);
	json_sig(f, e->sig);
	json_self(f, &e->task);
	fprintf(f, ",\"action\":\"%s\",\"default_action\":\"%s\"", deliver_action__name(e->action),
		default_action__name(sig__default_action(e->sig)));
	if (e->action == ACTION_HANDLER)
		json_handler(f, o, &e->task, e->image, e->handler);
	if (e->pending_known)
		fprintf(f, ",\"pending_ns\":%llu", e->pending_ns);
	else
		fputs(",\"pending_ns\":null", f);
	if (e->converted_kill)
		fputs(",\"kernel_reported\":\"SIGKILL\"", f);
	if (e->code == SI_TIMER)
		fprintf(f, ",\"overrun\":%d", e->overrun);
	if (interrupted__cause(e->interrupted) && syscall__name(e->syscall_nr))
		fprintf(f, ",\"interrupted\":{\"syscall\":\"%s\",\"nr\":%d,\"outcome\":\"%s\""
			   ",\"by\":\"%s\"}",
			syscall__name(e->syscall_nr), e->syscall_nr,
			interrupted__restarted(e->interrupted) ? "restarted" : "eintr",
			interrupted__cause(e->interrupted));
	fputs("}\n", f);
}

struct flag_list {
	FILE *f;
	bool first;
};

static void json_flag(const char *name, void *ctx)
{
	struct flag_list *l = ctx;

	fprintf(l->f, "%s\"%s\"", l->first ? "" : ",", name);
	l->first = false;
}

/* alarm() / setitimer(): docs/json-schema.md "timer". */
static void json_timer(FILE *f, const struct timer_event *e)
{
	const char *which = itimer__name(e->which);
	int sig = itimer__signal(e->which);
	char err[32];

	json_begin(f, "timer", &e->hdr);
	json_self(f, &e->task);
	fprintf(f, ",\"op\":\"%s\"", e->op == TIMER_OP_ALARM ? "alarm" : "setitimer");
	if (which)
		fprintf(f, ",\"which\":\"%s\",\"signal\":\"%s\"", which, sig__name(sig));
	if (e->flags & TIMER_F_ASKED)
		fprintf(f, ",\"value_ns\":%llu,\"interval_ns\":%llu",
			(unsigned long long)timeval__ns(e->asked.value_sec, e->asked.value_usec),
			(unsigned long long)timeval__ns(e->asked.interval_sec,
							e->asked.interval_usec));
	if (e->op == TIMER_OP_ALARM && e->ret >= 0)
		fprintf(f, ",\"seconds_left\":%lld", (long long)e->ret);
	if (e->flags & TIMER_F_OLD)
		fprintf(f, ",\"old_value_ns\":%llu,\"old_interval_ns\":%llu",
			(unsigned long long)timeval__ns(e->old.value_sec, e->old.value_usec),
			(unsigned long long)timeval__ns(e->old.interval_sec, e->old.interval_usec));
	if (e->ret < 0)
		fprintf(f, ",\"error\":\"%s\"", format__errno(err, sizeof(err), (int)e->ret));
	fputs("}\n", f);
}

/* kill() and the like that failed: docs/json-schema.md "signal_failed". */
static void json_sig_failed(FILE *f, const struct sig_failed_event *e)
{
	char err[32];

	json_begin(f, "signal_failed", &e->hdr);
	fprintf(f, ",\"sig\":%d", e->sig);
	if (e->sig >= 1 && e->sig <= IPCSCOPE_NSIG)
		fprintf(f, ",\"signal\":\"%s\"", sig__name(e->sig));
	fprintf(f, ",\"via\":\"%s\"", sig_via__name(e->via));
	json_task(f, "sender", &e->sender);
	if (e->via == VIA_KILL)
		fprintf(f, ",\"kill_pid\":%lld", (long long)e->target);
	else if (e->target > 0)
		fprintf(f, e->target_in_ns ? ",\"target_pid_ns\":%lld" : ",\"target_pid\":%lld",
			(long long)e->target);
	if (e->tid)
		fprintf(f, ",\"target_tid\":%d", e->tid);
	if (e->via == VIA_PIDFD_SEND_SIGNAL)
		fprintf(f, ",\"pidfd\":%d", e->pidfd);
	fprintf(f, ",\"error\":\"%s\"}\n", format__errno(err, sizeof(err), e->err));
}

/*
 * ,"killed_by":{"pid":N,"comm":"..."}, or null for the kernel: who sent the
 * signal p died of, when its generation was seen (proc_killer).
 */
static void json_killed_by(FILE *f, const struct proc *p)
{
	if (!proc__killer_known(p))
		return;
	if (p->killer.kernel) {
		fputs(",\"killed_by\":null", f);
		return;
	}
	fprintf(f, ",\"killed_by\":{\"pid\":%u,\"comm\":", p->killer.pid);
	json_comm(f, p->killer.comm);
	fputc('}', f);
}

/* The rest of a fifo_open record: wait_ns null when not measured (docs/json-schema.md). */
static void fifo_open__json(FILE *f, const struct fifo_event *e)
{
	fprintf(f, ",\"ino\":%llu,\"fd\":%d,\"side\":\"%s\",\"wait_ns\":", e->fifo.ino, e->fd,
		pipe_side__name(e->mode));
	if (e->wait_ns == FIFO_WAIT_UNKNOWN)
		fputs("null", f);
	else
		fprintf(f, "%llu", e->wait_ns);
	fprintf(f, ",\"restarted\":%s}\n", e->flags & FIFO_F_RESTARTED ? "true" : "false");
}

static void json_record(struct output *o, const struct event_header *hdr, const void *rec)
{
	FILE *f = o->f;

	switch (hdr->type) {
	case EVENT_SIG_GENERATE:
		json_generate(f, o->model, rec);
		break;
	case EVENT_SIG_DELIVER:
		json_deliver(f, o, rec);
		break;
	case EVENT_SIG_HANDLER_RETURN: {
		const struct sig_handler_return_event *e = rec;

		json_begin(f, "signal_handler_return", hdr);
		json_sig(f, e->sig);
		json_self(f, &e->task);
		fprintf(f, ",\"handler_ns\":%llu}\n", e->handler_ns);
		break;
	}
	case EVENT_SIG_ACCEPT: {
		const struct sig_accept_event *e = rec;

		json_begin(f, "signal_accept", hdr);
		json_sig(f, e->sig);
		json_self(f, &e->task);
		fprintf(f, ",\"via\":\"%s\"", accept_via__name(e->via));
		if (e->pending_known)
			fprintf(f, ",\"pending_ns\":%llu}\n", e->pending_ns);
		else
			fputs(",\"pending_ns\":null}\n", f);
		break;
	}
	case EVENT_SIGACTION: {
		const struct sigaction_event *e = rec;
		struct flag_list l = { f, true };
		char buf[32];

		json_begin(f, "sigaction", hdr);
		json_sig(f, e->sig);
		json_self(f, &e->task);
		if (e->handler <= 1)
			fprintf(f, ",\"handler\":\"%s\"", e->handler ? "ignore" : "default");
		else
			json_handler(f, o, &e->task, e->image, e->handler);
		fputs(",\"flags\":[", f);
		format__each_sa_flag(e->sa_flags, json_flag, &l);
		fputc(']', f);
		json_sigset(f, "mask", e->sa_mask);
		if (e->err)
			fprintf(f, ",\"error\":\"%s\"", format__errno(buf, sizeof(buf), e->err));
		if (e->discarded)
			fprintf(f, ",\"discarded_pending\":%u", e->discarded);
		fputs("}\n", f);
		break;
	}
	case EVENT_SIGPROCMASK: {
		const struct sigprocmask_event *e = rec;

		if (e->how == MASK_HOW_WAIT) {
			json_begin(f, "sigmask_wait", hdr);
			json_self(f, &e->task);
			fprintf(f, ",\"call\":\"%s\"", syscall__name(e->syscall_nr) ?
								 syscall__name(e->syscall_nr) : "?");
		} else {
			json_begin(f, "sigprocmask", hdr);
			json_self(f, &e->task);
			fprintf(f, ",\"how\":\"%s\"", sigprocmask_how__name(e->how));
		}
		json_sigset(f, "blocked", e->new_mask & ~e->old_mask);
		json_sigset(f, "unblocked", e->old_mask & ~e->new_mask);
		json_sigset(f, "mask", e->new_mask);
		if (e->how == MASK_HOW_WAIT)
			json_sigset(f, "mask_after", e->old_mask);
		fputs("}\n", f);
		break;
	}
	case EVENT_PROC_EXIT: {
		const struct lifecycle_event *e = rec;
		const struct proc *p = proc_table__find(o->model->procs, e->task.pid,
							e->task.start_ns);
		int sig = e->exit_code & 0x7f;

		json_begin(f, "exit", hdr);
		fprintf(f, ",\"pid\":%u,\"ppid\":%u,\"comm\":", e->task.pid, e->parent.pid);
		json_comm(f, p ? p->comm : e->task.comm);
		if (sig) {
			fprintf(f, ",\"signal\":\"%s\",\"sig\":%d,\"core\":%s", sig__name(sig), sig,
				e->exit_code & 0x80 ? "true" : "false");
			if (p && p->exited && p->exit_status == e->exit_code)
				json_killed_by(f, p);
		} else {
			fprintf(f, ",\"code\":%d", (e->exit_code >> 8) & 0xff);
		}
		if (e->discarded) {
			fprintf(f, ",\"discarded_pending\":%u", e->discarded);
			json_sigset(f, "discarded_signals", e->discarded_mask);
		}
		fputs("}\n", f);
		break;
	}
	case EVENT_PIPE_CREATE: {
		const struct pipe_create_event *e = rec;

		json_begin(f, "pipe_create", hdr);
		json_self(f, &e->task);
		fprintf(f, ",\"ino\":%llu,\"fd_read\":%d,\"fd_write\":%d,\"nonblock\":%s"
			   ",\"direct\":%s}\n",
			e->pipe.ino, e->fd_read, e->fd_write, e->flags & 04000 ? "true" : "false",
			e->flags & 040000 ? "true" : "false");
		break;
	}
	case EVENT_FIFO_CREATE:
	case EVENT_FIFO_OPEN: {
		const struct fifo_event *e = rec;

		json_begin(f, hdr->type == EVENT_FIFO_CREATE ? "fifo_create" : "fifo_open", hdr);
		json_self(f, &e->task);
		json_path(f, e->path, sizeof(e->path));
		if (hdr->type == EVENT_FIFO_CREATE)
			fprintf(f, ",\"mode\":\"%04o\",\"umask\":\"%04o\"}\n", e->mode, e->flags);
		else
			fifo_open__json(f, e);
		break;
	}
	case EVENT_PIPE_CLOSE: {
		const struct pipe_close_event *e = rec;

		json_begin(f, "pipe_close", hdr);
		json_self(f, &e->task);
		json_object(f, o->model, "object", &e->pipe, NULL);
		fprintf(f, ",\"fd\":%d,\"side\":\"%s\",\"by\":\"%s\",\"last_reader\":%s"
			   ",\"last_writer\":%s}\n",
			e->fd, pipe_side__name(e->mode), close_how__name(e->how),
			pipe_close__last_reader(e) ? "true" : "false",
			pipe_close__last_writer(e) ? "true" : "false");
		break;
	}
	case EVENT_PIPE_DUP: {
		const struct pipe_dup_event *e = rec;

		json_begin(f, "pipe_dup", hdr);
		json_self(f, &e->task);
		fprintf(f, ",\"syscall\":\"%s\",\"fd_old\":%d,\"fd\":%d",
			syscall__name(e->syscall_nr) ? syscall__name(e->syscall_nr) : "?",
			e->old_fd, e->new_fd);
		json_object(f, o->model, "object", &e->pipe, NULL);
		fprintf(f, ",\"side\":\"%s\"}\n", pipe_side__name(e->mode));
		break;
	}
	case EVENT_PIPE_IO: {
		const struct pipe_io_event *e = rec;
		static const char *const what[] = { [PIPE_IO_EOF] = "eof",
						    [PIPE_IO_EAGAIN] = "eagain",
						    [PIPE_IO_WAITED] = "waited",
						    [PIPE_IO_INTERRUPTED] = "interrupted" };

		json_begin(f, "pipe_io", hdr);
		json_self(f, &e->task);
		fprintf(f, ",\"fd\":%d", e->fd);
		json_object(f, o->model, "object", &e->object, NULL);
		fprintf(f, ",\"syscall\":\"%s\",\"side\":\"%s\",\"what\":\"%s\"",
			syscall__name(e->syscall_nr) ? syscall__name(e->syscall_nr) : "?",
			e->write ? "write" : "read",
			e->what < sizeof(what) / sizeof(what[0]) && what[e->what] ? what[e->what] : "?");
		fprintf(f, ",\"waited_ns\":%llu}\n", (unsigned long long)e->waited_ns);
		break;
	}
	case EVENT_EPIPE: {
		const struct epipe_event *e = rec;

		json_begin(f, "epipe", hdr);
		json_self(f, &e->task);
		fprintf(f, ",\"fd\":%d", e->fd);
		json_object(f, o->model, "object", &e->object, &e->inet);
		fprintf(f, ",\"syscall\":\"%s\",\"sigpipe_action\":\"%s\"}\n",
			syscall__name(e->syscall_nr) ? syscall__name(e->syscall_nr) : "?",
			sigpipe_action__name(e->sigpipe_action));
		break;
	}
	case EVENT_IPC:
	case EVENT_MAP:
	case EVENT_IPC_OPEN:
		json_ipc_record(o, hdr, rec);
		break;
	case EVENT_PROC_FORK:
	case EVENT_PROC_EXEC: {
		const struct lifecycle_event *e = rec;

		json_begin(f, hdr->type == EVENT_PROC_FORK ? "fork" : "exec", hdr);
		json_self(f, &e->task);
		fprintf(f, ",\"ppid\":%u}\n", e->parent.pid);
		break;
	}
	case EVENT_TIMER:
		json_timer(f, rec);
		break;
	case EVENT_SIG_FAILED:
		json_sig_failed(f, rec);
		break;
	}
}

static void json_lost(struct output *o, unsigned int reason, uint64_t count, uint64_t total)
{
	fprintf(o->f, "{\"type\":\"lost\",\"count\":%llu,\"total\":%llu"
		      ",\"reason\":\"%s\"}\n",
		(unsigned long long)count, (unsigned long long)total,
		loss_reason__name(reason));
}

/* ,"exit":{"code":N} or ,"exit":{"signal":"SIGPIPE","core":false} from a wait status. */
static void json_exit(FILE *f, int status)
{
	int sig = status & 0x7f;

	if (sig)
		fprintf(f, ",\"exit\":{\"signal\":\"%s\",\"core\":%s}", sig__name(sig),
			status & 0x80 ? "true" : "false");
	else
		fprintf(f, ",\"exit\":{\"code\":%d}", (status >> 8) & 0xff);
}

/*
 * N, or null when the feature that counts it is off (its tracepoint is
 * missing on this kernel): not measured is not zero.
 */
static void json_value(FILE *f, uint64_t n, uint32_t off, unsigned int feature)
{
	if (off & FEATURE_BIT(feature))
		fputs("null", f);
	else
		fprintf(f, "%llu", (unsigned long long)n);
}

static void json_count(FILE *f, const char *key, uint64_t n, uint32_t off, unsigned int feature)
{
	fprintf(f, ",\"%s\":", key);
	json_value(f, n, off, feature);
}

/* One signals_received entry's counters, null where their feature is off. */
static void json_received(FILE *f, const struct sig_stats *s, uint32_t off)
{
	static const struct {
		const char *key;
		unsigned int result;
	} results[] = {
		{ "queued", SIG_RESULT_QUEUED },
		{ "ignored", SIG_RESULT_IGNORED },
		{ "already_pending", SIG_RESULT_ALREADY_PENDING },
		{ "overflow", SIG_RESULT_OVERFLOW },
		{ "lose_info", SIG_RESULT_LOSE_INFO },
	};

	fputs("\"generated\":", f);
	json_value(f, sig_stats__generated(s), off, FEATURE_SIGNAL_GENERATION);
	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++)
		json_count(f, results[i].key, s->received[results[i].result], off,
			   FEATURE_SIGNAL_GENERATION);
	json_count(f, "blocked", s->received_blocked, off, FEATURE_SIGNAL_GENERATION);
	json_count(f, "delivered", sig_stats__delivered(s), off, FEATURE_SIGNAL_DELIVERY);
	json_count(f, "handled", s->delivered[ACTION_HANDLER], off, FEATURE_SIGNAL_DELIVERY);
	json_count(f, "default", s->delivered[ACTION_DEFAULT], off, FEATURE_SIGNAL_DELIVERY);
	json_count(f, "ignored_at_delivery", s->delivered[ACTION_IGNORE], off,
		   FEATURE_SIGNAL_DELIVERY);
	json_count(f, "accepted", s->accepted, off, FEATURE_SYSCALLS);
	json_count(f, "discarded", s->discarded, off, FEATURE_PENDING_TIME);
	json_count(f, "pending_unknown", sig_stats__pending_unknown(s), off, FEATURE_PENDING_TIME);
	json_count(f, "handler_returns", s->handler_returns, off, FEATURE_HANDLER_TIME);
}

/*
 * ,"signals_sent":{"SIGUSR1":N}, or null when signal generation is off; {}
 * with --match target (report__sent_side).
 */
static void json_signals_sent(FILE *f, const struct proc *p, const struct filter *flt,
			      uint32_t off)
{
	bool first = true;

	if (off & FEATURE_BIT(FEATURE_SIGNAL_GENERATION)) {
		fputs(",\"signals_sent\":null", f);
		return;
	}
	fputs(",\"signals_sent\":{", f);
	for (int sig = 1; sig <= IPCSCOPE_NSIG; sig++) {
		const struct sig_stats *s = model__sig_stats(p, sig);

		if (!s || !sig_stats__sent(s) || !filter__sig(flt, sig) ||
		    !report__sent_side(flt))
			continue;
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",", sig__name(sig),
			(unsigned long long)sig_stats__sent(s));
		first = false;
	}
	fputc('}', f);
}

/* signals_received is {} with --match sender (report__received_side). */
static void json_process(FILE *f, const struct proc *p, const struct filter *flt, uint32_t off)
{
	bool first = true;

	fprintf(f, "{\"type\":\"process\",\"pid\":%u,\"ppid\":%u,\"start_ns\":%llu,\"comm\":",
		p->pid, p->ppid, (unsigned long long)p->start_ns);
	json_str(f, p->comm);
	json_signals_sent(f, p, flt, off);
	if (report__sent_side(flt) && filter__all_signals(flt)) /* counted for every signal */
		fprintf(f, ",\"send_failures\":%llu", (unsigned long long)p->send_failures);
	fputs(",\"signals_received\":{", f);
	for (int sig = 1; sig <= IPCSCOPE_NSIG; sig++) {
		const struct sig_stats *s = model__sig_stats(p, sig);

		if (!s || !filter__sig(flt, sig) || !report__received_side(flt))
			continue;
		if (!sig_stats__generated(s) && !sig_stats__delivered(s) && !s->accepted &&
		    !s->handler_returns && !s->discarded)
			continue;
		fprintf(f, "%s\"%s\":{", first ? "" : ",", sig__name(sig));
		json_received(f, s, off);
		if (s->pending_samples)
			fprintf(f, ",\"pending_ns\":{\"samples\":%llu,\"p50\":%llu"
				   ",\"max\":%llu}",
				s->pending_samples,
				(unsigned long long)histogram__quantile(
					s->pending_hist, IPCSCOPE_HIST_SLOTS, 0.5, s->pending_ns_max),
				s->pending_ns_max);
		if (s->handler_returns)
			fprintf(f, ",\"handler_ns\":{\"mean\":%llu,\"max\":%llu}",
				s->handler_ns_sum / s->handler_returns, s->handler_ns_max);
		fputc('}', f);
		first = false;
	}
	fputc('}', f);
	json_count(f, "pipe_write_bytes", p->pipe_write_bytes, off, FEATURE_SYSCALLS);
	json_count(f, "pipe_read_bytes", p->pipe_read_bytes, off, FEATURE_SYSCALLS);
	json_count(f, "pipe_blocked_ns", p->pipe_blocked_ns, off, FEATURE_SYSCALLS);
	json_count(f, "epipe", p->epipe, off, FEATURE_SYSCALLS);
	json_count(f, "shm_bytes", p->shm_bytes, off, FEATURE_SYSCALLS);
	json_count(f, "msgs_sent", p->msgs_sent, off, FEATURE_SYSCALLS);
	json_count(f, "msgs_received", p->msgs_received, off, FEATURE_SYSCALLS);
	json_count(f, "sem_waits", p->sem_waits, off, FEATURE_SYSCALLS);
	json_count(f, "sem_wait_ns", p->sem_wait_ns, off, FEATURE_SYSCALLS);
	if (p->exited && !p->gone && p->pid) {
		json_exit(f, p->exit_status);
		json_killed_by(f, p);
	}
	if (!p->pid) /* model.h retired_proc */
		fputs(",\"retired\":true", f);
	fputs("}\n", f);
}

/* What retiring freed to keep memory bounded (src/retire.h); only if anything. */
static void json_retired(FILE *f, const struct retire_counts *r)
{
	if (!r->processes && !r->pipes && !r->ipc_objects && !r->mapped_objects)
		return;
	fprintf(f, "{\"type\":\"retired\",\"processes\":%llu,\"shown\":%llu,\"exits\":%llu"
		   ",\"killed\":%llu,\"gone\":%llu,\"pipes\":%llu,\"pipe_bytes\":%llu"
		   ",\"ipc_objects\":%llu,\"mapped_objects\":%llu,\"rows\":%llu}\n",
		(unsigned long long)r->processes, (unsigned long long)r->shown,
		(unsigned long long)r->exits, (unsigned long long)r->killed,
		(unsigned long long)r->gone, (unsigned long long)r->pipes,
		(unsigned long long)r->pipe_bytes, (unsigned long long)r->ipc_objects,
		(unsigned long long)r->mapped_objects, (unsigned long long)r->rows);
}

/* A reader or writer going away: who, when, by close or exit (with how it exited). */
static void json_departure(FILE *f, const char *key, const struct pipe_departure *d)
{
	const struct proc *p = d->proc;

	fprintf(f, ",\"%s\":{\"pid\":%u,\"comm\":", key, p->pid);
	json_comm(f, p->comm);
	fprintf(f, ",\"ts_ns\":%llu,\"by\":\"%s\"", (unsigned long long)d->ts_ns,
		close_how__name(d->how));
	if (d->how == CLOSE_BY_EXIT && p->exited) {
		json_exit(f, p->exit_status);
		json_killed_by(f, p);
	}
	fputc('}', f);
}

static void json_pipe_who(FILE *f, const struct pipe_end *e, const char *comm_fallback)
{
	fprintf(f, "{\"pid\":%u,\"comm\":", e->proc->pid);
	json_str(f, e->proc->comm[0] ? e->proc->comm : comm_fallback);
}

/* One per pipe or FIFO: writers and readers with their traffic (contract). */
static void json_pipe(FILE *f, const struct pipe_obj *o)
{
	bool first = true;

	fprintf(f, "{\"type\":\"pipe\",\"ino\":%llu,\"dev\":%llu,\"kind\":\"%s\"",
		(unsigned long long)o->ino, (unsigned long long)kdev__to_user(o->dev),
		obj_kind__name(o->kind));
	if (o->path[0])
		json_path(f, o->path, sizeof(o->path));
	else
		fputs(",\"path\":null", f);
	if (o->creator) {
		fprintf(f, ",\"creator\":{\"pid\":%u,\"comm\":", o->creator->pid);
		json_str(f, pipe_obj__creator_comm(o));
		fputc('}', f);
	}
	fputs(",\"writers\":[", f);
	for (const struct pipe_end *e = o->ends; e; e = e->next) {
		if (!e->io.write_calls)
			continue;
		fputs(first ? "" : ",", f);
		json_pipe_who(f, e, "?");
		fprintf(f, ",\"bytes\":%llu,\"writes\":%llu,\"blocked_ns\":%llu,\"epipe\":%llu"
			   ",\"partial\":%llu,\"eagain\":%llu,\"interrupted\":%llu}",
			e->io.write_bytes, e->io.write_calls, e->io.write_blocked_ns, e->io.epipe,
			e->io.write_partial, e->io.write_eagain, e->io.write_interrupted);
		first = false;
	}
	fputs("],\"readers\":[", f);
	first = true;
	for (const struct pipe_end *e = o->ends; e; e = e->next) {
		if (!e->io.read_calls)
			continue;
		fputs(first ? "" : ",", f);
		json_pipe_who(f, e, "?");
		fprintf(f, ",\"bytes\":%llu,\"reads\":%llu,\"blocked_ns\":%llu,\"eof\":%llu"
			   ",\"eagain\":%llu,\"interrupted\":%llu}",
			e->io.read_bytes, e->io.read_calls, e->io.read_blocked_ns, e->io.read_eof,
			e->io.read_eagain, e->io.read_interrupted);
		first = false;
	}
	fputc(']', f);
	if (o->last_reader.proc)
		json_departure(f, "last_reader_gone", &o->last_reader);
	fputs("}\n", f);
}

static void json_pipe_obj(FILE *f, const char *key, const struct pipe_obj *o)
{
	json_object_full(f, key, o->kind, o->ino, o->dev, o->path, sizeof(o->path), &o->inet);
}

static void json_proc(FILE *f, const char *key, const struct proc *p)
{
	fprintf(f, ",\"%s\":{\"pid\":%u,\"comm\":", key, p->pid);
	json_comm(f, p->comm);
	fputc('}', f);
}

/* What the doctor knows at a storm's start and in its report. */
static void json_doctor_writer(FILE *f, const struct doctor_writer *w)
{
	const struct pipe_end *e = w->end;

	json_proc(f, "writer", e->proc);
	json_pipe_obj(f, "object", w->obj);
	fprintf(f, ",\"sigpipe_action\":\"%s\"",
		sigpipe_action__name(doctor_writer__sigpipe_action(w)));
	if (e->bytes_before_known)
		fprintf(f, ",\"bytes_before_first_epipe\":%llu",
			(unsigned long long)e->bytes_before_epipe);
	else
		fputs(",\"bytes_before_first_epipe\":null", f);
	if (w->obj->last_reader.proc)
		json_departure(f, "last_reader_gone", &w->obj->last_reader);
	else
		fputs(",\"last_reader_gone\":null", f);
	fprintf(f, ",\"failing_at_start\":%s", w->failing_at_start ? "true" : "false");
}

/* A rate, or null when the span is too short to say (DOCTOR_MIN_RATE_SPAN_NS). */
static void json_rate(FILE *f, const char *key, bool known, double rate)
{
	if (known)
		fprintf(f, ",\"%s\":%.1f", key, rate);
	else
		fprintf(f, ",\"%s\":null", key);
}

static const char *storm_state__name(enum storm_state s)
{
	return s == STORM_START ? "start" : s == STORM_END ? "end" : "ongoing";
}

static const char *storm_end_by__name(enum storm_end_by by)
{
	return by == STORM_END_RATE ? "rate" : by == STORM_END_WRITER_EXIT ? "writer_exit"
									 : "trace_end";
}

/*
 * The storm so far (start, ongoing) or whole (end): "epipe" is its own
 * count, not "count", which every other record uses for events it stands for.
 */
static void json_alert(struct output *o, const struct storm_alert *a)
{
	const struct doctor_storm *s = a->storm;
	FILE *f = o->f;
	double rate = 0;
	bool known = doctor_storm__rate(s, &rate);

	fprintf(f, "{\"type\":\"sigpipe_storm\",\"state\":\"%s\",\"ts_ns\":%llu",
		storm_state__name(a->state), (unsigned long long)a->ts_ns);
	json_doctor_writer(f, a->w);
	fprintf(f, ",\"threshold\":%llu,\"window_rate\":%.1f,\"epipe\":%llu"
		   ",\"first_ts_ns\":%llu,\"last_ts_ns\":%llu,\"duration_ns\":%llu",
		(unsigned long long)a->threshold, a->window_rate, (unsigned long long)s->epipe,
		(unsigned long long)s->first_ns, (unsigned long long)s->last_ns,
		(unsigned long long)(s->last_ns - s->first_ns));
	json_rate(f, "rate", known, rate);
	fprintf(f, ",\"exact\":%s", a->exact ? "true" : "false");
	if (a->state != STORM_START)
		fprintf(f, ",\"peak_rate\":%.1f,\"ended_by\":\"%s\"", s->peak_rate,
			storm_end_by__name(a->end_by));
	fputs("}\n", f);
}

/* One per (writer, object) with EPIPE or SIGPIPE: the doctor's report. */
static void json_sigpipe_writer(FILE *f, const struct sigpipe_doctor *d,
				const struct doctor_writer *w)
{
	const struct pipe_end *e = w->end;
	const struct sig_stats *sp = model__sig_stats(e->proc, SIGPIPE);
	uint64_t count = doctor_writer__epipes(d, w);
	bool first = true, known;
	double rate = 0;

	fputs("{\"type\":\"sigpipe_writer\"", f);
	json_doctor_writer(f, w);
	/* With no EPIPE, first and last are its SIGPIPEs' (a write cut short). */
	fprintf(f, ",\"epipe\":%llu,\"sigpipes\":%llu,\"writer_sigpipes\":%llu"
		   ",\"first_ts_ns\":%llu,\"last_ts_ns\":%llu,\"write_bytes\":%llu",
		(unsigned long long)count, (unsigned long long)w->sigpipes,
		(unsigned long long)(sp ? sig_stats__generated(sp) : 0),
		(unsigned long long)(count ? e->epipe_first_ns : w->sigpipe_first_ns),
		(unsigned long long)(count ? e->epipe_last_ns : w->sigpipe_last_ns),
		(unsigned long long)e->io.write_bytes);
	known = doctor_writer__avg_rate(d, w, &rate);
	json_rate(f, "rate", known, rate);
	fprintf(f, ",\"peak_rate\":%.1f,\"storms\":%u,\"exact\":%s", doctor_writer__peak_rate(d, w),
		w->storms, d->records_lost ? "false" : "true");
	fputs(",\"readers\":[", f);
	for (const struct pipe_end *r = w->obj->ends; r; r = r->next) {
		if (!r->io.read_calls)
			continue;
		fputs(first ? "" : ",", f);
		json_pipe_who(f, r, "?");
		fprintf(f, ",\"bytes\":%llu,\"reads\":%llu}", (unsigned long long)r->io.read_bytes,
			(unsigned long long)r->io.read_calls);
		first = false;
	}
	fputs("]}\n", f);
}

/* ["sys_enter","sys_exit"]: the tracepoints of mask (TP_BIT). */
static void json_tracepoints(FILE *f, uint32_t mask)
{
	bool first = true;

	fputc('[', f);
	for (unsigned int tp = 0; tp < TP_MAX; tp++) {
		if (!(mask & TP_BIT(tp)))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", tracepoint__name(tp));
		first = false;
	}
	fputc(']', f);
}

/*
 * What is off because this kernel lacks tracepoints: first in the stream (a
 * program reading live learns at once which records will not come) and
 * again with the end-of-run records, like the loss records. Nothing when
 * everything is on.
 */
static void json_features_off(struct output *o)
{
	const struct model *m = o->model;
	FILE *f = o->f;
	bool first = true;

	if (!m->features_off)
		return;
	fputs("{\"type\":\"features_off\",\"missing\":", f);
	json_tracepoints(f, m->tracepoints_missing);
	fputs(",\"features\":[", f);
	for (unsigned int feature = 0; feature < FEATURE_MAX; feature++) {
		if (!(m->features_off & FEATURE_BIT(feature)))
			continue;
		fprintf(f, "%s{\"name\":\"%s\",\"text\":", first ? "" : ",",
			feature__name(feature));
		json_str(f, feature__text(feature));
		fputs(",\"missing\":", f);
		json_tracepoints(f, feature__needs(feature) & m->tracepoints_missing);
		fputc('}', f);
		first = false;
	}
	fputs("]}\n", f);
}

static void json_report(struct output *o)
{
	const struct model *m = o->model;
	FILE *f = o->f;
	unsigned int nprocs = 0;

	for (struct proc *p = proc_table__first(m->procs); p; p = proc_table__next(p)) {
		if (!report__wants(o->filter, p))
			continue;
		json_process(f, p, o->filter, m->features_off);
		nprocs++;
	}
	if (m->retired_proc->involved)
		json_process(f, m->retired_proc, o->filter, m->features_off);
	json_retired(f, &m->retired);
	for (const struct pipe_obj *obj = m->pipes.first; obj; obj = obj->next_in_order)
		if (filter__pipe(o->filter, obj))
			json_pipe(f, obj);
	json_ipc_report(o);
	for (unsigned int i = 0; o->doctor && i < o->doctor->count; i++)
		json_sigpipe_writer(f, o->doctor, &o->doctor->writers[i]);
	if (o->doctor && o->doctor->retired.writers)
		fprintf(f, "{\"type\":\"sigpipe_retired\",\"writers\":%llu,\"epipe\":%llu"
			   ",\"storms\":%llu}\n",
			(unsigned long long)o->doctor->retired.writers,
			(unsigned long long)o->doctor->retired.epipe,
			(unsigned long long)o->doctor->retired.storms);
	json_features_off(o);
	for (unsigned int r = 0; r < LOSS_REASON_MAX; r++)
		if (m->loss[r])
			json_lost(o, r, m->loss[r], m->loss[r]);
	if (m->bad_records)
		json_lost(o, LOSS_REASON_MAX, m->bad_records, m->bad_records);
	fprintf(f, "{\"type\":\"summary\",\"duration_ns\":%llu,\"events\":%llu"
		   ",\"processes\":%u,\"lost\":%llu}\n",
		(unsigned long long)(m->end_mono_ns - m->start_mono_ns),
		(unsigned long long)m->events, nprocs, (unsigned long long)model__loss_total(m));
}

/*
 * First in the stream: when tracing began, on both clocks. Every ts_ns is
 * CLOCK_MONOTONIC (bpf_ktime_get_ns()); realtime_ns - ts_ns turns one into
 * wall-clock time, so a saved stream still says "since when".
 */
static void json_start(struct output *o)
{
	uint64_t mono = o->model->start_mono_ns;

	fprintf(o->f, "{\"type\":\"start\",\"ts_ns\":%llu,\"realtime_ns\":%llu}\n",
		(unsigned long long)mono, (unsigned long long)(mono + (uint64_t)o->mono_to_real_ns));
	json_features_off(o);
}

const struct sink_ops sink_json_ops = {
	.start = json_start,
	.record = json_record,
	.lost = json_lost,
	.report = json_report,
	.alert = json_alert,
};
