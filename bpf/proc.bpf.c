// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process lifecycle from sched:sched_process_fork/exec/exit: names the
 * processes in every report, follows a traced command's descendants, and
 * records how each process died (the true signal, from its exit code).
 */
#include "fd_scan.bpf.h"
#include "signal_slots.bpf.h"

/* TP_PROTO(struct task_struct *parent, struct task_struct *child) */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	struct lifecycle_event e = {};
	__u32 ppid = parent->tgid;
	__u32 pid = child->tgid;

	if (child->pid != pid)
		return 0; /* a new thread, not a new process */
	if (cfg_filter_pids) {
		__u8 *how = bpf_map_lookup_elem(&watch, &ppid);
		__u8 follow = WATCH_FOLLOW;

		if (!how || *how != WATCH_FOLLOW)
			return 0;
		if (bpf_map_update_elem(&watch, &pid, &follow, BPF_ANY))
			loss__count(LOSS_WATCH_FULL);
	}
	hdr__init(&e.hdr, EVENT_PROC_FORK, bpf_ktime_get_ns());
	task_ref__fill(&e.task, child);
	task_ref__fill(&e.parent, parent);
	/* kernel/fork.c copy_mm(): CLONE_VM shares the mm, no dup_mmap() copies mappings */
	e.shared_mm = child->mm && child->mm == parent->mm;
	emit(&e, sizeof(e));
	return 0;
}

/* A COMMAND waiting for its exec is traced from now on, children included. */
static __always_inline void command__reached_exec(__u32 pid)
{
	__u8 *how;

	if (!cfg_filter_pids)
		return;
	how = bpf_map_lookup_elem(&watch, &pid);
	if (how && *how == WATCH_AT_EXEC)
		*how = WATCH_FOLLOW; /* only its exec writes it: no race to lose */
}

/* TP_PROTO(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct lifecycle_event e = {};

	handler__drop_all(p, old_pid);
	command__reached_exec(p->tgid);
	if (!proc__wanted(p->tgid))
		return 0;
	hdr__init(&e.hdr, EVENT_PROC_EXEC, bpf_ktime_get_ns());
	task_ref__fill(&e.task, p);
	task_ref__fill(&e.parent, p->real_parent);
	emit(&e, sizeof(e));
	return 0;
}

/*
 * TP_PROTO(struct task_struct *p, struct linux_binprm *bprm), 6.10+. fs/exec.c
 * begin_new_exec() fires it at the point of no return, before
 * do_close_on_exec() closes every fd marked close-on-exec: here those fds
 * are still open and the exec can no longer fail back to the caller (an
 * error now kills it), so each pipe end among them goes now, as by close().
 * A reader that execs drops the read ends it opened with O_CLOEXEC (Go,
 * Python and systemd open every fd so), which leaves its writer facing
 * EPIPE with no close() or exit to show for it. Left out: a table shared
 * with another process (CLONE_FILES without CLONE_THREAD, more references
 * than threads), which unshare_files() copies: the other process keeps
 * those ends open.
 */
SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(handle_prepare_exec, struct task_struct *p, struct linux_binprm *bprm)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct files_struct *files = cur->files;
	bool in_scope = true;

	if (!files || cur->tgid == cfg_self_tgid)
		return 0;
	if (!proc__wanted(cur->tgid)) {
		if (!cfg_filter_pids)
			return 0;
		in_scope = false;
	}
	if (files->count.counter > cur->signal->nr_threads)
		return 0;
	fd_scan__run(cur, 0, ~0U, CLOSE_BY_EXEC, in_scope, true);
	return 0;
}

/* The pipe ends an exiting process holds; p is current (do_exit runs in it). */
static __always_inline __u32 exit__scan(struct task_struct *p, bool in_scope)
{
	return p->files ? fd_scan__run(p, 0, ~0U, CLOSE_BY_EXIT, in_scope, false) : 0;
}

/*
 * TP_PROTO(struct task_struct *p[, bool group_dead]) -- fires per thread.
 * kernel/exit.c do_exit(): group_dead = atomic_dec_and_test(&signal->live),
 * then the tracepoint, so exactly one thread of a group passes it true.
 * Kernels whose tracepoint lacks the argument leave only signal->live to
 * read here, and two threads exiting at once (a core dump zaps them all)
 * may both see it at 0 after both decrements: each would report the
 * group's exit. exit_code then holds the wait status:
 * (status << 8), or the signal number with 0x80 when a core was dumped.
 * A group exit's status is the group's, as wait() reports it
 * (kernel/exit.c wait_task_zombie(): signal->group_exit_code under
 * SIGNAL_GROUP_EXIT): the last thread out may be one the dump zapped,
 * whose own exit_code was taken before coredump_finish() added 0x80.
 */
static __always_inline void exit__emit(struct task_struct *p, __u32 discarded, __u64 discarded_mask)
{
	struct lifecycle_event e = {};
	struct signal_struct *signal = p->signal;

	hdr__init(&e.hdr, EVENT_PROC_EXIT, bpf_ktime_get_ns());
	task_ref__fill(&e.task, p);
	task_ref__fill(&e.parent, p->real_parent);
	/*
	 * Threads that each leave by exit(2): since 5.19 the last of them
	 * sets SIGNAL_GROUP_EXIT with its own code at do_exit()'s start
	 * (synchronize_group_exit()), which wait() reports. Before, wait()
	 * reported the leader's own code (wait_task_zombie() reaps the leader).
	 */
	e.exit_code = signal->flags & SIGNAL_GROUP_EXIT ? signal->group_exit_code
						       : p->group_leader->exit_code;
	e.discarded = discarded;
	e.discarded_mask = discarded_mask;
	emit(&e, sizeof(e));
}

static __always_inline bool exit__group_dead(unsigned long long *ctx, struct task_struct *p)
{
	/* cfg_exit_group_dead_arg is known at load: the other branch is not verified */
	if (cfg_exit_group_dead_arg)
		return (bool)ctx[1];
	return BPF_CORE_READ(p, signal, live.counter) == 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *p)
{
	__u32 pid = p->tgid, discarded;
	__u64 discarded_mask;
	bool before_exec = false;
	__u8 *how;

	/* Every thread passes here, not only the last. */
	thread_slot__forget(p);
	handler_slot__forget(p->pid);
	if (!exit__group_dead(ctx, p)) {
		pending__left_at_exit(p, false, &discarded_mask);
		return 0;
	}
	discarded = pending__left_at_exit(p, true, &discarded_mask);
	pending_slot__forget(p);
	if (pid == cfg_self_tgid)
		return 0;
	if (cfg_filter_pids) {
		how = bpf_map_lookup_elem(&watch, &pid);
		if (!how) {
			/*
			 * Out of scope: only the ends it held of pipes the
			 * scope uses, and then its exit too (how the reader
			 * went away), after them.
			 */
			if (exit__scan(p, false))
				exit__emit(p, 0, 0);
			return 0;
		}
		/* A COMMAND whose exec failed: its exit ends the run, its fds are ours. */
		before_exec = *how == WATCH_AT_EXEC;
	}
	exit__emit(p, discarded, discarded_mask);
	/*
	 * do_exit() fires this tracepoint before exit_files(): the pipe ends
	 * still open are about to close. A reader that exits instead of
	 * closing is how a writer's reader usually "goes away". bpf_loop, not
	 * an unrolled loop: the verifier checks the body once (load time).
	 */
	if (!before_exec)
		exit__scan(p, true);
	if (cfg_filter_pids)
		bpf_map_delete_elem(&watch, &pid); /* the pid may be reused */
	return 0;
}
