/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * System V shared memory, message queues and semaphores, POSIX message
 * queues, memfds, /dev/shm files and MAP_SHARED mappings, from the raw
 * sys_enter/sys_exit dispatch (syscalls.bpf.c).
 *
 * Every call that moves data or may wait (msgsnd, msgrcv, semop, mq send and
 * receive, shmat, shmdt) is counted per (process, object, message type) in
 * a per-CPU write-combining slot in front of the ipc_stats hash, exact under
 * ring loss, and goes out as a folded EVENT_IPC record. Creation, removal, opens and mappings are rare: one
 * record each, never folded away.
 */
#ifndef IPC_BPF_H
#define IPC_BPF_H

#include "fold.bpf.h"
#include "files.bpf.h"
#include "offcpu.bpf.h"
#include "thread_slots.bpf.h"

/* arch/x86/entry/syscalls/syscall_64.tbl */
#define NR_mmap 9
#define NR_munmap 11
#define NR_mremap 25
#define NR_shmget 29
#define NR_shmat 30
#define NR_shmctl 31
#define NR_semget 64
#define NR_semop 65
#define NR_semctl 66
#define NR_shmdt 67
#define NR_msgget 68
#define NR_msgsnd 69
#define NR_msgrcv 70
#define NR_msgctl 71
#define NR_semtimedop 220
#define NR_mq_open 240
#define NR_mq_unlink 241
#define NR_mq_timedsend 242
#define NR_mq_timedreceive 243
#define NR_mq_notify 244
#define NR_memfd_create 319
#define NR_unlink 87
#define NR_unlinkat 263
#define AT_REMOVEDIR 0x200 /* include/uapi/linux/fcntl.h */

/* include/uapi/linux/ipc.h, sem.h, mman.h; include/linux/mm.h */
#define IPC_RMID 0
#define IPC_SET 1
#define SETVAL 16
#define SETALL 17
#define SEM_UNDO 0x1000
#define IPC_NOWAIT 04000
#define MSG_EXCEPT 020000
#define MSG_COPY 040000
#define MAP_SHARED_BIT 0x01 /* MAP_SHARED and MAP_SHARED_VALIDATE both have it */
/*
 * include/linux/mm.h. mm/mmap.c do_mmap() clears VM_SHARED (keeping
 * VM_MAYSHARE) for MAP_SHARED of a file not open for writing, a
 * SHM_RDONLY shmat among them: VM_MAYSHARE alone says MAP_SHARED.
 */
#define VM_MAYSHARE 0x80
#define ENOMSG 42
#define EIDRM 43
#define SEMBUF_SIZE 6	     /* struct sembuf: u16 num, s16 op, s16 flg */
#define SEMOP_FLAGS_SEEN 8   /* operations of one semop whose flags we read */
#define MAX_ERRNO 4095

/* Set by src/tracer.c: the /dev/shm tmpfs (shm_open objects live there); 0 if none. */
const volatile __u32 cfg_devshm_dev = 0;

/*
 * A call in flight, sys_enter to sys_exit: it may sleep on another CPU.
 * Kept in the thread's slot (thread_slots.bpf.h), or in task storage when
 * another thread holds that slot.
 */
#define IPC_CALL_NAME_LEN 56 /* what is left of a thread slot (THREAD_CALL_BYTES) */

struct ipc_call {
	__u32 nr_plus_1; /* first, as in struct io_call: THREAD_CALL_NR */
	__u32 shared; /* munmap/mremap: the range starts in a shared mapping */
	struct offcpu_mark mark; /* untimed for shmdt, munmap, mremap */
	__u64 nvcsw;  /* voluntary switches at entry: changed means it slept */
	__u64 id;     /* shmdt: the segment at the address; munmap/mremap: the file's inode */
	/*
	 * munmap/mremap of a shared mapping: its vma as entry found it, which
	 * sys_exit can no longer look up (munmap removed it). A mapping made
	 * before tracing is named from this.
	 */
	__u64 vm_start, vm_end;
	__u32 dev, magic;
	char name[IPC_CALL_NAME_LEN];
};
_Static_assert(sizeof(struct ipc_call) <= THREAD_CALL_BYTES, "ipc_call fits a thread slot");
_Static_assert(__builtin_offsetof(struct ipc_call, nr_plus_1) == THREAD_CALL_NR, "call id first");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ipc_call);
} ipc_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384); /* resized with --max-procs */
	__type(key, struct ipc_key);
	__type(value, struct ipc_stats);
} ipc_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPCSCOPE_IPC_SLOTS);
	__type(key, __u32);
	__type(value, struct ipc_slot);
} ipc_slots SEC(".maps");

const struct ipc_stats zero_ipc_stats = {};

/* The calls a slot's counters stand for: what a settle without a row loses. */
static __always_inline __u64 ipc_stats__calls(const struct ipc_stats *d)
{
	/* Every counted call either succeeded (by kind) or failed (by errno). */
	__u64 calls = d->sends + d->receives + d->semop_calls + d->attaches + d->detaches +
		      d->enomsg + d->eagain + d->eidrm + d->errors;

	return calls ?: 1;
}

/* Move a slot's counters into the shared hash (atomics: other CPUs add too) and empty it. */
static __always_inline void ipc_slot__settle(struct ipc_slot *slot)
{
	const __u64 *src = (const __u64 *)&slot->delta;
	struct ipc_stats *s;
	__u64 *dst;

	if (!slot->key.pid)
		return;
	s = hash_row__get_or_create(&ipc_stats, &slot->key, &zero_ipc_stats, LOSS_IPC_STATS_FULL,
				    ipc_stats__calls(&slot->delta));
	if (s) {
		dst = (__u64 *)s;
		for (int i = 0; i < sizeof(*s) / sizeof(__u64); i++)
			counter__add(&dst[i], src[i]);
	}
	__builtin_memset(slot, 0, sizeof(*slot));
}

/*
 * This CPU's counters for (process, object, type), in its write-combining
 * slot; whoever held the slot before moves to the hash first. Per CPU, so
 * plain adds; user space adds what the slots still hold at the end
 * (src/tracer.c). NULL only if the slot array is missing.
 */
static __always_inline struct ipc_stats *ipc__counters(struct task_struct *cur, __u32 kind,
						       __u64 id, __s64 sub)
{
	struct ipc_key k = { .pid = cur->tgid, .kind = kind, .id = id, .sub = sub };
	struct ipc_slot *slot;
	__u32 idx;

	k.start_ns = task__start_ns(cur);
	idx = ipc_slot__index(&k);
	slot = bpf_map_lookup_elem(&ipc_slots, &idx);
	if (!slot)
		return NULL;
	if (slot->key.pid != k.pid || slot->key.kind != k.kind || slot->key.id != k.id ||
	    slot->key.sub != k.sub || slot->key.start_ns != k.start_ns) {
		ipc_slot__settle(slot);
		slot->key = k;
	}
	return &slot->delta;
}

/* ---- the shared mapping at an address (bpf_find_vma, 5.17+) ---- */

struct vma_probe {
	__u64 start, end;
	__u64 ino;
	__u32 dev, magic;
	__u32 shared;
	char name[IPCSCOPE_MAP_NAME_LEN];
};

/* bpf_find_vma callback: runs under the mmap lock it took (trylock). */
static long vma__describe(struct task_struct *task, struct vm_area_struct *vma, void *ctx)
{
	struct vma_probe *p = ctx;
	struct file *file = vma->vm_file;
	struct inode *inode;

	p->start = vma->vm_start;
	p->end = vma->vm_end;
	p->shared = (vma->vm_flags & VM_MAYSHARE) != 0;
	if (!file)
		return 0;
	inode = file->f_inode;
	p->ino = inode->i_ino;
	p->dev = inode->i_sb->s_dev;
	p->magic = inode->i_sb->s_magic;
	bpf_probe_read_kernel_str(p->name, sizeof(p->name), file->f_path.dentry->d_name.name);
	return 0;
}

/* The same without the name (a helper call): what shmdt needs. */
static long vma__glance(struct task_struct *task, struct vm_area_struct *vma, void *ctx)
{
	struct vma_probe *p = ctx;

	p->start = vma->vm_start;
	p->end = vma->vm_end;
	p->shared = (vma->vm_flags & VM_MAYSHARE) != 0;
	if (vma->vm_file)
		p->ino = vma->vm_file->f_inode->i_ino;
	return 0;
}

/*
 * munmap and mremap: a glance, and the whole description only for a shared
 * vma (rare next to private munmaps), which the mapping may have been made
 * before tracing started and is otherwise known by nothing.
 */
static long vma__glance_shared(struct task_struct *task, struct vm_area_struct *vma, void *ctx)
{
	struct vma_probe *p = ctx;
	struct inode *inode;

	p->start = vma->vm_start;
	p->end = vma->vm_end;
	p->shared = (vma->vm_flags & VM_MAYSHARE) != 0;
	if (!p->shared || !vma->vm_file)
		return 0;
	inode = vma->vm_file->f_inode;
	p->ino = inode->i_ino;
	p->dev = inode->i_sb->s_dev;
	p->magic = inode->i_sb->s_magic;
	bpf_probe_read_kernel_str(p->name, IPC_CALL_NAME_LEN,
				  vma->vm_file->f_path.dentry->d_name.name);
	return 0;
}

static __always_inline bool vma__find(struct task_struct *cur, __u64 addr, struct vma_probe *p)
{
	return bpf_find_vma(cur, addr, vma__describe, p, 0) == 0;
}

static __always_inline bool vma__find_brief(struct task_struct *cur, __u64 addr,
					    struct vma_probe *p)
{
	return bpf_find_vma(cur, addr, vma__glance, p, 0) == 0;
}

/* munmap/mremap at entry: is the range's first vma shared, and if so, what it maps. */
static __always_inline void vma__note_shared(struct task_struct *cur, __u64 addr,
					     struct ipc_call *c)
{
	struct vma_probe vp = {};

	if (bpf_find_vma(cur, addr, vma__glance_shared, &vp, 0) || !vp.shared)
		return;
	c->shared = 1;
	c->id = vp.ino;
	c->vm_start = vp.start;
	c->vm_end = vp.end;
	c->dev = vp.dev;
	c->magic = vp.magic;
	__builtin_memcpy(c->name, vp.name, sizeof(c->name));
}

/* ---- records ---- */

/*
 * An EVENT_IPC record through the fold: under a ping-pong, repeats of the
 * same (process, op, object, type, outcome) become one record with a count.
 * The exact counters are in the ipc slots already. Admission comes first so
 * that what only the record shows is read only when it goes out.
 */
struct ipc_emission {
	struct fold_ticket ticket;
	enum fold_verdict verdict;
	__u64 now;
};

static __always_inline bool ipc__admit(struct task_struct *cur, struct ipc_event *e, __u64 now,
				       struct ipc_emission *em)
{
	__u64 key;

	task_ref__ident(&e->task, cur);
	key = fold__mix(EVENT_IPC, e->task.pid);
	key = fold__mix(key, e->task.start_ns);
	key = fold__mix(key, (__u64)e->op << 32 | (__u32)e->err);
	key = fold__mix(key, e->id);
	key = fold__mix(key, e->key);
	if (e->op == IPC_OP_MSGRCV || e->op == IPC_OP_SEMOP)
		key = fold__mix(key, e->addr); /* the type asked for; semop's sembuf array */
	em->now = now;
	em->verdict = fold__admit(key, &em->now, &em->ticket);
	return em->verdict != FOLD_COUNT;
}

static __always_inline void ipc__send(struct task_struct *cur, struct ipc_event *e,
				      struct ipc_emission *em)
{
	hdr__init(&e->hdr, EVENT_IPC, clock__now(&em->now));
	task_ref__name(&e->task, cur);
	fold__finish(em->verdict, &em->ticket, e, sizeof(*e));
}

static __always_inline void ipc__emit(struct task_struct *cur, struct ipc_event *e, __u64 now)
{
	struct ipc_emission em;

	if (ipc__admit(cur, e, now, &em))
		ipc__send(cur, e, &em);
}

/* Failures by errno: the ones a lab asks about by name, then the rest. */
static __always_inline void ipc__count_error(struct ipc_stats *s, long ret)
{
	if (!s || ret >= 0)
		return;
	if (ret == -ENOMSG)
		s->enomsg++;
	else if (ret == -EAGAIN)
		s->eagain++;
	else if (ret == -EIDRM)
		s->eidrm++;
	else
		s->errors++;
}

/*
 * A message sent or received (System V or POSIX): counts, bytes, time slept,
 * errors. Blocked time counts whether the call then succeeded or not: a
 * msgrcv asleep until IPC_RMID woke it with EIDRM (ipc/msg.c
 * do_msgrcv(), expunge_all()) or a mq_timedreceive that timed out was
 * blocked all the same.
 */
static __always_inline void ipc__count_message(struct ipc_stats *s, bool send, long ret,
					       const struct ipc_event *e)
{
	if (!s)
		return;
	if (send)
		s->send_blocked_ns += e->blocked_ns;
	else
		s->recv_blocked_ns += e->blocked_ns;
	if (ret >= 0 && send) {
		s->sends++;
		s->send_bytes += e->size;
	} else if (ret >= 0) {
		s->receives++;
		s->recv_bytes += e->size;
	}
	if (e->blocked_ns) {
		s->waits++;
		s->wait_ns += e->blocked_ns;
	}
	ipc__count_error(s, ret);
}

/* ---- sys_enter ---- */

/* Calls that may sleep: remember when they started (task storage: any CPU). */
static __always_inline void ipc__enter(struct task_struct *cur, struct pt_regs *regs, __u32 nr)
{
	struct vma_probe vp = {};
	struct ipc_call *c;

	if (!proc__wanted(cur->tgid))
		return;
	c = thread_slot__claim(cur);
	if (!c) /* another thread holds the slot (thread_slots.bpf.h) */
		c = task_storage__get_or_create(&ipc_calls, cur);
	if (!c)
		return;
	c->nr_plus_1 = nr + 1;
	c->nvcsw = cur->nvcsw;
	c->id = 0;
	c->shared = 0;
	switch (nr) {
	case NR_shmdt:
		/* ipc/shm.c newseg(): the segment's file inode number is its shmid. */
		if (vma__find_brief(cur, regs->di, &vp))
			c->id = vp.ino;
		offcpu__untimed(&c->mark); /* no blocked time reported */
		return;
	case NR_munmap:
	case NR_mremap:
		vma__note_shared(cur, regs->di, c);
		offcpu__untimed(&c->mark);
		return;
	}
	offcpu__mark(cur, &c->mark);
}

/* ---- sys_exit ---- */

/* What sys_exit needs of the call sys_enter remembered. */
struct ipc_entry {
	__u64 blocked_ns; /* its time off CPU, if it slept (nvcsw moved) */
	__u64 id;
	__u32 shared;
};

/* munmap/mremap: the shared vma sys_enter described, into the record. */
static __always_inline void ipc_call__vma(const struct ipc_call *c, struct map_event *e)
{
	e->ino = c->id;
	e->dev = c->dev;
	e->magic = c->magic;
	e->vm_start = c->vm_start;
	e->vm_end = c->vm_end;
	__builtin_memcpy(e->name, c->name, sizeof(c->name));
}

/*
 * The call sys_enter remembered, summed up in *out (and for a shared
 * munmap/mremap its vma in *vma, if given) and forgotten; false if none.
 * Copied before the slot is freed: another thread may claim it next.
 */
static __always_inline bool ipc__call(struct task_struct *cur, __u32 nr, __u64 *now,
				      struct ipc_entry *out, struct map_event *vma)
{
	struct thread_slot *slot = thread_slot__mine(cur);
	struct ipc_call *c = slot ? (struct ipc_call *)slot->call
				  : bpf_task_storage_get(&ipc_calls, cur, NULL, 0);
	bool found = c && c->nr_plus_1 == nr + 1;

	if (found) {
		out->blocked_ns = cur->nvcsw == c->nvcsw ? 0 : offcpu__since(cur, &c->mark, now);
		out->id = c->id;
		out->shared = c->shared;
		if (vma && c->shared)
			ipc_call__vma(c, vma);
		c->nr_plus_1 = 0;
	}
	if (slot)
		thread_slot__free(slot);
	return found;
}

static __noinline void msg__exit(struct task_struct *cur, struct pt_regs *regs, long ret,
				 __u32 nr)
{
	struct ipc_event e = { .id = regs->di, .size = regs->dx };
	struct ipc_entry in;
	struct ipc_stats *s;
	long mtype = 0;
	__u64 now = 0;

	if (!ipc__call(cur, nr, &now, &in, NULL))
		return;
	e.blocked_ns = in.blocked_ns;
	e.err = ret < 0 ? ret : 0;
	/*
	 * struct msgbuf starts with the long mtype: msgsnd's as sent, msgrcv's
	 * as received. A user read costs ~100 ns here (semop__exit), so a
	 * msgrcv that asked for one positive type without MSG_EXCEPT or
	 * MSG_COPY is not read: it got exactly that type (ipc/msg.c
	 * convert_mode() SEARCH_EQUAL, testmsg()).
	 */
	if (nr == NR_msgrcv && ret >= 0 && (long)regs->r10 > 0 &&
	    !(regs->r8 & (MSG_EXCEPT | MSG_COPY)))
		mtype = regs->r10;
	else if (nr == NR_msgsnd || ret >= 0)
		bpf_probe_read_user(&mtype, sizeof(mtype), (void *)regs->si);
	if (nr == NR_msgsnd) {
		e.op = IPC_OP_MSGSND;
		e.flags = regs->r10;
	} else {
		e.op = IPC_OP_MSGRCV;
		e.flags = regs->r8;
		e.addr = regs->r10; /* the type it asked for: 0, N or -N */
		e.size = ret > 0 ? ret : 0;
		if (ret < 0)
			mtype = regs->r10; /* the type it asked for */
	}
	e.key = mtype;
	s = ipc__counters(cur, IPC_KIND_MSG, e.id, ret >= 0 ? mtype : 0);
	ipc__count_message(s, nr == NR_msgsnd, ret, &e);
	ipc__emit(cur, &e, now);
}

/*
 * A semop's first operations (user memory): the SEM_UNDO and IPC_NOWAIT
 * flags of the first SEMOP_FLAGS_SEEN, returned with IPC_F_SEM_OPS, and the first
 * IPC_SEMOP_OPS_SEEN as (sem_num, sem_op) in e->key and e->addr
 * (IPC_SEMOP_OP()), so that a P (-1) and a V (+1) are told apart.
 */
static __always_inline __u32 semop__read(struct pt_regs *regs, struct ipc_event *e)
{
	__u8 sops[SEMOP_FLAGS_SEEN * SEMBUF_SIZE];
	__u32 n = e->size < SEMOP_FLAGS_SEEN ? e->size : SEMOP_FLAGS_SEEN, flags = 0;

	if (!n || bpf_probe_read_user(sops, sizeof(sops), (void *)regs->si))
		return 0;
	for (__u32 i = 0; i < SEMOP_FLAGS_SEEN; i++) {
		__u16 num;
		__s16 op, flg;
		__u64 packed;

		if (i >= n)
			break;
		__builtin_memcpy(&num, &sops[i * SEMBUF_SIZE], sizeof(num));
		__builtin_memcpy(&op, &sops[i * SEMBUF_SIZE + 2], sizeof(op));
		__builtin_memcpy(&flg, &sops[i * SEMBUF_SIZE + 4], sizeof(flg));
		flags |= flg & (SEM_UNDO | IPC_NOWAIT);
		packed = (__u64)IPC_SEMOP_OP(num, op) << (32 * (i & 1));
		if (i < 2)
			e->key |= packed;
		else if (i < IPC_SEMOP_OPS_SEEN)
			e->addr |= packed;
	}
	return flags | IPC_F_SEM_OPS;
}

/*
 * Reading the operations from user memory costs ~100 ns here, more than the
 * rest of the call's accounting (BENCHMARKS.md sem storm), so it is done
 * only when needed: when the record goes out (it shows them), and to count
 * SEM_UNDO exactly when the call may have had it. ipc/sem.c
 * do_semtimedop() calls find_alloc_undo() -> get_undo_list(), which gives
 * the process its undo list, before a SEM_UNDO operation can succeed: a
 * call that succeeded while the process has no undo list had no SEM_UNDO.
 * Folded repeats must not mix a P and a V, yet their operations are not
 * read: the fold key takes the address of the sembuf array instead (a P
 * and a V are two arrays in the usual code, struct sembuf p, v).
 */
static __noinline void semop__exit(struct task_struct *cur, struct pt_regs *regs, long ret,
				   __u32 nr)
{
	struct ipc_event e = { .op = IPC_OP_SEMOP, .id = regs->di, .size = regs->dx };
	struct ipc_emission em;
	struct ipc_entry in;
	struct ipc_stats *s;
	bool out;
	__u64 now = 0;

	if (!ipc__call(cur, nr, &now, &in, NULL))
		return;
	e.blocked_ns = in.blocked_ns;
	e.err = ret < 0 ? ret : 0;
	e.addr = regs->si; /* in the fold key only: the operations' address */
	out = ipc__admit(cur, &e, now, &em);
	e.addr = 0;
	if (out || (ret == 0 && cur->sysvsem.undo_list))
		e.flags = semop__read(regs, &e);
	s = ipc__counters(cur, IPC_KIND_SEM, e.id, 0);
	if (s) {
		if (ret == 0) {
			s->semop_calls++;
			s->sem_ops += e.size;
			if (e.flags & SEM_UNDO)
				s->undo++;
		}
		if (e.blocked_ns) {
			s->waits++;
			s->wait_ns += e.blocked_ns;
		}
		ipc__count_error(s, ret);
	}
	if (out)
		ipc__send(cur, &e, &em);
}

static __noinline void mq__exit(struct task_struct *cur, struct pt_regs *regs, long ret,
				__u32 nr)
{
	struct ipc_event e = {};
	struct ipc_entry in;
	struct ipc_stats *s;
	struct file *file;
	__u32 prio = 0;
	__u64 now = 0;

	if (!ipc__call(cur, nr, &now, &in, NULL))
		return;
	file = fd__file(cur, regs->di);
	if (!file)
		return;
	e.id = file->f_inode->i_ino;
	e.dev = file->f_inode->i_sb->s_dev;
	e.blocked_ns = in.blocked_ns;
	e.err = ret < 0 ? ret : 0;
	if (nr == NR_mq_timedsend) {
		e.op = IPC_OP_MQ_SEND;
		e.size = regs->dx;
		prio = regs->r10;
	} else {
		e.op = IPC_OP_MQ_RECEIVE;
		e.size = ret > 0 ? ret : 0;
		if (ret >= 0 && regs->r10)
			bpf_probe_read_user(&prio, sizeof(prio), (void *)regs->r10);
	}
	e.key = prio;
	s = ipc__counters(cur, IPC_KIND_MQ, e.id, ret >= 0 ? prio : 0);
	ipc__count_message(s, nr == NR_mq_timedsend, ret, &e);
	ipc__emit(cur, &e, now);
}

static __noinline void shm_attach__exit(struct task_struct *cur, struct pt_regs *regs,
					long ret, __u32 nr)
{
	struct ipc_event e = { .err = ret < 0 && ret > -MAX_ERRNO ? ret : 0 };
	struct ipc_entry in;
	__u64 untimed = 0; /* shmdt is not timed: ipc__enter() */
	bool known = nr == NR_shmdt && ipc__call(cur, nr, &untimed, &in, NULL);
	struct ipc_stats *s;

	if (!proc__wanted(cur->tgid))
		return;

	if (nr == NR_shmat) {
		e.op = IPC_OP_SHMAT;
		e.id = regs->di;
		e.addr = e.err ? 0 : ret;
		e.flags = regs->dx;
	} else {
		if (!known)
			return;
		e.op = IPC_OP_SHMDT;
		e.id = in.id;
		e.addr = regs->di;
	}
	s = ipc__counters(cur, IPC_KIND_SHM, e.id, 0);
	if (s) {
		if (!e.err && nr == NR_shmat)
			s->attaches++;
		else if (!e.err)
			s->detaches++;
		ipc__count_error(s, e.err);
	}
	ipc__emit(cur, &e, 0);
}

/* ---- a segment's attach count, from the ipc namespace's idr ---- */

/* include/linux/xarray.h (radix trees are xarrays), ipc/util.h, include/linux/ipc_namespace.h */
#define XA_CHUNK_MASK 63
#define XA_INTERNAL 2UL
#define XA_NODE_MIN 4096UL /* internal entries below are retry/sibling marks, not nodes */
#define XA_DEPTH_MAX 4	   /* 64^4 slots > the 2^24 ids of ipcmni_extend */
#define IPC_SHM_IDS 2
#define IPCMNI_SHIFT 15
#define IPCMNI_EXTEND_SHIFT 24

enum idr_answer { IDR_ABSENT, IDR_FOUND, IDR_UNSURE };

/*
 * idr_find() by hand (lib/radix-tree.c __radix_tree_lookup): from the root,
 * an internal entry (pointer | 2) is a node whose slot (index >> shift) & 63
 * leads on; anything else is the entry. The ipc idr's base is 0 (idr_init,
 * ipc/util.c ipc_init_ids). Probe reads: the nodes are RCU-freed, and the
 * program runs under RCU (tracepoints), so a node read is never reused
 * memory, only possibly stale.
 */
static __always_inline enum idr_answer idr__find(struct idr *idr, __u32 index, __u64 *entry)
{
	__u64 node = (__u64)idr->idr_rt.xa_head;
	__u64 shift_at = bpf_core_field_offset(struct xa_node, shift);
	__u64 slots_at = bpf_core_field_offset(struct xa_node, slots);
	__u8 shift;

	if ((node & 3) != XA_INTERNAL) {
		*entry = index == 0 ? node : 0;
		return *entry ? IDR_FOUND : IDR_ABSENT;
	}
	for (int depth = 0; depth < XA_DEPTH_MAX; depth++) {
		if ((node & 3) != XA_INTERNAL) {
			*entry = node;
			return node ? IDR_FOUND : IDR_ABSENT;
		}
		if (node < XA_NODE_MIN)
			return IDR_UNSURE; /* a retry entry: a concurrent change */
		node -= XA_INTERNAL;
		if (bpf_probe_read_kernel(&shift, sizeof(shift), (void *)(node + shift_at)))
			return IDR_UNSURE;
		if (depth == 0 && (index >> shift) > XA_CHUNK_MASK)
			return IDR_ABSENT; /* past the tree's last index */
		if (bpf_probe_read_kernel(&node, sizeof(node),
					  (void *)(node + slots_at +
						   ((index >> shift) & XA_CHUNK_MASK) * sizeof(void *))))
			return IDR_UNSURE;
	}
	if ((node & 3) == XA_INTERNAL)
		return IDR_UNSURE;
	*entry = node;
	return node ? IDR_FOUND : IDR_ABSENT;
}

/*
 * The segment shmid in the caller's ipc namespace at ids_shift (ipc/util.h
 * ipcid_to_idx: the low ipc_mni_shift bits, 15 unless booted with
 * ipcmni_extend), its attach count in *nattch; IDR_ABSENT if gone or the
 * slot holds another id.
 */
static __always_inline enum idr_answer shm__find(struct idr *idr, __u64 shmid, int ids_shift,
						 __u64 *nattch)
{
	struct shmid_kernel *shp;
	enum idr_answer found;
	__u64 entry = 0;

	found = idr__find(idr, shmid & ((1U << ids_shift) - 1), &entry);
	if (found != IDR_FOUND)
		return found;
	/* struct shmid_kernel starts with its kern_ipc_perm, which the idr holds (ipc/shm.c). */
	shp = bpf_rdonly_cast((void *)entry, bpf_core_type_id_kernel(struct shmid_kernel));
	if (shp->shm_perm.id != (int)shmid || shp->shm_perm.deleted)
		return IDR_ABSENT;
	*nattch = shp->shm_nattch;
	return IDR_FOUND;
}

/*
 * Attaches a segment still has as its IPC_RMID returns (-1: not known).
 * ipc/shm.c do_shm_rmid(): with shm_nattch 0 the segment is destroyed at
 * once (and leaves the idr); otherwise it is marked SHM_DEST and lives
 * until the last detach, shm_nattch still counting every attach, those
 * made before tracing started included, which the model cannot see.
 */
static __always_inline long shm__attached_after_rmid(struct task_struct *cur, __u64 shmid)
{
	struct idr *idr = &cur->nsproxy->ipc_ns->ids[IPC_SHM_IDS].ipcs_idr;
	enum idr_answer found;
	__u64 nattch = 0;

	found = shm__find(idr, shmid, IPCMNI_SHIFT, &nattch);
	if (found == IDR_ABSENT)
		found = shm__find(idr, shmid, IPCMNI_EXTEND_SHIFT, &nattch);
	if (found == IDR_UNSURE)
		return -1;
	return found == IDR_FOUND ? (long)nattch : 0;
}

/* shmget, msgget, semget and the *ctl calls that change an object. */
static __noinline void ipc_admin__exit(struct task_struct *cur, struct pt_regs *regs,
				       long ret, __u32 nr)
{
	struct ipc_event e = { .err = ret < 0 ? ret : 0 };

	if (!proc__wanted(cur->tgid))
		return;
	switch (nr) {
	case NR_shmget: /* (key, size, flags) */
	case NR_semget: /* (key, nsems, flags) */
		e.op = nr == NR_shmget ? IPC_OP_SHMGET : IPC_OP_SEMGET;
		e.key = (__u32)regs->di;
		e.size = regs->si;
		e.flags = regs->dx;
		e.id = ret;
		break;
	case NR_msgget: /* (key, flags) */
		e.op = IPC_OP_MSGGET;
		e.key = (__u32)regs->di;
		e.flags = regs->si;
		e.id = ret;
		break;
	case NR_shmctl:
	case NR_msgctl:
		if ((regs->si & 0xff) != IPC_RMID && (regs->si & 0xff) != IPC_SET)
			return; /* IPC_STAT and friends only read */
		e.op = nr == NR_shmctl ? IPC_OP_SHMCTL : IPC_OP_MSGCTL;
		e.id = regs->di;
		e.key = regs->si & 0xff;
		if (nr == NR_shmctl && e.key == IPC_RMID && !e.err) {
			long nattch = shm__attached_after_rmid(cur, e.id);

			e.size = nattch >= 0 ? nattch : 0;
			e.flags = nattch >= 0 ? IPC_F_SHM_NATTCH : 0;
		}
		break;
	case NR_semctl: {
		__u32 cmd = regs->dx & 0xff;

		if (cmd != IPC_RMID && cmd != IPC_SET && cmd != SETVAL && cmd != SETALL)
			return;
		e.op = IPC_OP_SEMCTL;
		e.id = regs->di;
		e.key = cmd;
		e.size = regs->si; /* SETVAL: the semaphore number */
		e.flags = regs->r10; /* SETVAL: the value */
		break;
	}
	default:
		return;
	}
	if (e.err)
		e.id = nr == NR_shmctl || nr == NR_msgctl || nr == NR_semctl ? regs->di : 0;
	ipc__emit(cur, &e, 0);
}

static __noinline void mq_notify__exit(struct task_struct *cur, struct pt_regs *regs,
				       long ret)
{
	struct file *file = fd__file(cur, regs->di);
	struct ipc_event e = { .op = IPC_OP_MQ_NOTIFY, .err = ret < 0 ? ret : 0 };

	if (!proc__wanted(cur->tgid))
		return;
	if (file) {
		e.id = file->f_inode->i_ino;
		e.dev = file->f_inode->i_sb->s_dev;
	}
	e.flags = regs->si != 0; /* 0: the registration was removed */
	ipc__emit(cur, &e, 0);
}

/* A MAP_SHARED mmap (described from the new vma), or munmap/mremap of one. */
static __noinline void map__exit(struct task_struct *cur, struct pt_regs *regs, long ret,
				 __u32 nr)
{
	struct map_event e = {};
	struct vma_probe vp = {};
	struct ipc_entry in;
	__u64 now = 0;

	if (nr == NR_mmap) {
		if (!(regs->r10 & MAP_SHARED_BIT) || !proc__wanted(cur->tgid))
			return;
		/*
		 * Refused (an offset that is not a page multiple, a prot the
		 * fd's open mode does not allow, ...): the record says so, with
		 * -errno as its address and the offset asked for.
		 */
		if (ret < 0 && ret > -MAX_ERRNO)
			e.new_addr = regs->r9;
		else if (!vma__find(cur, ret, &vp))
			return;
		e.op = MAP_OP_MMAP;
		e.addr = ret;
		e.len = regs->si;
		e.prot = regs->dx;
		e.flags = regs->r10;
		e.fd = regs->r8;
		e.ino = vp.ino;
		e.dev = vp.dev;
		e.magic = vp.magic;
		__builtin_memcpy(e.name, vp.name, sizeof(e.name));
	} else {
		if (!ipc__call(cur, nr, &now, &in, &e) || !in.shared ||
		    (ret < 0 && ret > -MAX_ERRNO))
			return;
		e.op = nr == NR_munmap ? MAP_OP_MUNMAP : MAP_OP_MREMAP;
		e.addr = regs->di;
		e.len = regs->si;
		e.fd = -1;
		if (nr == NR_mremap) {
			e.new_len = regs->dx;
			e.new_addr = ret;
			e.flags = regs->r10;
		}
	}
	hdr__init(&e.hdr, EVENT_MAP, bpf_ktime_get_ns());
	task_ref__fill(&e.task, cur);
	emit(&e, sizeof(e));
}

/* mq_open, mq_unlink, memfd_create: the name is the caller's string. */
static __always_inline void ipc_open__emit(struct task_struct *cur, __u32 op, long ret,
					   const char *name, struct file *file, __u32 flags)
{
	struct ipc_open_event e = { .op = op, .ret = ret, .flags = flags };

	if (file) {
		e.ino = file->f_inode->i_ino;
		e.dev = file->f_inode->i_sb->s_dev;
	}
	bpf_probe_read_user_str(e.name, sizeof(e.name), name);
	hdr__init(&e.hdr, EVENT_IPC_OPEN, bpf_ktime_get_ns());
	task_ref__fill(&e.task, cur);
	emit(&e, sizeof(e));
}

static __noinline void ipc_open__exit(struct task_struct *cur, struct pt_regs *regs,
				      long ret, __u32 nr)
{
	struct file *file = ret >= 0 && nr != NR_mq_unlink ? fd__file(cur, ret) : NULL;

	if (!proc__wanted(cur->tgid))
		return;
	switch (nr) {
	case NR_mq_open:
		ipc_open__emit(cur, IPC_OPEN_MQ_OPEN, ret, (const char *)regs->di, file, regs->si);
		break;
	case NR_mq_unlink:
		ipc_open__emit(cur, IPC_OPEN_MQ_UNLINK, ret, (const char *)regs->di, NULL, 0);
		break;
	case NR_memfd_create:
		ipc_open__emit(cur, IPC_OPEN_MEMFD_CREATE, ret, (const char *)regs->di, file,
			       regs->si);
		break;
	}
}

/* open/openat of a file on the /dev/shm tmpfs: shm_open(3) (glibc opens /dev/shm/NAME). */
static __always_inline void shm_open__exit(struct task_struct *cur, struct pt_regs *regs,
					   __u32 nr, int fd)
{
	struct file *file;

	if (!cfg_devshm_dev)
		return;
	file = fd__file(cur, fd);
	if (!file || file->f_inode->i_sb->s_dev != cfg_devshm_dev || !proc__wanted(cur->tgid))
		return;
	ipc_open__emit(cur, IPC_OPEN_SHM_OPEN, fd,
		       (const char *)(nr == NR_open ? regs->di : regs->si), file,
		       nr == NR_open ? regs->si : regs->dx);
}

/*
 * unlink/unlinkat of a name under /dev/shm: shm_unlink(3) (glibc and musl
 * unlink "/dev/shm/NAME"; sem_unlink the same, "sem.NAME"). Every unlink
 * of the system comes here: a 9-byte read of its path tells, the name is
 * read only for those.
 */
static __noinline void shm_unlink__exit(struct task_struct *cur, struct pt_regs *regs, long ret,
					__u32 nr)
{
	static const char prefix[9] = "/dev/shm/";
	const char *path = (const char *)(nr == NR_unlink ? regs->di : regs->si);
	char head[sizeof(prefix)];

	if (!cfg_devshm_dev || (nr == NR_unlinkat && (regs->dx & AT_REMOVEDIR)) ||
	    bpf_probe_read_user(head, sizeof(head), path) || !proc__wanted(cur->tgid))
		return;
	for (int i = 0; i < (int)sizeof(prefix); i++)
		if (head[i] != prefix[i])
			return;
	ipc_open__emit(cur, IPC_OPEN_SHM_UNLINK, ret, path, NULL, 0);
}

#endif /* IPC_BPF_H */
