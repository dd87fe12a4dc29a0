// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Every syscall ipcscope follows, reached through the raw sys_enter/sys_exit
 * tracepoints (tp_btf: no tracefs needed, one dispatch on the syscall id;
 * measured cheaper per call than per-syscall tracepoints, see DESIGN.md).
 * Signals: handler returns (rt_sigreturn), handler installs (rt_sigaction),
 * mask changes (rt_sigprocmask) and synchronous acceptance (rt_sigtimedwait,
 * signalfd reads), which never reaches signal_deliver. Pipes: pipes.bpf.h;
 * System V and POSIX IPC and shared mappings: ipc.bpf.h.
 */
#include "fd_scan.bpf.h"
#include "ipc.bpf.h"
#include "signal_slots.bpf.h"
#include "signal_syscalls.bpf.h"

/* arch/x86/entry/syscalls/syscall_64.tbl (the pipe ones: pipes.bpf.h) */
#define NR_rt_sigaction 13
#define NR_rt_sigprocmask 14
#define NR_rt_sigreturn 15
#define NR_rt_sigtimedwait 128
#define NR_rt_sigsuspend 130
#define NR_pselect6 270
#define NR_ppoll 271
#define NR_epoll_pwait 281
#define NR_epoll_pwait2 441
#define NR_alarm 37
#define NR_setitimer 38

#define SIGNALFD_SIGINFO_SIZE 128 /* sizeof(struct signalfd_siginfo) */
#define SIGNALFD_MAX_BATCH 64	  /* records of one read we account for */

/* fs/signalfd.c: a file is a signalfd iff its read_iter is this function. */
extern const void signalfd_read_iter __ksym;

/*
 * For records about current whose struct starts with hdr then task: fold
 * first, and only name the task (a helper call) if the record goes out.
 * Returns true when the record's exact counters were left in the fold slot
 * (a folded repeat of a type fold__settle() knows, see fold__defer()); the
 * caller counts them itself otherwise. has_value/value/hist: as fold__defer.
 */
static __always_inline bool emit_named_flags(void *rec, __u32 size, __u32 type, __u64 now,
					     __u64 key, struct task_struct *cur, bool has_value,
					     __u64 value, bool hist, __u64 flags)
{
	struct event_header *hdr = rec;
	struct task_ref *task = (struct task_ref *)(hdr + 1);
	struct fold_ticket ticket;
	enum fold_verdict verdict = fold__admit(key, &now, &ticket);
	bool deferred = false;

	if (verdict != FOLD_EMIT && (type == EVENT_SIG_ACCEPT || type == EVENT_SIG_HANDLER_RETURN))
		deferred = fold__defer(&ticket, has_value, value, hist);
	if (verdict == FOLD_COUNT)
		return deferred;
	hdr__init(hdr, type, clock__now(&now));
	task_ref__name(task, cur);
	fold__finish_flags(verdict, &ticket, rec, size, flags);
	return deferred;
}

static __always_inline bool emit_named(void *rec, __u32 size, __u32 type, __u64 now, __u64 key,
				       struct task_struct *cur, bool has_value, __u64 value,
				       bool hist)
{
	return emit_named_flags(rec, size, type, now, key, cur, has_value, value, hist,
				EMIT_FLAGS);
}

/*
 * Global: the verifier checks it once on its own, not again for each
 * state of each caller (a bpf_loop callback is checked until its states
 * converge, and this one took half of sys_exit's verification).
 */
__noinline int emit_accept(int sig, __u8 via)
{
	/* Not an argument: a global function's task argument is trusted from 6.8 only. */
	struct task_struct *cur = bpf_get_current_task_btf();
	struct sig_accept_event e = {};
	struct sig_stats *s;
	__u64 now = 0, ts, key;

	if (sig < 1 || sig > IPCSCOPE_NSIG)
		return 0;
	ts = pending__pop(cur, sig);
	if (!sig__wanted(sig) || !proc__wanted(cur->tgid))
		return 0;
	e.sig = sig;
	e.via = via;
	if (ts && ts <= clock__now(&now)) {
		e.pending_ns = now - ts;
		e.pending_known = 1;
	}
	task_ref__ident(&e.task, cur);

	/* The key holds everything fold__settle() reads from the record. */
	key = fold__mix(EVENT_SIG_ACCEPT, e.task.pid);
	key = fold__mix(key, e.task.start_ns);
	key = fold__mix(key, (__u64)sig << 8 | via);
	if (emit_named(&e, sizeof(e), EVENT_SIG_ACCEPT, now, key, cur, e.pending_known,
		       e.pending_ns, true))
		return 0;
	s = sig_stats__get(e.task.pid, e.task.start_ns, sig, 1);
	if (s) {
		__sync_fetch_and_add(&s->accepted, 1);
		if (e.pending_known)
			sig_stats__add_pending(s, e.pending_ns);
	}
	return 0;
}

/* A handler of this thread returned through rt_sigreturn, entered at user sp. */
static __always_inline void on_sigreturn(struct task_struct *cur, __u64 sp)
{
	struct sig_handler_return_event e = {};
	struct handler_frame frame;
	struct sig_stats *s;
	__u64 now, key;

	if (!handler__pop(cur, sp, &frame, &e.depth))
		return;
	now = bpf_ktime_get_ns();
	e.sig = frame.sig;
	e.handler_ns = now - frame.ts;
	if (!sig__wanted(e.sig) || !proc__wanted(cur->tgid))
		return;
	task_ref__ident(&e.task, cur);

	key = fold__mix(EVENT_SIG_HANDLER_RETURN, e.task.pid);
	key = fold__mix(key, e.task.start_ns);
	key = fold__mix(key, e.sig);
	if (emit_named(&e, sizeof(e), EVENT_SIG_HANDLER_RETURN, now, key, cur, true, e.handler_ns,
		       false))
		return;
	s = sig_stats__get(e.task.pid, e.task.start_ns, e.sig, 1);
	if (s) {
		__sync_fetch_and_add(&s->handler_returns, 1);
		__sync_fetch_and_add(&s->handler_ns_sum, e.handler_ns);
		atomic_max(&s->handler_ns_max, e.handler_ns);
	}
}

static __always_inline void on_sigprocmask_enter(struct task_struct *cur, struct pt_regs *regs)
{
	struct thread_sig_state *t;

	if (!proc__wanted(cur->tgid))
		return;
	t = thread_sig_state__get(cur);
	if (!t)
		return;
	t->mask_before = cur->blocked.sig[0];
	t->how = regs->di;
	t->mask_saved = regs->si != 0; /* a NULL set only reads the mask */
}

#define F_DUPFD 0		  /* include/uapi/asm-generic/fcntl.h */
#define F_DUPFD_CLOEXEC 1030	  /* include/uapi/linux/fcntl.h */

/*
 * dup(old), dup2(old, new), dup3(old, new, flags) or fcntl(old, F_DUPFD*)
 * returned the new fd: if it is a pipe or FIFO end, say which fd it now
 * also is (a shell's `a | b`, the course's dup2(fd[1], 1) before execlp).
 * The end closed on newfd is pipe__drop()'s, at sys_enter.
 */
static __noinline void pipe__dup_exit(struct task_struct *cur, struct pt_regs *regs, long ret,
				      __u32 nr)
{
	struct pipe_dup_event e = {};
	struct file *file;
	__u64 key;

	if (!cfg_pipe_io_live || !proc__wanted(cur->tgid))
		return;
	if (nr == NR_fcntl && regs->si != F_DUPFD && regs->si != F_DUPFD_CLOEXEC)
		return;
	file = fd__file(cur, ret);
	if (!file__is_fifo(file))
		return;
	file__object(file, &e.pipe, false);
	e.old_fd = regs->di;
	e.new_fd = ret;
	if (e.old_fd == e.new_fd)
		return; /* dup2(fd, fd): nothing done */
	e.mode = file->f_mode & 3;
	e.syscall_nr = nr;
	task_ref__ident(&e.task, cur);
	key = fold__mix(EVENT_PIPE_DUP, e.task.pid);
	key = fold__mix(key, e.pipe.ino);
	key = fold__mix(key, (__u64)(__u32)e.old_fd << 32 | (__u32)e.new_fd);
	emit_named(&e, sizeof(e), EVENT_PIPE_DUP, 0, key, cur, false, 0, false);
}

/*
 * A call that waited with a temporary signal mask, cut short by a signal.
 * The kernel sets the mask for the wait and keeps the old one in
 * saved_sigmask (kernel/signal.c sigsuspend(), set_user_sigmask()); when a
 * signal ends the wait (-ERESTARTNOHAND; -EINTR from epoll_pwait, or from
 * poll_select_finish() for a timeout it could not write back), the
 * temporary mask stays in force until the handlers have run
 * (restore_saved_sigmask_unless(), signal_delivered()), so a signal
 * blocked before and after is delivered in between. sys_exit runs before
 * that delivery (kernel/entry/syscall-common.c syscall_exit_work()): both
 * masks are still on the task, nothing is read from the caller. (Reading
 * its set at entry cost ~90 ns a call, 1% of a handshaked signal storm.)
 * A wait that ended otherwise (an fd ready, a timeout) has its mask back
 * already and let no signal in: not told (sys_exit checks the result
 * before anything else, EXIT_IF_CUT_SHORT). A call given no set (ppoll's
 * or pselect6's NULL, which leaves saved_sigmask from some earlier call)
 * or one it refused (a size other than 8 is EINVAL) is not told: the
 * set's address is checked before the masks are read. Told only when the
 * masks differ: an event loop's ppoll() with its own mask again is nothing
 * new. What wakes a wait is signal_pending(), which io_uring's task work
 * (TIF_NOTIFY_SIGNAL), the freezer and a ptrace interrupt also set: such a
 * wait is told with no delivery after it, and one that ignored signals end
 * (dropped at dequeue, the call restarted) once per restart.
 */
/*
 * A mask change of cur (old_mask -> new_mask, how, syscall_nr set), named and
 * folded; a wait's is kept apart from a sigprocmask() with the same masks.
 */
static __always_inline void mask__emit(struct task_struct *cur, struct sigprocmask_event *e)
{
	__u64 key;

	task_ref__ident(&e->task, cur);
	key = fold__mix(EVENT_SIGPROCMASK, e->task.pid);
	key = fold__mix(key, e->old_mask);
	key = fold__mix(key, e->new_mask);
	if (e->how == MASK_HOW_WAIT)
		key = fold__mix(key, (__u64)MASK_HOW_WAIT << 32 | e->syscall_nr);
	emit_named(e, sizeof(*e), EVENT_SIGPROCMASK, 0, key, cur, false, 0, false);
}

static __noinline void on_wait_mask_exit(struct task_struct *cur, struct pt_regs *regs, __u32 nr)
{
	struct sigprocmask_event e = {};
	__u64 argpack[2] = {}; /* pselect6's struct sigset_argpack: the set's address, size */
	bool given = false;

	if (!proc__wanted(cur->tgid))
		return;
	switch (nr) {
	case NR_rt_sigsuspend: /* (set, size): it fails before its wait without one */
		given = true;
		break;
	case NR_ppoll: /* (fds, nfds, tsp, set, size) */
		given = regs->r10;
		break;
	case NR_epoll_pwait: /* (epfd, events, maxevents, timeout, set, size) */
	case NR_epoll_pwait2:
		given = regs->r8;
		break;
	case NR_pselect6: /* (n, in, out, ex, tsp, &{set, size}): rare, a wait cut short */
		given = regs->r9 &&
			!bpf_probe_read_user(argpack, sizeof(argpack), (void *)regs->r9) &&
			argpack[0];
		break;
	}
	if (!given)
		return;
	e.new_mask = cur->blocked.sig[0];
	e.old_mask = cur->saved_sigmask.sig[0];
	if (e.new_mask == e.old_mask)
		return;
	e.how = MASK_HOW_WAIT;
	e.syscall_nr = nr;
	mask__emit(cur, &e);
}

static __noinline void on_sigprocmask_exit(struct task_struct *cur, long ret)
{
	struct sigprocmask_event e = {};
	struct thread_sig_state *t;

	t = bpf_task_storage_get(&thread_sig_states, cur, NULL, 0);
	if (!t || !t->mask_saved)
		return;
	t->mask_saved = 0;
	e.new_mask = cur->blocked.sig[0];
	if (ret || e.new_mask == t->mask_before)
		return;
	e.old_mask = t->mask_before;
	e.how = t->how;
	e.syscall_nr = NR_rt_sigprocmask;
	mask__emit(cur, &e);
}

/*
 * Report the action rt_sigaction installed, as the kernel now holds it; or,
 * when the call failed (EINVAL for SIGKILL and SIGSTOP, kernel/signal.c
 * do_sigaction() sig_kernel_only()), the action it asked for, as the
 * caller's struct (x86-64: the kernel's struct sigaction layout) holds it.
 */
static __noinline void on_sigaction_exit(struct task_struct *cur, struct pt_regs *regs,
					 long ret)
{
	struct sigaction_event e = {};
	struct k_sigaction ka;
	int sig = regs->di;
	__u64 key;

	if (!regs->si || sig < 1 || sig > IPCSCOPE_NSIG)
		return;
	if (!sig__wanted(sig) || !proc__wanted(cur->tgid))
		return;
	if (ret ? bpf_probe_read_user(&ka.sa, sizeof(ka.sa), (void *)regs->si)
		: bpf_probe_read_kernel(&ka, sizeof(ka), &cur->sighand->action[(sig - 1) & 63]))
		return;
	e.err = ret;
	e.sig = sig;
	e.handler = (__u64)ka.sa.sa_handler;
	/*
	 * Pending again by now (blocked signals queue even when ignored,
	 * sig_ignored()): a newer one, queued after the flush, holds the time.
	 */
	if (!ret && sig_action__ignores(e.handler, sig) &&
	    !(((cur->signal->shared_pending.signal.sig[0] | cur->pending.signal.sig[0]) >>
	       (sig - 1)) & 1))
		e.discarded = pending__discard(cur, sig);
	e.sa_flags = ka.sa.sa_flags;
	e.sa_mask = ka.sa.sa_mask.sig[0];
	if (e.handler > 1)
		e.image = task__image_id(cur);
	task_ref__ident(&e.task, cur);
	key = fold__mix(EVENT_SIGACTION, e.task.pid);
	key = fold__mix(key, (__u64)sig << 32 | (e.handler & 0xffffffff));
	key = fold__mix(key, (__u32)e.err | (__u64)e.discarded << 32);
	/*
	 * A handler's address is named by user space while the process lives
	 * (src/code_names.c): wake it now rather than at its next 10 ms read.
	 * Handler installs are few; resets to SIG_DFL (posix_spawn's sixty)
	 * do not wake it.
	 */
	emit_named_flags(&e, sizeof(e), EVENT_SIGACTION, 0, key, cur, false, 0, false,
			 e.handler > 1 ? BPF_RB_FORCE_WAKEUP : EMIT_FLAGS);
}

/*
 * alarm() or setitimer() returned: what the process asked for and the
 * timer it replaced (alarm's return value: seconds left, rounded as
 * kernel/time/itimer.c alarm_setitimer() does; setitimer's old_value when
 * given). Built in the ring buffer, not on the stack: sys_exit's frame has
 * no room, and a separate function keeps its verification apart.
 */
static __noinline void timer__exit(struct task_struct *cur, struct pt_regs *regs, long ret,
				   __u32 nr)
{
	struct timer_event *e;
	__u64 old;

	if (!proc__wanted(cur->tgid))
		return;
	e = record__reserve(struct timer_event);
	if (!e)
		return;
	hdr__init(&e->hdr, EVENT_TIMER, bpf_ktime_get_ns());
	task_ref__fill(&e->task, cur);
	e->ret = ret;
	if (nr == NR_alarm) {
		e->op = TIMER_OP_ALARM;
		e->asked.value_sec = (unsigned int)regs->di;
		e->flags = TIMER_F_ASKED;
	} else {
		e->op = TIMER_OP_SETITIMER;
		e->which = regs->di;
		if (!bpf_probe_read_user(&e->asked, sizeof(e->asked), (void *)regs->si))
			e->flags |= TIMER_F_ASKED;
		old = regs->dx;
		if (ret == 0 && old && !bpf_probe_read_user(&e->old, sizeof(e->old), (void *)old))
			e->flags |= TIMER_F_OLD;
	}
	bpf_ringbuf_submit(e, EMIT_FLAGS);
}

#define PID_FS_MAGIC 0x50494446 /* include/uapi/linux/magic.h: pidfds live on pidfs (6.9+) */

/* The pid a pidfd names (fs/pidfs.c pidfd_pid(): its inode's i_private); -1 if none. */
static __always_inline __s64 pidfd__pid(struct task_struct *cur, int fd)
{
	struct file *file = fd__file(cur, fd);
	struct pid *pid;

	if (!file || file->f_inode->i_sb->s_magic != PID_FS_MAGIC)
		return -1;
	pid = bpf_rdonly_cast(file->f_inode->i_private, bpf_core_type_id_kernel(struct pid));
	return pid ? pid->numbers[0].nr : -1; /* level 0: the host's number */
}

/*
 * A signal-sending syscall failed and so generated no signal: an error
 * before kernel/signal.c reached __send_signal_locked() (ESRCH, EPERM,
 * EINVAL). Its EAGAIN (a full real-time queue) is not one: the kernel
 * traced that as signal_generate's overflow (sys_exit leaves it out).
 * Shown when the sender, or the process it names, is in scope, for a
 * signal the -s mask holds; 0 (the existence probe) and numbers that are
 * no signal only when every signal is traced. The target is a number in
 * the sender's PID namespace: inside a container (level > 0) it is no
 * host pid and names nothing here. Folded like other records: a loop of
 * failing kill(pid, 0) is a storm too.
 */
static __noinline void signal_send__failed(struct task_struct *cur, struct pt_regs *regs,
					   long ret, __u32 nr)
{
	struct sig_failed_event e = {};
	int sig = syscall__sig_arg(cur, regs, nr);
	bool named = sig >= 1 && sig <= IPCSCOPE_NSIG;
	__u64 key;

	if (!cfg_send_failures || (named ? !sig__wanted(sig) : cfg_sig_mask != ~0ULL))
		return;
	e.target = (int)regs->di;
	if (nr == NR_pidfd_send_signal)
		e.target = pidfd__pid(cur, regs->di);
	else
		e.target_in_ns = BPF_CORE_READ(cur, thread_pid, level) > 0;
	if (!proc__wanted(cur->tgid) &&
	    (e.target_in_ns || e.target <= 0 || !proc__wanted(e.target)))
		return;
	e.tid = nr == NR_tgkill || nr == NR_rt_tgsigqueueinfo ? (int)regs->si : 0;
	e.sig = sig;
	e.err = ret;
	e.pidfd = nr == NR_pidfd_send_signal ? (int)regs->di : -1;
	e.via = syscall_api_of_call(nr);
	task_ref__ident(&e.sender, cur);
	key = fold__mix(fold__mix(fold__mix(EVENT_SIG_FAILED, cur->tgid), e.target),
			(__u64)(__u32)sig << 32 | (__u32)ret);
	key = fold__mix(fold__mix(key, e.sender.start_ns), (__u64)e.tid << 8 | e.via);
	emit_named(&e, sizeof(e), EVENT_SIG_FAILED, 0, key, cur, false, 0, false);
}

static __always_inline bool fd_is_signalfd(struct task_struct *cur, unsigned int fd)
{
	struct file *file = fd__file(cur, fd);

	return file && (void *)file->f_op->read_iter == &signalfd_read_iter;
}

struct signalfd_batch {
	__u64 buf; /* user buffer the read filled */
	long records;
};

/* bpf_loop callback: record i of a signalfd read; stops at the first unreadable one. */
static long signalfd_record__accept(__u64 i, void *ctx)
{
	struct signalfd_batch *batch = ctx;
	__u32 signo = 0;

	if (i >= batch->records)
		return 1;
	if (bpf_probe_read_user(&signo, sizeof(signo),
				(void *)(batch->buf + i * SIGNALFD_SIGINFO_SIZE)))
		return 1;
	emit_accept(signo, ACCEPT_SIGNALFD);
	return 0;
}

/*
 * Each 128-byte record a signalfd read returns is one accepted signal.
 * bpf_loop keeps the verifier from checking emit_accept once per record.
 * Any read of a multiple of 128 bytes asks its fd: a signalfd may have been
 * made before tracing or inherited across fork, as daemons' are.
 */
static __always_inline void on_read_exit(struct task_struct *cur, struct pt_regs *regs, long ret)
{
	struct signalfd_batch batch = { .buf = regs->si };

	if (ret <= 0 || ret % SIGNALFD_SIGINFO_SIZE || !fd_is_signalfd(cur, regs->di))
		return;
	batch.records = ret / SIGNALFD_SIGINFO_SIZE;
	bpf_loop(SIGNALFD_MAX_BATCH, signalfd_record__accept, &batch, 0);
}

/*
 * A compat syscall (compat.bpf.h): its number and registers are not
 * x86-64's. Only handler returns are followed; the ones whose x86-64 twins
 * ipcscope follows are counted as not followed (the signal-sending ones
 * are not among them: signal_generate follows those).
 */
static __always_inline int compat__enter(struct task_struct *cur, struct pt_regs *regs, long id)
{
	if (id == NR32_rt_sigreturn || id == NR32_sigreturn)
		on_sigreturn(cur, regs->sp);
	else if (cfg_syscalls && compat__twin_followed(id) && proc__wanted(cur->tgid))
		loss__count(LOSS_COMPAT_SYSCALL);
	return 0;
}

/*
 * The work sys_enter and sys_exit have for a syscall, told from its number
 * alone: most syscalls on the system are none of ours and leave before the
 * task is read, as bpf_get_current_task_btf() is a real call here (with
 * the SRSO return thunk: ~30 ns a syscall for the pair, bench getppid
 * storm). sys_enter's dispatch switches over the enum, so the compiler
 * (-Wswitch) catches work listed but never done.
 */
enum enter_work {
	ENTER_NONE,
	ENTER_IO,	  /* read/write-like: the object and whether it may block */
	ENTER_CLOSE,	  /* a pipe end may go */
	ENTER_DUP,	  /* dup2/dup3: the file on newfd goes */
	ENTER_CLOSE_RANGE,
	ENTER_OPEN,	  /* may wait for a FIFO's other side */
	ENTER_SIGRETURN,  /* a handler returns */
	ENTER_SIGPROCMASK,
	ENTER_IPC,	  /* System V / POSIX calls that may block, unmaps */
	ENTER_COMPAT_ONLY, /* a number only a compat syscall of ours has */
};

static __always_inline enum enter_work enter__work(long id)
{
	switch (id) {
	case NR_read:
	case NR_write:
	case NR_readv:
	case NR_writev:
	case NR_splice:
	case NR_tee:
	case NR_vmsplice:
	case NR_sendfile:
		return ENTER_IO;
	case NR_close:
		return ENTER_CLOSE;
	case NR_dup2:
	case NR_dup3:
		return ENTER_DUP;
	case NR_close_range:
		return ENTER_CLOSE_RANGE;
	case NR_open:
	case NR_openat:
	case NR_openat2:
		return ENTER_OPEN;
	case NR_rt_sigreturn:
		return ENTER_SIGRETURN;
	case NR_rt_sigprocmask:
		return ENTER_SIGPROCMASK;
	case NR_msgsnd:
	case NR_msgrcv:
	case NR_semop:
	case NR_semtimedop:
	case NR_mq_timedsend:
	case NR_mq_timedreceive:
	case NR_shmdt:
	case NR_munmap:
	case NR_mremap:
		return ENTER_IPC;
	}
	return compat__noticed(id) ? ENTER_COMPAT_ONLY : ENTER_NONE;
}

/* TP_PROTO(struct pt_regs *regs, long id) -- include/trace/events/syscalls.h */
SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	enum enter_work work = enter__work(id);
	struct task_struct *cur;

	/* Opens that cannot wait leave before the task is read, as the calls of no interest. */
	if (work == ENTER_NONE || (work == ENTER_OPEN && !open__may_wait(regs, id)))
		return 0;
	cur = bpf_get_current_task_btf();
	if (syscall__compat(cur))
		return compat__enter(cur, regs, id);
	/* Without sys_exit only handler time is left to serve here (feature_map.c). */
	if (!cfg_syscalls) {
		if (work == ENTER_SIGRETURN)
			on_sigreturn(cur, regs->sp);
		return 0;
	}
	switch (work) {
	case ENTER_IO:
		io__enter(cur, regs, id);
		break;
	case ENTER_CLOSE:
		pipe__drop(cur, regs->di, CLOSE_BY_CLOSE);
		break;
	case ENTER_DUP:
		/*
		 * fs/file.c ksys_dup3(): newfd's file goes only if oldfd is open
		 * (else EBADF), they differ (dup2 does nothing, dup3 EINVAL) and
		 * dup3's flags are O_CLOEXEC or none (else EINVAL).
		 */
		if ((int)regs->di != (int)regs->si && (id == NR_dup2 || !(regs->dx & ~O_CLOEXEC)) &&
		    fd__file(cur, regs->di))
			pipe__drop(cur, regs->si, CLOSE_BY_DUP);
		break;
	case ENTER_CLOSE_RANGE:
		pipe__close_range(cur, regs->di, regs->si, regs->dx);
		break;
	case ENTER_OPEN:
		open__enter(cur, regs, id);
		break;
	case ENTER_SIGRETURN:
		on_sigreturn(cur, regs->sp);
		break;
	case ENTER_SIGPROCMASK:
		on_sigprocmask_enter(cur, regs);
		break;
	case ENTER_IPC:
		ipc__enter(cur, regs, id);
		break;
	case ENTER_NONE:
	case ENTER_COMPAT_ONLY:
		break;
	}
	return 0;
}

enum exit_work {
	EXIT_NONE,
	EXIT_FOLLOW,
	EXIT_IF_FAILED, /* a signal-sending call: one that sent is signal_generate's */
	EXIT_IF_CUT_SHORT, /* a wait with a temporary mask: only when a signal ended it */
};

/*
 * The syscalls sys_exit follows: the cases of its dispatch, kept in step
 * with it by hand (a syscall missing here is never seen: the integration
 * tests cover each). The dispatch itself stays on the number, not on an
 * enum as in sys_enter: that reshaped sys_exit's frame past the 512-byte
 * stack limit (it uses 504).
 */
static __always_inline enum exit_work exit__work(__u32 nr)
{
	switch (nr) {
	case NR_read:
	case NR_write:
	case NR_readv:
	case NR_writev:
	case NR_splice:
	case NR_tee:
	case NR_vmsplice:
	case NR_sendfile:
	case NR_sendto:
	case NR_sendmsg:
	case NR_sendmmsg:
	case NR_pipe:
	case NR_pipe2:
	case NR_dup:
	case NR_dup2:
	case NR_dup3:
	case NR_fcntl:
	case NR_mknod:
	case NR_mknodat:
	case NR_open:
	case NR_openat:
	case NR_openat2:
	case NR_rt_sigaction:
	case NR_rt_sigprocmask:
	case NR_rt_sigtimedwait:
	case NR_msgsnd:
	case NR_msgrcv:
	case NR_semop:
	case NR_semtimedop:
	case NR_mq_timedsend:
	case NR_mq_timedreceive:
	case NR_shmat:
	case NR_shmdt:
	case NR_shmget:
	case NR_msgget:
	case NR_semget:
	case NR_shmctl:
	case NR_msgctl:
	case NR_semctl:
	case NR_mq_notify:
	case NR_mmap:
	case NR_munmap:
	case NR_mremap:
	case NR_mq_open:
	case NR_mq_unlink:
	case NR_memfd_create:
	case NR_unlink:
	case NR_unlinkat:
	case NR_alarm:
	case NR_setitimer:
		return EXIT_FOLLOW;
	case NR_rt_sigsuspend:
	case NR_ppoll:
	case NR_pselect6:
	case NR_epoll_pwait:
	case NR_epoll_pwait2:
		return EXIT_IF_CUT_SHORT;
	case NR_kill:
	case NR_tkill:
	case NR_tgkill:
	case NR_rt_sigqueueinfo:
	case NR_rt_tgsigqueueinfo:
	case NR_pidfd_send_signal:
		return EXIT_IF_FAILED;
	}
	return EXIT_NONE;
}

/* An open's exit: how long it waited, and what it opened (a FIFO, a POSIX shm segment). */
static __noinline void open__exit(struct task_struct *cur, struct pt_regs *regs, long ret,
				  __u32 nr)
{
	__u64 wait_ns = open__waited(cur, regs, nr, ret);

	if (ret < 0)
		return;
	fifo__opened(cur, regs, nr, ret, wait_ns);
	shm_open__exit(cur, regs, nr, ret);
}

/*
 * TP_PROTO(struct pt_regs *regs, long ret); the id is regs->orig_ax.
 *
 * Each handler is a __noinline subprogram with a frame of its own. The
 * verifier adds up the frames of every call chain (a program, the
 * subprograms it calls, the callbacks it hands to bpf_loop) and refuses
 * more than 512 bytes (kernel/bpf/verifier.c check_max_stack_depth_subprog(),
 * MAX_BPF_STACK). Kernels whose JIT gives a large frame a private stack
 * (6.13+) skip that sum, so a program too deep for the others loads there:
 * inlined, the handlers made sys_exit 504 bytes, and some 6.18 machines
 * refused it with its callees. tests/bpf_stack.py checks every chain on
 * the object file. The one call this adds to a followed write (io__exit)
 * costs a few ns.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u32 nr = regs->orig_ax;
	enum exit_work work = exit__work(nr);
	struct task_struct *cur;

	/* Event loops call epoll_pwait and ppoll all the time: their result first. */
	if (work == EXIT_NONE || (work == EXIT_IF_FAILED && (ret >= 0 || ret == -EAGAIN)) ||
	    (work == EXIT_IF_CUT_SHORT && ret != -ERESTARTNOHAND && ret != -EINTR))
		return 0;
	cur = bpf_get_current_task_btf();
	if (syscall__compat(cur))
		return 0; /* counted at sys_enter */
	if (work == EXIT_IF_FAILED) {
		signal_send__failed(cur, regs, ret, nr);
		return 0;
	}

	switch (nr) {
	case NR_read:
		io__exit(cur, regs, ret, nr);
		on_read_exit(cur, regs, ret);
		break;
	case NR_write:
	case NR_readv:
	case NR_writev:
	case NR_splice:
	case NR_tee:
	case NR_vmsplice:
	case NR_sendfile:
	case NR_sendto:
	case NR_sendmsg:
	case NR_sendmmsg:
		io__exit(cur, regs, ret, nr);
		break;
	case NR_pipe:
	case NR_pipe2:
		if (ret == 0)
			pipe__created(cur, regs, nr);
		break;
	case NR_dup:
	case NR_dup2:
	case NR_dup3:
	case NR_fcntl:
		if (ret >= 0)
			pipe__dup_exit(cur, regs, ret, nr);
		break;
	case NR_mknod:
	case NR_mknodat:
		if (ret == 0)
			fifo__created(cur, regs, nr);
		break;
	case NR_open:
	case NR_openat:
	case NR_openat2:
		open__exit(cur, regs, ret, nr);
		break;
	case NR_rt_sigaction:
		on_sigaction_exit(cur, regs, ret);
		break;
	case NR_rt_sigprocmask:
		on_sigprocmask_exit(cur, ret);
		break;
	case NR_rt_sigtimedwait:
		if (ret > 0)
			emit_accept(ret, ACCEPT_SIGTIMEDWAIT);
		break;
	case NR_rt_sigsuspend:
	case NR_ppoll:
	case NR_pselect6:
	case NR_epoll_pwait:
	case NR_epoll_pwait2:
		on_wait_mask_exit(cur, regs, nr);
		break;
	case NR_msgsnd:
	case NR_msgrcv:
		msg__exit(cur, regs, ret, nr);
		break;
	case NR_semop:
	case NR_semtimedop:
		semop__exit(cur, regs, ret, nr);
		break;
	case NR_mq_timedsend:
	case NR_mq_timedreceive:
		mq__exit(cur, regs, ret, nr);
		break;
	case NR_shmat:
	case NR_shmdt:
		shm_attach__exit(cur, regs, ret, nr);
		break;
	case NR_shmget:
	case NR_msgget:
	case NR_semget:
	case NR_shmctl:
	case NR_msgctl:
	case NR_semctl:
		ipc_admin__exit(cur, regs, ret, nr);
		break;
	case NR_mq_notify:
		mq_notify__exit(cur, regs, ret);
		break;
	case NR_mmap:
	case NR_munmap:
	case NR_mremap:
		map__exit(cur, regs, ret, nr);
		break;
	case NR_mq_open:
	case NR_mq_unlink:
	case NR_memfd_create:
		ipc_open__exit(cur, regs, ret, nr);
		break;
	case NR_unlink:
	case NR_unlinkat:
		shm_unlink__exit(cur, regs, ret, nr);
		break;
	case NR_alarm:
	case NR_setitimer:
		timer__exit(cur, regs, ret, nr);
		break;
	}
	return 0;
}
