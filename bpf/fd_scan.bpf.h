/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The pipe ends among many of current's fds at once, for the three ways a
 * process closes fds without a close() per fd: exit, exec (the close-on-exec
 * fds) and close_range(). The walk reads the fd table's open_fds bitmap a
 * word (64 fds) at a time and looks up only the fds open in it, so a
 * process with 5 fds costs one bitmap read and 5 lookups, and an fd far up
 * the table (a server's 300th connection, a reader's pipe at fd 1000) is
 * still found. Past FD_SCAN_WORDS words the walk stops and the scan is
 * counted as a loss (LOSS_FD_SCAN): pipe ends there close unseen. That
 * bound is every fd the default fs.nr_open allows (1048576): a table that
 * large costs ~16k bitmap reads at exit, while its exit closes a million
 * files.
 */
#ifndef FD_SCAN_BPF_H
#define FD_SCAN_BPF_H

#include "pipes.bpf.h"

#define FD_SCAN_WORDS 16384 /* bitmap words read per scan: fds 0..1048575 of the range */

struct fd_scan {
	__u32 first, last;  /* the fds to check, inclusive; last < the table's max_fds */
	__u32 base;	    /* the first fd of the word being walked */
	__u32 reported;	    /* pipe ends reported */
	unsigned long bits; /* the fds of that word to check */
	__u8 how;	    /* enum ipcscope_close_how, for the records */
	bool in_scope;	    /* see pipe__closing() */
	bool cloexec_only;  /* only the fds marked close-on-exec */
};

/* bpf_loop callback: bit of the word fd_scan__word() found open fds in. */
static long fd_scan__bit(__u64 bit, void *ctx)
{
	struct fd_scan *scan = ctx;

	if (!(scan->bits >> bit))
		return 1; /* none left above */
	if ((scan->bits >> bit) & 1 &&
	    pipe__closing(bpf_get_current_task_btf(), scan->base + bit, scan->how, scan->in_scope))
		scan->reported++;
	return 0;
}

/*
 * bpf_loop callback: word i of the range. Probe reads: the bitmaps are
 * untrusted pointers, and a table can be swapped for a larger copy while
 * we read (fs/file.c expand_fdtable(), RCU-freed): a stale word is one the
 * copy had just been made from.
 */
static long fd_scan__word(__u64 i, void *ctx)
{
	struct files_struct *files = bpf_get_current_task_btf()->files;
	struct fd_scan *scan = ctx;
	__u32 word = scan->first / 64 + i;
	__u32 base = word * 64;
	unsigned long bits, cloexec;
	struct fdtable *fdt;

	if (base > scan->last || !files)
		return 1;
	fdt = files->fdt;
	if (bpf_probe_read_kernel(&bits, sizeof(bits), &fdt->open_fds[word]))
		return 1;
	if (scan->cloexec_only) {
		if (bpf_probe_read_kernel(&cloexec, sizeof(cloexec), &fdt->close_on_exec[word]))
			return 1;
		bits &= cloexec;
	}
	if (scan->first > base) /* the range's first word: from first on */
		bits &= ~0UL << ((scan->first - base) & 63);
	if (scan->last - base < 63) /* its last word: up to last */
		bits &= ~0UL >> ((63 - (scan->last - base)) & 63);
	if (!bits)
		return 0;
	scan->base = base;
	scan->bits = bits;
	bpf_loop(64, fd_scan__bit, scan, 0);
	return 0;
}

/*
 * Reports the pipe ends among current's open fds first..last (close-on-exec
 * ones only if cloexec_only) as closing by how; returns how many. The
 * caller has checked current->files.
 */
static __always_inline __u32 fd_scan__run(struct task_struct *cur, __u32 first, __u32 last,
					  __u8 how, bool in_scope, bool cloexec_only)
{
	struct fdtable *fdt = cur->files->fdt;
	struct fd_scan scan = {
		.first = first, .how = how, .in_scope = in_scope, .cloexec_only = cloexec_only,
	};
	__u32 max_fds = fdt->max_fds, words;

	if (first >= max_fds || first > last)
		return 0;
	scan.last = last < max_fds ? last : max_fds - 1;
	words = scan.last / 64 - first / 64 + 1;
	if (words > FD_SCAN_WORDS) {
		words = FD_SCAN_WORDS;
		scan.last = (first / 64 + words) * 64 - 1;
		if (in_scope) /* out of scope, only the scope's pipes were wanted */
			loss__count(LOSS_FD_SCAN);
	}
	bpf_loop(words, fd_scan__word, &scan, 0);
	return scan.reported;
}

/*
 * close_range(first, last, flags) (fs/file.c): every open fd from first to
 * last goes, up to the table's size, unless CLOSE_RANGE_CLOEXEC only marks
 * them (the exec scan finds those). Python's close_fds and systemd use it
 * where others loop on close(). Left out: unknown flags (EINVAL), and
 * CLOSE_RANGE_UNSHARE on a table other threads share, which closes in the
 * caller's new copy only: their ends stay.
 */
static __noinline void pipe__close_range(struct task_struct *cur, __u32 first, __u32 last,
					 __u32 flags)
{
	struct files_struct *files = cur->files;
	bool in_scope = true;

	if (flags & CLOSE_RANGE_CLOEXEC || flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) ||
	    !files)
		return;
	if (flags & CLOSE_RANGE_UNSHARE && files->count.counter > 1)
		return;
	if (!proc__wanted(cur->tgid)) {
		if (!cfg_filter_pids || cur->tgid == cfg_self_tgid)
			return;
		in_scope = false;
	}
	fd_scan__run(cur, first, last, CLOSE_BY_RANGE, in_scope, false);
}

#endif /* FD_SCAN_BPF_H */
