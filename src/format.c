// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _GNU_SOURCE /* strerrorname_np */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "format.h"
#include "pipes.h"
#include "proc_table.h"
#include "sanitize.h"
#include "signals.h"

char *format__ns(char *buf, size_t size, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, size, "%lluns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, size, "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, size, "%.1fms", ns / 1e6);
	else if (ns < 60000000000ULL)
		snprintf(buf, size, "%.2fs", ns / 1e9);
	else
		snprintf(buf, size, "%llum%02llus", (unsigned long long)(ns / 60000000000ULL),
			 (unsigned long long)(ns / 1000000000ULL % 60));
	return buf;
}

char *format__count(char *buf, size_t size, uint64_t n)
{
	if (n < 100000)
		snprintf(buf, size, "%llu", (unsigned long long)n);
	else if (n < 1000000)
		snprintf(buf, size, "%lluk", (unsigned long long)(n / 1000));
	else if (n < 1000000000)
		snprintf(buf, size, "%.1fM", n / 1e6);
	else
		snprintf(buf, size, "%.1fG", n / 1e9);
	return buf;
}

char *format__bytes(char *buf, size_t size, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int u = 0;
	uint64_t div = 1024;

	if (n < 100000) {
		snprintf(buf, size, "%llu B", (unsigned long long)n);
		return buf;
	}
	/* Up a unit while this one would print 1024.0 or more ("1024.0 KiB": 1.0 MiB). */
	while (u + 1 < sizeof(units) / sizeof(units[0]) && (double)n / (double)div >= 1023.95) {
		div *= 1024;
		u++;
	}
	if (n % div == 0)
		snprintf(buf, size, "%llu %s", (unsigned long long)(n / div), units[u]);
	else
		snprintf(buf, size, "%.1f %s", (double)n / (double)div, units[u]);
	return buf;
}

char *format__clock(char *buf, size_t size, uint64_t mono_ns, int64_t mono_to_real_ns)
{
	/*
	 * Unsigned: a corrupt timestamp near 2^63 wraps around instead of
	 * overflowing a signed sum (undefined; found by tests/fuzz/fuzz_decode).
	 */
	uint64_t real = mono_ns + (uint64_t)mono_to_real_ns;
	time_t secs = (time_t)(real / 1000000000ULL);
	struct tm tm;

	if (!localtime_r(&secs, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, size, "%02d:%02d:%02d.%03u", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned int)(real % 1000000000ULL / 1000000));
	return buf;
}

/* Room kept at the end of a sigset's buffer for ",+64 more". */
#define SIGSET_MORE_ROOM 10

/*
 * The last signal of the run of three or more real-time numbers (32 and
 * up: SIG32, SIG33, SIGRTMIN...) that starts at sig and is all in mask;
 * else sig itself. A process that blocks every real-time signal reads
 * "SIGRTMIN..SIGRTMAX", not 31 names.
 */
static int sigset__run_end(uint64_t mask, int sig)
{
	int last = sig;

	if (sig < 32)
		return sig;
	while (last < IPCSCOPE_NSIG && (mask & (1ULL << last)))
		last++;
	return last - sig >= 2 ? last : sig;
}

char *format__sigset(char *buf, size_t size, uint64_t mask)
{
	int n = __builtin_popcountll(mask), listed = 0;
	size_t used = 0;

	if (n == 0 || n == IPCSCOPE_NSIG) {
		snprintf(buf, size, n ? "all" : "-");
		return buf;
	}
	if (n > IPCSCOPE_NSIG / 2) {
		used = (size_t)snprintf(buf, size, "all but ");
		mask = ~mask;
		n = IPCSCOPE_NSIG - n;
	}
	for (int sig = 1; sig <= IPCSCOPE_NSIG && used < size; sig++) {
		const char *sep = listed ? "," : "";
		int last, count;
		char name[40];
		size_t want;

		if (!(mask & (1ULL << (sig - 1))))
			continue;
		last = sigset__run_end(mask, sig);
		count = last - sig + 1;
		if (last == sig)
			snprintf(name, sizeof(name), "%s", sig__name(sig));
		else
			snprintf(name, sizeof(name), "%s..%s", sig__name(sig), sig__name(last));
		want = strlen(sep) + strlen(name);
		/* The last name needs no room for "+N more" after it. */
		if (used + want + (listed + count < n ? SIGSET_MORE_ROOM : 0) >= size) {
			snprintf(buf + used, size - used, "%s+%d more", sep, n - listed);
			return buf;
		}
		used += (size_t)snprintf(buf + used, size - used, "%s%s", sep, name);
		listed += count;
		sig = last;
	}
	return buf;
}

/* include/uapi/asm-generic/signal-defs.h and arch/x86/include/uapi/asm/signal.h */
static const struct {
	uint64_t bit;
	const char *name;
} sa_flag_names[] = {
	{ 0x00000001, "SA_NOCLDSTOP" }, { 0x00000002, "SA_NOCLDWAIT" },
	{ 0x00000004, "SA_SIGINFO" },	{ 0x08000000, "SA_ONSTACK" },
	{ 0x10000000, "SA_RESTART" },	{ 0x40000000, "SA_NODEFER" },
	{ 0x80000000, "SA_RESETHAND" },
};

void format__each_sa_flag(uint64_t flags, void (*fn)(const char *name, void *ctx), void *ctx)
{
	for (size_t i = 0; i < sizeof(sa_flag_names) / sizeof(sa_flag_names[0]); i++)
		if (flags & sa_flag_names[i].bit)
			fn(sa_flag_names[i].name, ctx);
}

struct flag_buf {
	char *buf;
	size_t size, used;
};

static void append_flag(const char *name, void *ctx)
{
	struct flag_buf *b = ctx;

	if (b->used + 1 < b->size)
		b->used += snprintf(b->buf + b->used, b->size - b->used, "%s%s",
				    b->used ? "|" : "", name);
}

char *format__sa_flags(char *buf, size_t size, uint64_t flags)
{
	struct flag_buf b = { buf, size, 0 };

	buf[0] = '\0';
	format__each_sa_flag(flags, append_flag, &b);
	if (!buf[0])
		snprintf(buf, size, "-");
	return buf;
}

char *format__task(char *buf, size_t size, const char *comm, uint32_t pid, uint32_t tid)
{
	char safe[4 * IPCSCOPE_COMM_LEN * 3];

	sanitize__terminal(safe, sizeof(safe), comm, sanitize__strnlen(comm, IPCSCOPE_COMM_LEN));
	if (tid && tid != pid)
		snprintf(buf, size, "%s[%u/%u]", safe, pid, tid);
	else
		snprintf(buf, size, "%s[%u]", safe, pid);
	return buf;
}

char *format__exit(char *buf, size_t size, int status)
{
	int sig = status & 0x7f;

	if (!sig)
		snprintf(buf, size, "exited %d", (status >> 8) & 0xff);
	else
		snprintf(buf, size, "killed by %s%s", sig__name(sig),
			 status & 0x80 ? " (core dumped)" : "");
	return buf;
}

/*
 * Signals the kernel raises in the process for what it did, or for a timer
 * it armed (alarm, setitimer): "sent by the kernel" says nothing.
 */
static bool sig__raised_by_own_act(int sig)
{
	return sig == SIGPIPE || sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
	       sig == SIGILL || sig == SIGTRAP || sig == SIGSYS || sig == SIGXCPU ||
	       sig == SIGXFSZ || sig == SIGALRM || sig == SIGVTALRM || sig == SIGPROF;
}

const char *format__killer(char *buf, size_t size, const struct proc *p)
{
	if (!proc__killer_known(p))
		return NULL;
	if (p->killer.kernel)
		return sig__raised_by_own_act(p->killer.sig) ? NULL : "the kernel";
	return format__task(buf, size, p->killer.comm, p->killer.pid, 0);
}

char *format__death(char *buf, size_t size, const struct proc *p)
{
	char who[96];
	const char *killer = format__killer(who, sizeof(who), p);
	size_t used;

	format__exit(buf, size, p->exit_status);
	used = strlen(buf);
	if (killer && used < size)
		snprintf(buf + used, size - used, " (sent by %s)", killer);
	return buf;
}

char *format__object(char *buf, size_t size, unsigned int kind, uint64_t ino, const char *path)
{
	char safe[128];

	if (kind == OBJ_FIFO && path && path[0]) {
		sanitize__terminal(safe, sizeof(safe), path, sanitize__strnlen(path, PIPE_PATH_MAX));
		snprintf(buf, size, "fifo:%s", safe);
	} else {
		snprintf(buf, size, "%s:[%llu]", obj_kind__name(kind), (unsigned long long)ino);
	}
	return buf;
}

char *format__departure(char *buf, size_t size, const struct pipe_departure *d,
			int64_t mono_to_real_ns)
{
	char who[96], how[160], clock[32];

	if (!d->proc) {
		snprintf(buf, size, "not seen while tracing");
		return buf;
	}
	format__task(who, sizeof(who), d->proc->comm, d->proc->pid, 0);
	if (d->how == CLOSE_BY_EXIT && d->proc->exited)
		format__death(how, sizeof(how), d->proc);
	else
		snprintf(how, sizeof(how), "%s", d->how == CLOSE_BY_EXIT    ? "exited"
					      : d->how == CLOSE_BY_DUP   ? "put another file on its fd (dup2)"
					      : d->how == CLOSE_BY_RANGE ? "closed its end (close_range)"
					      : d->how == CLOSE_BY_EXEC  ? "dropped its end at exec (close-on-exec)"
									 : "closed its end");
	snprintf(buf, size, "%s %s at %s", who, how,
		 format__clock(clock, sizeof(clock), d->ts_ns, mono_to_real_ns));
	return buf;
}

char *format__inet_end(char *buf, size_t size, const struct inet_ends *inet, bool local)
{
	char ip[INET6_ADDRSTRLEN];

	if (inet->family != AF_INET && inet->family != AF_INET6)
		return NULL;
	if (!inet_ntop(inet->family, local ? inet->local : inet->remote, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	snprintf(buf, size, inet->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip,
		 local ? inet->local_port : inet->remote_port);
	return buf;
}

char *format__inet(char *buf, size_t size, const struct inet_ends *inet)
{
	char local[64], remote[64];

	buf[0] = 0;
	if (format__inet_end(local, sizeof(local), inet, true) &&
	    format__inet_end(remote, sizeof(remote), inet, false))
		snprintf(buf, size, " %s->%s", local, remote);
	return buf;
}

char *format__errno(char *buf, size_t size, int err)
{
	long long n = -(long long)err; /* err may be any 32-bit value from a record */
	const char *name = n > 0 && n < 4096 ? strerrorname_np((int)n) : NULL;

	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "E%lld", n);
	return buf;
}
