/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pipes, FIFOs and EPIPE, from the raw sys_enter/sys_exit dispatch
 * (syscalls.bpf.c). Traffic per (process, object) is counted in a per-CPU
 * write-combining slot and added to the io_stats hash only when another
 * (process, object) takes the slot over, so a stream costs no shared-map
 * update per call; user space adds what is left in the slots after detach.
 * Creation, FIFO opens, closes and EPIPE go through the ring buffer.
 */
#ifndef PIPES_BPF_H
#define PIPES_BPF_H

#include "fold.bpf.h"
#include "files.bpf.h"
#include "offcpu.bpf.h"
#include "thread_slots.bpf.h"

/* arch/x86/entry/syscalls/syscall_64.tbl */
#define NR_read 0
#define NR_write 1
#define NR_open 2
#define NR_close 3
#define NR_dup 32
#define NR_dup2 33
#define NR_fcntl 72
#define NR_readv 19
#define NR_writev 20
#define NR_pipe 22
#define NR_sendfile 40
#define MSG_NOSIGNAL 0x4000 /* include/linux/socket.h */
#define NR_sendto 44
#define NR_sendmsg 46
#define NR_mknod 133
#define NR_openat 257
#define NR_mknodat 259
#define NR_splice 275
#define NR_tee 276
#define NR_vmsplice 278
#define NR_dup3 292
#define NR_pipe2 293
#define NR_sendmmsg 307
#define NR_close_range 436
#define NR_openat2 437

#define EAGAIN 11
#define EPIPE 32
#define AT_FDCWD -100
/* include/uapi/linux/close_range.h */
#define CLOSE_RANGE_UNSHARE (1U << 1) /* closes in a private copy of a shared table */
#define CLOSE_RANGE_CLOEXEC (1U << 2) /* closes nothing, marks */
#define O_CLOEXEC 02000000

#define PAGE_SIZE 4096

/* A read/write-like call on a pipe or FIFO, from sys_enter to sys_exit. */
struct io_call {
	__u32 nr_plus_1; /* the call in flight + 1 (read is 0); 0: none. First: THREAD_CALL_NR */
	__u32 tid;	 /* io_inflight: whose call */
	struct offcpu_mark mark; /* only for calls that may block: untimed otherwise */
	__u64 nvcsw; /* voluntary switches at entry: changed means it slept */
	__u64 switches; /* io_inflight: nvcsw + nivcsw at entry */
	__u64 count; /* bytes asked for (read/write) */
	struct obj_ref in;  /* read side, kind OBJ_NONE if none */
	struct obj_ref out; /* write side */
	__s32 out_fd;
	__u8 no_readers; /* a write to a pipe without readers: EPIPE, and SIGPIPE (sigpipe__defer) */
	__u8 _pad[3];
};
_Static_assert(sizeof(struct io_call) <= THREAD_CALL_BYTES, "io_call fits a thread slot");
_Static_assert(__builtin_offsetof(struct io_call, nr_plus_1) == THREAD_CALL_NR, "call id first");

/*
 * Calls that may block (pipe__may_block) are remembered per thread, with
 * their start time, in the thread's slot (thread_slots.bpf.h; task storage
 * when another thread holds it): the thread may wake on another CPU.
 * All others are remembered in this CPU's io_inflight entry: a thread that
 * does not switch out stays on its CPU, so sys_exit finds it there without
 * a task-storage lookup or a clock read. If it was switched out after all
 * (the entry may then be another thread's), sys_exit names the object
 * again from the fd, so the call is still counted.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct io_call);
} io_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct io_call);
} io_inflight SEC(".maps");

/*
 * Records built off the stack of sys_exit's call chain (see sys_exit): an
 * EPIPE (epipe__emit()), a SIGPIPE without one (sigpipe__alone()). Only
 * sys_exit uses them, and the kernel never runs one program twice at once
 * on a CPU (bpf_prog->active: it skips and counts the second run).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct epipe_event);
} epipe_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pipe_io_event);
} pipe_io_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sig_generate_event);
} sigpipe_scratch SEC(".maps");

/*
 * Under -p or a COMMAND, the pipes the processes in scope read or write: a
 * close or an exit by a process out of scope holding one of them is still
 * reported, since the reader that goes away is seldom the writer watched
 * (the SIGPIPE story). LRU: bounded, the pipes in use stay. watch_last
 * keeps each CPU from updating the hash for every call on the same pipe;
 * every 64th call on it looks the entry up all the same, which marks it
 * used for the LRU (or adds it again if it was evicted): the busiest pipe
 * must not be the one forgotten.
 */
struct watched_obj {
	__u64 ino;
	__u32 dev;
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct watched_obj);
	__type(value, __u8);
} watched_objs SEC(".maps");

struct watch_cache {
	struct watched_obj obj;
	__u32 calls; /* on obj since it was added or last looked up */
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct watch_cache);
} watch_last SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPCSCOPE_IO_SLOTS);
	__type(key, __u32);
	__type(value, struct io_slot);
} io_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536); /* resized with --max-procs */
	__type(key, struct io_key);
	__type(value, struct io_stats);
} io_stats SEC(".maps");

const struct io_stats zero_io_stats = {};

/* The calls a slot's counters stand for: what a settle without a row loses. */
static __always_inline __u64 io_stats__calls(const struct io_stats *d)
{
	__u64 calls = d->write_calls + d->read_calls;

	/* A socket's EPIPEs only (io__socket_epipe) count no call. */
	return calls ? calls : d->epipe ?: 1;
}

/* Move a slot's counters into the shared hash and empty it. */
static __always_inline void io_slot__settle(struct io_slot *slot)
{
	struct io_stats *s, *d = &slot->delta;

	if (!slot->key.pid)
		return;
	s = hash_row__get_or_create(&io_stats, &slot->key, &zero_io_stats, LOSS_IO_STATS_FULL,
				    io_stats__calls(d));
	if (s) {
		s->kind = d->kind;
		counter__add(&s->write_calls, d->write_calls);
		counter__add(&s->write_bytes, d->write_bytes);
		counter__add(&s->write_blocked_ns, d->write_blocked_ns);
		counter__add(&s->write_partial, d->write_partial);
		counter__add(&s->write_eagain, d->write_eagain);
		counter__add(&s->epipe, d->epipe);
		counter__add(&s->read_calls, d->read_calls);
		counter__add(&s->read_bytes, d->read_bytes);
		counter__add(&s->read_blocked_ns, d->read_blocked_ns);
		counter__add(&s->read_eof, d->read_eof);
		counter__add(&s->read_eagain, d->read_eagain);
		counter__add(&s->write_interrupted, d->write_interrupted);
		counter__add(&s->read_interrupted, d->read_interrupted);
	}
	__builtin_memset(slot, 0, sizeof(*slot));
}

/* This CPU's counters for (current process, obj), taking the slot over if needed. */
static __always_inline void io_key__fill(struct io_key *key, struct task_struct *cur,
					 const struct obj_ref *obj)
{
	key->pid = cur->tgid;
	key->dev = obj->dev;
	key->start_ns = task__start_ns(cur);
	key->ino = obj->ino;
}

static __always_inline bool io_slot__holds(const struct io_slot *slot, const struct io_key *key)
{
	return slot->key.pid == key->pid && slot->key.ino == key->ino &&
	       slot->key.dev == key->dev && slot->key.start_ns == key->start_ns;
}

/* This CPU's slot for (current process, obj), and the key it must hold. */
static __always_inline struct io_slot *io__slot(struct task_struct *cur,
						const struct obj_ref *obj, struct io_key *key)
{
	__u32 idx;

	io_key__fill(key, cur, obj);
	idx = io_slot__index(key);
	return bpf_map_lookup_elem(&io_slots, &idx);
}

static __always_inline struct io_stats *io__counters(struct task_struct *cur,
						     const struct obj_ref *obj)
{
	struct io_key key = {};
	struct io_slot *slot = io__slot(cur, obj, &key);

	if (!slot)
		return NULL;
	if (!io_slot__holds(slot, &key)) {
		io_slot__settle(slot);
		slot->key = key;
		slot->delta.kind = obj->kind;
	}
	return &slot->delta;
}

static __always_inline void pipe__object_of_fd(struct task_struct *cur, int fd,
					       struct obj_ref *obj)
{
	struct file *file = fd__file(cur, fd);

	obj->kind = OBJ_NONE;
	if (file__is_fifo(file))
		file__object(file, obj, false);
}

/*
 * Whether a call on this pipe may sleep (fs/pipe.c): a read of an empty
 * pipe that still has writers; a write while readers remain and the free
 * slots (a page each) cannot take count bytes. Without readers a write
 * fails with EPIPE at once; without writers a read returns 0. count 0:
 * unknown (writev), assume it may. Another writer can fill the pipe after
 * this check: such a call, or one that waits on the pipe mutex, sleeps
 * without its blocked time measured (docs/design.md).
 */
static __always_inline bool pipe__may_block(struct file *file, bool write, struct io_call *c)
{
	__u64 count = c->count;
	struct pipe_inode_info *pipe =
		bpf_rdonly_cast(file->private_data, bpf_core_type_id_kernel(struct pipe_inode_info));
	__u32 used, max;

	if (!pipe)
		return true;
	/*
	 * Readers first: an EPIPE storm's writes stop here, and its head and
	 * tail cost ~25 ns more per write when loaded (BENCHMARKS.md).
	 */
	if (write && !pipe->readers) {
		c->no_readers = 1;
		return false;
	}
	used = pipe->head - pipe->tail;
	max = pipe->max_usage;
	if (!write)
		return used == 0 && pipe->writers;
	return !count || used >= max || count > (__u64)(max - used) * PAGE_SIZE;
}

/*
 * Which pipe objects a read/write-like call reads and writes, and whether
 * it may block. From the syscall's arguments, so sys_exit can ask again.
 * at_entry: sys_enter's, where a storm's calls pass (pipe__object()); not
 * sys_exit's, which asks only for calls it was not left.
 */
static __always_inline bool io__resolve(struct task_struct *cur, struct pt_regs *regs, __u32 nr,
					struct io_call *c, bool at_entry)
{
	struct obj_ref *obj;
	struct file *file;
	bool write;

	c->in.kind = OBJ_NONE;
	c->out.kind = OBJ_NONE;
	c->out_fd = -1;
	c->count = nr == NR_read || nr == NR_write ? regs->dx : 0;
	switch (nr) {
	case NR_read:
	case NR_readv:
	case NR_write:
	case NR_writev:
		write = nr == NR_write || nr == NR_writev;
		file = fd__file(cur, regs->di);
		if (!file__is_fifo(file))
			return false;
		if (write)
			c->out_fd = regs->di;
		obj = write ? &c->out : &c->in;
		if (at_entry)
			pipe__object(file, obj);
		else
			file__object(file, obj, false);
		return pipe__may_block(file, write, c);
	case NR_splice: /* splice(fd_in, off_in, fd_out, off_out, len, flags) */
		pipe__object_of_fd(cur, regs->di, &c->in);
		c->out_fd = regs->dx;
		pipe__object_of_fd(cur, c->out_fd, &c->out);
		break;
	case NR_sendfile: /* sendfile(out_fd, in_fd, offset, count): a pipe either side */
		pipe__object_of_fd(cur, regs->si, &c->in);
		c->out_fd = regs->di;
		pipe__object_of_fd(cur, c->out_fd, &c->out);
		break;
	case NR_tee: /* tee(fd_in, fd_out, len, flags) */
		pipe__object_of_fd(cur, regs->di, &c->in);
		c->out_fd = regs->si;
		pipe__object_of_fd(cur, c->out_fd, &c->out);
		break;
	case NR_vmsplice: /* into the pipe if it is a write end, out of it otherwise */
		file = fd__file(cur, regs->di);
		if (!file__is_fifo(file))
			break;
		if (file->f_mode & FMODE_WRITE) {
			c->out_fd = regs->di;
			file__object(file, &c->out, false);
		} else {
			file__object(file, &c->in, false);
		}
		break;
	}
	return true;
}

static __always_inline void obj__watch(const struct obj_ref *obj)
{
	struct watched_obj key = { .ino = obj->ino, .dev = obj->dev };
	__u32 zero = 0;
	struct watch_cache *last = bpf_map_lookup_elem(&watch_last, &zero);
	__u8 one = 1;

	if (!obj->kind || !last)
		return;
	if (last->obj.ino == key.ino && last->obj.dev == key.dev) {
		if (++last->calls & 63)
			return;
		if (bpf_map_lookup_elem(&watched_objs, &key))
			return; /* looked up: kept as used */
	}
	bpf_map_update_elem(&watched_objs, &key, &one, BPF_ANY);
	last->obj = key;
	last->calls = 0;
}

static __always_inline bool obj__watched(const struct obj_ref *obj)
{
	struct watched_obj key = { .ino = obj->ino, .dev = obj->dev };

	return bpf_map_lookup_elem(&watched_objs, &key);
}

/* sys_enter of a call that may move bytes through a pipe: remember it. */
static __always_inline void io__enter(struct task_struct *cur, struct pt_regs *regs, __u32 nr)
{
	struct io_call call = {}, *c;
	__u32 zero = 0;
	bool may_block;

	if (!proc__wanted(cur->tgid))
		return; /* before the fd lookups: filtered-out calls cost nothing more */
	may_block = io__resolve(cur, regs, nr, &call, true);
	if (!call.in.kind && !call.out.kind)
		return;
	if (cfg_filter_pids) { /* a constant: gone from the program without -p */
		obj__watch(&call.in);
		obj__watch(&call.out);
	}
	c = bpf_map_lookup_elem(&io_inflight, &zero);
	if (!c)
		return;
	if (may_block) {
		if (c->tid == cur->pid)
			c->tid = 0; /* a stale entry must not pass for this call */
		c = thread_slot__claim(cur);
		if (!c) /* another thread holds the slot (thread_slots.bpf.h) */
			c = task_storage__get_or_create(&io_calls, cur);
		if (!c)
			return;
		offcpu__mark(cur, &c->mark);
	} else {
		offcpu__untimed(&c->mark);
	}
	c->nvcsw = cur->nvcsw;
	c->switches = cur->nvcsw + cur->nivcsw;
	c->count = call.count;
	c->in = call.in;
	c->out = call.out;
	c->out_fd = call.out_fd;
	c->no_readers = call.no_readers;
	c->nr_plus_1 = nr + 1;
	c->tid = cur->pid;
}

/*
 * This CPU's io_inflight entry, if it holds the call this thread is in: its
 * tid and call, and the thread never switched out since (so it cannot have
 * changed CPU, and no other thread wrote the entry). An entry left behind
 * by a call that did switch CPUs fails the switch test.
 */
static __always_inline struct io_call *io__inflight(struct task_struct *cur, __u32 nr)
{
	__u32 zero = 0;
	struct io_call *c = bpf_map_lookup_elem(&io_inflight, &zero);

	if (c && c->tid == cur->pid && c->nr_plus_1 == nr + 1 &&
	    c->switches == cur->nvcsw + cur->nivcsw)
		return c;
	return NULL;
}

/* The call this thread is in, as io__enter() remembered it; NULL if not. */
static __always_inline struct io_call *io__remembered(struct task_struct *cur, __u32 nr)
{
	struct io_call *c = io__inflight(cur, nr);
	struct thread_slot *slot;

	if (c)
		return c;
	slot = thread_slot__mine(cur);
	c = slot ? (struct io_call *)slot->call : bpf_task_storage_get(&io_calls, cur, NULL, 0);
	return c && c->nr_plus_1 == nr + 1 ? c : NULL;
}

/* One SIGPIPE a write raised on its writer, counted (out of line: see sys_exit). */
static __noinline void sigpipe__count(__u32 pid, __u64 start_ns, __u32 sigpipe)
{
	sig_stats__count_received(pid, start_ns, SIGPIPE, SIGPIPE_MARK_RESULT(sigpipe),
				  SIGPIPE_MARK_BLOCKED(sigpipe), 1);
}

/*
 * A send's MSG_NOSIGNAL, as two bits for user space to read by the call
 * (epipe__settle_action(): sendmsg's flags are dx, sendto's and sendmmsg's
 * r10): no branch on which call it is, which the verifier would follow
 * apart through all of the EPIPE path after it.
 */
static __always_inline __u8 send__flag_bits(struct pt_regs *regs)
{
	_Static_assert(MSG_NOSIGNAL == 1 << 14 && EPIPE_DX_NOSIGNAL == 1 &&
		       EPIPE_R10_NOSIGNAL == 2, "the shifts below");
	return ((regs->dx >> 14) & 1) | ((regs->r10 >> 13) & 2);
}

/*
 * An EPIPE: one folded live record per (process, object, fd) burst. sigpipe:
 * the mark of the SIGPIPE the same write raised (sigpipe__defer), 0 if
 * none: the record then stands for both (EVENT_F_WITH_SIGPIPE), and so does
 * each repeat its fold slot counts.
 */
static __always_inline void epipe__emit(struct task_struct *cur, int fd, const struct obj_ref *obj,
					__u32 nr, struct file *file, __u32 sigpipe, __u8 send_bits)
{
	struct epipe_event *e;
	struct fold_ticket ticket;
	enum fold_verdict verdict;
	__u64 now = 0, key, start_ns = task__start_ns(cur);

	/* The key holds everything fold__settle() reads from the record. */
	key = fold__mix(EVENT_EPIPE, cur->tgid);
	key = fold__mix(key, start_ns);
	key = fold__mix(key, obj->ino);
	key = fold__mix(key, (__u64)obj->dev << 32 | (__u32)fd);
	/* A new action is a new record (a write's stray r10 bit only splits a fold). */
	key = fold__mix(key, (sigpipe & 0xff) | (__u32)sigpipe__action(cur) << 8 |
				     (__u32)send_bits << 16);
	verdict = fold__admit(key, &now, &ticket);
	if (sigpipe && (verdict == FOLD_EMIT || !fold__defer(&ticket, false, 0, false)))
		sigpipe__count(cur->tgid, start_ns, sigpipe);
	/* Built in this CPU's scratch: io__exit's call chain has no room for it (see sys_exit). */
	e = bpf_map_lookup_elem(&epipe_scratch, &first_entry);
	if (verdict == FOLD_COUNT || !e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	hdr__init(&e->hdr, EVENT_EPIPE, clock__now(&now));
	e->hdr.flags = sigpipe ? EVENT_F_WITH_SIGPIPE : 0;
	e->sigpipe_result = SIGPIPE_MARK_RESULT(sigpipe);
	e->sigpipe_blocked = SIGPIPE_MARK_BLOCKED(sigpipe);
	task_ref__fill(&e->task, cur);
	e->object = *obj;
	e->fd = fd;
	e->syscall_nr = nr;
	e->sigpipe_action = sigpipe__action(cur);
	e->send_bits = send_bits;
	if (file && (obj->kind == OBJ_TCP || obj->kind == OBJ_UDP))
		socket__inet(file, &e->inet);
	fold__finish(verdict, &ticket, e, sizeof(*e));
}

static __always_inline bool nr__writes(__u32 nr)
{
	return nr == NR_write || nr == NR_writev || nr == NR_sendto || nr == NR_sendmsg ||
	       nr == NR_sendmmsg || nr == NR_splice || nr == NR_tee || nr == NR_vmsplice ||
	       nr == NR_sendfile;
}

/* The fd a write-like call writes to (for EPIPE on sockets and SIGPIPE). */
static __always_inline int nr__out_fd(__u32 nr, struct pt_regs *regs)
{
	switch (nr) {
	case NR_splice:
		return regs->dx;
	case NR_tee:
		return regs->si;
	}
	return regs->di;
}


/* EPIPE from a socket (pipe writes are counted with their traffic in io__exit). */
static __always_inline void io__socket_epipe(struct task_struct *cur, struct pt_regs *regs,
					     __u32 nr)
{
	int fd = nr__out_fd(nr, regs);
	struct file *file = fd__file(cur, fd);
	struct obj_ref obj;
	struct io_stats *d;

	file__object(file, &obj, true);
	d = io__counters(cur, &obj);
	if (d)
		d->epipe++;
	epipe__emit(cur, fd, &obj, nr, file, 0, send__flag_bits(regs));
}

/*
 * A SIGPIPE sigpipe__defer() left to a write that did not end in the EPIPE
 * it normally comes with: fs/pipe.c pipe_write() returns what it wrote
 * when the last reader left part-way. Rare: one record, not folded.
 */
static __noinline void sigpipe__alone(struct task_struct *cur, const struct obj_ref *obj, __u32 nr,
				      __u32 sigpipe)
{
	struct sig_generate_event *e = bpf_map_lookup_elem(&sigpipe_scratch, &first_entry);

	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	hdr__init(&e->hdr, EVENT_SIG_GENERATE, bpf_ktime_get_ns());
	e->hdr.flags = EVENT_F_NO_EPIPE;
	task_ref__fill(&e->target, cur);
	e->context = e->target;
	e->sig = SIGPIPE;
	e->code = 0; /* SI_USER: send_sig(SIGPIPE, current, 0) sends SEND_SIG_NOINFO */
	e->info_kind = INFO_NOINFO;
	e->syscall_nr = nr;
	e->via = VIA_KERNEL;
	e->result = SIGPIPE_MARK_RESULT(sigpipe);
	/* SIGPIPE's default kills: only the writer's SIG_IGN ignores it. */
	e->ignored_why = e->result == SIG_RESULT_IGNORED ? IGN_WHY_HANDLER : IGN_WHY_NONE;
	e->blocked = SIGPIPE_MARK_BLOCKED(sigpipe);
	if (obj) /* NULL: the fd is gone */
		e->object = *obj;
	sig_generate__count(e, 1);
	emit(e, sizeof(*e));
}

/*
 * A pipe read that met EOF, a read or write that met EAGAIN, one a signal
 * cut short, or one that slept PIPE_IO_WAIT_SHOWN_NS or more: what a
 * person watching a pipeline wants to see as it happens (its counts are
 * exact in io_stats). One folded record per (process, pipe, what, side)
 * burst; out of line, built in this CPU's scratch (sys_exit's chain has no
 * room, see sys_exit).
 */
static __noinline void pipe_io__emit(struct task_struct *cur, const struct io_call *c,
				     __u64 what_nr, __u64 waited, int fd)
{
	/* what in the high half (five arguments at most): see io__exit_count() */
	__u32 nr = (__u32)what_nr, what = what_nr >> 32;
	/* a call on one pipe only: the side it is on (splice from a pipe reads it) */
	__u8 write = !c->in.kind;
	const struct obj_ref *obj = write ? &c->out : &c->in;
	struct pipe_io_event *e;
	struct fold_ticket ticket;
	enum fold_verdict verdict;
	__u64 now = 0, key, start_ns = task__start_ns(cur);

	key = fold__mix(EVENT_PIPE_IO, cur->tgid);
	key = fold__mix(key, start_ns);
	key = fold__mix(key, obj->ino);
	key = fold__mix(key, (__u64)obj->dev << 32 | (__u32)what << 1 | write);
	verdict = fold__admit(key, &now, &ticket);
	e = bpf_map_lookup_elem(&pipe_io_scratch, &first_entry);
	if (verdict == FOLD_COUNT || !e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	hdr__init(&e->hdr, EVENT_PIPE_IO, clock__now(&now));
	task_ref__fill(&e->task, cur);
	e->object = *obj;
	e->waited_ns = waited;
	e->syscall_nr = nr;
	e->fd = fd;
	e->what = what;
	e->write = write;
	fold__finish(verdict, &ticket, e, sizeof(*e));
}

/*
 * sys_exit of a read/write-like call: count it on this CPU's slot. c: its
 * io_inflight entry if still valid. sigpipe: the mark of a SIGPIPE the call
 * raised (sigpipe__defer), 0 if none: counted with its EPIPE, or alone.
 */
static __always_inline void io__exit_count(struct task_struct *cur, struct pt_regs *regs, long ret,
					   __u32 nr, struct io_call *c, __u32 sigpipe)
{
	struct io_call again = {}, *st;
	const struct obj_ref *written = NULL;
	struct io_stats *d;
	__u64 blocked = 0, now = 0;
	int res;

	if (!c && thread_slot__take(cur, &again, sizeof(again)) && again.nr_plus_1 == nr + 1)
		c = &again; /* a call that may block, in this thread's slot */
	if (!c) {
		/*
		 * Not a pipe (the common case, so the fd is asked first, no
		 * storage lookup), a socket, a call that may block whose slot
		 * another thread held (task storage), or one that switched out
		 * after all.
		 */
		if (!proc__wanted(cur->tgid))
			return; /* filtered out since its entry: its SIGPIPE with it */
		__builtin_memset(&again, 0, sizeof(again));
		io__resolve(cur, regs, nr, &again, false);
		if (!again.in.kind && !again.out.kind) {
			if (ret == -EPIPE && nr__writes(nr))
				io__socket_epipe(cur, regs, nr);
			goto alone; /* the fd is gone */
		}
		st = bpf_task_storage_get(&io_calls, cur, NULL, 0);
		if (st && st->nr_plus_1 == nr + 1) {
			c = st;
		} else {
			offcpu__untimed(&again.mark);
			c = &again;
		}
	}
	c->nr_plus_1 = 0;
	if (cur->nvcsw != c->nvcsw) /* it slept: waited on the pipe */
		blocked = offcpu__since(cur, &c->mark, &now);
	res = io_result__of(ret); /* a test of one bit never decides another */
	if (c->in.kind && (d = io__counters(cur, &c->in))) {
		d->read_calls++;
		d->read_blocked_ns += blocked;
		if (res & IO_DATA)
			d->read_bytes += ret;
		if (res & IO_ZERO)
			d->read_eof++;
		if (res & IO_EAGAIN)
			d->read_eagain++;
		if (res & IO_CUT_SHORT)
			d->read_interrupted++;
	}
	/*
	 * Only a call on one pipe: a splice or tee between two is told by its
	 * counts. EOF: 0 from the read side (read() of 0 bytes returns 0 too).
	 */
	if (cfg_pipe_io_live && !c->in.kind != !c->out.kind) {
		__u64 what = 0;

		if (res & IO_EAGAIN)
			what = PIPE_IO_EAGAIN;
		else if (res & IO_CUT_SHORT)
			what = PIPE_IO_INTERRUPTED;
		else if ((res & IO_ZERO) && c->in.kind && (c->count || nr != NR_read))
			what = PIPE_IO_EOF;
		else if (blocked >= PIPE_IO_WAIT_SHOWN_NS)
			what = PIPE_IO_WAITED;
		if (what)
			pipe_io__emit(cur, c, what << 32 | nr, blocked,
				      c->in.kind ? (nr == NR_sendfile ? regs->si : regs->di)
						 : c->out_fd);
	}
	written = &c->out;
	if (c->out.kind && (d = io__counters(cur, &c->out))) {
		d->write_calls++;
		d->write_blocked_ns += blocked;
		if (res & IO_DATA) {
			d->write_bytes += ret;
			if (c->count && ret < c->count)
				d->write_partial++;
		}
		if (res & IO_EAGAIN)
			d->write_eagain++;
		if (res & IO_CUT_SHORT)
			d->write_interrupted++;
		if (res & IO_EPIPE) {
			d->epipe++;
			epipe__emit(cur, c->out_fd, &c->out, nr, NULL, sigpipe, 0);
			return;
		}
	}
alone:
	if (sigpipe)
		sigpipe__alone(cur, written, nr, sigpipe);
}

/*
 * sys_exit of a read/write-like call. Only a write that met no reader can
 * have left a SIGPIPE mark (sigpipe__defer), and only while its io_inflight
 * entry was valid: if that entry is gone now, the thread switched out
 * since, so any write looks.
 */
static __noinline void io__exit(struct task_struct *cur, struct pt_regs *regs, long ret,
				__u32 nr)
{
	struct io_call *c = io__inflight(cur, nr);
	__u32 sigpipe = 0;

	if (nr__writes(nr) && (!c || c->no_readers))
		sigpipe = thread_slot__take_sigpipe(cur);
	io__exit_count(cur, regs, ret, nr, c, sigpipe);
}

/* pipe(fds) / pipe2(fds, flags) returned 0: both fds are in user memory. */
static __noinline void pipe__created(struct task_struct *cur, struct pt_regs *regs, __u32 nr)
{
	struct pipe_create_event e = {};
	int fds[2];

	if (!proc__wanted(cur->tgid))
		return;
	if (bpf_probe_read_user(fds, sizeof(fds), (void *)regs->di))
		return;
	file__object(fd__file(cur, fds[0]), &e.pipe, false);
	hdr__init(&e.hdr, EVENT_PIPE_CREATE, bpf_ktime_get_ns());
	task_ref__fill(&e.task, cur);
	e.fd_read = fds[0];
	e.fd_write = fds[1];
	e.flags = nr == NR_pipe2 ? regs->si : 0;
	emit(&e, sizeof(e));
}

/*
 * Set in what open__waited() returns when the wait counts only since a
 * signal restarted the open (a bit no wait reaches: 146 years), so that
 * open__exit carries one value to fifo__emit() (its call chain's stack is tight, see sys_exit).
 */
#define OPEN_WAIT_RESTARTED (1ULL << 62)

static __always_inline void fifo__emit(struct task_struct *cur, __u32 type, int dirfd,
				       const char *upath, int fd, __u32 mode,
				       const struct obj_ref *obj, __u64 wait_ns)
{
	struct fifo_event e = {};

	hdr__init(&e.hdr, type, bpf_ktime_get_ns());
	task_ref__fill(&e.task, cur);
	if (obj)
		e.fifo = *obj;
	e.fd = fd;
	e.mode = mode;
	e.dirfd = dirfd;
	if (wait_ns != FIFO_WAIT_UNKNOWN && (wait_ns & OPEN_WAIT_RESTARTED)) {
		e.flags = FIFO_F_RESTARTED;
		wait_ns &= ~OPEN_WAIT_RESTARTED;
	}
	e.wait_ns = wait_ns;
	/* fs/namei.c vfs_prepare_mode(): the mode a mknod asks for, less the umask */
	if (type == EVENT_FIFO_CREATE && cur->fs)
		e.flags = cur->fs->umask & 0777;
	bpf_probe_read_user_str(e.path, sizeof(e.path), upath);
	emit(&e, sizeof(e));
}

/* mknod(path, mode, dev) / mknodat(dirfd, path, mode, dev) made a FIFO. */
static __noinline void fifo__created(struct task_struct *cur, struct pt_regs *regs, __u32 nr)
{
	bool at = nr == NR_mknodat;
	__u32 mode = at ? regs->dx : regs->si;

	if ((mode & S_IFMT) != S_IFIFO || !proc__wanted(cur->tgid))
		return;
	fifo__emit(cur, EVENT_FIFO_CREATE, at ? (int)regs->di : AT_FDCWD,
		   (const char *)(at ? regs->si : regs->di), -1, mode & 07777, NULL, 0);
}

/* include/uapi/asm-generic/fcntl.h */
#define O_ACCMODE 00000003
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NONBLOCK 00004000
#define O_DIRECTORY 00200000
#define O_PATH 010000000

/*
 * Whether an open can wait for a FIFO's other side, from its flags alone
 * (the same at entry and exit): fs/pipe.c fifo_open() waits only in a
 * blocking open for reading or for writing (not O_RDWR, not O_NONBLOCK);
 * O_PATH calls no open, O_DIRECTORY and O_CREAT|O_EXCL never open a FIFO.
 * openat2's flags are in user memory: it can.
 */
static __always_inline bool open__may_wait(struct pt_regs *regs, __u32 nr)
{
	__u64 flags;

	if (nr == NR_openat2)
		return true;
	flags = nr == NR_open ? regs->si : regs->dx;
	return !(flags & (O_NONBLOCK | O_PATH | O_DIRECTORY)) && (flags & O_ACCMODE) != O_RDWR &&
	       (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
}

/*
 * An open that may wait (open__may_wait()), from sys_enter to sys_exit, in
 * its thread's slot. A signal interrupts the wait (wait_for_partner()
 * returns -ERESTARTSYS): with no handler (a stop and a SIGCONT: Ctrl-Z and
 * fg) or one with SA_RESTART, the kernel re-enters the same open, from the
 * same user sp, a handler's own open from a lower one. The record is kept
 * over that exit so the re-entry can say the wait it then measures is only
 * the part since the restart.
 */
struct open_call {
	__u32 nr_plus_1;   /* the call + 1; first: THREAD_CALL_NR */
	__u8 restarting;   /* its last exit was a restart code */
	__u8 restarted;	   /* this entry re-entered an open a signal interrupted */
	__u8 _pad[2];
	struct offcpu_mark mark;
	__u64 nvcsw;
	__u64 sp;	   /* user sp at entry */
};
_Static_assert(sizeof(struct open_call) <= THREAD_CALL_BYTES, "open_call fits a thread slot");
_Static_assert(__builtin_offsetof(struct open_call, nr_plus_1) == THREAD_CALL_NR, "call id first");

/*
 * An open that may wait, at entry. A FIFO's open waits for the other side
 * (fs/pipe.c fifo_open() wait_for_partner(): a reader sleeps until a
 * writer opens, a writer until a reader does), the wait a lab shows; but
 * whether the path is a FIFO is known only at exit, so such an open by a
 * process in scope is marked, in its thread's slot (no task storage: when
 * another thread holds the slot, the wait goes unmeasured).
 */
static __always_inline void open__enter(struct task_struct *cur, struct pt_regs *regs, __u32 nr)
{
	struct open_call *c;

	if (!proc__wanted(cur->tgid))
		return;
	c = thread_slot__claim(cur);
	if (!c)
		return;
	c->restarted = c->restarting && c->nr_plus_1 == nr + 1 && c->sp == regs->sp;
	c->restarting = 0;
	offcpu__mark(cur, &c->mark);
	c->nvcsw = cur->nvcsw;
	c->sp = regs->sp;
	c->nr_plus_1 = nr + 1;
}

/*
 * At an open's exit: its slot let go, and the time it spent off CPU (with
 * OPEN_WAIT_RESTARTED); 0 if it could not wait, FIFO_WAIT_UNKNOWN if it
 * could but was not marked.
 */
static __always_inline __u64 open__waited(struct task_struct *cur, struct pt_regs *regs, __u32 nr,
					  long ret)
{
	struct thread_slot *s;
	struct open_call *c;
	__u64 waited, now = 0;

	if (!open__may_wait(regs, nr))
		return 0;
	s = thread_slot__mine(cur);
	if (!s)
		return FIFO_WAIT_UNKNOWN;
	c = (struct open_call *)s->call;
	if (c->nr_plus_1 != nr + 1) { /* a record left by a call whose exit was missed */
		thread_slot__free(s);
		return FIFO_WAIT_UNKNOWN;
	}
	if (ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK) {
		c->restarting = 1; /* kept for the re-entry; this exit makes no record */
		return FIFO_WAIT_UNKNOWN;
	}
	waited = cur->nvcsw != c->nvcsw ? offcpu__since(cur, &c->mark, &now) : 0;
	if (c->restarted)
		waited |= OPEN_WAIT_RESTARTED;
	c->nr_plus_1 = 0;
	thread_slot__free(s);
	return waited;
}

/* open/openat/openat2 returned fd: was it a FIFO (or a pipe via /proc)? */
static __always_inline void fifo__opened(struct task_struct *cur, struct pt_regs *regs, __u32 nr,
					 int fd, __u64 wait_ns)
{
	struct file *file = fd__file(cur, fd);
	struct obj_ref obj;

	if (!file__is_fifo(file) || !proc__wanted(cur->tgid))
		return;
	file__object(file, &obj, false);
	fifo__emit(cur, EVENT_FIFO_OPEN, nr == NR_open ? AT_FDCWD : (int)regs->di,
		   (const char *)(nr == NR_open ? regs->di : regs->si), fd,
		   file->f_mode & (FMODE_READ | FMODE_WRITE), &obj, wait_ns);
}

/*
 * This process's counters for a pipe it closes go to the hash now if this
 * CPU's slot holds them (the usual case: a thread closes where it wrote),
 * so user space can harvest them with the process or the pipe and retire
 * both (src/retire.h) instead of waiting for the slot to be taken over.
 */
static __always_inline void io__settle_closing(struct task_struct *cur, const struct obj_ref *obj)
{
	struct io_key key = {};
	struct io_slot *slot = io__slot(cur, obj, &key);

	if (slot && io_slot__holds(slot, &key))
		io_slot__settle(slot);
}

/*
 * A pipe or FIFO end goes away: close(fd), or the process exiting with it
 * open. The pipe's reader/writer counts before the close tell whether this
 * was the last reader (writers then get EPIPE) or the last writer (readers
 * then read EOF), when no other process shares the open file. in_scope:
 * false for a process out of -p's scope, whose ends count only on a pipe
 * the scope uses (watched_objs). Returns whether it was reported.
 */
static __always_inline bool pipe__closing(struct task_struct *cur, int fd, __u8 how,
					  bool in_scope)
{
	struct file *file = fd__file(cur, fd);
	struct pipe_close_event *e;
	struct pipe_inode_info *pipe;
	struct obj_ref obj = {};

	if (!file__is_fifo(file))
		return false;
	file__object(file, &obj, false);
	if (!in_scope && !obj__watched(&obj))
		return false;
	/*
	 * Built in the ring buffer, not on the stack: the fd scans call this
	 * from bpf_loop callbacks under sys_enter's frame (fd_scan.bpf.h).
	 */
	e = record__reserve(struct pipe_close_event);
	if (e) {
		e->pipe = obj;
		pipe = bpf_rdonly_cast(file->private_data,
				       bpf_core_type_id_kernel(struct pipe_inode_info));
		if (pipe) {
			e->readers = pipe->readers;
			e->writers = pipe->writers;
		}
		/* file_ref_t (include/linux/file_ref.h, 6.13+): 0 means one reference. */
		e->last_ref = file->f_ref.refcnt.counter == 0;
		hdr__init(&e->hdr, EVENT_PIPE_CLOSE, bpf_ktime_get_ns());
		task_ref__fill(&e->task, cur);
		e->fd = fd;
		e->mode = file->f_mode & (FMODE_READ | FMODE_WRITE);
		e->how = how;
		bpf_ringbuf_submit(e, EMIT_FLAGS);
	}
	if (in_scope)
		io__settle_closing(cur, &obj);
	return true;
}

/*
 * A pipe end about to go by close(), dup2/dup3 over its fd or close_range()
 * (at sys_enter, as close: the call rarely fails on an open fd). A process
 * out of the -p scope only for objects the scope uses (obj__watched): how
 * a reader of the scope's pipe went away.
 */
static __noinline void pipe__drop(struct task_struct *cur, int fd, __u8 how)
{
	if (proc__wanted(cur->tgid))
		pipe__closing(cur, fd, how, true);
	else if (cfg_filter_pids && cur->tgid != cfg_self_tgid)
		pipe__closing(cur, fd, how, false);
}

#endif /* PIPES_BPF_H */
