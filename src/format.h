/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Small formatting helpers shared by the sinks (no aggregation here). */
#ifndef FORMAT_H
#define FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ipcscope.h"

/* "3.2us", "850ns", "12.5ms", "1.20s", "3m05s". */
char *format__ns(char *buf, size_t size, uint64_t ns);
/*
 * Exact below 100000, then "123k", "12.3M": for live lines only. A report
 * is read as fact and prints exact counts.
 */
char *format__count(char *buf, size_t size, uint64_t n);
/*
 * A size for live lines: exact "4096 B" below 100000, then binary units,
 * whole when exact ("32 MiB"), else to a tenth ("33.6 MiB"): sizes are
 * page multiples and read as such.
 */
char *format__bytes(char *buf, size_t size, uint64_t n);
/* "write" or "writes" after a count n: "in 1 write", "in 2 writes". */
static inline const char *format__plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
/* Wall clock "HH:MM:SS.mmm" of a CLOCK_MONOTONIC timestamp (JSON has ns). */
char *format__clock(char *buf, size_t size, uint64_t mono_ns, int64_t mono_to_real_ns);
/*
 * "SIGINT,SIGUSR1", "-" when empty, "all" for all 64 signals, "all but
 * SIGKILL,SIGSTOP" when more than half are set (a sigfillset() mask, as
 * shells install); three or more real-time signals in a row as a range,
 * "SIGRTMIN..SIGRTMAX", "SIGRTMIN+2..SIGRTMIN+5". A list too long for buf
 * ends with "+N more" (signals), never cut mid-name.
 */
char *format__sigset(char *buf, size_t size, uint64_t mask);
/* "SA_RESTART|SA_SIGINFO"; SA_RESTORER (set by libc on every call) left out. */
char *format__sa_flags(char *buf, size_t size, uint64_t flags);
/* Calls fn for each sa_flags name; shared by the text and JSON sinks. */
void format__each_sa_flag(uint64_t flags, void (*fn)(const char *name, void *ctx), void *ctx);
/* "comm[pid]" or "comm[pid/tid]", comm passed through the terminal sanitizer. */
char *format__task(char *buf, size_t size, const char *comm, uint32_t pid, uint32_t tid);
/* "exited 0", "killed by SIGPIPE", "killed by SIGSEGV (core dumped)". */
char *format__exit(char *buf, size_t size, int status);
struct proc;
/*
 * The sender of the signal p died of (proc_killer), or NULL: unknown, or
 * not worth saying (the kernel raising a fault or SIGPIPE in the process
 * itself). "kill[4242]", "the kernel".
 */
const char *format__killer(char *buf, size_t size, const struct proc *p);
/* format__exit of p's status, then " (sent by kill[4242])" when known. */
char *format__death(char *buf, size_t size, const struct proc *p);

/* "pipe:[ino]", "fifo:/path" (sanitized), "unix:[ino]"... */
char *format__object(char *buf, size_t size, unsigned int kind, uint64_t ino, const char *path);

/* " 127.0.0.1:40312->127.0.0.1:5432" (leading space), "" when not an inet socket. */
char *format__inet(char *buf, size_t size, const struct inet_ends *inet);
/* One end, "1.2.3.4:80" or "[::1]:80"; NULL when not an inet socket. */
char *format__inet_end(char *buf, size_t size, const struct inet_ends *inet, bool local);

/* A syscall's -errno by name: "ENOMSG"; "E<n>" for a number without one. */
char *format__errno(char *buf, size_t size, int err);

struct pipe_departure;
/* "head[42] exited 0 at 12:00:01.100", "cat[7] closed its end at ...", "not seen ...". */
char *format__departure(char *buf, size_t size, const struct pipe_departure *d,
			int64_t mono_to_real_ns);

#endif /* FORMAT_H */
