/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * From a process's fd to the object behind it: pipe, FIFO or socket, named
 * by (dev, ino). DESIGN.md: task->files->fdt->fd[fd]->f_inode->i_mode tells
 * a pipe/FIFO (S_ISFIFO) from a socket (S_ISSOCK); the superblock tells an
 * anonymous pipe (pipefs) from a FIFO on a real filesystem.
 */
#ifndef FILES_BPF_H
#define FILES_BPF_H

#include "ipcscope.bpf.h"
#include <bpf/bpf_endian.h>

/* include/uapi/linux/stat.h, magic.h, socket.h, in.h; include/linux/fs.h */
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFIFO 0010000
#define PIPEFS_MAGIC 0x50495045
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2

/*
 * The fd table is an array of pointers indexed by a runtime fd. Kernels
 * that type `fdt->fd` as read-only untrusted memory (6.18 here) verify a
 * variable-offset load from it; older ones need a probe read (a helper call,
 * ~45 ns of a ~100 ns sys_enter). User space loads with cfg_fd_direct_load
 * and retries without it if the verifier refuses (src/tracer.c); the dead
 * branch is never verified because rodata is frozen. bpf_rdonly_cast()
 * (6.4+) then makes the entry a BTF pointer again, so every field after it
 * is a plain load too.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* The open file behind fd; NULL if none. */
static __always_inline struct file *fd__file(struct task_struct *task, int fd)
{
	struct files_struct *files = task->files;
	struct fdtable *fdt;
	struct file *file = NULL;

	if (!files || fd < 0)
		return NULL;
	fdt = files->fdt;
	if ((unsigned int)fd >= fdt->max_fds)
		return NULL;
	if (cfg_fd_direct_load)
		file = fdt->fd[fd]; /* kernel 6.18 verifies this load itself */
	else if (bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]))
		return NULL;
	if (!file)
		return NULL;
	return bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file));
}

/* Is it a pipe or FIFO? The cheap test for hot paths (no socket lookups). */
static __always_inline bool file__is_fifo(struct file *file)
{
	return file && (file->f_inode->i_mode & S_IFMT) == S_IFIFO;
}

static __always_inline __u8 socket__kind(struct file *file)
{
	struct socket *sock = file->private_data;
	struct sock *sk;
	__u16 family, proto;

	sock = bpf_rdonly_cast(sock, bpf_core_type_id_kernel(struct socket));
	sk = sock ? sock->sk : NULL;
	if (!sk)
		return OBJ_SOCKET;
	family = sk->__sk_common.skc_family;
	if (family == AF_UNIX)
		return OBJ_UNIX;
	if (family != AF_INET && family != AF_INET6)
		return OBJ_SOCKET;
	proto = sk->sk_protocol;
	return proto == IPPROTO_TCP ? OBJ_TCP : proto == IPPROTO_UDP ? OBJ_UDP : OBJ_SOCKET;
}

/* A TCP/UDP socket's addresses and ports: a few loads from struct sock_common. */
static __always_inline void socket__inet(struct file *file, struct inet_ends *inet)
{
	struct socket *sock = bpf_rdonly_cast(file->private_data,
					      bpf_core_type_id_kernel(struct socket));
	struct sock_common *sk = sock ? (struct sock_common *)sock->sk : NULL;

	if (!sk)
		return;
	inet->family = sk->skc_family;
	/*
	 * skc_num is the bound port, zeroed when a TCP socket closes and
	 * unhashes (inet_put_port()), as after the reset that makes a write
	 * fail with EPIPE; inet_sport, the source port the socket sent from, stays.
	 */
	inet->local_port = sk->skc_num;
	if (!inet->local_port) {
		struct inet_sock *in = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct inet_sock));

		inet->local_port = bpf_ntohs(in->inet_sport);
	}
	inet->remote_port = bpf_ntohs(sk->skc_dport);
	if (inet->family == AF_INET) {
		__builtin_memcpy(inet->local, &sk->skc_rcv_saddr, 4);
		__builtin_memcpy(inet->remote, &sk->skc_daddr, 4);
	} else if (inet->family == AF_INET6) {
		__builtin_memcpy(inet->local, &sk->skc_v6_rcv_saddr, 16);
		__builtin_memcpy(inet->remote, &sk->skc_v6_daddr, 16);
	}
}

/*
 * pipefs's superblock: one for the kernel's lifetime (fs/pipe.c
 * init_pipe_fs() kern_mount()s it), learned from the first anonymous pipe
 * a read or write names (pipe__object()). Its inodes then get their dev and
 * kind without loads from the superblock, which cost ~30 ns per EPIPE
 * storm write here (BENCHMARKS.md): nothing on a pipe's write path touches
 * that line, so it is cold.
 */
static __u64 pipefs_sb;
static __u32 pipefs_dev;

/* Names the object behind file; kind OBJ_NONE when there is no file. */
static __always_inline void file__object(struct file *file, struct obj_ref *obj, bool sockets)
{
	struct inode *inode;
	struct super_block *sb;
	__u32 mode;

	obj->kind = OBJ_NONE;
	obj->ino = 0;
	obj->dev = 0;
	if (!file)
		return;
	inode = file->f_inode;
	if (!inode)
		return;
	mode = inode->i_mode & S_IFMT;
	obj->ino = inode->i_ino;
	sb = inode->i_sb;
	obj->dev = sb->s_dev;
	if (mode == S_IFIFO)
		obj->kind = sb->s_magic == PIPEFS_MAGIC ? OBJ_PIPE : OBJ_FIFO;
	else if (mode == S_IFSOCK)
		obj->kind = sockets ? socket__kind(file) : OBJ_SOCKET;
	else
		obj->kind = OBJ_OTHER;
}

/*
 * A word per CPU that values pass through to come back plain numbers the
 * verifier knows nothing about: a pointer it loaded, on which it forbids
 * arithmetic (storing a kernel address in a map needs CAP_PERFMON, which
 * loading has), or a value chosen by branches, whose every outcome it
 * would otherwise follow separately through all that comes after.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} as_number SEC(".maps");

/* Key 0 of a one-entry array, kept off the stack (sys_exit's is full). */
static const __u32 first_entry = 0;

static __always_inline __u64 value__as_number(__u64 v)
{
	__u64 *cell = bpf_map_lookup_elem(&as_number, &first_entry);

	if (!cell)
		return 0; /* never: one entry per CPU */
	*cell = v;
	return *(volatile __u64 *)cell;
}

/*
 * What a write that meets no reader does to its writer now: SIGPIPE blocked
 * (pending, the writer goes on), SIG_DFL (dies), SIG_IGN or a handler. (A
 * send with MSG_NOSIGNAL raises none: net/core/stream.c, af_unix send_sig()
 * only without it; user space tells, epipe__settle_action().)
 *
 * Computed, not chosen: every branch here doubled the states the verifier
 * walks through the rest of sys_exit's EPIPE path (the action goes into the
 * fold key and the record), which made loading twice as slow. barrier_var()
 * keeps clang from turning the arithmetic back into compares and branches.
 */
static __always_inline __u8 sigpipe__action(struct task_struct *task)
{
	/* kernel/signal.c sig_ignored(): a blocked signal is never ignored, it waits */
	__u64 blocked = (task->blocked.sig[0] >> (SIGPIPE - 1)) & 1;
	__u64 h = value__as_number((__u64)task->sighand->action[SIGPIPE - 1].sa.sa_handler);
	__u64 nonzero = h | (0 - h), not_one = (h - 1) | (1 - h), action;

	barrier_var(nonzero);
	barrier_var(not_one);
	/* SIG_DFL (0): 0, SIG_IGN (1): 1, a handler: 2 */
	action = (nonzero >> 63) * (1 + (not_one >> 63));
	barrier_var(action);
	action += blocked * (SIGPIPE_BLOCKED - action);
	return action;
}

/*
 * file__object() of a pipe or FIFO (file__is_fifo()) on the hot read and
 * write paths: an anonymous pipe's superblock is not read once pipefs's is
 * known. Only there: every other caller stays with file__object(), whose
 * verification this extra branch would make dearer at each of its sites.
 */
static __always_inline void pipe__object(struct file *file, struct obj_ref *obj)
{
	struct inode *inode = file->f_inode;
	struct super_block *sb = inode->i_sb;

	if (pipefs_sb && (__u64)sb == pipefs_sb) {
		obj->ino = inode->i_ino;
		obj->dev = pipefs_dev;
		obj->kind = OBJ_PIPE;
		return;
	}
	file__object(file, obj, false);
	if (obj->kind == OBJ_PIPE) {
		pipefs_dev = obj->dev;
		barrier(); /* a CPU that sees sb sees dev (x86 keeps stores in order) */
		pipefs_sb = (__u64)sb;
	}
}

#endif /* FILES_BPF_H */
