// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The human sink: one aligned line per event (repeats folded by BPF carry
 * "x N"), then a per-process report. Lines stay under 100 columns.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "feature_map.h"
#include "format.h"
#include "histogram.h"
#include "sanitize.h"
#include "output.h"
#include "pipes.h"
#include "signals.h"
#include "sink_text.h"

/* Short forms for a line under 100 columns; JSON keeps the full names. */
static const char *result_word(unsigned int result)
{
	return result == SIG_RESULT_ALREADY_PENDING ? "merged" : sig_result__name(result);
}

static const char *via_word(unsigned int via)
{
	switch (via) {
	case VIA_RT_SIGQUEUEINFO:
		return "sigqueue";
	case VIA_RT_TGSIGQUEUEINFO:
		return "tgsigqueue";
	case VIA_PIDFD_SEND_SIGNAL:
		return "pidfd";
	}
	return sig_via__name(via);
}

static void text_start(struct output *o)
{
	o->header_due = true;
	if (!o->lazy_header)
		text_header(o);
}

void text_header(struct output *o)
{
	if (!o->header_due)
		return;
	o->header_due = false;
	fprintf(o->f, "%-12s %-7s %-*s %s\n", "TIME", "EVENT", SIGNAL_WIDTH, "SIGNAL", "DETAIL");
}

void line_begin(struct output *o, const struct event_header *hdr, const char *kind,
		       const char *signal)
{
	char clock[32];

	text_header(o);
	fprintf(o->f, "%-12s %-7s %-*s ",
		format__clock(clock, sizeof(clock), hdr->ts_ns, o->mono_to_real_ns), kind,
		SIGNAL_WIDTH, signal);
}

/*
 * A folded line stands for its count of repeats ("x5": the line is five
 * events, not one plus five more) from its TIME (the first) to the time
 * it names (the last). It goes out when they end (the key's next window,
 * or the sweep once they stop), so it may come after lines of later events.
 */
void line_end(struct output *o, const struct event_header *hdr)
{
	char last[32];

	if (hdr->flags & EVENT_F_FOLDED)
		fprintf(o->f, "  [x%u like this until %s]", hdr->count,
			format__clock(last, sizeof(last),
				      hdr->ts_ns + (uint64_t)hdr->span_us * 1000,
				      o->mono_to_real_ns));
	fputc('\n', o->f);
}

void text_count(struct output *o, unsigned long long n, const char *what)
{
	if (n)
		fprintf(o->f, ", %llu %s", n, what);
}

const char *task_str(char *buf, size_t size, const struct task_ref *t)
{
	return format__task(buf, size, t->comm, t->pid, t->tid);
}

/*
 * The pid a siginfo names, as a host pid like every other pid shown, or as
 * "ns:N" when it is a number only the target's pid namespace knows (a
 * container's, not mapped to the host's: info_pid__host() in BPF).
 */
static void text_info_pid(struct output *o, const char *what, const struct sig_generate_event *e)
{
	if (e->info_pid_host >= 0)
		fprintf(o->f, " %s %d", what, e->info_pid_host);
	else
		fprintf(o->f, " %s ns:%d", what, e->info_pid);
}

/*
 * After a kernel-sent signal's si_code: the syscall the target was in when it
 * caused the signal ("in write"), SIGCHLD's child ("child PID"), and the pid
 * a siginfo names when its code carries one ("from PID": mq_notify's
 * sender). Never "from" for a fault or a kernel code: the task current then
 * is the target itself or whatever a timer hit, not a sender.
 */
static void text_kernel_cause(struct output *o, const struct sig_generate_event *e)
{
	const char *sc = syscall__name(e->syscall_nr);
	bool carries_pid = decode__info_names_pid(e);

	fprintf(o->f, " %s", si_code__name(e->sig, e->code));
	/* kernel/time/itimer.c: it_real_fn() and the CPU-time itimers send SEND_SIG_PRIV */
	if (e->code == 0x80 /* SI_KERNEL */ && (e->sig == 14 || e->sig == 26 || e->sig == 27))
		fprintf(o->f, " (its %s timer)", e->sig == 14 ? "alarm/ITIMER_REAL" :
				  e->sig == 26 ? "ITIMER_VIRTUAL" : "ITIMER_PROF");
	if (e->in_interrupt)
		fputs(" from an interrupt", o->f);
	if (e->sig == SIGCHLD && carries_pid) {
		text_info_pid(o, "child", e);
		return;
	}
	if (decode__context_is_cause(e) && e->context.pid == e->target.pid && sc)
		fprintf(o->f, " in %s", sc);
	if (carries_pid && e->info_pid > 0 && (__u32)e->info_pid_host != e->target.pid)
		text_info_pid(o, "from", e);
}

/*
 * Why an ignored signal was, when it is not what "ignored" suggests: the
 * target's SIG_IGN, or a target that was already exiting (a zombie too),
 * or an init (a PID namespace's pid 1: the container's main process) with
 * no handler, whose default actions never apply. A default action that is
 * to ignore (SIGCHLD, SIGWINCH...) goes without saying: "(default action)"
 * took a SIGCHLD line past 100 columns for a 12-letter comm.
 */
static const char *ignored_note(unsigned int why)
{
	switch (why) {
	case IGN_WHY_HANDLER:
		return " (SIG_IGN)";
	case IGN_WHY_EXITING:
		return " (target exiting)";
	case IGN_WHY_INIT:
		return " (init, no handler)";
	case IGN_WHY_KTHREAD:
		return " (kernel thread)";
	default:
		return "";
	}
}

/*
 * kill(2) to more than one process, as called: "(0)" the caller's process
 * group, "(-1)" every process it may signal, "(-PGID)" that group. One line
 * per process reached; kill(pid > 0) needs no reminder.
 */
static const char *kill_form(const struct sig_generate_event *e)
{
	static char buf[32];

	if (e->via != VIA_KILL || !(e->bits & SIG_GEN_KILL_PID) || e->kill_pid > 0)
		return "";
	snprintf(buf, sizeof(buf), "(%lld)", (long long)e->kill_pid);
	return buf;
}

void text_generate(struct output *o, const struct sig_generate_event *e)
{
	char from[96], to[96];

	line_begin(o, &e->hdr, "signal", sig__name(e->sig));
	if (e->has_sender)
		fprintf(o->f, "%s%s %s -> %s", via_word(e->via), kill_form(e),
			task_str(from, sizeof(from), &e->sender), task_str(to, sizeof(to), &e->target));
	else
		fprintf(o->f, "kernel -> %s", task_str(to, sizeof(to), &e->target));
	fprintf(o->f, " %s", result_word(e->result));
	/*
	 * tkill, tgkill (raise()) and rt_tgsigqueueinfo queue on the thread's
	 * own pending list, kill() and the rest on the process's shared one
	 * (kernel/signal.c __send_signal_locked(): pending = type != PIDTYPE_PID
	 * ? &t->signal->shared_pending : &t->pending), and a standard signal
	 * merges only with its copy on the same list: raise(SIGUSR2) and
	 * kill(getpid(), SIGUSR2) both queue. Said for signals a process sent:
	 * the kernel's own go to one thread for its act (a fault, SIGPIPE)
	 * or its timer (SIGEV_THREAD_ID), where the line says why already.
	 */
	if (!e->group && e->has_sender &&
	    (e->result == SIG_RESULT_QUEUED || e->result == SIG_RESULT_ALREADY_PENDING))
		fputs(" for the thread", o->f);
	if (e->result == SIG_RESULT_IGNORED)
		fputs(ignored_note(e->ignored_why), o->f);
	if (e->blocked)
		fputs(" (blocked)", o->f);
	/* sigqueue's value (sival_int; JSON has the pointer too), a timer's, mq_notify's */
	if (e->bits & SIG_GEN_VALUE)
		fprintf(o->f, " value %d", (int)(uint32_t)e->value);
	/* SIGCONT resumes a stopped process even when its result is "ignored" */
	if (e->bits & SIG_GEN_CONTINUED)
		fputs(", resumed it (it was stopped)", o->f);
	if (e->object.kind != OBJ_NONE) {
		const struct inet_ends *inet = pipe_table__inet(&o->model->pipes, &e->object);
		char obj[160], ends[160];

		fprintf(o->f, " writing to %s%s",
			format__object(obj, sizeof(obj), e->object.kind, e->object.ino,
				       pipe_table__path(&o->model->pipes, &e->object)),
			inet ? format__inet(ends, sizeof(ends), inet) : "");
	}
	if (!e->has_sender)
		text_kernel_cause(o, e);
	else if (decode__info_names_pid(e) && e->info_pid != 0 &&
		 (e->info_pid_host < 0 || (__u32)e->info_pid_host != e->sender.pid)) {
		/* rt_sigqueueinfo() lets a sender write any si_pid: the target believes it */
		text_info_pid(o, "(its siginfo says from", e);
		fputc(')', o->f);
	}
	line_end(o, &e->hdr);
}

/* What a signal-sending syscall's error means (kernel/signal.c, pidfd_send_signal()). */
static const char *sig_failed__why(int err)
{
	switch (-err) {
	case 1: /* EPERM: check_kill_permission(), do_rt_sigqueueinfo(), an LSM */
		return " (not permitted: another user's process, a si_code only the kernel "
		       "may send, or a security module)";
	case 3: /* ESRCH */
		return " (no such process)";
	case 22: /* EINVAL: valid_signal(); pidfd_send_signal(): flags, si_signo */
		return " (invalid signal or arguments)";
	}
	return "";
}

/*
 * "signal SIGTERM kill sh[12] -> 4000000 failed: ESRCH (no such process)":
 * nothing was sent. The target is named only for EPERM, the one error that
 * says it exists (EINVAL is checked before the pid is looked up), and when
 * it is a host pid (not a container's number).
 */
static void text_sig_failed(struct output *o, const struct sig_failed_event *e)
{
	const struct proc *p = e->target > 0 && !e->target_in_ns && e->err == -1 /* EPERM */
				       ? proc_table__latest(o->model->procs, (uint32_t)e->target)
				       : NULL;
	char from[96], to[96], err[32], num[16];

	snprintf(num, sizeof(num), "%d", e->sig); /* 0, or a number that is no signal */
	line_begin(o, &e->hdr, "signal",
		   e->sig >= 1 && e->sig <= IPCSCOPE_NSIG ? sig__name(e->sig) : num);
	fprintf(o->f, "%s %s -> ", via_word(e->via), task_str(from, sizeof(from), &e->sender));
	if (e->via == VIA_PIDFD_SEND_SIGNAL)
		fprintf(o->f, "pidfd %d of ", e->pidfd);
	if (p && !p->exited)
		fputs(format__task(to, sizeof(to), p->comm, p->pid, e->tid ? (uint32_t)e->tid : p->pid),
		      o->f);
	else if (e->target > 0)
		fprintf(o->f, "%s%lld", e->target_in_ns ? "ns:" : "", (long long)e->target);
	else if (e->via != VIA_KILL)
		fputs("?", o->f); /* a pidfd that names no pid we could read */
	else
		fprintf(o->f, "(%lld)", (long long)e->target); /* kill(0), kill(-1), kill(-PGID) */
	if (e->tid && !p)
		fprintf(o->f, " thread %d", e->tid);
	if (e->sig == 0)
		fputs(" (signal 0: does it exist?)", o->f);
	fprintf(o->f, " failed: %s%s", format__errno(err, sizeof(err), e->err),
		sig_failed__why(e->err));
	line_end(o, &e->hdr);
}

/*
 * ", pending 1.2ms" on a delivery or acceptance; ", pending unknown" when
 * its generation has no time (docs/design.md, "Deliveries with no pending
 * time"), unless pending time is off altogether.
 */
static void text_pending(struct output *o, bool known, uint64_t ns)
{
	char pend[32];

	if (known)
		fprintf(o->f, ", pending %s", format__ns(pend, sizeof(pend), ns));
	else if (!(o->model->features_off & FEATURE_BIT(FEATURE_PENDING_TIME)))
		fputs(", pending unknown", o->f);
}

/*
 * How long a FIFO open waited, as ", waited 2.30s for a writer": fs/pipe.c
 * fifo_open() makes a reader wait for a writer and a writer for a reader
 * (not O_NONBLOCK, not O_RDWR). Empty when it did not wait.
 */
static const char *fifo_wait__text(char *buf, size_t size, const struct fifo_event *e)
{
	char t[32];

	if (e->wait_ns == FIFO_WAIT_UNKNOWN)
		return ", wait unknown"; /* docs/design.md: begun before tracing, slot busy */
	if (!e->wait_ns)
		return "";
	/* mode: FMODE_READ 1 | FMODE_WRITE 2 */
	snprintf(buf, size, ", waited %s%s%s", format__ns(t, sizeof(t), e->wait_ns),
		 (e->mode & 3) == 1 ? " for a writer" : (e->mode & 3) == 2 ? " for a reader" : "",
		 e->flags & FIFO_F_RESTARTED ? " since a signal restarted the open" : "");
	return buf;
}

/* The syscall the handler cut short, and what becomes of it. */
static void text_interrupted(struct output *o, const struct sig_deliver_event *e)
{
	static const char *const why[] = {
		[INTR_EINTR_NO_SA_RESTART] = "it fails with EINTR (no SA_RESTART)",
		[INTR_EINTR_ALWAYS] = "it fails with EINTR (never restarted after a handler)",
		[INTR_RESTARTED_SA_RESTART] = "restarted after the handler (SA_RESTART)",
		[INTR_RESTARTED_ALWAYS] = "restarted after the handler (always)",
	};
	const char *call = syscall__name(e->syscall_nr);

	if (e->interrupted == INTR_NONE || e->interrupted >= sizeof(why) / sizeof(why[0]) ||
	    !call)
		return;
	fprintf(o->f, ", interrupted %s: %s", call, why[e->interrupted]);
}

/*
 * "handler on_usr1 (0x55d0c0a01249)": the function's name where its ELF
 * symbol is known, else the file and offset, else the address alone.
 */
void text_handler(struct output *o, const struct task_ref *task, uint64_t image, uint64_t addr)
{
	struct code_name n;
	char name[192];

	if (!output__code_name(o, task, image, addr, &n)) {
		fprintf(o->f, "handler %#llx", (unsigned long long)addr);
		return;
	}
	if (n.func[0]) {
		sanitize__terminal(name, sizeof(name), n.func, strnlen(n.func, sizeof(n.func)));
		fprintf(o->f, "handler %s", name);
		if (n.func_offset)
			fprintf(o->f, "+%#llx", (unsigned long long)n.func_offset);
		fprintf(o->f, " (%#llx)", (unsigned long long)addr);
		return;
	}
	sanitize__terminal(name, sizeof(name), n.object, strnlen(n.object, sizeof(n.object)));
	fprintf(o->f, "handler %#llx (%s+%#llx)", (unsigned long long)addr, name,
		(unsigned long long)n.file_offset);
}

static void text_deliver(struct output *o, const struct sig_deliver_event *e)
{
	char who[96];

	line_begin(o, &e->hdr, "deliver", sig__name(e->sig));
	fprintf(o->f, "%s ", task_str(who, sizeof(who), &e->task));
	if (e->action == ACTION_HANDLER)
		text_handler(o, &e->task, e->image, e->handler);
	else if (e->action == ACTION_IGNORE)
		fputs("ignored (SIG_IGN)", o->f);
	else
		fprintf(o->f, "default %s", default_action__name(sig__default_action(e->sig)));
	text_pending(o, e->pending_known, e->pending_ns);
	if (e->overrun > 0)
		fprintf(o->f, ", timer overran %d %s while pending", e->overrun,
			format__plural(e->overrun, "time", "times"));
	text_interrupted(o, e);
	line_end(o, &e->hdr);
}

/*
 * alarm() and setitimer(): when the timer's signal comes, and the timer it
 * replaced (one per process and kind: a new alarm replaces the old one, and
 * alarm() returns the seconds that were left on it).
 */
static void text_timer(struct output *o, const struct timer_event *e)
{
	int sig = itimer__signal(e->which);
	char who[96], t[32], t2[32], err[32];

	line_begin(o, &e->hdr, "timer", sig ? sig__name(sig) : "-");
	fprintf(o->f, "%s ", task_str(who, sizeof(who), &e->task));
	if (e->op == TIMER_OP_ALARM) {
		if (e->asked.value_sec)
			fprintf(o->f, "alarm(%lld): %s in %lld s", (long long)e->asked.value_sec,
				sig__name(SIGALRM), (long long)e->asked.value_sec);
		else
			fputs("alarm(0): no alarm", o->f);
		if (e->ret > 0)
			fprintf(o->f, ", %s one due in %lld s (returned %lld)",
				e->asked.value_sec ? "replacing" : "cancelling", (long long)e->ret,
				(long long)e->ret);
		else
			fputs(" (no alarm was set, returned 0)", o->f);
		line_end(o, &e->hdr);
		return;
	}
	fprintf(o->f, "setitimer %s", itimer__name(e->which) ? itimer__name(e->which) : "?");
	if (e->ret < 0) {
		fprintf(o->f, ": %s", format__errno(err, sizeof(err), (int)e->ret));
	} else if (e->flags & TIMER_F_ASKED) {
		uint64_t value = timeval__ns(e->asked.value_sec, e->asked.value_usec);
		uint64_t every = timeval__ns(e->asked.interval_sec, e->asked.interval_usec);

		if (!value)
			fputs(": disarmed", o->f);
		else if (every)
			fprintf(o->f, ": %s in %s, then every %s", sig__name(sig),
				format__ns(t, sizeof(t), value), format__ns(t2, sizeof(t2), every));
		else
			fprintf(o->f, ": %s in %s, once", sig__name(sig), format__ns(t, sizeof(t), value));
	}
	if (e->flags & TIMER_F_OLD) {
		uint64_t value = timeval__ns(e->old.value_sec, e->old.value_usec);
		uint64_t every = timeval__ns(e->old.interval_sec, e->old.interval_usec);

		if (value)
			fprintf(o->f, "; replaced one due in %s%s%s", format__ns(t, sizeof(t), value),
				every ? ", every " : "", every ? format__ns(t2, sizeof(t2), every) : "");
		else
			fputs("; none was set", o->f);
	}
	line_end(o, &e->hdr);
}

/* What a writer does with SIGPIPE, in the live lines, alerts and report. */
const char *sigpipe_word(unsigned int action)
{
	static const char *const words[] = { "default: dies", "ignored", "handler",
					     "blocked: waits", "MSG_NOSIGNAL" };

	return words[action < 5 ? action : 0];
}

/* Pipe and FIFO lifecycle and EPIPE lines; plain closes only with -v. */
void text_pipe_record(struct output *o, const struct event_header *hdr, const void *rec)
{
	char who[96], obj[160], path[160], when[96];

	switch (hdr->type) {
	case EVENT_PIPE_CREATE: {
		const struct pipe_create_event *e = rec;

		line_begin(o, hdr, "pipe", "-");
		fprintf(o->f, "%s created %s: fd %d read, fd %d write%s%s",
			task_str(who, sizeof(who), &e->task),
			format__object(obj, sizeof(obj), e->pipe.kind, e->pipe.ino, NULL), e->fd_read,
			e->fd_write, e->flags & 04000 ? " O_NONBLOCK" : "",
			e->flags & 040000 ? " O_DIRECT" : "");
		break;
	}
	case EVENT_FIFO_CREATE:
	case EVENT_FIFO_OPEN: {
		const struct fifo_event *e = rec;

		sanitize__terminal(path, sizeof(path), e->path, sanitize__strnlen(e->path, sizeof(e->path)));
		line_begin(o, hdr, "fifo", "-");
		if (hdr->type == EVENT_FIFO_CREATE) {
			fprintf(o->f, "%s mkfifo %s mode %04o", task_str(who, sizeof(who), &e->task),
				path, e->mode);
			/* What the file gets (a directory's default ACL would decide instead). */
			if (e->mode & e->flags)
				fprintf(o->f, " (%04o after umask %03o)", e->mode & ~e->flags,
					e->flags);
		} else {
			fprintf(o->f, "%s opened %s (ino %llu) for %s as fd %d%s",
				task_str(who, sizeof(who), &e->task), path, e->fifo.ino,
				pipe_side__name(e->mode), e->fd,
				fifo_wait__text(when, sizeof(when), e));
		}
		break;
	}
	case EVENT_PIPE_CLOSE: {
		const struct pipe_close_event *e = rec;
		bool last_reader = pipe_close__last_reader(e);
		bool last_writer = pipe_close__last_writer(e);

		if (!last_reader && !last_writer && !o->verbose)
			return;
		line_begin(o, hdr, "close", "-");
		/* e.g. "cat[12] exit fd 3 (read) pipe:[45]: last reader" (writers get EPIPE next) */
		fprintf(o->f, "%s %s fd %d (%s) %s%s", task_str(who, sizeof(who), &e->task),
			close_how__name(e->how), e->fd, pipe_side__name(e->mode),
			format__object(obj, sizeof(obj), e->pipe.kind, e->pipe.ino,
				       pipe_table__path(&o->model->pipes, &e->pipe)),
			last_reader ? ": last reader" :
			last_writer ? ": last writer" : "");
		break;
	}
	case EVENT_PIPE_DUP: {
		const struct pipe_dup_event *e = rec;
		const char *call = syscall__name(e->syscall_nr);

		/* e.g. "ps[12] dup2 fd 4 -> fd 1: pipe:[45] (write end)" */
		line_begin(o, hdr, "dup", "-");
		fprintf(o->f, "%s %s fd %d -> fd %d: %s (%s end)", task_str(who, sizeof(who), &e->task),
			call ? call : "dup", e->old_fd, e->new_fd,
			format__object(obj, sizeof(obj), e->pipe.kind, e->pipe.ino,
				       pipe_table__path(&o->model->pipes, &e->pipe)),
			pipe_side__name(e->mode));
		break;
	}
	case EVENT_PIPE_IO: {
		const struct pipe_io_event *e = rec;
		const char *call = syscall__name(e->syscall_nr);

		line_begin(o, hdr, e->write ? "write" : "read", "-");
		fprintf(o->f, "%s %s %s", task_str(who, sizeof(who), &e->task),
			call ? call : (e->write ? "write" : "read"),
			format__object(obj, sizeof(obj), e->object.kind, e->object.ino,
				       pipe_table__path(&o->model->pipes, &e->object)));
		if (e->what == PIPE_IO_EOF)
			fputs(": EOF, no writer left", o->f);
		else if (e->what == PIPE_IO_EAGAIN)
			fprintf(o->f, ": EAGAIN, %s (O_NONBLOCK)", e->write ? "full" : "empty");
		else if (e->what == PIPE_IO_INTERRUPTED)
			fputs(": interrupted by a signal", o->f);
		if (e->waited_ns >= PIPE_IO_WAIT_SHOWN_NS)
			fprintf(o->f, "%s waited %s for %s", e->what == PIPE_IO_WAITED ? "" : ",",
				format__ns(when, sizeof(when), e->waited_ns),
				e->write ? "room (the pipe was full)"
					 : "data (the pipe was empty)");
		break;
	}
	case EVENT_EPIPE: {
		const struct epipe_event *e = rec;
		char ends[160];

		line_begin(o, hdr, "EPIPE", "SIGPIPE");
		fprintf(o->f, "%s %s fd %d to %s%s: EPIPE (SIGPIPE %s)",
			task_str(who, sizeof(who), &e->task),
			syscall__name(e->syscall_nr) ? syscall__name(e->syscall_nr) : "write", e->fd,
			format__object(obj, sizeof(obj), e->object.kind, e->object.ino,
				       pipe_table__path(&o->model->pipes, &e->object)),
			format__inet(ends, sizeof(ends), &e->inet),
			sigpipe_word(e->sigpipe_action));
		break;
	}
	default:
		return;
	}
	line_end(o, hdr);
}

/* A fork or exec line: only with -v. */
void text_fork_exec(struct output *o, const struct event_header *hdr,
		    const struct lifecycle_event *e)
{
	char who[96], parent[96];

	if (!o->verbose)
		return;
	line_begin(o, hdr, hdr->type == EVENT_PROC_FORK ? "fork" : "exec", "-");
	fprintf(o->f, "%s", task_str(who, sizeof(who), &e->task));
	if (hdr->type == EVENT_PROC_FORK)
		fprintf(o->f, " from %s", task_str(parent, sizeof(parent), &e->parent));
	line_end(o, hdr);
}

void text_exit(struct output *o, const struct lifecycle_event *e)
{
	const struct proc *p = proc_table__find(o->model->procs, e->task.pid, e->task.start_ns);
	int sig = e->exit_code & 0x7f;
	char who[96], how[160];

	line_begin(o, &e->hdr, "exit", sig ? sig__name(sig) : "-");
	fprintf(o->f, "%s %s", format__task(who, sizeof(who), p ? p->comm : e->task.comm,
					    e->task.pid, 0),
		p && p->exited && p->exit_status == e->exit_code
			? format__death(how, sizeof(how), p)
			: format__exit(how, sizeof(how), e->exit_code));
	if (e->discarded)
		fprintf(o->f, "; left %u pending %s never delivered: %s", e->discarded,
			format__plural(e->discarded, "signal", "signals"),
			format__sigset(how, sizeof(how), e->discarded_mask));
	line_end(o, &e->hdr);
}

/*
 * sigsuspend() and the waits that take a mask, told when a signal (as a
 * rule) cut the wait short (bpf/syscalls.bpf.c on_wait_mask_exit()): what the wait let
 * in (or kept out) and what comes back after the handler, so a signal
 * delivered at the end of the wait, blocked before and after, is explained.
 */
static void text_wait_mask(struct output *o, const struct sigprocmask_event *e)
{
	char who[96], buf[512];

	line_begin(o, &e->hdr, "mask", "wait");
	fprintf(o->f, "%s %s waited", task_str(who, sizeof(who), &e->task),
		syscall__name(e->syscall_nr) ? syscall__name(e->syscall_nr) : "a call");
	if (e->old_mask & ~e->new_mask)
		fprintf(o->f, " with %s unblocked",
			format__sigset(buf, sizeof(buf), e->old_mask & ~e->new_mask));
	if (e->new_mask & ~e->old_mask)
		fprintf(o->f, "%s %s blocked", e->old_mask & ~e->new_mask ? " and" : " with",
			format__sigset(buf, sizeof(buf), e->new_mask & ~e->old_mask));
	fprintf(o->f, " until interrupted: mask %s while it waited",
		e->new_mask ? format__sigset(buf, sizeof(buf), e->new_mask) : "empty");
	fprintf(o->f, ", %s after",
		e->old_mask ? format__sigset(buf, sizeof(buf), e->old_mask) : "empty");
	line_end(o, &e->hdr);
}

static void text_record(struct output *o, const struct event_header *hdr, const void *rec)
{
	char who[96], buf[512];

	if (o->doctor) {
		text_doctor_record(o, hdr, rec);
		return;
	}
	if (hdr->type != EVENT_SIGACTION)
		text_sigaction_flush(o);

	switch (hdr->type) {
	case EVENT_SIG_GENERATE:
		text_generate(o, rec);
		break;
	case EVENT_SIG_DELIVER:
		text_deliver(o, rec);
		break;
	case EVENT_SIG_HANDLER_RETURN: {
		const struct sig_handler_return_event *e = rec;

		line_begin(o, hdr, "return", sig__name(e->sig));
		fprintf(o->f, "%s handler ran %s", task_str(who, sizeof(who), &e->task),
			format__ns(buf, sizeof(buf), e->handler_ns));
		line_end(o, hdr);
		break;
	}
	case EVENT_SIG_ACCEPT: {
		const struct sig_accept_event *e = rec;

		line_begin(o, hdr, "accept", sig__name(e->sig));
		fprintf(o->f, "%s took it via %s", task_str(who, sizeof(who), &e->task),
			accept_via__name(e->via));
		text_pending(o, e->pending_known, e->pending_ns);
		line_end(o, hdr);
		break;
	}
	case EVENT_SIGACTION:
		text_sigaction(o, hdr, rec);
		return;
	case EVENT_SIGPROCMASK: {
		const struct sigprocmask_event *e = rec;

		static const char *const how[] = { "block", "unblock", "setmask" };

		if (e->how == MASK_HOW_WAIT) {
			text_wait_mask(o, e);
			break;
		}
		line_begin(o, hdr, "mask", e->how >= 0 && e->how < 3 ? how[e->how] : "?");
		fprintf(o->f, "%s", task_str(who, sizeof(who), &e->task));
		if (e->new_mask & ~e->old_mask)
			fprintf(o->f, " blocked %s",
				format__sigset(buf, sizeof(buf), e->new_mask & ~e->old_mask));
		if (e->old_mask & ~e->new_mask)
			fprintf(o->f, " unblocked %s",
				format__sigset(buf, sizeof(buf), e->old_mask & ~e->new_mask));
		/* The mask the call leaves, which is what decides the next signal's fate. */
		fprintf(o->f, "%s %s", e->new_mask == e->old_mask ? " mask unchanged:" : ", mask now",
			e->new_mask ? format__sigset(buf, sizeof(buf), e->new_mask) : "empty");
		line_end(o, hdr);
		break;
	}
	case EVENT_PROC_EXIT: {
		const struct lifecycle_event *e = rec;
		const struct proc *p = proc_table__find(o->model->procs, e->task.pid,
							e->task.start_ns);

		/* Plain exits of uninvolved processes are noise system-wide. */
		if (!(e->exit_code & 0x7f) && !e->discarded && !o->verbose &&
		    !filter__active(o->filter) && !(p && p->involved))
			break;
		text_exit(o, e);
		break;
	}
	case EVENT_PIPE_CREATE:
	case EVENT_FIFO_CREATE:
	case EVENT_FIFO_OPEN:
	case EVENT_PIPE_CLOSE:
	case EVENT_EPIPE:
	case EVENT_PIPE_IO:
	case EVENT_PIPE_DUP:
		text_pipe_record(o, hdr, rec);
		break;
	case EVENT_IPC:
	case EVENT_MAP:
	case EVENT_IPC_OPEN:
		text_ipc_record(o, hdr, rec);
		break;
	case EVENT_PROC_FORK:
	case EVENT_PROC_EXEC:
		text_fork_exec(o, hdr, rec);
		break;
	case EVENT_TIMER:
		text_timer(o, rec);
		break;
	case EVENT_SIG_FAILED:
		text_sig_failed(o, rec);
		break;
	}
}

static void text_lost(struct output *o, unsigned int reason, uint64_t count, uint64_t total)
{
	text_sigaction_flush(o);
	text_header(o);
	fprintf(o->f, "%-12s %-7s %-*s %llu %s (%llu so far)\n", "", "LOST", SIGNAL_WIDTH, "-",
		(unsigned long long)count, loss_reason__text(reason), (unsigned long long)total);
}

static int cmp_proc(const void *a, const void *b)
{
	const struct proc *pa = *(const struct proc *const *)a, *pb = *(const struct proc *const *)b;

	if (pa->pid != pb->pid)
		return pa->pid < pb->pid ? -1 : 1;
	return pa->start_ns < pb->start_ns ? -1 : pa->start_ns > pb->start_ns;
}

/* Processes to report, sorted by pid (see report__wants). */
static struct proc **report_rows(struct output *o, size_t *n)
{
	size_t cap = proc_table__count(o->model->procs) + 1, k = 0;
	struct proc **rows = calloc(cap, sizeof(*rows));

	if (!rows) {
		*n = 0;
		return NULL;
	}
	for (struct proc *p = proc_table__first(o->model->procs); p; p = proc_table__next(p)) {
		if (!report__wants(o->filter, p))
			continue;
		rows[k++] = p;
	}
	qsort(rows, k, sizeof(*rows), cmp_proc);
	/* Retired processes' counters, merged: last (its slot is the + 1 above). */
	if (o->model->retired_proc->involved)
		rows[k++] = o->model->retired_proc;
	*n = k;
	return rows;
}

/* A report count, exact, or "-" when the feature that counts it is off on this kernel. */
static const char *count_or_dash(char *buf, uint64_t n, uint32_t off, unsigned int feature)
{
	if (off & FEATURE_BIT(feature))
		return "-";
	snprintf(buf, 24, "%llu", (unsigned long long)n);
	return buf;
}

/*
 * The signal table's columns: the sides --match shows (report__sent_side),
 * and OVFL and LOSE (overflow, lose_info) only when a row has them, so the
 * usual table stays under 100 columns (discards are listed under it). The
 * result columns break down RECV, or SENT when only what was sent is
 * shown: a row adds up.
 */
struct sig_columns {
	bool sent, received;
	bool ovfl, lose;
	int width; /* of the count columns: 5, or the largest count's digits */
};

/* The counts by result a row breaks down. */
static const __u64 *row_results(const struct sig_columns *c, const struct sig_stats *s)
{
	return c->received ? s->received : s->sent;
}

static void cell(struct output *o, int width, const char *text)
{
	fprintf(o->f, " %*s", width, text);
}

static void signal_table_header(struct output *o, const struct sig_columns *c)
{
	fprintf(o->f, "%-7s %-15s %-8s", "PID", "COMM", "SIGNAL");
	if (c->sent)
		cell(o, c->width, "SENT");
	if (c->received)
		cell(o, c->width, "RECV");
	cell(o, c->width, "QUEUE");
	cell(o, c->width, "IGN");
	cell(o, c->width, "MERGE");
	if (c->ovfl)
		cell(o, c->width, "OVFL");
	if (c->lose)
		cell(o, c->width, "LOSE");
	if (c->received) {
		cell(o, c->width, "DLVR");
		cell(o, c->width, "HNDL");
		cell(o, c->width, "ACPT");
		cell(o, 7, "PEND50");
		cell(o, 7, "PENDMAX");
	}
	fputc('\n', o->f);
}

/* A count of signal generation (sent, received by result), "-" when that is off. */
static void gen_cell(struct output *o, const struct sig_columns *c, uint64_t n)
{
	char buf[24];

	cell(o, c->width, count_or_dash(buf, n, o->model->features_off,
					FEATURE_SIGNAL_GENERATION));
}

static void signal_table_row(struct output *o, const struct sig_columns *c, const struct proc *p,
			     int sig, const struct sig_stats *s)
{
	uint32_t off = o->model->features_off;
	const __u64 *r = row_results(c, s);
	char n[24], comm[64], pid[16];
	uint64_t q;

	sanitize__terminal(comm, 16, p->comm, strlen(p->comm));
	snprintf(pid, sizeof(pid), p->pid ? "%u" : "-", p->pid);
	fprintf(o->f, "%-7s %-15.15s %-8s", pid, comm, sig__name(sig) + 3);
	if (c->sent)
		gen_cell(o, c, sig_stats__sent(s));
	if (c->received)
		gen_cell(o, c, sig_stats__generated(s));
	gen_cell(o, c, r[SIG_RESULT_QUEUED]);
	gen_cell(o, c, r[SIG_RESULT_IGNORED]);
	gen_cell(o, c, r[SIG_RESULT_ALREADY_PENDING]);
	if (c->ovfl)
		gen_cell(o, c, r[SIG_RESULT_OVERFLOW]);
	if (c->lose)
		gen_cell(o, c, r[SIG_RESULT_LOSE_INFO]);
	if (c->received) {
		cell(o, c->width, count_or_dash(n, sig_stats__delivered(s), off,
						FEATURE_SIGNAL_DELIVERY));
		cell(o, c->width, count_or_dash(n, s->delivered[ACTION_HANDLER], off,
						FEATURE_SIGNAL_DELIVERY));
		cell(o, c->width, count_or_dash(n, s->accepted, off, FEATURE_SYSCALLS));
		q = histogram__quantile(s->pending_hist, IPCSCOPE_HIST_SLOTS, 0.5,
					s->pending_ns_max);
		cell(o, 7, s->pending_samples ? format__ns(n, sizeof(n), q) : "-");
		cell(o, 7, s->pending_samples ? format__ns(n, sizeof(n), s->pending_ns_max) : "-");
	}
	fputc('\n', o->f);
}

/* The largest count a row prints (SENT and RECV bound their breakdowns), or most if larger. */
static uint64_t row__largest(const struct sig_stats *s, uint64_t most)
{
	uint64_t v[] = { sig_stats__sent(s), sig_stats__generated(s), sig_stats__delivered(s),
			 s->accepted };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i] > most)
			most = v[i];
	return most;
}

/* Which columns the rows need; false when there is no row at all. */
static bool signal_table_columns(struct output *o, struct proc **rows, size_t n,
				 struct sig_columns *c)
{
	bool any = false;

	uint64_t most = 0;

	*c = (struct sig_columns){ .sent = report__sent_side(o->filter),
				   .received = report__received_side(o->filter) };
	for (size_t i = 0; i < n; i++) {
		for (int sig = 1; sig <= IPCSCOPE_NSIG; sig++) {
			const struct sig_stats *s = model__sig_stats(rows[i], sig);

			if (!report__sig_row(o->filter, sig, s))
				continue;
			any = true;
			c->ovfl |= row_results(c, s)[SIG_RESULT_OVERFLOW] != 0;
			c->lose |= row_results(c, s)[SIG_RESULT_LOSE_INFO] != 0;
			most = row__largest(s, most);
		}
	}
	c->width = 5;
	for (uint64_t left = most / 100000; left; left /= 10)
		c->width++; /* counts are exact: the columns widen instead */
	return any;
}

static uint64_t row_untimed(const struct sig_stats *s)
{
	return sig_stats__pending_unknown(s);
}

static uint64_t row_discarded(const struct sig_stats *s)
{
	return s->discarded;
}

/*
 * Counts the table leaves unexplained, listed under it, title first, up to
 * 8 rows. Deliveries and acceptances with no pending time: else a DLVR
 * above QUEUE + LOSE reads as a counting error (the signal was pending
 * before tracing began, pending in two threads' own sets at once, or its
 * generation never reached the tracer: docs/design.md, "Deliveries with
 * no pending time"). Signals discarded while pending: else a QUEUE above
 * DLVR + ACPT reads as signals lost ("Pending signals the kernel
 * discards"). Both need pending time.
 */
static void report_row_notes(struct output *o, struct proc **rows, size_t n,
			     uint64_t (*count)(const struct sig_stats *), const char *title)
{
	enum { NOTE_ROWS_SHOWN = 8 };
	size_t shown = 0, more = 0;
	char comm[64], pid[16];

	if (o->model->features_off & FEATURE_BIT(FEATURE_PENDING_TIME))
		return;
	for (size_t i = 0; i < n; i++) {
		for (int sig = 1; sig <= IPCSCOPE_NSIG; sig++) {
			const struct sig_stats *s = model__sig_stats(rows[i], sig);
			uint64_t k;

			if (!report__sig_row(o->filter, sig, s) || !(k = count(s)))
				continue;
			if (shown == NOTE_ROWS_SHOWN) {
				more++;
				continue;
			}
			if (!shown++)
				fprintf(o->f, "%s:\n", title);
			sanitize__terminal(comm, 16, rows[i]->comm, strlen(rows[i]->comm));
			if (rows[i]->pid)
				snprintf(pid, sizeof(pid), "[%u]", rows[i]->pid);
			else
				pid[0] = '\0'; /* the "(retired)" row (model.h retired_proc) */
			fprintf(o->f, "  %llu %s to %s%s\n", (unsigned long long)k, sig__name(sig),
				comm, pid);
		}
	}
	if (more)
		fprintf(o->f, "  and %zu more %s\n", more, format__plural(more, "row", "rows"));
}

static void report_signal_rows(struct output *o, struct proc **rows, size_t n)
{
	struct sig_columns c;

	if (!signal_table_columns(o, rows, n, &c)) {
		fputs("no signals seen\n", o->f);
		return;
	}
	signal_table_header(o, &c);
	for (size_t i = 0; i < n; i++) {
		for (int sig = 1; sig <= IPCSCOPE_NSIG; sig++) {
			const struct sig_stats *s = model__sig_stats(rows[i], sig);

			if (report__sig_row(o->filter, sig, s))
				signal_table_row(o, &c, rows[i], sig, s);
		}
	}
	if (!c.received)
		return;
	report_row_notes(o, rows, n, row_untimed,
			 "pending time unknown (pending before tracing, pending twice at once, "
			 "generation unseen, or replaced by a ptracer: docs/design.md)");
	report_row_notes(o, rows, n, row_discarded,
			 "discarded while pending, never delivered (SIG_IGN set, a SIGCONT "
			 "and a stop signal, or still pending when its thread or process exited)");
}

/* kill() and the like that failed: nothing sent, so no row of the table has them. */
static void report_send_failures(struct output *o, struct proc **rows, size_t n)
{
	bool headed = false;
	char who[96];

	if (!report__sent_side(o->filter) || !filter__all_signals(o->filter))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!rows[i]->send_failures)
			continue;
		if (!headed)
			fputs("signal calls that failed, nothing sent (see the live lines):\n", o->f);
		headed = true;
		fprintf(o->f, "  %llu by %s\n", (unsigned long long)rows[i]->send_failures,
			format__task(who, sizeof(who), rows[i]->comm, rows[i]->pid, rows[i]->pid));
	}
}

static void report_exits(struct output *o, struct proc **rows, size_t n)
{
	char comm[64], how[160];
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		struct proc *p = rows[i];

		if (!p->exited || !p->pid || p->gone)
			continue; /* "(retired)" has no exit of its own; gone ones none seen */
		if (o->doctor && !text_doctor_story_exit(o, p))
			continue;
		if (!any) {
			fprintf(o->f, "\n%-7s %-15s %s\n", "PID", "COMM", "EXIT");
			any = true;
		}
		sanitize__terminal(comm, 16, p->comm, strlen(p->comm));
		fprintf(o->f, "%-7u %-15.15s %s\n", p->pid, comm,
			format__death(how, sizeof(how), p));
	}
}

static void end_str(char *buf, size_t size, const struct pipe_end *e)
{
	format__task(buf, size, e->proc->comm, e->proc->pid, 0);
}

/* writer -> pipe -> reader with bytes on each edge; who went away. */
static void report_pipes(struct output *o)
{
	char obj[160], who[96], t[32], gone[192];
	bool headed = false;

	for (const struct pipe_obj *p = o->model->pipes.first; p; p = p->next_in_order) {
		bool traffic = false;

		for (const struct pipe_end *e = p->ends; e; e = e->next)
			traffic |= e->io.write_calls || e->io.read_calls;
		if (!filter__pipe(o->filter, p) || !traffic)
			continue; /* JSON still lists it; a person wants the busy ones */
		if (!headed)
			fputs("\npipes (writer -> pipe -> reader):\n", o->f);
		headed = true;
		fprintf(o->f, "%s", format__object(obj, sizeof(obj), p->kind, p->ino, p->path));
		if (p->creator) {
			const char *then = pipe_obj__creator_comm(p);

			fprintf(o->f, " created by %s",
				format__task(who, sizeof(who), then, p->creator->pid, 0));
			if (strcmp(then, p->creator->comm)) /* it exec'd since: say what it is now */
				fprintf(o->f, " (now %s)", format__task(who, sizeof(who),
									 p->creator->comm,
									 p->creator->pid, 0));
		}
		fputc('\n', o->f);
		for (const struct pipe_end *e = p->ends; e; e = e->next) {
			if (!e->io.write_calls)
				continue;
			end_str(who, sizeof(who), e);
			/*
			 * Exact counts: a report is read as fact, "4.0M" hides
			 * what it rounds. Calls, failed ones included: the
			 * EPIPE, EAGAIN and interrupted among them follow (a
			 * restarted call counts again: it is entered again).
			 */
			fprintf(o->f, "  %-28s wrote %llu B in %llu write %s, blocked %s", who,
				(unsigned long long)e->io.write_bytes,
				(unsigned long long)e->io.write_calls,
				format__plural(e->io.write_calls, "call", "calls"),
				format__ns(t, sizeof(t), e->io.write_blocked_ns));
			text_count(o, e->io.epipe, "EPIPE");
			text_count(o, e->io.write_partial, "partial");
			text_count(o, e->io.write_eagain, "EAGAIN");
			text_count(o, e->io.write_interrupted, "interrupted");
			fputc('\n', o->f);
		}
		for (const struct pipe_end *e = p->ends; e; e = e->next) {
			if (!e->io.read_calls)
				continue;
			end_str(who, sizeof(who), e);
			fprintf(o->f, "  -> %-25s read %llu B in %llu %s, blocked %s, %llu EOF",
				who,
				(unsigned long long)e->io.read_bytes,
				(unsigned long long)e->io.read_calls,
				format__plural(e->io.read_calls, "read call", "read calls"),
				format__ns(t, sizeof(t), e->io.read_blocked_ns),
				(unsigned long long)e->io.read_eof);
			text_count(o, e->io.read_eagain, "EAGAIN");
			text_count(o, e->io.read_interrupted, "interrupted");
			fputc('\n', o->f);
		}
		if (p->last_reader.proc)
			fprintf(o->f, "  last reader gone: %s\n",
				format__departure(gone, sizeof(gone), &p->last_reader,
						  o->mono_to_real_ns));
	}
}

/*
 * What was off this run because the kernel lacks tracepoints: one line per
 * feature, with the tracepoints it misses (the columns it fills show "-").
 */
static void report_features_off(struct output *o)
{
	const struct model *m = o->model;

	if (!m->features_off)
		return;
	fputs("\nfeatures off (their tracepoints are missing on this kernel):\n", o->f);
	for (unsigned int f = 0; f < FEATURE_MAX; f++) {
		uint32_t gone = feature__needs(f) & m->tracepoints_missing;
		const char *sep = ": ";

		if (!(m->features_off & FEATURE_BIT(f)))
			continue;
		fprintf(o->f, "  %s", feature__text(f));
		for (unsigned int tp = 0; tp < TP_MAX; tp++) {
			if (!(gone & TP_BIT(tp)))
				continue;
			fprintf(o->f, "%s%s", sep, tracepoint__name(tp));
			sep = " and ";
		}
		fputc('\n', o->f);
	}
}

static void report_losses(struct output *o)
{
	const struct model *m = o->model;

	if (!model__loss_total(m)) {
		fputs("\nlost: nothing\n", o->f);
		return;
	}
	fputs("\nlost:\n", o->f);
	for (unsigned int r = 0; r < LOSS_REASON_MAX; r++)
		if (m->loss[r])
			fprintf(o->f, "  %llu %s\n", (unsigned long long)m->loss[r], loss_reason__text(r));
	if (m->bad_records)
		fprintf(o->f, "  %llu %s\n", (unsigned long long)m->bad_records,
			loss_reason__text(LOSS_REASON_MAX));
}

/*
 * What retiring freed past --keep (src/retire.h), only if anything. Over
 * processes the filters leave out are freed too, whatever --keep says:
 * the report shows nothing of them, so this line does not count them
 * (JSON's "retired" record does).
 */
static void report_retired(struct output *o)
{
	const struct retire_counts *r = &o->model->retired;
	const char *sep = "";

	if (!r->shown && !r->pipes && !r->ipc_objects && !r->mapped_objects)
		return;
	fputs("\nretired to bound memory (--keep):", o->f);
	if (r->shown) {
		fprintf(o->f, " %llu %s over, counts in \"(retired)\" (%llu exited, %llu killed "
			      "by a signal)", (unsigned long long)r->shown,
			format__plural(r->shown, "process", "processes"),
			(unsigned long long)(r->exits - r->killed), (unsigned long long)r->killed);
		sep = ";";
	}
	if (r->pipes) {
		fprintf(o->f, "%s %llu closed %s (%llu B written)", sep,
			(unsigned long long)r->pipes,
			format__plural(r->pipes, "pipe or socket", "pipes and sockets"),
			(unsigned long long)r->pipe_bytes);
		sep = ";";
	}
	if (r->ipc_objects) {
		fprintf(o->f, "%s %llu IPC %s over", sep, (unsigned long long)r->ipc_objects,
			format__plural(r->ipc_objects, "object", "objects"));
		sep = ";";
	}
	if (r->mapped_objects)
		fprintf(o->f, "%s %llu mapped %s over", sep, (unsigned long long)r->mapped_objects,
			format__plural(r->mapped_objects, "object", "objects"));
	fputc('\n', o->f);
}

static void text_report(struct output *o)
{
	const struct model *m = o->model;
	char dur[32];
	size_t n;

	text_sigaction_flush(o);
	struct proc **rows = report_rows(o, &n);

	if (o->doctor)
		text_doctor_flush(o);
	/* Filters choose what is shown; the events are all that were traced. */
	fprintf(o->f, "\n=== ipcscope report: %s, %llu events traced%s ===\n",
		format__ns(dur, sizeof(dur), m->end_mono_ns - m->start_mono_ns),
		(unsigned long long)m->events,
		filter__active(o->filter) || o->filter->sig_only ?
			", filters choose what is shown" : "");
	if (o->doctor) {
		text_doctor_report(o);
		report_exits(o, rows, n);
	} else {
		report_signal_rows(o, rows, n);
		report_send_failures(o, rows, n);
		report_pipes(o);
		text_ipc_report(o);
		report_exits(o, rows, n);
	}
	report_retired(o);
	report_features_off(o);
	report_losses(o);
	free(rows);
}

const struct sink_ops sink_text_ops = {
	.start = text_start,
	.record = text_record,
	.lost = text_lost,
	.report = text_report,
	.alert = text_doctor_alert,
	.idle = text_sigaction_flush,
};
