// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Signal vocabulary. Numbers are x86_64 Linux (arch/x86/include/uapi/asm/
 * signal.h); SIGRTMIN is the kernel's 32, but glibc reserves 32 and 33, so we
 * name 34.. as SIGRTMIN+n like kill(1) and strsignal() do.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ipcscope.h"
#include "signals.h"

#define RTMIN 34
#define RTMAX 64

static const char *const std_names[32] = {
	[1] = "SIGHUP",	    [2] = "SIGINT",	[3] = "SIGQUIT",   [4] = "SIGILL",
	[5] = "SIGTRAP",    [6] = "SIGABRT",	[7] = "SIGBUS",	   [8] = "SIGFPE",
	[9] = "SIGKILL",    [10] = "SIGUSR1",	[11] = "SIGSEGV",  [12] = "SIGUSR2",
	[13] = "SIGPIPE",   [14] = "SIGALRM",	[15] = "SIGTERM",  [16] = "SIGSTKFLT",
	[17] = "SIGCHLD",   [18] = "SIGCONT",	[19] = "SIGSTOP",  [20] = "SIGTSTP",
	[21] = "SIGTTIN",   [22] = "SIGTTOU",	[23] = "SIGURG",   [24] = "SIGXCPU",
	[25] = "SIGXFSZ",   [26] = "SIGVTALRM", [27] = "SIGPROF",  [28] = "SIGWINCH",
	[29] = "SIGIO",	    [30] = "SIGPWR",	[31] = "SIGSYS",
};

/* signal(7): Core for these, Stop/Cont/Ign for the few below, Term otherwise. */
static const uint64_t core_mask = (1ULL << 2) | (1ULL << 3) | (1ULL << 4) | (1ULL << 5) |
				  (1ULL << 6) | (1ULL << 7) | (1ULL << 10) | (1ULL << 23) |
				  (1ULL << 24) | (1ULL << 30);
#define BIT(s) (1ULL << ((s) - 1))

const char *sig__name(int sig)
{
	static char buf[IPCSCOPE_NSIG + 1][16];

	if (sig >= 1 && sig < 32)
		return std_names[sig];
	if (sig == 32 || sig == 33) {
		snprintf(buf[sig], sizeof(buf[sig]), "SIG%d", sig);
		return buf[sig];
	}
	if (sig >= RTMIN && sig <= RTMAX) {
		if (sig == RTMIN)
			return "SIGRTMIN";
		if (sig == RTMAX)
			return "SIGRTMAX";
		if (!buf[sig][0]) {
			if (sig - RTMIN <= (RTMAX - RTMIN) / 2)
				snprintf(buf[sig], sizeof(buf[sig]), "SIGRTMIN+%d", sig - RTMIN);
			else
				snprintf(buf[sig], sizeof(buf[sig]), "SIGRTMAX-%d", RTMAX - sig);
		}
		return buf[sig];
	}
	return "SIG?";
}

static int parse_number(const char *s, int lo, int hi)
{
	char *end;
	long v;

	if (!*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	return (int)v;
}

int sig__parse(const char *text)
{
	const char *s = text;
	int n;

	n = parse_number(s, 1, IPCSCOPE_NSIG);
	if (n > 0)
		return n;
	if (!strncasecmp(s, "SIG", 3)) {
		s += 3;
		/* "SIG32", "SIG33": the names sig__name() gives the signals glibc reserves. */
		n = parse_number(s, 1, IPCSCOPE_NSIG);
		if (n > 0)
			return n;
	}
	for (int i = 1; i < 32; i++)
		if (!strcasecmp(s, std_names[i] + 3))
			return i;
	if (!strcasecmp(s, "CLD"))
		return 17;
	if (!strcasecmp(s, "IOT"))
		return 6;
	if (!strcasecmp(s, "POLL"))
		return 29;
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		bool max = !strncasecmp(s, "RTMAX", 5);
		int base = max ? RTMAX : RTMIN;

		s += 5;
		if (!*s)
			return base;
		if ((max && *s != '-') || (!max && *s != '+'))
			return -1;
		n = parse_number(s + 1, 0, RTMAX - RTMIN);
		if (n < 0)
			return -1;
		return max ? base - n : base + n;
	}
	return -1;
}

int sig__parse_list(const char *text, uint64_t *mask, const char **bad)
{
	static char tok[64];
	const char *p = text;

	*mask = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		int sig;

		if (len == 0 || len >= sizeof(tok)) {
			snprintf(tok, sizeof(tok), "%.*s", (int)(len < 60 ? len : 60), p);
			*bad = tok;
			return -EINVAL;
		}
		memcpy(tok, p, len);
		tok[len] = '\0';
		sig = sig__parse(tok);
		if (sig < 0) {
			*bad = tok;
			return -EINVAL;
		}
		*mask |= 1ULL << (sig - 1);
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*mask) {
		*bad = text;
		return -EINVAL;
	}
	return 0;
}

enum default_action sig__default_action(int sig)
{
	switch (sig) {
	case 17: case 23: case 28:
		return DFL_IGN;
	case 18:
		return DFL_CONT;
	case 19: case 20: case 21: case 22:
		return DFL_STOP;
	}
	if (sig >= 1 && sig < 32 && (core_mask & BIT(sig)))
		return DFL_CORE;
	return DFL_TERM;
}

bool sig__is_fatal_default(int sig)
{
	enum default_action a = sig__default_action(sig);

	return a == DFL_TERM || a == DFL_CORE;
}

const char *default_action__name(enum default_action a)
{
	static const char *const names[] = { "term", "core", "stop", "cont", "ign" };

	return (unsigned int)a < 5 ? names[a] : "?";
}

/* include/uapi/asm-generic/siginfo.h */
const char *si_code__name(int sig, int code)
{
	static char buf[24];

	switch (code) {
	case 0: return "SI_USER";
	case 0x80: return "SI_KERNEL";
	case -1: return "SI_QUEUE";
	case -2: return "SI_TIMER";
	case -3: return "SI_MESGQ";
	case -4: return "SI_ASYNCIO";
	case -5: return "SI_SIGIO";
	case -6: return "SI_TKILL";
	case -7: return "SI_DETHREAD";
	case -60: return "SI_ASYNCNL";
	}
	if (code > 0) {
		static const char *const chld[] = { "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
						    "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
		static const char *const segv[] = { "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR",
						    "SEGV_PKUERR" };
		static const char *const fpe[] = { "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV",
						   "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES",
						   "FPE_FLTINV", "FPE_FLTSUB" };
		static const char *const bus[] = { "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR" };
		static const char *const ill[] = { "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR",
						   "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG",
						   "ILL_COPROC", "ILL_BADSTK" };
		static const char *const poll[] = { "POLL_IN", "POLL_OUT", "POLL_MSG",
						    "POLL_ERR", "POLL_PRI", "POLL_HUP" };
		static const char *const trap[] = { "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH",
						    "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF" };
		static const char *const sys[] = { "SYS_SECCOMP", "SYS_USER_DISPATCH" };

		if (sig == 17 && code <= 6)
			return chld[code - 1];
		if (sig == 11 && code <= 4)
			return segv[code - 1];
		if (sig == 8 && code <= 8)
			return fpe[code - 1];
		if (sig == 7 && code <= 3)
			return bus[code - 1];
		if (sig == 4 && code <= 8)
			return ill[code - 1];
		if (sig == 5 && code <= 6)
			return trap[code - 1];
		if (sig == 31 && code <= 2)
			return sys[code - 1];
		/*
		 * fs/fcntl.c send_sigio_to_task(): a signal chosen with F_SETSIG
		 * (a real-time one, usually) carries the POLL_* reason, as SIGIO.
		 */
		if (sig != 17 && sig != 11 && sig != 8 && sig != 7 && sig != 4 && sig != 5 &&
		    sig != 31 && code <= 6)
			return poll[code - 1];
	}
	snprintf(buf, sizeof(buf), "%d", code);
	return buf;
}

/*
 * Whether si_pid means a pid for this code: the union in struct siginfo
 * holds a sender's pid (and uid) for kill-style codes, mq_notify and
 * SIGCHLD, but a timer id, an fd or a fault address at the same offset for
 * the others (include/uapi/asm-generic/siginfo.h).
 */
bool si_code__carries_pid(int sig, int code)
{
	switch (code) {
	case 0:	 /* SI_USER */
	case -1: /* SI_QUEUE */
	case -3: /* SI_MESGQ */
	case -6: /* SI_TKILL */
		return true;
	}
	return sig == 17 && code > 0 && code <= 6; /* SIGCHLD: CLD_* */
}

const char *sig_result__name(unsigned int result)
{
	static const char *const names[SIG_RESULT_MAX] = {
		"queued", "ignored", "already_pending", "overflow", "lose_info",
	};

	return result < SIG_RESULT_MAX ? names[result] : "unknown";
}

const char *ignored_why__name(unsigned int why)
{
	static const char *const names[IGN_WHY_MAX] = {
		NULL, "sig_ign", "default", "exiting", "init", "kthread",
	};

	return why < IGN_WHY_MAX ? names[why] : NULL;
}

const char *sig_via__name(unsigned int via)
{
	static const char *const names[VIA_MAX] = {
		"kernel", "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
		"pidfd_send_signal",
	};

	return via < VIA_MAX ? names[via] : "unknown";
}

const char *deliver_action__name(unsigned int action)
{
	static const char *const names[ACTION_MAX] = { "handler", "default", "ignore" };

	return action < ACTION_MAX ? names[action] : "unknown";
}

const char *accept_via__name(unsigned int via)
{
	return via == ACCEPT_SIGNALFD ? "signalfd" : "sigtimedwait";
}

bool interrupted__restarted(int kind)
{
	return kind == INTR_RESTARTED_SA_RESTART || kind == INTR_RESTARTED_ALWAYS;
}

const char *interrupted__cause(int kind)
{
	switch (kind) {
	case INTR_EINTR_NO_SA_RESTART:
	case INTR_RESTARTED_SA_RESTART:
		return "sa_restart";
	case INTR_EINTR_ALWAYS:
	case INTR_RESTARTED_ALWAYS:
		return "call";
	}
	return NULL;
}

const char *sigprocmask_how__name(int how)
{
	static const char *const names[] = { "SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK" };

	return how >= 0 && how < 3 ? names[how] : "?";
}

/*
 * Syscalls a kernel-sent signal is typically generated from, those that
 * change the signal mask, and those a signal typically interrupts (x86_64
 * numbers).
 */
const char *syscall__name(int nr)
{
	static char buf[16];

	switch (nr) {
	case 0: return "read";
	case 1: return "write";
	case 19: return "readv";
	case 20: return "writev";
	case 44: return "sendto";
	case 46: return "sendmsg";
	case 18: return "pwrite64";
	case 7: return "poll";
	case 32: return "dup";
	case 33: return "dup2";
	case 292: return "dup3";
	case 14: return "rt_sigprocmask";
	case 23: return "select";
	case 34: return "pause";
	case 35: return "nanosleep";
	case 42: return "connect";
	case 43: return "accept";
	case 45: return "recvfrom";
	case 47: return "recvmsg";
	case 61: return "wait4";
	case 64: return "semop";
	case 69: return "msgsnd";
	case 70: return "msgrcv";
	case 72: return "fcntl";
	case 73: return "flock";
	case 128: return "rt_sigtimedwait";
	case 202: return "futex";
	case 220: return "semtimedop";
	case 230: return "clock_nanosleep";
	case 232: return "epoll_wait";
	case 242: return "mq_timedsend";
	case 243: return "mq_timedreceive";
	case 247: return "waitid";
	case 257: return "openat";
	case 288: return "accept4";
	case 130: return "rt_sigsuspend";
	case 270: return "pselect6";
	case 271: return "ppoll";
	case 281: return "epoll_pwait";
	case 441: return "epoll_pwait2";
	case 37: return "alarm";
	case 38: return "setitimer";
	case 40: return "sendfile";
	case 60: return "exit";
	case 231: return "exit_group";
	case 275: return "splice";
	case 276: return "tee";
	case 278: return "vmsplice";
	case 307: return "sendmmsg";
	}
	if (nr < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "syscall %d", nr);
	return buf;
}

const char *itimer__name(int which)
{
	static const char *const names[] = { "ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF" };

	return which >= 0 && which < 3 ? names[which] : NULL;
}

int itimer__signal(int which)
{
	static const int sigs[] = { 14 /* SIGALRM */, 26 /* SIGVTALRM */, 27 /* SIGPROF */ };

	return which >= 0 && which < 3 ? sigs[which] : 0;
}

uint64_t timeval__ns(int64_t sec, int64_t usec)
{
	if (sec < 0 || usec < 0 || usec >= 1000000 || sec > (int64_t)(UINT64_MAX / 1000000000ULL) - 1)
		return 0;
	return (uint64_t)sec * 1000000000ULL + (uint64_t)usec * 1000ULL;
}
