// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Signal generation and delivery, from the signal:signal_generate and
 * signal:signal_deliver tracepoints (BTF-typed, no tracefs needed).
 */
#include "pipes.bpf.h"
#include "signal_slots.bpf.h"
#include "task_stack.bpf.h"
#include "signal_syscalls.bpf.h"

#define SI_KERNEL 0x80
#define SI_QUEUE -1
#define SI_TIMER -2
#define SI_MESGQ -3

#define PF_KTHREAD 0x00200000 /* include/linux/sched.h */

#define SIGBIT(s) (1ULL << ((s) - 1))
/* Default action is not term/core: include/linux/signal.h SIG_KERNEL_*_MASK. */
#define NONFATAL_DEFAULT_MASK                                                                  \
	(SIGBIT(SIGCHLD) | SIGBIT(SIGCONT) | SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) |                 \
	 SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH))

/*
 * The x86-64 syscall a user task is in, -1 for none, a kernel thread, or a
 * compat syscall other than the six that send signals; top:
 * task__user_regs(cur).
 */
static __always_inline int current_syscall(struct task_struct *cur, struct pt_regs *top)
{
	if (!top || (cur->flags & PF_KTHREAD))
		return -1;
	if (syscall__compat(cur))
		return compat__signal_syscall(top->orig_ax);
	/*
	 * A syscall's number, or, when the task was not in one, whatever the
	 * entry path left in orig_ax: -1 from most interrupts, but seen here
	 * as large garbage for a CPU-time timer's signal sent on the way back
	 * to a busy user loop. x86-64 numbers are below 1024.
	 */
	return top->orig_ax < 1024 ? (int)top->orig_ax : -1;
}

/*
 * Which API sent this signal, if a process did. current being inside a
 * signal-sending syscall proves nothing by itself: the kernel raises
 * signals in the middle of syscalls too. current is the sender only when
 *  - the siginfo carries a code that syscall produces (users choose it for
 *    rt_sigqueueinfo, so this alone cannot tell a POSIX timer's SI_TIMER);
 *  - the siginfo sits on current's stack: all six syscalls build it there
 *    (a local kernel_siginfo, kernel/signal.c), while a POSIX timer's is
 *    in its sigqueue -- also when a CPU-time timer's task work raises it on
 *    the way out of the very syscall the tick interrupted
 *    (kernel/time/posix-cpu-timers.c, CONFIG_POSIX_CPU_TIMERS_TASK_WORK);
 *  - it is the signal the syscall was asked to send: seccomp's SIGSYS
 *    (kernel/seccomp.c force_sig_seccomp(), forced at syscall entry) and
 *    the SIGCHLD a ptrace syscall stop sends the tracer
 *    (do_notify_parent_cldstop()) also build theirs on current's stack.
 * Signals from interrupts never get here (task_stack.bpf.h).
 */
static __always_inline __u8 sender_api(struct task_struct *cur, struct pt_regs *top, int nr,
				       int sig, struct kernel_siginfo *info, __u8 info_kind,
				       int code)
{
	__u8 via;

	if (info_kind != INFO_REAL)
		return VIA_KERNEL;
	via = syscall_api(nr, code);
	if (via == VIA_KERNEL)
		return VIA_KERNEL;
	if (!task_stack__holds(cur, top, info) || syscall__sig_arg(cur, top, nr) != sig)
		return VIA_KERNEL;
	return via;
}

static __always_inline __u8 info_kind_of(struct kernel_siginfo *info)
{
	/* SEND_SIG_NOINFO is 0 and SEND_SIG_PRIV is 1: not dereferenceable. */
	if ((unsigned long)info == 0)
		return INFO_NOINFO;
	if ((unsigned long)info == 1)
		return INFO_PRIV;
	return INFO_REAL;
}

/* include/linux/sched/signal.h: signal_struct flags (the others in ipcscope.bpf.h). */
#define SIGNAL_UNKILLABLE 0x00000040
#define PF_KTHREAD 0x00200000

/*
 * The pid a siginfo names is a number in some pid namespace, not the host
 * pid records name processes by: kill() and its kin write the sender's own
 * view (task_tgid_vnr(current); send_signal_locked() zeroes it when the
 * sender sits in an ancestor of the target's namespace), SIGCHLD the
 * child's pid in the parent's namespace (do_notify_parent()), mq_notify
 * the sender's in the listener's (__do_notify()). In a container neither
 * is the host's. The process meant is current in all these cases but the
 * claims rt_sigqueueinfo lets a sender make: when the number is current's
 * thread group in current's own namespace, or in the target's (the same
 * namespace there), it is current's host tgid; so is a 0 the kernel wrote
 * for a current the target's namespace cannot see (a host process
 * signalling into a container). Otherwise the number stands as it is when
 * the target lives in the initial namespace (a host pid, or a claim), and
 * is unknown (-1) when the target lives in another.
 */
static __always_inline __s32 info_pid__host(struct task_struct *task, struct pid *tp, __s32 nr,
					    bool in_interrupt)
{
	unsigned int tl = BPF_CORE_READ(tp, level), cl;
	struct task_struct *cur;
	bool visible;
	struct pid *cp;

	if (nr < 0 || in_interrupt)
		return nr < 0 || tl == 0 ? nr : -1;
	cur = (struct task_struct *)bpf_get_current_task();
	cp = BPF_CORE_READ(cur, group_leader, thread_pid);
	cl = BPF_CORE_READ(cp, level);
	visible = tl <= cl && BPF_CORE_READ(cp, numbers[tl].ns) == BPF_CORE_READ(tp, numbers[tl].ns);
	/* 0: zeroed for a sender the target's namespace cannot see (an ancestor's). */
	if (nr == 0)
		return tl > 0 && !visible ? BPF_CORE_READ(cur, tgid) : 0;
	if (BPF_CORE_READ(cp, numbers[cl].nr) == nr ||
	    (visible && BPF_CORE_READ(cp, numbers[tl].nr) == nr))
		return BPF_CORE_READ(cur, tgid);
	return tl == 0 ? nr : -1;
}

/*
 * Why the kernel ignored it, in the order kernel/signal.c decides:
 * prepare_signal() drops every signal to a group that is exiting (a zombie
 * included), then sig_task_ignored(): SIG_DFL to an init
 * (SIGNAL_UNKILLABLE: a PID namespace's pid 1, whose default actions
 * never apply to signals from inside), a kernel thread, then the handler.
 * A default action that ignores goes before the init: that reason would
 * hold for any process. Read under the siglock send_signal_locked() still
 * holds.
 */
static __always_inline __u8 ignored__why(struct task_struct *task, int sig)
{
	unsigned int flags = BPF_CORE_READ(task, signal, flags);
	unsigned long handler;

	if ((flags & SIGNAL_GROUP_EXIT) || BPF_CORE_READ(task, exit_state))
		return IGN_WHY_EXITING;
	if (sig < 1 || sig > IPCSCOPE_NSIG)
		return IGN_WHY_NONE;
	handler = (unsigned long)BPF_CORE_READ(task, sighand, action[sig - 1].sa.sa_handler);
	/* Ignored by default anyway: an init's SIGCHLD says nothing about the init. */
	if (handler == 0 /* SIG_DFL */ && (SIG_KERNEL_IGNORE_MASK & (1ULL << (sig - 1))))
		return IGN_WHY_DEFAULT;
	if ((flags & SIGNAL_UNKILLABLE) && handler == 0)
		return IGN_WHY_INIT;
	if (BPF_CORE_READ(task, flags) & PF_KTHREAD)
		return IGN_WHY_KTHREAD;
	return handler == 1 /* SIG_IGN */ ? IGN_WHY_HANDLER : IGN_WHY_DEFAULT;
}

/*
 * What an emitted record says beyond what counting needs: the siginfo's pid
 * as a host pid, and why an ignored signal was. A global function: verified
 * once on its own, so it leaves signal_generate's verification as it was
 * (inlined, or called before the fold decision, it doubled it). target: the
 * task_struct's address; e: the record, written in place.
 */
__noinline int sig_generate__explain(struct sig_generate_event *e, unsigned long target)
{
	struct task_struct *task = (struct task_struct *)target;

	if (!e || !task)
		return 0;
	/*
	 * SEND_SIG_NOINFO: kernel/signal.c __send_signal_locked() writes si_code
	 * SI_USER and si_pid = current's tgid as the target's namespace numbers
	 * it (a parent-death signal names the parent that died), in the queue
	 * entry it makes: so for a signal queued, not SIGKILL or one to a kernel
	 * thread (those get no entry). Said for a target in the host's
	 * namespace, where that number is the host's.
	 */
	if (e->info_kind == INFO_NOINFO && e->result == SIG_RESULT_QUEUED && e->sig != SIGKILL &&
	    !e->in_interrupt && !(BPF_CORE_READ(task, flags) & PF_KTHREAD) &&
	    BPF_CORE_READ(task, thread_pid, level) == 0)
		e->info_pid = e->context.pid;
	e->info_pid_host = info_pid__host(task, BPF_CORE_READ(task, thread_pid), e->info_pid,
					  e->in_interrupt);
	if (e->result == SIG_RESULT_IGNORED)
		e->ignored_why = ignored__why(task, e->sig);
	return 0;
}

/*
 * info as a pointer the verifier lets us load through. Kernels that list
 * signal_generate and signal_deliver in raw_tp_null_args (kernel/bpf/btf.c)
 * hand info over as a scalar "as it may encode error" (SEND_SIG_NOINFO and
 * SEND_SIG_PRIV are 0 and 1, not pointers) and refuse a direct load; older
 * ones give a BTF pointer. bpf_rdonly_cast() (6.4+, free at run time) turns
 * either into an untrusted BTF pointer: plain loads, fault-safe. Only for
 * INFO_REAL.
 */
static __always_inline const struct kernel_siginfo *siginfo__readable(struct kernel_siginfo *info)
{
	return bpf_rdonly_cast(info, bpf_core_type_id_kernel(struct kernel_siginfo));
}

/*
 * A SIGPIPE the writer's own write path raised (DESIGN.md: current ==
 * target, inside the write): the object is what that call writes to. A pipe
 * write already named it at sys_enter; a socket is looked up here.
 */
static __always_inline void sigpipe__object(struct task_struct *cur, struct obj_ref *obj, __u32 nr)
{
	struct io_call *c = io__remembered(cur, nr);
	struct pt_regs *regs;

	if (c && c->out.kind) {
		*obj = c->out;
		return;
	}
	regs = task__user_regs(cur);
	if (regs)
		file__object(fd__file(cur, nr__out_fd(nr, regs)), obj, true);
}

/*
 * The SIGPIPE of an EPIPE storm, left for the write's sys_exit to count with
 * its EPIPE in one folded record (pipes.bpf.h epipe__emit(); user space
 * splits it again, src/epipe_sigpipe.c): a storm's writes then pay for one
 * identity, one fold key and one fold slot instead of two, and this program
 * returns before its helper call (~23 ns, BENCHMARKS.md).
 *
 * fs/pipe.c pipe_write() finding no reader does send_sig(SIGPIPE, current,
 * 0) -- SEND_SIG_NOINFO, not to the group -- and returns -EPIPE, or what it
 * wrote if the last reader left part-way (sigpipe__alone() then). So the
 * SIGPIPE is taken for this one only when
 *  - it is the write's own: no siginfo, one thread, and the argument array
 *    is on the target's stack, so the target is current and we are not in
 *    an interrupt (task_stack.bpf.h);
 *  - current is in a pipe write that found no reader at sys_enter, as this
 *    CPU's io_inflight entry says (pipes.bpf.h). The mark goes to the
 *    thread's slot, where that write's sys_exit takes it even if the
 *    thread has switched CPUs since (io__exit());
 *  - it leaves nothing else to record now: ignored, or merged into a
 *    pending SIGPIPE (a queued one starts a pending time: recorded below);
 *  - the filters would keep it: a pid filter on targets lets a write's
 *    SIGPIPE through wherever io__enter() let the write through;
 *  - the thread's slot takes the mark (thread_slots.bpf.h).
 * Anything else is recorded below as usual.
 */
static __always_inline bool sigpipe__defer(const void *ctx, int sig, struct kernel_siginfo *info,
					   struct task_struct *task, int group, int result)
{
	__u64 base, offset = pt_regs_offset;
	struct thread_slot *slot;
	struct pt_regs *regs;
	struct io_call *c;
	bool blocked;

	if (sig != SIGPIPE || info || group)
		return false;
	if (result != SIG_RESULT_IGNORED && result != SIG_RESULT_ALREADY_PENDING)
		return false;
	if (!sig__wanted(SIGPIPE) || (cfg_filter_pids && !cfg_match_target))
		return false;
	base = (__u64)task->stack;
	if (!offset || !base || (__u64)ctx < base || (__u64)ctx >= base + offset)
		return false;
	if (syscall__compat(task))
		return false;
	regs = bpf_rdonly_cast((void *)(base + offset), bpf_core_type_id_kernel(struct pt_regs));
	c = io__inflight(task, regs->orig_ax);
	if (!c || !c->no_readers)
		return false;
	slot = thread_slot__of(task->pid);
	if (!slot)
		return false;
	blocked = (task->blocked.sig[0] >> (SIGPIPE - 1)) & 1;
	return thread_slot__mark_sigpipe(slot, SIGPIPE_MARK(task->pid, result, blocked));
}

#define PF_EXITING 0x00000004 /* include/linux/sched.h */
#define GROUP_WALK_THREADS 64 /* threads asked whether one takes a group signal */

struct thread_walk {
	__u64 head; /* &signal->thread_head: the walk is back at the start */
	__u64 pos;  /* the thread_node of the thread to ask next */
	__u64 bit;  /* the signal's bit in a sigset */
	bool takes;
};

/* bpf_loop callback: does the thread at w->pos leave the signal unblocked? */
static long thread_walk__step(__u64 i, void *ctx)
{
	struct thread_walk *w = ctx;
	struct task_struct *t;

	if (!w->pos || w->pos == w->head)
		return 1;
	t = bpf_rdonly_cast((void *)(w->pos - bpf_core_field_offset(struct task_struct, thread_node)),
			    bpf_core_type_id_kernel(struct task_struct));
	if (!((t->blocked.sig[0] | t->real_blocked.sig[0]) & w->bit) && !(t->flags & PF_EXITING)) {
		w->takes = true;
		return 1;
	}
	w->pos = (__u64)t->thread_node.next;
	return 0;
}

/*
 * A signal to the whole process is blocked only if every thread blocks it:
 * kernel/signal.c complete_signal() gives it to any thread that does not
 * (wants_signal()). signal_generate runs under siglock, which
 * __exit_signal() holds to unlink a thread: the list is stable. Past
 * GROUP_WALK_THREADS threads that all block it, it is taken as blocked.
 */
static __noinline bool group__all_block(struct task_struct *task, int sig)
{
	struct signal_struct *signal = task->signal;
	struct thread_walk w = { .bit = 1ULL << ((sig - 1) & 63) };

	if (!signal || !bpf_core_field_exists(signal->thread_head))
		return true;
	w.head = (__u64)signal + bpf_core_field_offset(struct signal_struct, thread_head);
	w.pos = (__u64)signal->thread_head.next;
	bpf_loop(GROUP_WALK_THREADS, thread_walk__step, &w, 0);
	return !w.takes;
}

/*
 * Everything signal_generate records, out of line: verified once, where
 * inlined after sigpipe__defer() it was verified again for each of its
 * ways out (the verifier knew sig == SIGPIPE, result == ignored... on
 * each), which nearly doubled the program's verification. The call costs
 * a signal that goes this way a few ns; the SIGPIPE of a storm does not.
 * ctx: the tracepoint's arguments, as below.
 */
static __noinline int sig_generate__record(unsigned long long *ctx)
{
	int sig = ctx[0], group = ctx[3], result = ctx[4];
	struct kernel_siginfo *info = (void *)ctx[1];
	struct task_struct *task = (void *)ctx[2];
	struct task_struct *cur;
	struct sig_generate_event e = {};
	struct fold_ticket ticket;
	enum fold_verdict verdict;
	struct pt_regs *top;
	__u64 now, key, target_addr = 0;

	/* Before any filter: the flush happened whatever is shown (pending__discard() counts). */
	if (cfg_pending_timing && sig >= SIGCONT && sig <= SIGTTOU)
		pending__flushed_by(task, sig);
	if (!sig__wanted(sig))
		return 0;

	/* From an interrupt, current only happened to be running (task_stack.bpf.h). */
	cur = bpf_get_current_task_btf();
	top = task__user_regs(cur);
	e.in_interrupt = tracepoint__in_interrupt(cur, top, ctx);

	e.sig = sig;
	e.result = result;
	e.group = group != 0;
	e.info_kind = info_kind_of(info);
	if (e.info_kind == INFO_REAL) {
		const struct kernel_siginfo *si = siginfo__readable(info);

		e.code = si->si_code;
		e.info_pid = si->_sifields._kill._pid;
		/* include/uapi/asm-generic/siginfo.h: _rt and _timer hold the sigval at one offset */
		if (e.code == SI_QUEUE || e.code == SI_TIMER || e.code == SI_MESGQ) {
			e.value = (__u64)si->_sifields._rt._sigval.sival_ptr;
			e.bits |= SIG_GEN_VALUE;
		}
	} else {
		e.code = e.info_kind == INFO_PRIV ? SI_KERNEL : SI_USER;
	}
	e.syscall_nr = e.in_interrupt ? -1 : current_syscall(cur, top);
	e.via = sender_api(cur, top, e.syscall_nr, sig, info, e.info_kind, e.code);
	e.has_sender = e.via != VIA_KERNEL;
	/* kill(pid, sig): pid > 0 one process, 0 the caller's group, -1 all, < -1 group -pid */
	if (e.via == VIA_KILL && top) {
		e.kill_pid = (int)(syscall__compat(cur) ? top->bx : top->di);
		e.bits |= SIG_GEN_KILL_PID;
	}
	task_ref__ident(&e.target, task);
	if (!e.in_interrupt)
		task_ref__ident(&e.context, cur);
	if (e.has_sender)
		e.sender = e.context;

	if (e.target.pid == cfg_self_tgid)
		return 0; /* a signal to ipcscope itself (ipcscope.bpf.h) */
	if (cfg_filter_pids) {
		bool hit = (cfg_match_target && pid__watched(e.target.pid)) ||
			   (cfg_match_sender && e.has_sender && pid__watched(e.sender.pid));
		if (!hit)
			return 0;
	}

	/*
	 * Blocked by the program: sigtimedwait()/sigwaitinfo() lift their set
	 * from task->blocked while they wait and keep the mask the program
	 * set in real_blocked (kernel/signal.c do_sigtimedwait(); empty
	 * otherwise), so a blocked signal taken that way still reads blocked.
	 */
	e.blocked = ((task->blocked.sig[0] | task->real_blocked.sig[0]) >> (sig - 1)) & 1;
	/* An exiting target takes nothing (wants_signal()): the others decide. */
	if ((e.blocked || task->flags & PF_EXITING) && group && task->signal->nr_threads > 1)
		e.blocked = group__all_block(task, sig);
	/*
	 * kernel/signal.c prepare_signal(), before this tracepoint: a SIGCONT
	 * wakes a stopped group (or cancels a group stop under way) and sets
	 * SIGNAL_CLD_CONTINUED (or SIGNAL_CLD_STOPPED) for the resumed task to
	 * report to its parent, even when its result is "ignored" (SIGCONT's
	 * default action). The resumed task clears them in get_signal(): only
	 * a second SIGCONT that comes before it runs again sees them too.
	 */
	if (sig == SIGCONT &&
	    (task->signal->flags & (SIGNAL_CLD_STOPPED | SIGNAL_CLD_CONTINUED)))
		e.bits |= SIG_GEN_CONTINUED;
	if (sig == SIGPIPE && task == cur && e.syscall_nr >= 0 && nr__writes(e.syscall_nr))
		sigpipe__object(cur, &e.object, e.syscall_nr);
	now = 0;
	if (cfg_pending_timing && (result == SIG_RESULT_QUEUED || result == SIG_RESULT_LOSE_INFO))
		pending__push(task, sig, group, clock__now(&now));

	/* The key holds everything sig_generate__count() reads from the record. */
	key = fold__mix(EVENT_SIG_GENERATE, e.has_sender ? e.sender.pid : 0);
	key = fold__mix(key, e.has_sender ? e.sender.start_ns : 0);
	key = fold__mix(key, e.target.pid);
	key = fold__mix(key, e.target.start_ns);
	key = fold__mix(key, (__u64)sig << 24 | result << 16 | e.via << 8 | e.blocked);
	key = fold__mix(key, e.object.kind ? e.object.ino : e.bits); /* not value: storms fold */
	key = fold__mix(key, e.in_interrupt);
	verdict = fold__admit_in(key, e.in_interrupt, &now, &ticket);
	if (verdict == FOLD_EMIT || !fold__defer(&ticket, false, 0, false))
		sig_generate__count(&e, 1);
	if (verdict == FOLD_COUNT)
		return 0; /* counted by fold__settle() when the slot's window ends */
	hdr__init(&e.hdr, EVENT_SIG_GENERATE, clock__now(&now));
	task_ref__name(&e.target, task);
	if (!e.in_interrupt)
		task_ref__name(&e.context, cur);
	if (e.has_sender)
		__builtin_memcpy(e.sender.comm, e.context.comm, sizeof(e.sender.comm));
	/* A global function takes no task pointer: its address, read as a number. */
	bpf_probe_read_kernel(&target_addr, sizeof(target_addr), &ctx[2]);
	sig_generate__explain(&e, target_addr);
	fold__finish(verdict, &ticket, &e, sizeof(e));
	return 0;
}

/* TP_PROTO(int sig, struct kernel_siginfo *info, struct task_struct *task,
 *	    int group, int result) -- include/trace/events/signal.h */
SEC("tp_btf/signal_generate")
int BPF_PROG(handle_sig_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	if (sigpipe__defer(ctx, sig, info, task, group, result))
		return 0;
	return sig_generate__record(ctx);
}

/*
 * When a default action kills a group, complete_signal() queues SIGKILL on
 * every thread and get_signal() reports SIGKILL at signal_deliver; the real
 * cause is signal->group_exit_code (low 7 bits). exit_group() and exec's
 * de_thread() zap threads the same way with no signal cause at all.
 * Returns the signal to report, or 0 to report nothing.
 */
static __always_inline int true_fatal_signal(struct task_struct *cur, struct proc_sig_state **stp,
					     __u8 *converted)
{
	struct signal_struct *signal = cur->signal;
	int cause;

	if (!(signal->flags & SIGNAL_GROUP_EXIT) && !signal->group_exec_task)
		return SIGKILL;
	cause = signal->group_exit_code & 0x7f;
	if (!cause)
		return 0;
	if (!*stp)
		*stp = proc_sig_state__get(cur);
	if (*stp) {
		if ((*stp)->death_reported)
			return 0; /* one death per process, not one per thread */
		(*stp)->death_reported = 1;
	}
	*converted = cause != SIGKILL;
	return cause;
}

static __always_inline void count_deliver(struct sig_deliver_event *e)
{
	struct sig_stats *s = sig_stats__get(e->task.pid, e->task.start_ns, e->sig, 1);
	__u32 action = e->action;

	barrier_var(action);
	if (!s || action >= ACTION_MAX)
		return;
	__sync_fetch_and_add(&s->delivered[action], 1);
	if (e->pending_known)
		sig_stats__add_pending(s, e->pending_ns);
}

#define SA_RESTART 0x10000000 /* include/uapi/asm-generic/signal.h */

/*
 * A handler is about to run: if current was in a syscall that a signal
 * interrupted, say whether the call fails with EINTR or is restarted.
 * signal_deliver fires in get_signal(), before handle_signal() turns the
 * -ERESTART* code in ax into -EINTR or rewinds ip to run the call again;
 * orig_ax is the call's number (-1 out of an interrupt or fault). Only the
 * first delivery finds the code: a second one in the same return sees
 * what handle_signal() left.
 */
static __always_inline void deliver__interrupted(struct task_struct *cur,
						 struct sig_deliver_event *e)
{
	struct pt_regs *regs;
	long nr, ax;

	if (syscall__compat(cur))
		return; /* ia32 numbers: not the calls syscall__name() knows */
	regs = task__user_regs(cur);
	if (!regs)
		return;
	nr = regs->orig_ax;
	ax = regs->ax;
	if (nr < 0)
		return;
	switch (-ax) {
	case ERESTARTSYS:
		e->interrupted = e->sa_flags & SA_RESTART ? INTR_RESTARTED_SA_RESTART
							  : INTR_EINTR_NO_SA_RESTART;
		break;
	case ERESTARTNOINTR:
		e->interrupted = INTR_RESTARTED_ALWAYS;
		break;
	case ERESTARTNOHAND:
	case ERESTART_RESTARTBLOCK:
	case EINTR: /* epoll_wait, semop, sigtimedwait...: EINTR of their own */
		e->interrupted = INTR_EINTR_ALWAYS;
		break;
	default:
		return;
	}
	e->syscall_nr = nr;
}

/* TP_PROTO(int sig, struct kernel_siginfo *info, struct k_sigaction *ka) */
SEC("tp_btf/signal_deliver")
int BPF_PROG(handle_sig_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct sig_deliver_event e = {};
	struct fold_ticket ticket;
	enum fold_verdict verdict;
	struct proc_sig_state *st = NULL; /* task storage, only when needed */
	__u64 now, ts, handler;
	__u64 key;

	if (sig < 1 || sig > IPCSCOPE_NSIG)
		return 0;
	if (sig == SIGKILL) {
		sig = true_fatal_signal(cur, &st, &e.converted_kill);
		if (!sig)
			return 0;
	}
	now = 0;
	ts = pending__pop(cur, sig);
	if (!sig__wanted(sig) || !proc__wanted(cur->tgid))
		return 0;

	e.sig = sig;
	if (info_kind_of(info) == INFO_REAL) {
		const struct kernel_siginfo *si = siginfo__readable(info);

		e.code = si->si_code;
		/*
		 * A timer's signal does not merge: later expirations while it
		 * is pending count as overruns, which the kernel writes into
		 * the siginfo as it dequeues it (kernel/time/posix-timers.c
		 * posixtimer_deliver_signal()), before this tracepoint.
		 */
		if (e.code == SI_TIMER)
			e.overrun = si->_sifields._timer._overrun;
	}
	handler = (__u64)ka->sa.sa_handler;
	e.sa_flags = ka->sa.sa_flags;
	if (e.converted_kill)
		handler = 0; /* only SIG_DFL makes a signal fatal */
	e.handler = handler;
	e.action = handler == 0 ? ACTION_DEFAULT : handler == 1 ? ACTION_IGNORE : ACTION_HANDLER;
	if (ts && ts <= clock__now(&now)) {
		e.pending_ns = now - ts;
		e.pending_known = 1;
	}
	task_ref__ident(&e.task, cur);

	if (e.action == ACTION_HANDLER) {
		deliver__interrupted(cur, &e);
		if (cfg_handler_timing)
			handler__push(cur, sig, clock__now(&now), e.sa_flags);
	}
	else if (e.action == ACTION_DEFAULT && !(NONFATAL_DEFAULT_MASK & SIGBIT(sig)) &&
		 (st || (st = proc_sig_state__get(cur))))
		st->death_reported = 1; /* threads zapped after this add nothing */

	/* The key holds everything fold__settle() reads from the record. */
	key = fold__mix(EVENT_SIG_DELIVER, e.task.pid);
	key = fold__mix(key, e.task.start_ns);
	key = fold__mix(key, (__u64)sig << 8 | e.action | (__u64)(__u32)e.overrun << 32);
	key = fold__mix(key, (__u64)e.interrupted << 32 | (__u32)e.syscall_nr);
	verdict = fold__admit(key, &now, &ticket);
	if (verdict == FOLD_EMIT || !fold__defer(&ticket, e.pending_known, e.pending_ns, true))
		count_deliver(&e);
	if (verdict == FOLD_COUNT)
		return 0;
	hdr__init(&e.hdr, EVENT_SIG_DELIVER, clock__now(&now));
	task_ref__name(&e.task, cur);
	if (e.action == ACTION_HANDLER) /* only for a record that goes out: a storm folds */
		e.image = task__image_id(cur);
	fold__finish(verdict, &ticket, &e, sizeof(e));
	return 0;
}
