/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The contract between the BPF programs and user space: every record that
 * crosses the ring buffer and every key/value of a map that user space reads.
 * Fixed-width fields only; sizes are asserted at the bottom so both compilers
 * (clang -target bpf and the host cc) agree on the layout.
 */
#ifndef IPCSCOPE_H
#define IPCSCOPE_H

#ifndef __VMLINUX_H__
#include <linux/types.h> /* BPF programs get these from vmlinux.h */
#endif

#define IPCSCOPE_COMM_LEN 16
#define IPCSCOPE_NSIG 64 /* _NSIG on x86_64: signals 1..64 */

/*
 * Fold slots: per-CPU table of "same event again" counters, in sets of WAYS.
 * Programs in interrupt context fold in slots of their own
 * (bpf/task_stack.bpf.h): they may interrupt a task-context program in the
 * middle of updating one of its slots.
 */
#define IPCSCOPE_FOLD_TASK_SLOTS 256
#define IPCSCOPE_FOLD_IRQ_SLOTS 32
#define IPCSCOPE_FOLD_SLOTS (IPCSCOPE_FOLD_TASK_SLOTS + IPCSCOPE_FOLD_IRQ_SLOTS)
/*
 * Slots per set: two keys storming together still fold when their hashes
 * pick the same set. With one way, any two of a storm's half-dozen hot keys
 * (generate queued and merged, blocked or not, deliver, handler return)
 * shared a slot in about 6% of runs and then evicted each other on every
 * event; with two, three must meet in one of 128 sets (about 0.1%).
 */
#define IPCSCOPE_FOLD_WAYS 2
#define IPCSCOPE_FOLD_SAVED_MAX 176
/* Largest ring-buffer record (those carrying a path are not folded). */
#define IPCSCOPE_RECORD_MAX 256
#define IPCSCOPE_PATH_LEN 112 /* FIFO paths as the process passed them */

/* Per-CPU write-combining slots of pipe/socket traffic counters. */
#define IPCSCOPE_IO_SLOTS 1024

/*
 * Most thread slots (bpf/thread_slots.bpf.h): one per tid up to pid_max,
 * never more than this (128 bytes each, 8 MiB).
 */
#define THREAD_SLOTS_MAX 65536
/*
 * Most pending and handler slots (bpf/signal_slots.bpf.h): held only while a
 * process has standard signals pending or a thread runs a handler, so far
 * fewer than threads. Never more than the thread slots.
 */
#define SIGNAL_SLOTS_MAX 4096

/* Pending-time histogram: 4 linear sub-buckets per power of two of ns. */
#define IPCSCOPE_HIST_SUB 4
#define IPCSCOPE_HIST_OCTAVES 44 /* up to 2^44 ns ~ 4.9 h */
#define IPCSCOPE_HIST_SLOTS (IPCSCOPE_HIST_OCTAVES * IPCSCOPE_HIST_SUB)

enum ipcscope_event_type {
	EVENT_SIG_GENERATE = 1,
	EVENT_SIG_DELIVER,
	EVENT_SIG_HANDLER_RETURN,
	EVENT_SIG_ACCEPT,
	EVENT_SIGACTION,
	EVENT_SIGPROCMASK,
	EVENT_PROC_FORK,
	EVENT_PROC_EXEC,
	EVENT_PROC_EXIT,
	EVENT_PIPE_CREATE, /* pipe/pipe2 */
	EVENT_FIFO_CREATE, /* mknod/mknodat with S_IFIFO */
	EVENT_FIFO_OPEN,   /* open/openat returned a FIFO */
	EVENT_PIPE_CLOSE,  /* close() of a pipe or FIFO end, or its owner's exit */
	EVENT_EPIPE,	   /* a write-like call failed with EPIPE */
	EVENT_IPC,	   /* a System V or POSIX mq call (struct ipc_event) */
	EVENT_MAP,	   /* a MAP_SHARED mmap, or munmap/mremap of one (struct map_event) */
	EVENT_IPC_OPEN,	   /* mq_open, mq_unlink, memfd_create, shm_open, shm_unlink (ipc_open_event) */
	EVENT_TIMER,	   /* alarm() or setitimer() returned (struct timer_event) */
	EVENT_SIG_FAILED,  /* kill() and the like failed: nothing sent (struct sig_failed_event) */
	EVENT_PIPE_IO,	   /* a pipe read/write hit EOF or EAGAIN, or waited (struct pipe_io_event) */
	EVENT_PIPE_DUP,	   /* dup/dup2/dup3/F_DUPFD made a new fd of a pipe end (pipe_dup_event) */
	EVENT_TYPE_MAX,
};

/* Same order as TRACE_SIGNAL_* in include/trace/events/signal.h. */
enum ipcscope_sig_result {
	SIG_RESULT_QUEUED = 0, /* TRACE_SIGNAL_DELIVERED: queued on the target */
	SIG_RESULT_IGNORED,
	SIG_RESULT_ALREADY_PENDING, /* standard signal merged into a pending one */
	SIG_RESULT_OVERFLOW,	    /* TRACE_SIGNAL_OVERFLOW_FAIL: RLIMIT_SIGPENDING */
	SIG_RESULT_LOSE_INFO,	    /* queued without its siginfo */
	SIG_RESULT_MAX,
};

/* The API a process used to send a signal; VIA_KERNEL when none did. */
enum ipcscope_sig_via {
	VIA_KERNEL = 0,
	VIA_KILL,
	VIA_TKILL,
	VIA_TGKILL,
	VIA_RT_SIGQUEUEINFO,
	VIA_RT_TGSIGQUEUEINFO,
	VIA_PIDFD_SEND_SIGNAL,
	VIA_MAX,
};

/* What signal_deliver's k_sigaction said: handler, SIG_DFL or SIG_IGN. */
enum ipcscope_deliver_action {
	ACTION_HANDLER = 0,
	ACTION_DEFAULT,
	ACTION_IGNORE,
	ACTION_MAX,
};

/* Synchronous acceptance: never reaches signal_deliver. */
enum ipcscope_accept_via {
	ACCEPT_SIGTIMEDWAIT = 0,
	ACCEPT_SIGNALFD,
};

/* How signal_generate's siginfo argument looked (include/linux/sched/signal.h). */
enum ipcscope_info_kind {
	INFO_REAL = 0,
	INFO_NOINFO, /* SEND_SIG_NOINFO: si_code SI_USER, si_pid = current */
	INFO_PRIV,   /* SEND_SIG_PRIV: si_code SI_KERNEL */
};

/*
 * Why the kernel ignored a signal (TRACE_SIGNAL_IGNORED), by the target's
 * state under siglock at signal_generate (kernel/signal.c prepare_signal(),
 * sig_task_ignored()): what "ignored" cannot say alone.
 */
enum ipcscope_ignored_why {
	IGN_WHY_NONE = 0, /* not ignored */
	IGN_WHY_HANDLER,  /* its handler is SIG_IGN */
	IGN_WHY_DEFAULT,  /* SIG_DFL whose action is to ignore (SIGCHLD, SIGURG, ...) */
	IGN_WHY_EXITING,  /* the target is exiting (SIGNAL_GROUP_EXIT) or a zombie */
	IGN_WHY_INIT,	  /* SIG_DFL to an init (SIGNAL_UNKILLABLE): a PID namespace's pid 1 */
	IGN_WHY_KTHREAD,  /* a kernel thread takes no signal from user space */
	IGN_WHY_MAX
};

/* What an fd refers to (bpf/files.bpf.h file__object). */
enum ipcscope_obj_kind {
	OBJ_NONE = 0,
	OBJ_PIPE, /* anonymous, on pipefs */
	OBJ_FIFO, /* named, on a real filesystem */
	OBJ_UNIX,
	OBJ_TCP,
	OBJ_UDP,
	OBJ_SOCKET, /* another socket family or protocol */
	OBJ_OTHER,
	OBJ_KIND_MAX,
};

/* What the process does with SIGPIPE: decides death or an EPIPE loop. */
enum ipcscope_sigpipe_action {
	SIGPIPE_DEFAULT = 0,
	SIGPIPE_IGNORE,
	SIGPIPE_HANDLER,
	SIGPIPE_BLOCKED,  /* blocked: stays pending, the writer goes on */
	SIGPIPE_NOSIGNAL, /* send(..., MSG_NOSIGNAL): none raised */
};

enum ipcscope_loss_reason {
	LOSS_RINGBUF = 0,   /* bpf_ringbuf_reserve/output failed: ring full */
	LOSS_STATS_FULL,    /* per-process signal statistics map full */
	LOSS_WATCH_FULL,    /* followed-process map full (-- COMMAND) */
	LOSS_PENDING_RING,  /* more queued real-time signals than we track */
	LOSS_STORAGE,	    /* task local storage could not be allocated */
	LOSS_HANDLER_STACK, /* handlers nested deeper than we track */
	LOSS_IO_STATS_FULL, /* per-(process, pipe) traffic map full */
	LOSS_IPC_STATS_FULL, /* per-(process, IPC object) counters map full */
	LOSS_COMPAT_SYSCALL, /* a 32-bit (compat) syscall, not followed */
	LOSS_PROG_RECURSION, /* (user space) runs the kernel skipped: recursion_misses */
	LOSS_FD_SCAN,	     /* an exit/exec/close_range fd scan stopped at its bound */
	LOSS_REASON_MAX,
};

#define EVENT_F_FOLDED 0x1 /* a summary of `count` suppressed repeats */
#define EVENT_F_SWEPT 0x2  /* (user space) found by a sweep of the fold slots */
/*
 * An EPIPE record that also stands for the SIGPIPE its write raised
 * (epipe_event.sigpipe_*): each of its `count` repeats is two events, and
 * a lost record loses both (src/epipe_sigpipe.c splits it again).
 */
#define EVENT_F_WITH_SIGPIPE 0x4
/* (user space) the SIGPIPE split off an EVENT_F_WITH_SIGPIPE record: its EPIPE says it */
#define EVENT_F_FROM_EPIPE 0x8
/* A SIGPIPE whose write returned without EPIPE: cut short (pipes.bpf.h sigpipe__alone()) */
#define EVENT_F_NO_EPIPE 0x10

struct event_header {
	__u32 type;  /* enum ipcscope_event_type */
	__u32 count; /* events this record stands for */
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u16 cpu;   /* fold slot owner */
	__u16 fold_slot;
	__u32 fold_gen;
	__u32 flags; /* EVENT_F_* */
	__u32 span_us; /* folded: the repeats ran from ts_ns to ts_ns + span_us */
};

struct task_ref {
	__u32 pid; /* thread group id */
	__u32 tid;
	__u64 start_ns; /* group leader's start_boottime: identity across pid reuse */
	char comm[IPCSCOPE_COMM_LEN];
};

/* A pipe, FIFO or socket: (dev, ino) names it; kind says which. */
struct obj_ref {
	__u64 ino;
	__u32 dev;  /* superblock s_dev */
	__u8 kind;  /* enum ipcscope_obj_kind */
	__u8 _pad[3];
};

struct sig_generate_event {
	struct event_header hdr;
	struct task_ref sender;	 /* valid when has_sender */
	struct task_ref target;
	struct task_ref context; /* current, when the kernel sent it */
	__s32 sig;
	__s32 code;   /* si_code (SI_USER for NOINFO, SI_KERNEL for PRIV) */
	__s32 info_pid; /* the siginfo's, a number in some pid namespace (info_pid__host()) */
	__s32 syscall_nr; /* syscall current was in, -1 if none */
	__u8 result;	  /* enum ipcscope_sig_result */
	__u8 via;	  /* enum ipcscope_sig_via */
	__u8 group;	  /* sent to the whole thread group */
	__u8 blocked;	  /* target had it blocked at generation */
	__u8 info_kind;	  /* enum ipcscope_info_kind */
	__u8 has_sender;
	__u8 in_interrupt; /* raised in interrupt context: current did not cause it */
	__u8 ignored_why;  /* enum ipcscope_ignored_why, for result SIG_RESULT_IGNORED */
	__s32 info_pid_host; /* info_pid as a host pid, -1 if not known (a container's) */
	__u8 bits;	     /* SIG_GEN_* */
	__u8 _pad2[3];
	/*
	 * object: a SIGPIPE's, what the write that raised it wrote to (kind
	 * OBJ_NONE otherwise). value (SIG_GEN_VALUE): the sigval a
	 * SI_QUEUE, SI_TIMER or SI_MESGQ siginfo carries (sigqueue's value),
	 * over object.ino: a signal that carries one was not raised by a
	 * write, so it has no object (kind stays OBJ_NONE). kill_pid
	 * (SIG_GEN_KILL_PID) the same way: kill() sends SI_USER, no value.
	 */
	union {
		struct obj_ref object;
		__u64 value;
		__s64 kill_pid; /* SIG_GEN_KILL_PID: kill(2)'s pid argument: N, 0, -1, -PGID */
	};
};

/* sig_generate_event.bits */
#define SIG_GEN_VALUE 0x1     /* value holds the siginfo's sigval */
#define SIG_GEN_CONTINUED 0x2 /* SIGCONT found its target stopped (or stopping): it resumes */
#define SIG_GEN_KILL_PID 0x4  /* via kill: kill_pid holds the pid it was called with */

struct sig_deliver_event {
	struct event_header hdr;
	struct task_ref task;
	__u64 handler; /* user handler address, or SIG_DFL 0 / SIG_IGN 1 */
	__u64 sa_flags;
	__u64 pending_ns; /* valid when pending_known */
	__s32 sig;	  /* the true signal (see converted_kill) */
	__s32 code;
	__u8 action; /* enum ipcscope_deliver_action */
	__u8 pending_known;
	__u8 converted_kill; /* kernel delivered SIGKILL for a fatal `sig` */
	__u8 interrupted;    /* enum ipcscope_interrupted: the syscall the handler cut short */
	/*
	 * SI_TIMER: the POSIX timer's expirations folded into this one signal
	 * while it was pending (siginfo si_overrun, timer_getoverrun(2)).
	 */
	__s32 overrun;
	__s32 syscall_nr; /* with interrupted: the call */
	__u32 _pad;
	__u64 image; /* handler: the program image it is in (task__image_id()) */
};

/*
 * A handler's delivery on the way out of a syscall that was waiting: what
 * becomes of the call (arch/x86/kernel/signal.c handle_signal(), from the
 * -ERESTART* code the call left in ax).
 */
enum ipcscope_interrupted {
	INTR_NONE,
	INTR_EINTR_NO_SA_RESTART, /* -ERESTARTSYS, handler without SA_RESTART */
	INTR_EINTR_ALWAYS,	  /* -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK: the call's rule */
	INTR_RESTARTED_SA_RESTART, /* -ERESTARTSYS with SA_RESTART */
	INTR_RESTARTED_ALWAYS,	  /* -ERESTARTNOINTR: the call's rule */
};

struct sig_handler_return_event {
	struct event_header hdr;
	struct task_ref task;
	__u64 handler_ns;
	__s32 sig;
	__u32 depth;
};

struct sig_accept_event {
	struct event_header hdr;
	struct task_ref task;
	__u64 pending_ns;
	__s32 sig;
	__u8 via; /* enum ipcscope_accept_via */
	__u8 pending_known;
	__u8 _pad[2];
};

struct sigaction_event {
	struct event_header hdr;
	struct task_ref task;
	__u64 handler; /* new: 0 SIG_DFL, 1 SIG_IGN, else address */
	__u64 sa_flags;
	__u64 sa_mask;
	__s32 sig;
	__s32 err; /* 0, or the call's -errno: then the action asked for, not installed */
	__u32 discarded; /* pending copies of sig the new action discarded (bpf/signal_slots.bpf.h) */
	__u32 _pad;
	__u64 image; /* the program image the handler is in (task__image_id()) */
};

struct sigprocmask_event {
	struct event_header hdr;
	struct task_ref task;
	__u64 old_mask; /* bit (sig - 1) */
	__u64 new_mask;
	__s32 how; /* SIG_BLOCK 0, SIG_UNBLOCK 1, SIG_SETMASK 2, MASK_HOW_WAIT */
	__u32 syscall_nr; /* rt_sigprocmask, or the call that waits with new_mask */
};

/*
 * sigprocmask_event.how of a wait with a temporary mask (rt_sigsuspend,
 * ppoll, pselect6, epoll_pwait, epoll_pwait2): new_mask holds only while
 * the call waits; old_mask is back after it.
 */
#define MASK_HOW_WAIT 3

struct lifecycle_event {
	struct event_header hdr;
	struct task_ref task;  /* the process (fork: the child) */
	struct task_ref parent; /* fork: the parent; exit: the real parent */
	__s32 exit_code;	/* exit: wait status as waitpid sees it */
	__u32 shared_mm;	/* fork: the child shares the parent's mm (CLONE_VM: vfork, posix_spawn) */
	/* exit: signals still pending, never delivered (bpf/signal_slots.bpf.h pending__left_at_exit) */
	__u32 discarded;
	__u32 _pad;
	__u64 discarded_mask; /* bit (sig - 1) of each */
};

struct pipe_create_event {
	struct event_header hdr;
	struct task_ref task;
	struct obj_ref pipe;
	__s32 fd_read;
	__s32 fd_write;
	__u32 flags; /* pipe2 flags: O_NONBLOCK, O_DIRECT, O_CLOEXEC */
	__u32 _pad;
};

#define FIFO_WAIT_UNKNOWN (~0ULL) /* fifo_event.wait_ns: not measured */
#define FIFO_F_RESTARTED 1	  /* fifo_event.flags: wait_ns is since a signal restarted the open */

/* FIFO creation (mknod) and opening: path as given, possibly relative. */
struct fifo_event {
	struct event_header hdr;
	struct task_ref task;
	struct obj_ref fifo; /* open: the FIFO opened; create: ino 0 */
	__s32 fd;	     /* open: the new fd */
	__u32 mode;	     /* create: permission bits; open: FMODE_READ 1 | FMODE_WRITE 2 */
	__s32 dirfd;	     /* AT_FDCWD or the directory fd the path is relative to */
	__u32 flags;	     /* open: FIFO_F_*; create: the caller's umask */
	__u64 wait_ns;	     /* open: time off CPU inside the open; FIFO_WAIT_UNKNOWN if not measured */
	char path[IPCSCOPE_PATH_LEN];
};

/* What dropped a pipe end (pipe_close_event.how). */
enum ipcscope_close_how {
	CLOSE_BY_CLOSE = 0, /* close(fd) */
	CLOSE_BY_EXIT,	    /* the process exited with it open */
	CLOSE_BY_DUP,	    /* dup2/dup3 put another file on its fd */
	CLOSE_BY_RANGE,	    /* close_range() */
	CLOSE_BY_EXEC,	    /* exec closed it: the fd was close-on-exec */
};

struct pipe_close_event {
	struct event_header hdr;
	struct task_ref task;
	struct obj_ref pipe;
	__s32 fd;
	__u32 mode;	 /* FMODE_READ 1 | FMODE_WRITE 2 of the end closed */
	__u32 readers;	 /* pipe's reader count before this close */
	__u32 writers;	 /* ... and writers */
	__u8 last_ref;	 /* this was the last reference to that open file */
	__u8 how;	 /* enum ipcscope_close_how: what dropped the end */
	__u8 _pad[6];
};

/* A TCP/UDP socket's two ends, for EPIPE records (where it is cheap to know). */
struct inet_ends {
	__u16 family; /* AF_INET 2 or AF_INET6 10; 0: not an inet socket */
	__u16 local_port; /* host byte order */
	__u16 remote_port;
	__u16 _pad;
	__u8 local[16];	/* network byte order; IPv4 in the first 4 bytes */
	__u8 remote[16];
};

/* epipe_event.send_bits: MSG_NOSIGNAL in the call's dx or r10 register */
#define EPIPE_DX_NOSIGNAL 1
#define EPIPE_R10_NOSIGNAL 2

struct epipe_event {
	struct event_header hdr;
	struct task_ref task;
	struct obj_ref object;
	__s32 fd;
	__u32 syscall_nr;
	__u8 sigpipe_action; /* enum ipcscope_sigpipe_action */
	/* EVENT_F_WITH_SIGPIPE: the SIGPIPE this write raised on its writer */
	__u8 sigpipe_result;  /* enum ipcscope_sig_result */
	__u8 sigpipe_blocked; /* the writer had SIGPIPE blocked */
	__u8 send_bits;	      /* EPIPE_DX_NOSIGNAL | EPIPE_R10_NOSIGNAL, sockets */
	__u8 _pad[4];
	struct inet_ends inet; /* TCP/UDP objects */
};

/* What a pipe read or write met (its counts are in the io_stats of its end). */
enum ipcscope_pipe_io {
	PIPE_IO_EOF = 1,     /* a read returned 0: no writer left */
	PIPE_IO_EAGAIN,	     /* O_NONBLOCK: empty for a read, full for a write */
	PIPE_IO_WAITED,	     /* it slept at least PIPE_IO_WAIT_SHOWN_NS for data or room */
	PIPE_IO_INTERRUPTED, /* a signal cut it short: restarted, or EINTR */
};

/* A wait a person notices; pipelines wait micro-seconds all the time. */
#define PIPE_IO_WAIT_SHOWN_NS 10000000ULL

struct pipe_io_event {
	struct event_header hdr;
	struct task_ref task;
	struct obj_ref object;
	__u64 waited_ns;
	__u32 syscall_nr;
	__s32 fd; /* the pipe's fd in the call */
	__u8 what;  /* enum ipcscope_pipe_io */
	__u8 write; /* the call writes to the pipe (else it reads from it) */
	__u8 _pad[6];
};

/* A new fd for a pipe or FIFO end: how `a | b` gets wired to fd 0 and 1. */
struct pipe_dup_event {
	struct event_header hdr;
	struct task_ref task;
	struct obj_ref pipe;
	__s32 old_fd;
	__s32 new_fd;
	__u32 mode;	  /* FMODE_READ 1 | FMODE_WRITE 2 of the end */
	__u32 syscall_nr; /* dup, dup2, dup3 or fcntl */
};

/* Per (process, object) traffic, in a BPF hash: exact under ring loss. */
struct io_key {
	__u32 pid;
	__u32 dev;
	__u64 start_ns;
	__u64 ino;
};

struct io_stats {
	__u64 write_calls;
	__u64 write_bytes;
	__u64 write_blocked_ns; /* calls that slept (voluntary switch) */
	__u64 write_partial;	/* wrote less than asked */
	__u64 write_eagain;
	__u64 epipe;
	__u64 read_calls;
	__u64 read_bytes;
	__u64 read_blocked_ns;
	__u64 read_eof; /* returned 0 */
	__u64 read_eagain;
	/*
	 * Calls a signal cut short (-ERESTART*, -EINTR at sys_exit), counted
	 * in the calls above: the kernel then restarts the call, which counts
	 * again, or it fails with EINTR.
	 */
	__u64 write_interrupted;
	__u64 read_interrupted;
	__u8 kind; /* enum ipcscope_obj_kind */
	__u8 _pad[7];
};

/* What a read/write-like call's result at sys_exit says: one bit, or none (another failure). */
enum io_result {
	IO_DATA = 1,	  /* ret > 0: bytes moved */
	IO_ZERO = 2,	  /* 0: EOF on a read */
	IO_EAGAIN = 4,	  /* -EAGAIN: O_NONBLOCK, empty or full */
	IO_EPIPE = 8,	  /* -EPIPE: no reader left */
	IO_CUT_SHORT = 16, /* -EINTR, -ERESTARTSYS..-ERESTART_RESTARTBLOCK: a signal cut it short */
};

#ifndef barrier_var /* bpf_helpers.h's, for user space (the unit tests) */
#define barrier_var(var) asm volatile("" : "=r"(var) : "0"(var))
#endif

/* 1 if v is 0, else 0. */
static inline __attribute__((always_inline)) __u64 io_result__zero(__s64 v)
{
	__u64 x = (__u64)v | -(__u64)v; /* sign bit set unless v == 0 */

	barrier_var(x); /* or clang turns it back into a compare and a branch */
	return (x >> 63) ^ 1;
}

/*
 * Computed without a branch, so that the BPF verifier knows nothing of
 * which bit is set: a test of one bit then never decides another. Tests
 * of ret itself did, and a test the verifier can decide marks the value
 * precise, which keeps it from merging the paths that follow: sys_exit's
 * pipe accounting testing ret in each counter block took it past the
 * verifier's 1M instructions (kernel/bpf/verifier.c is_branch_taken(),
 * mark_chain_precision()). Not a function call either: a BPF-to-BPF call
 * cost ~10 ns here, a global one ~20. errno values: include/linux/errno.h
 * (ERESTARTSYS 512 to ERESTART_RESTARTBLOCK 516) and asm-generic/errno-base.h.
 */
static inline __attribute__((always_inline)) int io_result__of(long ret)
{
	__u64 data = -(__u64)ret & ~(__u64)ret, restart = (__u64)ret + 516;

	barrier_var(data);
	restart |= 4 - restart; /* sign clear only for 0..4: -516..-512 */
	barrier_var(restart);
	return (data >> 63) * IO_DATA | io_result__zero(ret) * IO_ZERO |
	       io_result__zero(ret + 11) * IO_EAGAIN | io_result__zero(ret + 32) * IO_EPIPE |
	       ((restart >> 63 ^ 1) | io_result__zero(ret + 4)) * IO_CUT_SHORT;
}

/* Hash step shared by BPF and user space (fold keys, io slot index). */
static inline __u64 ipcscope_mix(__u64 h, __u64 v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

/*
 * The per-CPU fold slots a fold key may use (bpf/fold.bpf.h): the first of
 * its set of IPCSCOPE_FOLD_WAYS, among the task-context slots or the
 * interrupt-context ones. Not key % slots: ipcscope_mix's last step
 * only carries upward, so a key's low bits ignore the high bits of the last
 * value mixed in. Keys that differ only there (a signal's result at bit 16
 * of the generate key's last field, the signal number at bit 8 of the
 * deliver key's) then always shared a slot and, when they alternate (a
 * kill() storm: queued, already_pending, queued...), evicted each other on
 * every event, so nothing was folded and the stream grew by the full event
 * rate. MurmurHash3's 64-bit finalizer (fmix64) makes every bit of the key
 * reach the set number.
 */
static inline __u32 ipcscope_fold_set(__u64 key, int in_interrupt)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	key *= 0xc4ceb9fe1a85ec53ULL;
	key ^= key >> 33;
	if (in_interrupt)
		return IPCSCOPE_FOLD_TASK_SLOTS +
		       (__u32)(key % (IPCSCOPE_FOLD_IRQ_SLOTS / IPCSCOPE_FOLD_WAYS)) *
			       IPCSCOPE_FOLD_WAYS;
	return (__u32)(key % (IPCSCOPE_FOLD_TASK_SLOTS / IPCSCOPE_FOLD_WAYS)) * IPCSCOPE_FOLD_WAYS;
}

/* Which per-CPU io slot a (process, object) uses: user space reads it live. */
static inline __u32 io_slot__index(const struct io_key *k)
{
	return (__u32)(ipcscope_mix(ipcscope_mix(k->pid, k->ino), k->dev) % IPCSCOPE_IO_SLOTS);
}

/* One per-CPU write-combining slot: counters added to the hash on eviction. */
struct io_slot {
	struct io_key key;
	struct io_stats delta;
};

/* Per (process, signal) counters: exact even when the ring overflows. */
struct sig_stats_key {
	__u32 pid;
	__u32 sig;
	__u64 start_ns;
};

struct sig_stats {
	__u64 sent[SIG_RESULT_MAX];	/* sent by this process, by result */
	__u64 received[SIG_RESULT_MAX]; /* generated toward it, by result */
	__u64 received_blocked;		/* ... while it had the signal blocked */
	__u64 delivered[ACTION_MAX];
	__u64 accepted;			/* sigtimedwait/sigwaitinfo/signalfd */
	__u64 discarded;		/* pending, then discarded by the kernel, never delivered */
	__u64 handler_returns;
	__u64 handler_ns_sum;
	__u64 handler_ns_max;
	__u64 pending_samples;
	__u64 pending_ns_sum;
	__u64 pending_ns_max;
	__u32 pending_hist[IPCSCOPE_HIST_SLOTS];
};

#define IPCSCOPE_FOLD_HIST 8 /* distinct histogram slots a folded burst can defer */

/*
 * The exact counters of folded repeats, deferred: added to the statistics
 * map once when the slot's window ends (bpf/fold.bpf.h fold__settle) rather
 * than one shared-map update per repeat. Which counters n and the measured
 * values (pending or handler time) feed depends on the saved record's type.
 */
struct fold_acc {
	__u32 n;       /* repeats whose counters wait here */
	__u32 samples; /* ... of which carried a measured value */
	__u64 sum;     /* of the measured values */
	__u64 max;
	__u16 hist_slot[IPCSCOPE_FOLD_HIST]; /* histogram slot + 1 (0: unused) */
	__u32 hist_n[IPCSCOPE_FOLD_HIST];
};

/*
 * One per-CPU fold slot. BPF owns every field; user space only reads it to
 * report repeats still folded when a storm stops and, after detach, to
 * settle the counters still deferred in it (see src/fold.c).
 */
struct fold_slot {
	__u64 key;		/* hash of what makes two events "the same" */
	__u64 window_start_ns;
	__u64 last_ns;
	__u64 last_jiffies;	/* jiffies when last_ns was read (fold.bpf.h fold__admit) */
	__u32 emitted;		/* records emitted in this window */
	__u32 suppressed;	/* repeats folded since the window began */
	__u32 gen;		/* bumped when the slot starts a new window */
	__u32 size;		/* bytes of saved */
	struct fold_acc acc;
	__u8 saved[IPCSCOPE_FOLD_SAVED_MAX]; /* the last folded record */
};

/* ---- System V IPC, POSIX message queues, shared mappings (bpf/ipc.bpf.h) ---- */

enum ipcscope_ipc_kind {
	IPC_KIND_SHM = 1, /* System V shared memory: id is the shmid */
	IPC_KIND_MSG,	  /* System V message queue: id is the msqid */
	IPC_KIND_SEM,	  /* System V semaphore set: id is the semid */
	IPC_KIND_MQ,	  /* POSIX message queue: id is its inode on the mqueue fs */
	IPC_KIND_MAX,
};

enum ipcscope_ipc_op {
	IPC_OP_SHMGET = 1,
	IPC_OP_SHMAT,
	IPC_OP_SHMDT,
	IPC_OP_SHMCTL,
	IPC_OP_MSGGET,
	IPC_OP_MSGSND,
	IPC_OP_MSGRCV,
	IPC_OP_MSGCTL,
	IPC_OP_SEMGET,
	IPC_OP_SEMOP, /* semop and semtimedop */
	IPC_OP_SEMCTL,
	IPC_OP_MQ_SEND,
	IPC_OP_MQ_RECEIVE,
	IPC_OP_MQ_NOTIFY,
	IPC_OP_MAX,
};

#define IPC_F_SEM_UNDO 0x1000 /* semop: some operation had SEM_UNDO */
#define IPC_F_SEM_NOWAIT 0x800 /* semop: some operation had IPC_NOWAIT */
#define IPC_F_SEM_OPS 0x1     /* semop: its operations were read (key, addr hold them) */
/*
 * semop: its first IPC_SEMOP_OPS_SEEN operations, each as a __u32 (sem_num
 * in the high half, sem_op in the low), two per __u64: the 1st and 2nd in
 * key (low half first), the 3rd and 4th in addr. The count is size (nsops).
 */
#define IPC_SEMOP_OPS_SEEN 4
#define IPC_SEMOP_OP(num, op) ((__u32)(__u16)(num) << 16 | (__u16)(op))
#define IPC_F_SHM_NATTCH 0x1 /* shmctl IPC_RMID: size holds the kernel's shm_nattch after it */

/* One System V or POSIX mq call that returned (sys_exit). */
struct ipc_event {
	struct event_header hdr;
	struct task_ref task;
	__u32 op;    /* enum ipcscope_ipc_op */
	__s32 err;   /* 0, or the call's -errno */
	__u64 id;    /* shmid, msqid, semid; POSIX mq: inode */
	__u64 key;   /* *get: the IPC key; msgsnd/msgrcv: message type; mq: priority; *ctl: cmd;
		      * semop: its 1st and 2nd operations (IPC_SEMOP_OP) */
	__u64 size;  /* shmget: bytes; msg and mq: bytes moved; semget: nsems; semop: nsops;
		      * shmctl IPC_RMID: attaches left (IPC_F_SHM_NATTCH) */
	__u64 addr;  /* shmat, shmdt: the attach address; msgrcv: the type asked for;
		      * semop: its 3rd and 4th operations */
	__u64 flags; /* *get: the flags; shmat: shmflg; msg: msgflg; semop: IPC_F_SEM_*;
		      * shmctl: IPC_F_SHM_NATTCH */
	__u64 blocked_ns; /* time the call slept (0 if it did not) */
	__u32 dev;   /* POSIX mq: the mqueue superblock */
	__u32 _pad;
};

enum ipcscope_timer_op {
	TIMER_OP_ALARM = 1, /* alarm(seconds) */
	TIMER_OP_SETITIMER, /* setitimer(which, new, old) */
};

/* struct itimerval as x86-64 passes it: interval, then first expiry. */
struct timer_val {
	__s64 interval_sec, interval_usec;
	__s64 value_sec, value_usec;
};

/*
 * alarm() or setitimer() returned: a process's timer armed, re-armed or
 * cancelled (value 0). alarm: asked.value_sec is its argument and ret the
 * seconds that were left on the alarm it replaced (0: none). setitimer:
 * asked as passed, ret 0 or -errno, old (TIMER_F_OLD) the timer it replaced
 * when the caller asked for it.
 */
struct timer_event {
	struct event_header hdr;
	struct task_ref task;
	__u32 op;    /* enum ipcscope_timer_op */
	__s32 which; /* ITIMER_REAL 0 (alarm's), ITIMER_VIRTUAL 1, ITIMER_PROF 2 */
	__s64 ret;
	__u32 flags; /* TIMER_F_* */
	__u32 _pad;
	struct timer_val asked;
	struct timer_val old;
};

/*
 * A signal-sending syscall that returned an error: no signal was generated,
 * so signal_generate never saw it (kernel/signal.c checks the signal number,
 * finds the target and checks permission first). What killsnoop shows as a
 * failed kill: a pid that is gone (ESRCH), a target of another user (EPERM),
 * a bad signal number (EINVAL), a full queue for sigqueue (EAGAIN).
 */
struct sig_failed_event {
	struct event_header hdr;
	struct task_ref sender;
	/*
	 * kill(): its pid argument (N, 0, -1, -PGID); tkill(): the thread id;
	 * tgkill(), rt_sigqueueinfo(), rt_tgsigqueueinfo(): the thread group
	 * id; pidfd_send_signal(): the pid its pidfd names, -1 if unknown.
	 */
	__s64 target;
	__s32 tid;   /* tgkill(), rt_tgsigqueueinfo(): the thread; 0 otherwise */
	__s32 sig;   /* as asked: 0 probes, others may be invalid (EINVAL) */
	__s32 err;   /* the syscall's return: -errno */
	__s32 pidfd; /* pidfd_send_signal(): its fd; -1 otherwise */
	__u8 via;    /* enum ipcscope_sig_via */
	__u8 target_in_ns; /* target is the sender's PID namespace's number, not a host pid */
	__u8 _pad[6];
};

#define TIMER_F_ASKED 0x1 /* asked could be read (setitimer's new value) */
#define TIMER_F_OLD 0x2	  /* old holds the timer replaced */

enum ipcscope_map_op {
	MAP_OP_MMAP = 1, /* a MAP_SHARED mapping was made */
	MAP_OP_MUNMAP,	 /* munmap starting in a shared mapping */
	MAP_OP_MREMAP,	 /* mremap of a shared mapping */
};

#define IPCSCOPE_MAP_NAME_LEN 64

/*
 * A shared mapping made, moved or removed; or a MAP_SHARED mmap the kernel
 * refused (map_event__failed(): addr holds -errno and new_addr the offset
 * asked for; no object, ino 0).
 */
struct map_event {
	struct event_header hdr;
	struct task_ref task;
	__u32 op; /* enum ipcscope_map_op */
	__s32 fd; /* mmap: the fd (-1 for MAP_ANONYMOUS) */
	__u64 addr;
	__u64 len;
	__u64 new_addr; /* mremap */
	__u64 new_len;
	/* The mapped file (MAP_SHARED|MAP_ANONYMOUS: its shmem inode); for all three ops. */
	__u64 ino;
	__u32 dev;
	__u32 magic;	/* superblock s_magic: shmem, hugetlbfs, ... */
	__u32 prot;	/* mmap */
	__u32 flags;	/* mmap: MAP_*; mremap: MREMAP_* */
	/* The file's dentry name ("dev/zero", "memfd:x", ...); munmap/mremap: first 55 bytes. */
	char name[IPCSCOPE_MAP_NAME_LEN];
	__u64 vm_start, vm_end; /* munmap/mremap: the shared vma at addr when the call began */
};

static inline int map_event__failed(const struct map_event *e)
{
	return e->op == MAP_OP_MMAP && (__s64)e->addr < 0 && (__s64)e->addr > -4096 ? (int)e->addr : 0;
}

enum ipcscope_ipc_open_op {
	IPC_OPEN_MQ_OPEN = 1,
	IPC_OPEN_MQ_UNLINK,
	IPC_OPEN_MEMFD_CREATE,
	IPC_OPEN_SHM_OPEN, /* an open of a file on the /dev/shm tmpfs */
	IPC_OPEN_SHM_UNLINK, /* an unlink of a /dev/shm/ path: shm_unlink(3) */
};

/* Objects named by the caller: POSIX queues, memfds, /dev/shm files. */
struct ipc_open_event {
	struct event_header hdr;
	struct task_ref task;
	__u32 op; /* enum ipcscope_ipc_open_op */
	__s32 ret; /* the fd, 0, or -errno */
	__u64 ino; /* the object opened or created (0 for unlink) */
	__u32 dev;
	__u32 flags; /* open flags; memfd_create flags */
	char name[IPCSCOPE_PATH_LEN];
};

/* Per (process, IPC object, message type) counters, exact under ring loss. */
struct ipc_key {
	__u32 pid;
	__u32 kind; /* enum ipcscope_ipc_kind */
	__u64 start_ns;
	__u64 id;
	__s64 sub; /* msg: message type; mq: priority; else 0 */
};

struct ipc_stats {
	__u64 sends, send_bytes, send_blocked_ns; /* msgsnd, mq_timedsend */
	__u64 receives, recv_bytes, recv_blocked_ns; /* msgrcv, mq_timedreceive */
	__u64 semop_calls, sem_ops; /* semop/semtimedop calls and operations in them */
	__u64 waits, wait_ns;	    /* calls that slept, and how long */
	__u64 undo;		    /* semop calls with SEM_UNDO */
	__u64 attaches, detaches;   /* shmat, shmdt */
	__u64 enomsg, eagain, eidrm, errors; /* failures (errors: any other errno) */
};

/*
 * Per-CPU write-combining slots in front of the ipc_stats hash (bpf/ipc.bpf.h),
 * like io_slot: a ping-pong costs no shared-map update per call. The index
 * ends with a multiply so that every mixed-in field reaches its low bits.
 */
#define IPCSCOPE_IPC_SLOTS 256

static inline __u32 ipc_slot__index(const struct ipc_key *k)
{
	__u64 h = ipcscope_mix(ipcscope_mix(ipcscope_mix(k->pid, k->id), (__u64)k->sub), k->kind);

	return (__u32)((h * 0x9e3779b97f4a7c15ULL) >> 40) % IPCSCOPE_IPC_SLOTS;
}

struct ipc_slot {
	struct ipc_key key; /* pid 0: empty */
	struct ipc_stats delta;
};

/* Values of the watch map (-p PID and -- COMMAND). */
enum ipcscope_watch {
	WATCH_PID = 1,	   /* this process only */
	WATCH_FOLLOW = 2,  /* this process and the children it forks */
	WATCH_AT_EXEC = 3, /* -- COMMAND: signals to it now, the rest from its exec on (FOLLOW) */
};

_Static_assert(sizeof(struct event_header) == 32, "event_header layout");
_Static_assert(sizeof(struct task_ref) == 32, "task_ref layout");
_Static_assert(sizeof(struct sig_generate_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot too small");
_Static_assert(sizeof(struct sig_deliver_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot too small");
_Static_assert(sizeof(struct sig_handler_return_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot");
_Static_assert(sizeof(struct sig_accept_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot too small");
_Static_assert(sizeof(struct sigaction_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot too small");
_Static_assert(sizeof(struct sigprocmask_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot");
_Static_assert(sizeof(struct sig_stats_key) == 16, "sig_stats_key layout");
_Static_assert(sizeof(struct epipe_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot too small");
_Static_assert(sizeof(struct pipe_io_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot too small");
_Static_assert(sizeof(struct pipe_dup_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot too small");
_Static_assert(sizeof(struct fifo_event) <= IPCSCOPE_RECORD_MAX, "record too large");
_Static_assert(sizeof(struct io_key) == 24, "io_key layout");
_Static_assert(sizeof(struct ipc_event) <= IPCSCOPE_FOLD_SAVED_MAX, "fold slot too small");
_Static_assert(sizeof(struct map_event) <= IPCSCOPE_RECORD_MAX, "record too large");
_Static_assert(sizeof(struct ipc_open_event) <= IPCSCOPE_RECORD_MAX, "record too large");
_Static_assert(sizeof(struct ipc_key) == 32, "ipc_key layout");

#endif /* IPCSCOPE_H */
