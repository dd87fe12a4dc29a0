// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the model, the encoders and the vocabulary, with synthetic
 * events; no root, no BPF. Prints "ok - name" / "not ok - name: why".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "cli.h"
#include "code_names.h"
#include "decode.h"
#include "feature_map.h"
#include "fold.h"
#include "format.h"
#include "histogram.h"
#include "model.h"
#include "output.h"
#include "proc_table.h"
#include "retire.h"
#include "sanitize.h"
#include "signals.h"
#include "sigpipe_doctor.h"

static int failures;
static const char *current;
static bool current_failed;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	if (!current_failed)
		printf("not ok - %s: ", current);
	else
		printf("    also: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	current_failed = true;
}

#define CHECK_STR(actual, expected)                                                            \
	check(!strcmp((actual), (expected)), "%s: expected \"%s\", got \"%s\"", #actual,        \
	      (expected), (actual))
/* Evaluates each side once: the expressions under test may have effects. */
static void check_int(long long actual, long long expected, const char *what)
{
	check(actual == expected, "%s: expected %lld, got %lld", what, expected, actual);
}

#define CHECK_INT(actual, expected) check_int((long long)(actual), (long long)(expected), #actual)

static void run(const char *name, void (*fn)(void))
{
	current = name;
	current_failed = false;
	fn();
	if (current_failed)
		failures++;
	else
		printf("ok - %s\n", name);
}

/* ---- sanitizer: hostile names never reach a terminal or break JSON ---- */

static char *json_of(const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	sanitize__json(f, s, len);
	fclose(f);
	return buf;
}

static void test_terminal_escapes_controls(void)
{
	char out[256];

	sanitize__terminal(out, sizeof(out), "\x1b" "[31mred\x1b" "[0m", 12);
	CHECK_STR(out, "\\x1b[31mred\\x1b[0m");
	sanitize__terminal(out, sizeof(out), "a\nb\tc\\d", 7);
	CHECK_STR(out, "a\\x0ab\\x09c\\x5cd");
	sanitize__terminal(out, sizeof(out), "\xe2\x80\xae" "evil", 7); /* U+202E RLO */
	CHECK_STR(out, "\\u{202e}evil");
	sanitize__terminal(out, sizeof(out), "bad\xff\xc3", 5); /* invalid UTF-8 */
	CHECK_STR(out, "bad\\xff\\xc3");
	sanitize__terminal(out, sizeof(out), "caf\xc3\xa9", 5); /* valid UTF-8 kept */
	CHECK_STR(out, "caf\xc3\xa9");
	sanitize__terminal(out, sizeof(out), "\xc2\x9b" "2J", 4); /* C1 CSI */
	CHECK_STR(out, "\\u{009b}2J");
}

static void test_terminal_truncates_on_boundary(void)
{
	char out[6];

	sanitize__terminal(out, sizeof(out), "ab\x1b" "cd", 5);
	CHECK_STR(out, "ab"); /* "\x1b" escape (4 bytes) does not fit: stop before it */
}

static void test_json_always_valid(void)
{
	char *s;

	s = json_of("a\"b\\c\nd", 7);
	CHECK_STR(s, "\"a\\\"b\\\\x5cc\\nd\"");
	free(s);
	/* The text "\xff" and the byte 0xff stay apart. */
	s = json_of("a\\xff", 5);
	CHECK_STR(s, "\"a\\\\x5cxff\"");
	free(s);
	s = json_of("\x1b]0;title\x07", 10);
	CHECK_STR(s, "\"\\u001b]0;title\\u0007\"");
	free(s);
	s = json_of("x\xff\xfe" "y", 4);
	CHECK_STR(s, "\"x\\\\xff\\\\xfey\"");
	free(s);
	s = json_of("\xe2\x80\xa8", 3); /* U+2028 breaks JavaScript parsers */
	CHECK_STR(s, "\"\\u2028\"");
	free(s);
}

static void test_comm_without_nul(void)
{
	const char comm[16] = "0123456789abcdef"; /* 16 bytes, no NUL */

	CHECK_INT(sanitize__strnlen(comm, 16), 16);
}

/* ---- vocabulary ---- */

static void test_signal_names_and_parsing(void)
{
	uint64_t mask;
	const char *bad = NULL;

	CHECK_STR(sig__name(13), "SIGPIPE");
	CHECK_STR(sig__name(34), "SIGRTMIN");
	CHECK_STR(sig__name(35), "SIGRTMIN+1");
	CHECK_STR(sig__name(63), "SIGRTMAX-1");
	CHECK_STR(sig__name(0), "SIG?");
	CHECK_INT(sig__parse("usr1"), 10);
	CHECK_INT(sig__parse("SIGTERM"), 15);
	CHECK_INT(sig__parse("9"), 9);
	CHECK_INT(sig__parse("RTMIN+2"), 36);
	CHECK_INT(sig__parse("SIGRTMAX-1"), 63);
	CHECK_INT(sig__parse("65"), -1);
	CHECK_INT(sig__parse("FOO"), -1);
	CHECK_INT(sig__parse("9x"), -1);
	CHECK_INT(sig__parse_list("USR1,9", &mask, &bad), 0);
	CHECK_INT(mask, (1ULL << 9) | (1ULL << 8));
	CHECK_INT(sig__parse_list("USR1,,9", &mask, &bad), -22);
	CHECK_INT(sig__parse_list("USR1,NOPE", &mask, &bad), -22);
	CHECK_STR(bad, "NOPE");
}

/* -s takes every name the output prints: sig__name(), and the report's without SIG. */
static void test_signal_names_round_trip(void)
{
	for (int sig = 1; sig <= IPCSCOPE_NSIG; sig++) {
		char what[64];

		snprintf(what, sizeof(what), "sig__parse(\"%s\")", sig__name(sig));
		check_int(sig__parse(sig__name(sig)), sig, what);
		snprintf(what, sizeof(what), "sig__parse(\"%s\")", sig__name(sig) + 3);
		check_int(sig__parse(sig__name(sig) + 3), sig, what);
	}
	CHECK_INT(sig__parse("sig33"), 33);
	CHECK_INT(sig__parse("SIG65"), -1);
	CHECK_INT(sig__parse("SIG"), -1);
	CHECK_INT(sig__parse("SIG+1"), -1);
}

static void test_default_actions(void)
{
	CHECK_STR(default_action__name(sig__default_action(11)), "core");
	CHECK_STR(default_action__name(sig__default_action(8)), "core");
	CHECK_STR(default_action__name(sig__default_action(13)), "term");
	CHECK_STR(default_action__name(sig__default_action(17)), "ign");
	CHECK_STR(default_action__name(sig__default_action(18)), "cont");
	CHECK_STR(default_action__name(sig__default_action(20)), "stop");
	CHECK_STR(default_action__name(sig__default_action(40)), "term");
	CHECK_STR(si_code__name(17, 1), "CLD_EXITED");
	CHECK_STR(si_code__name(11, 2), "SEGV_ACCERR");
	CHECK_STR(si_code__name(10, -6), "SI_TKILL");
	CHECK_STR(si_code__name(31, 1), "SYS_SECCOMP");
	CHECK_STR(si_code__name(5, 2), "TRAP_TRACE");
	CHECK_STR(si_code__name(31, 3), "3"); /* past the known codes: the number */
	CHECK_STR(si_code__name(29, 1), "POLL_IN");
	CHECK_STR(si_code__name(37, 1), "POLL_IN"); /* F_SETSIG's real-time signal */
	CHECK_STR(si_code__name(37, 7), "7");
	CHECK_INT(si_code__carries_pid(10, 0), 1);  /* SI_USER */
	CHECK_INT(si_code__carries_pid(40, -1), 1); /* SI_QUEUE */
	CHECK_INT(si_code__carries_pid(17, 1), 1);  /* CLD_EXITED: the child */
	CHECK_INT(si_code__carries_pid(12, -2), 0); /* SI_TIMER: a timer id */
	CHECK_INT(si_code__carries_pid(11, 1), 0);  /* SEGV_MAPERR: an address */
	CHECK_INT(si_code__carries_pid(29, 1), 0);  /* POLL_IN: band and fd */
}

static void test_exit_status_format(void)
{
	char buf[64];

	CHECK_STR(format__exit(buf, sizeof(buf), 3 << 8), "exited 3");
	CHECK_STR(format__exit(buf, sizeof(buf), 13), "killed by SIGPIPE");
	CHECK_STR(format__exit(buf, sizeof(buf), 11 | 0x80), "killed by SIGSEGV (core dumped)");
	CHECK_STR(format__ns(buf, sizeof(buf), 1500), "1.5us");
	CHECK_STR(format__count(buf, sizeof(buf), 1234567), "1.2M");
	CHECK_STR(format__bytes(buf, sizeof(buf), 4096), "4096 B");
	CHECK_STR(format__bytes(buf, sizeof(buf), 99999), "99999 B");
	CHECK_STR(format__bytes(buf, sizeof(buf), 100352), "98 KiB");
	CHECK_STR(format__bytes(buf, sizeof(buf), 32ULL << 20), "32 MiB");
	CHECK_STR(format__bytes(buf, sizeof(buf), 35232153), "33.6 MiB");
	CHECK_STR(format__bytes(buf, sizeof(buf), 1ULL << 30), "1 GiB");
	CHECK_STR(format__bytes(buf, sizeof(buf), UINT64_MAX), "16.0 EiB");
	CHECK_STR(format__bytes(buf, sizeof(buf), 1048575), "1.0 MiB"); /* not "1024.0 KiB" */
	CHECK_STR(format__bytes(buf, sizeof(buf), 1048524), "1023.9 KiB");
	CHECK_STR(format__sigset(buf, sizeof(buf), (1ULL << 1) | (1ULL << 9)), "SIGINT,SIGUSR1");
	CHECK_STR(format__sigset(buf, sizeof(buf), 0), "-");
	CHECK_STR(format__sigset(buf, sizeof(buf), ~0ULL), "all");
	/* sigfillset() as the kernel keeps it: SIGKILL and SIGSTOP cannot be blocked. */
	CHECK_STR(format__sigset(buf, sizeof(buf), ~((1ULL << 8) | (1ULL << 18))),
		  "all but SIGKILL,SIGSTOP");
	/* 32 names do not fit in 64 bytes: cut between names, the rest counted. */
	CHECK_STR(format__sigset(buf, sizeof(buf), 0xffffffffULL),
		  "SIGHUP,SIGINT,SIGQUIT,SIGILL,SIGTRAP,SIGABRT,SIGBUS,+25 more");
	/* Real-time signals in a row: a range from three on; standard ones by name. */
	CHECK_STR(format__sigset(buf, sizeof(buf), 0x7fffffffULL << 33), "SIGRTMIN..SIGRTMAX");
	CHECK_STR(format__sigset(buf, sizeof(buf), (1ULL << 1) | (0x7ULL << 35)),
		  "SIGINT,SIGRTMIN+2..SIGRTMIN+4");
	CHECK_STR(format__sigset(buf, sizeof(buf), (0x3ULL << 33) | (1ULL << 63)),
		  "SIGRTMIN,SIGRTMIN+1,SIGRTMAX");
	CHECK_STR(format__sigset(buf, sizeof(buf), 0x7ULL), "SIGHUP,SIGINT,SIGQUIT");
	CHECK_STR(format__sigset(buf, sizeof(buf), ~((1ULL << 8) | (0x7ULL << 40))),
		  "all but SIGKILL,SIGRTMIN+7..SIGRTMIN+9");
	/* A range counts all its signals in "+N more". */
	CHECK_STR(format__sigset(buf, sizeof(buf), 0x3ffULL | (0xfULL << 33) | (1ULL << 40)),
		  "SIGHUP,SIGINT,SIGQUIT,SIGILL,SIGTRAP,SIGABRT,SIGBUS,+8 more");
	CHECK_STR(format__sa_flags(buf, sizeof(buf), 0x14000004), "SA_SIGINFO|SA_RESTART");
}

/* ---- histogram: the same buckets as BPF, quantiles within 12.5% ---- */

/* A corrupt timestamp must still print a clock (it once overflowed a signed sum). */
static void test_clock_of_corrupt_timestamp(void)
{
	const uint64_t corrupt[] = { (uint64_t)INT64_MAX - 5, UINT64_MAX - 5 };
	char buf[32];
	int h, m, sec, ms;

	for (int i = 0; i < 2; i++) {
		format__clock(buf, sizeof(buf), corrupt[i], 1700000000LL * 1000000000LL);
		check(sscanf(buf, "%2d:%2d:%2d.%3d", &h, &m, &sec, &ms) == 4 && strlen(buf) == 12,
		      "format__clock of %llu: \"%s\"", (unsigned long long)corrupt[i], buf);
	}
	format__clock(buf, sizeof(buf), 1500000000ULL, 0);
	check(!strcmp(buf + 8, ".500"), "milliseconds of 1.5 s: \"%s\"", buf);
}

static void test_histogram(void)
{
	uint32_t slots[IPCSCOPE_HIST_SLOTS] = { 0 };
	uint64_t lo, hi, q;

	for (uint64_t v = 1; v < (1ULL << 40); v = v * 3 + 1) {
		histogram__bounds(histogram__slot(v), &lo, &hi);
		check(lo <= v && v < hi, "value %llu outside its slot [%llu,%llu)",
		      (unsigned long long)v, (unsigned long long)lo, (unsigned long long)hi);
	}
	for (int i = 0; i < 99; i++)
		slots[histogram__slot(1000)]++;
	slots[histogram__slot(5000000)]++;
	q = histogram__quantile(slots, IPCSCOPE_HIST_SLOTS, 0.5, 5000000);
	check(q >= 875 && q <= 1125, "p50 of 99x1000 + 1x5ms is %llu", (unsigned long long)q);
	memset(slots, 0, sizeof(slots));
	slots[histogram__slot(300000000)]++;
	CHECK_INT(histogram__quantile(slots, IPCSCOPE_HIST_SLOTS, 0.5, 300000000), 300000000);
	memset(slots, 0, sizeof(slots));
	CHECK_INT(histogram__quantile(slots, IPCSCOPE_HIST_SLOTS, 0.5, 0), 0);
}

/* ---- folding: a sweep's report is not counted twice by a later flush ---- */

static void test_fold_flush_after_sweep(void)
{
	struct fold_state s;
	struct event_header h = { .count = 10, .cpu = 1, .fold_slot = 7, .fold_gen = 3 };

	CHECK_INT(fold_state__init(&s, 2), 0);
	s.marks[1 * IPCSCOPE_FOLD_SLOTS + 7] = (struct fold_mark){ .gen = 3, .reported = 4 };
	CHECK_INT(fold_state__on_flush(&s, &h), 6);
	h.count = 5; /* next window's flush: nothing was swept for it */
	CHECK_INT(fold_state__on_flush(&s, &h), 5);
	s.marks[1 * IPCSCOPE_FOLD_SLOTS + 7] = (struct fold_mark){ .gen = 2, .reported = 4 };
	CHECK_INT(fold_state__on_flush(&s, &h), 5); /* another generation */
	s.marks[1 * IPCSCOPE_FOLD_SLOTS + 7] = (struct fold_mark){ .gen = 3, .reported = 9 };
	CHECK_INT(fold_state__on_flush(&s, &h), 0);
	fold_state__free(&s);
}

/* A sweep reports a slot idle for a window, never one BPF wrote after the clock was read. */
static void test_fold_sweep_takes_only_idle_settled_slots(void)
{
	struct fold_slot a = { .last_ns = 5000, .gen = 3, .suppressed = 9, .size = 64 }, b = a;

	CHECK_INT(fold_slot__idle(&a, 5999, 1000), false);
	CHECK_INT(fold_slot__idle(&a, 6000, 1000), true);
	CHECK_INT(fold_slot__idle(&a, 4999, 1000), false); /* written after now: not "very old" */
	CHECK_INT(fold_slot__same(&a, &b), true);
	b.gen = 4; /* the key came back during the copy */
	CHECK_INT(fold_slot__same(&a, &b), false);
	b = a;
	b.suppressed = 10;
	CHECK_INT(fold_slot__same(&a, &b), false);
}

/* A burst still in a fold slot at exit is added to both ends exactly once. */
/*
 * Keys that differ only in the high bits of the last field mixed in (a
 * signal's result, bit 16) must not always share a fold set: with more hot
 * keys than ways in one set, they evict each other on every event and
 * nothing folds.
 */
static void test_fold_slot_spreads_keys(void)
{
	unsigned int shared = 0, trials = 4096;
	uint64_t seed = 0x243f6a8885a308d3ULL;

	for (unsigned int i = 0; i < trials; i++) {
		uint64_t base, queued, merged;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		base = ipcscope_mix(ipcscope_mix(EVENT_SIG_GENERATE, seed >> 40), seed);
		/* as handle_sig_generate: ..., result, object inode, in_interrupt */
		queued = ipcscope_mix(ipcscope_mix(base, 10ULL << 24 | SIG_RESULT_QUEUED << 16), 0);
		queued = ipcscope_mix(queued, 0);
		merged = ipcscope_mix(ipcscope_mix(base, 10ULL << 24 | SIG_RESULT_ALREADY_PENDING
								    << 16), 0);
		merged = ipcscope_mix(merged, 0);
		shared += ipcscope_fold_set(queued, 0) == ipcscope_fold_set(merged, 0);
		check(ipcscope_fold_set(queued, 0) % IPCSCOPE_FOLD_WAYS == 0 &&
			      ipcscope_fold_set(queued, 0) + IPCSCOPE_FOLD_WAYS <=
				      IPCSCOPE_FOLD_TASK_SLOTS,
		      "task set %u out of range", ipcscope_fold_set(queued, 0));
		/* Interrupt context folds apart: it may interrupt a task-context update. */
		check(ipcscope_fold_set(queued, 1) % IPCSCOPE_FOLD_WAYS == 0 &&
			      ipcscope_fold_set(queued, 1) >= IPCSCOPE_FOLD_TASK_SLOTS &&
			      ipcscope_fold_set(queued, 1) + IPCSCOPE_FOLD_WAYS <=
				      IPCSCOPE_FOLD_SLOTS,
		      "interrupt set %u out of range", ipcscope_fold_set(queued, 1));
	}
	/* Chance alone: 1 in 128 (32 of 4096); the old key % slots gave 4096. */
	check(shared < 96, "queued and already_pending keys shared a set %u times in %u", shared,
	      trials);
}

static void test_fold_settle_into_model(void)
{
	struct model m;
	struct sig_generate_event e = { .hdr = { .type = EVENT_SIG_GENERATE, .count = 1 } };
	struct sig_deliver_event d = { .hdr = { .type = EVENT_SIG_DELIVER } };
	struct fold_acc acc = { .n = 7 };
	const struct sig_stats *st;

	CHECK_INT(model__init(&m), 0);
	e.sender = (struct task_ref){ .pid = 10, .start_ns = 111 };
	e.target = (struct task_ref){ .pid = 20, .start_ns = 222 };
	e.sig = 10;
	e.result = SIG_RESULT_ALREADY_PENDING;
	e.blocked = 1;
	e.has_sender = 1;
	CHECK_INT(model__settle_folded(&m, &e, sizeof(e), &acc), 0);
	st = model__sig_stats(proc_table__find(m.procs, 20, 222), 10);
	check(st != NULL, "target row created");
	if (st) {
		CHECK_INT(st->received[SIG_RESULT_ALREADY_PENDING], 7);
		CHECK_INT(st->received_blocked, 7);
		CHECK_INT(st->sent[SIG_RESULT_ALREADY_PENDING], 0);
	}
	st = model__sig_stats(proc_table__find(m.procs, 10, 111), 10);
	check(st != NULL, "sender row created");
	if (st)
		CHECK_INT(st->sent[SIG_RESULT_ALREADY_PENDING], 7);
	/* Deliveries: count, and pending time in the right histogram slots. */
	d.task = e.target;
	d.sig = 10;
	d.action = ACTION_HANDLER;
	acc = (struct fold_acc){ .n = 5, .samples = 4, .sum = 4000, .max = 1500,
				 .hist_slot = { 11, 12 }, .hist_n = { 3, 1 } };
	CHECK_INT(model__settle_folded(&m, &d, sizeof(d), &acc), 0);
	st = model__sig_stats(proc_table__find(m.procs, 20, 222), 10);
	if (st) {
		CHECK_INT(st->delivered[ACTION_HANDLER], 5);
		CHECK_INT(st->pending_samples, 4);
		CHECK_INT(st->pending_ns_sum, 4000);
		CHECK_INT(st->pending_ns_max, 1500);
		CHECK_INT(st->pending_hist[10], 3);
		CHECK_INT(st->pending_hist[11], 1);
	}
	/* Records with no deferred counters change nothing. */
	acc = (struct fold_acc){ 0 };
	CHECK_INT(model__settle_folded(&m, &d, sizeof(d), &acc), 0);
	CHECK_INT(proc_table__count(m.procs), 2);
	model__free(&m);
}

/* An EPIPE burst that carries its SIGPIPEs settles them on the writer; a plain one nothing. */
static void test_fold_settle_epipe_with_sigpipe(void)
{
	struct model m;
	struct epipe_event e = { .hdr = { .type = EVENT_EPIPE, .count = 1 } };
	struct fold_acc acc = { .n = 9 };
	const struct sig_stats *st;

	CHECK_INT(model__init(&m), 0);
	e.task = (struct task_ref){ .pid = 30, .start_ns = 333 };
	e.sigpipe_result = SIG_RESULT_IGNORED;
	CHECK_INT(model__settle_folded(&m, &e, sizeof(e), &acc), 0);
	CHECK_INT(proc_table__count(m.procs), 0);
	e.hdr.flags = EVENT_F_WITH_SIGPIPE;
	CHECK_INT(model__settle_folded(&m, &e, sizeof(e), &acc), 0);
	st = model__sig_stats(proc_table__find(m.procs, 30, 333), 13);
	check(st != NULL, "writer's SIGPIPE row created");
	if (st) {
		CHECK_INT(st->received[SIG_RESULT_IGNORED], 9);
		CHECK_INT(st->received_blocked, 0);
		CHECK_INT(sig_stats__sent(st), 0);
	}
	e.sigpipe_result = SIG_RESULT_ALREADY_PENDING;
	e.sigpipe_blocked = 1;
	acc.n = 4;
	CHECK_INT(model__settle_folded(&m, &e, sizeof(e), &acc), 0);
	if (st) {
		CHECK_INT(st->received[SIG_RESULT_ALREADY_PENDING], 4);
		CHECK_INT(st->received_blocked, 4);
	}
	model__free(&m);
}

/* ---- process table: identity is (pid, start time) ---- */

static void test_proc_table_pid_reuse(void)
{
	struct proc_table *t = proc_table__new();
	struct proc *a, *b;

	a = proc_table__get(t, 100, 5000000000ULL, "first");
	b = proc_table__get(t, 100, 9000000000ULL, "second");
	check(a != b, "a reused pid must be a new process");
	CHECK_STR(proc_table__find(t, 100, 5000000000ULL)->comm, "first");
	CHECK_STR(proc_table__latest(t, 100)->comm, "second");
	CHECK_INT(proc_table__count(t), 2);
	/* /proc has tick resolution; BPF has ns: the same process. */
	check(proc_table__same_start(5000000000ULL, 5003000000ULL), "same tick not matched");
	proc_table__free(t, NULL);
}

static void test_proc_table_seed(void)
{
	char dir[] = "/tmp/ipcscope-unit-XXXXXX", path[256];
	struct proc_table *t = proc_table__new();
	struct proc *p;
	FILE *f;

	check(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof(path), "%s/42", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/42/stat", dir);
	f = fopen(path, "w");
	/* A comm with ") (" inside must not fool the parser. */
	fprintf(f, "42 (a) (b c) S 7 42 42 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 1234 0 0\n");
	fclose(f);
	CHECK_INT(proc_table__seed(t, dir), 1);
	p = proc_table__latest(t, 42);
	check(p != NULL, "seeded process missing");
	if (p) {
		CHECK_STR(p->comm, "a) (b c");
		CHECK_INT(p->ppid, 7);
		CHECK_INT(p->start_ns / 10000000ULL, 1234);
	}
	proc_table__free(t, NULL);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	check(system(path) == 0, "cleanup");
}

/* ---- model + JSON sink, end to end with synthetic records ---- */

/* Runs feed through the decoder, the model and a sink with the filter setup() makes. */
static char *render_with(bool json, void (*setup)(struct filter *f),
			 void (*feed)(struct decoder *d))
{
	struct model m;
	struct output o;
	struct filter flt;
	struct fold_state fs;
	struct decoder d;
	char *buf = NULL;
	size_t size = 0;

	model__init(&m);
	filter__init(&flt);
	if (setup)
		setup(&flt);
	fold_state__init(&fs, 1);
	output__open(&o, "/dev/null", json, &m, &flt);
	fclose(o.f);
	o.f = open_memstream(&buf, &size);
	d = (struct decoder){ &m, &o, &fs, &flt, NULL };
	feed(&d);
	fclose(o.f);
	o.f = NULL;
	o.owns_file = false;
	output__close(&o);
	fold_state__free(&fs);
	model__free(&m);
	return buf;
}

static char *render(bool json, void (*feed)(struct decoder *d))
{
	return render_with(json, NULL, feed);
}

static void task(struct task_ref *t, uint32_t pid, const char *comm)
{
	t->pid = t->tid = pid;
	t->start_ns = pid * 1000000000ULL;
	memcpy(t->comm, comm, strnlen(comm, 16));
}

/* A signal the kernel queued to pid, as signal_generate reports it; current is pid too. */
static struct sig_generate_event kernel_signal(uint64_t ts, int sig, uint32_t pid,
					       const char *comm)
{
	struct sig_generate_event e = { 0 };

	e.hdr.type = EVENT_SIG_GENERATE;
	e.hdr.count = 1;
	e.hdr.ts_ns = ts;
	e.sig = sig;
	e.result = SIG_RESULT_QUEUED;
	e.via = VIA_KERNEL;
	task(&e.target, pid, comm);
	task(&e.context, pid, comm);
	return e;
}

static void feed_hostile_signal(struct decoder *d)
{
	struct sig_generate_event e = kernel_signal(42, 13, 7, "\x1b[2J\"evil\n\xff");

	e.info_kind = INFO_NOINFO;
	e.syscall_nr = 1;
	decode__record(d, &e, sizeof(e));
}

static void test_json_signal_record_golden(void)
{
	char *out = render(true, feed_hostile_signal);

	CHECK_STR(out, "{\"type\":\"signal\",\"ts_ns\":42,\"sig\":13,\"signal\":\"SIGPIPE\","
		       "\"code\":\"SI_USER\",\"result\":\"queued\",\"via\":\"kernel\","
		       "\"sender\":null,\"target\":{\"pid\":7,\"tid\":7,\"comm\":"
		       "\"\\u001b[2J\\\"evil\\n\\\\xff\"},\"group\":false,\"blocked\":false,"
		       "\"context\":{\"pid\":7,\"tid\":7,\"comm\":\"\\u001b[2J\\\"evil\\n\\\\xff\"},"
		       "\"syscall\":\"write\"}\n");
	free(out);
}

/* A timer's signal raised in an interrupt: no sender, no context, flagged. */
static void feed_interrupt_signal(struct decoder *d)
{
	struct sig_generate_event e = kernel_signal(43, 12, 9, "timerproc");

	e.code = -2; /* SI_TIMER */
	e.info_kind = INFO_REAL;
	e.in_interrupt = 1; /* so the context (the task it landed on) is not the cause */
	e.syscall_nr = 129;
	decode__record(d, &e, sizeof(e));
}

/* A folded EPIPE burst of a writer that ignores SIGPIPE, 5 writes: with its SIGPIPEs or without. */
static struct epipe_event epipe_burst(bool with_sigpipe)
{
	struct epipe_event e = { 0 };

	e.hdr.type = EVENT_EPIPE;
	e.hdr.count = 5;
	e.hdr.ts_ns = 44;
	e.hdr.flags = EVENT_F_FOLDED | (with_sigpipe ? EVENT_F_WITH_SIGPIPE : 0);
	e.hdr.span_us = 3;
	task(&e.task, 11, "writer");
	e.object = (struct obj_ref){ .ino = 4242, .dev = 15, .kind = OBJ_PIPE };
	e.fd = 4;
	e.syscall_nr = 1;
	e.sigpipe_action = SIGPIPE_IGNORE;
	e.sigpipe_result = SIG_RESULT_IGNORED;
	return e;
}

static void feed_epipe_with_sigpipe(struct decoder *d)
{
	struct epipe_event e = epipe_burst(true);

	decode__record(d, &e, sizeof(e));
	CHECK_INT(d->model->events, 5 + 5); /* five EPIPEs and their five SIGPIPEs */
	e = epipe_burst(false);
	decode__record(d, &e, sizeof(e));
	CHECK_INT(d->model->events, 10 + 5);
}

static void test_epipe_with_sigpipe_is_two_records(void)
{
	char *json = render(true, feed_epipe_with_sigpipe);
	const char *epipe = "{\"type\":\"epipe\",\"ts_ns\":44,\"count\":5,\"folded\":true,"
			    "\"span_ns\":3000,\"pid\":11,\"tid\":11,\"comm\":\"writer\",\"fd\":4,\"object\":"
			    "{\"kind\":\"pipe\",\"ino\":4242,\"dev\":15},\"syscall\":\"write\","
			    "\"sigpipe_action\":\"ignore\"}\n";
	char want[1024];

	/*
	 * The signal first (the write raised it), as signal_generate would have
	 * recorded it, with the burst's count; then its EPIPE; then the EPIPE
	 * that carried none.
	 */
	snprintf(want, sizeof(want), "%s%s%s",
		 "{\"type\":\"signal\",\"ts_ns\":44,\"count\":5,\"folded\":true,\"span_ns\":3000,"
		 "\"sig\":13,"
		 "\"signal\":\"SIGPIPE\",\"code\":\"SI_USER\",\"result\":\"ignored\","
		 "\"via\":\"kernel\",\"sender\":null,\"target\":{\"pid\":11,\"tid\":11,"
		 "\"comm\":\"writer\"},\"group\":false,\"blocked\":false,"
		 "\"ignored_because\":\"sig_ign\",\"object\":{\"kind\":"
		 "\"pipe\",\"ino\":4242,\"dev\":15},\"context\":{\"pid\":11,\"tid\":11,"
		 "\"comm\":\"writer\"},\"syscall\":\"write\"}\n",
		 epipe, epipe);
	CHECK_STR(json, want);
	free(json);
}

/* A TCP write's SIGPIPE, its EPIPE (which reads the socket's ends), the next SIGPIPE. */
static void feed_tcp_sigpipes(struct decoder *d)
{
	struct sig_generate_event sig = kernel_signal(50, 13, 11, "writer");
	struct epipe_event e = epipe_burst(false);

	sig.object = (struct obj_ref){ .ino = 777, .dev = 8, .kind = OBJ_TCP };
	sig.result = SIG_RESULT_IGNORED;
	decode__record(d, &sig, sizeof(sig));
	e.hdr.flags = 0;
	e.hdr.count = 1;
	e.object = sig.object;
	e.inet = (struct inet_ends){ .family = 2, .local_port = 40000, .remote_port = 80,
				     .local = { 127, 0, 0, 1 }, .remote = { 10, 0, 0, 2 } };
	decode__record(d, &e, sizeof(e));
	sig.hdr.ts_ns = 51;
	decode__record(d, &sig, sizeof(sig));
}

static void test_socket_sigpipe_names_the_ends_an_epipe_read(void)
{
	char *json = render(true, feed_tcp_sigpipes), *text = render(false, feed_tcp_sigpipes);
	char *first = json, *epipe = strchr(first, '\n'), *second = epipe ? strchr(epipe + 1, '\n') : NULL;
	const char *by_ino = "\"object\":{\"kind\":\"tcp\",\"ino\":777,\"dev\":8}";
	const char *ends = "\"object\":{\"kind\":\"tcp\",\"ino\":777,\"dev\":8,"
			   "\"local\":\"127.0.0.1:40000\",\"remote\":\"10.0.0.2:80\"}";

	check(second != NULL, "three records: %s", json);
	if (second) {
		*epipe = 0; /* the first line alone */
		check(strstr(first, "\"type\":\"signal\"") && strstr(first, by_ino),
		      "first SIGPIPE, before any EPIPE: by inode only: %s", first);
		check(strstr(second, "\"type\":\"signal\"") && strstr(second, ends),
		      "second SIGPIPE: with the ends: %s", second);
	}
	check(strstr(text, "writing to tcp:[777] 127.0.0.1:40000->10.0.0.2:80") != NULL,
	      "text: %s", text);
	free(json);
	free(text);
}

static void test_interrupt_signal_has_no_context(void)
{
	char *json = render(true, feed_interrupt_signal), *text = render(false, feed_interrupt_signal);

	CHECK_STR(json, "{\"type\":\"signal\",\"ts_ns\":43,\"sig\":12,\"signal\":\"SIGUSR2\","
			"\"code\":\"SI_TIMER\",\"result\":\"queued\",\"via\":\"kernel\","
			"\"sender\":null,\"target\":{\"pid\":9,\"tid\":9,\"comm\":\"timerproc\"},"
			"\"group\":false,\"blocked\":false,\"interrupt\":true}\n");
	check(strstr(text, "SI_TIMER from an interrupt\n") != NULL &&
		      !strstr(text, "rt_sigqueueinfo") && !strstr(text, " from 9"),
	      "text: %s", text);
	free(json);
	free(text);
}

static void test_text_record_has_no_control_bytes(void)
{
	char *out = render(false, feed_hostile_signal);
	const char *nl = strchr(out, '\n');

	for (const char *p = out; *p; p++)
		check(*p == '\n' || (unsigned char)*p >= 0x20, "control byte 0x%02x in text output",
		      (unsigned char)*p);
	check(nl && !strchr(nl + 1, '\n'), "one record must be one line: %s", out);
	check(strstr(out, "\\x1b[2J\"evil\\x0a\\xff[7]") != NULL, "escaped name missing: %s", out);
	free(out);
}

static void feed_bad_records(struct decoder *d)
{
	struct event_header h = { .type = 999, .count = 1 };
	struct sig_deliver_event short_rec = { .hdr = { .type = EVENT_SIG_DELIVER, .count = 1 } };

	decode__record(d, &h, sizeof(h));			   /* unknown type */
	decode__record(d, &short_rec, sizeof(struct event_header)); /* truncated */
	decode__record(d, &h, 3);				   /* shorter than a header */
	check(d->model->bad_records == 3, "bad records counted: %llu",
	      (unsigned long long)d->model->bad_records);
}

static void test_decoder_counts_bad_records(void)
{
	free(render(true, feed_bad_records));
}

/*
 * Who killed it: the sender whose SIGTERM was queued, not the one merged
 * into it while pending (that one's is dropped); the kernel is said for a
 * SIGKILL (the OOM killer), not for a SIGSEGV the process raised itself.
 */
static void test_killer_is_the_sender_of_the_queued_signal(void)
{
	struct sig_generate_event first = { .hdr = { .type = EVENT_SIG_GENERATE, .count = 1 } };
	struct sig_generate_event merged = first, oom = first;
	struct lifecycle_event ex = { .hdr = { .type = EVENT_PROC_EXIT, .count = 1 } };
	struct model m;
	struct proc *p;
	char buf[160];

	CHECK_INT(model__init(&m), 0);
	task(&first.target, 20, "victim");
	task(&first.sender, 10, "bash");
	first.sig = SIGTERM;
	first.has_sender = 1;
	first.result = SIG_RESULT_QUEUED;
	merged = first;
	task(&merged.sender, 11, "killB");
	merged.result = SIG_RESULT_ALREADY_PENDING;
	model__on_record(&m, &first.hdr, &first);
	model__on_record(&m, &merged.hdr, &merged);
	task(&ex.task, 20, "victim");
	ex.exit_code = SIGTERM;
	model__on_record(&m, &ex.hdr, &ex);
	p = proc_table__find(m.procs, 20, 20 * 1000000000ULL);
	check(p != NULL, "the victim is known");
	if (p)
		CHECK_STR(format__death(buf, sizeof(buf), p), "killed by SIGTERM (sent by bash[10])");
	oom = first;
	task(&oom.target, 30, "big");
	oom.has_sender = 0;
	oom.sig = SIGKILL;
	model__on_record(&m, &oom.hdr, &oom);
	task(&ex.task, 30, "big");
	ex.exit_code = SIGKILL;
	model__on_record(&m, &ex.hdr, &ex);
	if ((p = proc_table__find(m.procs, 30, 30 * 1000000000ULL)))
		CHECK_STR(format__death(buf, sizeof(buf), p), "killed by SIGKILL (sent by the kernel)");
	oom.sig = SIGSEGV;
	task(&oom.target, 31, "buggy");
	model__on_record(&m, &oom.hdr, &oom);
	task(&ex.task, 31, "buggy");
	ex.exit_code = SIGSEGV | 0x80;
	model__on_record(&m, &ex.hdr, &ex);
	if ((p = proc_table__find(m.procs, 31, 31 * 1000000000ULL)))
		CHECK_STR(format__death(buf, sizeof(buf), p), "killed by SIGSEGV (core dumped)");
	model__free(&m);
}

static void feed_stats_and_report(struct decoder *d)
{
	struct sig_stats_key key = { .pid = 9, .sig = 10, .start_ns = 9000000000ULL };
	struct sig_stats *s = calloc(1, sizeof(*s));
	struct lifecycle_event ex = { .hdr = { .type = EVENT_PROC_EXIT, .count = 1 } };

	task(&ex.task, 9, "victim");
	ex.exit_code = 13;
	decode__record(d, &ex, sizeof(ex));
	s->received[SIG_RESULT_QUEUED] = 3;
	s->received[SIG_RESULT_ALREADY_PENDING] = 2;
	s->delivered[ACTION_HANDLER] = 3;
	s->handler_returns = 3;
	model__add_sig_stats(d->model, &key, s);
	d->model->loss[LOSS_RINGBUF] = 4;
	d->model->loss[LOSS_PROG_RECURSION] = 1;
	d->out->ops->report(d->out);
	free(s);
}

/* A reader's EOF after a 1.5 s wait, and a writer's EAGAIN, on pipe 77. */
static void feed_pipe_io(struct decoder *d)
{
	struct pipe_io_event e = { .hdr = { .type = EVENT_PIPE_IO, .count = 1 } };

	task(&e.task, 24, "reader");
	e.object.kind = OBJ_PIPE;
	e.object.ino = 77;
	e.syscall_nr = 0; /* read */
	e.what = PIPE_IO_EOF;
	e.waited_ns = 1500000000ULL;
	decode__record(d, &e, sizeof(e));
	task(&e.task, 25, "writer");
	e.syscall_nr = 1;
	e.write = 1;
	e.what = PIPE_IO_EAGAIN;
	e.waited_ns = 0;
	decode__record(d, &e, sizeof(e));
	task(&e.task, 26, "sleeper");
	e.syscall_nr = 0;
	e.write = 0;
	e.what = PIPE_IO_INTERRUPTED;
	e.waited_ns = 20000000ULL;
	decode__record(d, &e, sizeof(e));
}

static void test_pipe_io_records(void)
{
	char *json = render(true, feed_pipe_io), *text = render(false, feed_pipe_io);

	check(strstr(json, "{\"type\":\"pipe_io\",") && strstr(json,
	      "\"object\":{\"kind\":\"pipe\",\"ino\":77,\"dev\":0},\"syscall\":\"read\","
	      "\"side\":\"read\",\"what\":\"eof\",\"waited_ns\":1500000000}"), "JSON EOF: %s", json);
	check(strstr(json, "\"syscall\":\"write\",\"side\":\"write\",\"what\":\"eagain\","
			   "\"waited_ns\":0}") != NULL, "JSON EAGAIN: %s", json);
	check(strstr(text, "read    -           reader[24] read pipe:[77]: EOF, no writer left, "
			   "waited 1.50s for data (the pipe was empty)\n") != NULL, "text EOF: %s", text);
	check(strstr(text, "write   -           writer[25] write pipe:[77]: EAGAIN, full "
			   "(O_NONBLOCK)\n") != NULL, "text EAGAIN: %s", text);
	check(strstr(json, "\"syscall\":\"read\",\"side\":\"read\",\"what\":\"interrupted\","
			   "\"waited_ns\":20000000}") != NULL, "JSON interrupted: %s", json);
	check(strstr(text, "read    -           sleeper[26] read pipe:[77]: interrupted by a signal, "
			   "waited 20.0ms for data (the pipe was empty)\n") != NULL,
	      "text interrupted: %s", text);
	free(json);
	free(text);
}

/* ps's dup2(4, 1) of the pipe's write end. */
static void feed_pipe_dup(struct decoder *d)
{
	struct pipe_dup_event e = { .hdr = { .type = EVENT_PIPE_DUP, .count = 1 } };

	task(&e.task, 27, "ps");
	e.pipe.kind = OBJ_PIPE;
	e.pipe.ino = 45;
	e.old_fd = 4;
	e.new_fd = 1;
	e.mode = 2;
	e.syscall_nr = 33;
	decode__record(d, &e, sizeof(e));
}

static void test_pipe_dup_records(void)
{
	char *json = render(true, feed_pipe_dup), *text = render(false, feed_pipe_dup);

	check(strstr(json, "{\"type\":\"pipe_dup\",") && strstr(json,
	      "\"syscall\":\"dup2\",\"fd_old\":4,\"fd\":1,\"object\":{\"kind\":\"pipe\","
	      "\"ino\":45,\"dev\":0},\"side\":\"write\"}"), "JSON: %s", json);
	check(strstr(text, "dup     -           ps[27] dup2 fd 4 -> fd 1: pipe:[45] (write end)\n")
		      != NULL, "text: %s", text);
	free(json);
	free(text);
}

/* mkfifo 0600 (umask 022 takes nothing from it), then mkfifo 0666 (0644 after it). */
static void feed_mkfifo(struct decoder *d)
{
	struct fifo_event e = { .hdr = { .type = EVENT_FIFO_CREATE, .count = 1 } };

	task(&e.task, 26, "maker");
	e.fifo.kind = OBJ_FIFO;
	memcpy(e.path, "/tmp/f1", 8);
	e.mode = 0600;
	e.flags = 022;
	decode__record(d, &e, sizeof(e));
	memcpy(e.path, "/tmp/f2", 8);
	e.mode = 0666;
	decode__record(d, &e, sizeof(e));
}

static void test_mkfifo_line_says_only_what_it_did(void)
{
	char *text = render(false, feed_mkfifo);

	check(strstr(text, "maker[26] mkfifo /tmp/f1 mode 0600\n") != NULL,
	      "a mode the umask leaves whole, alone on its line: %s", text);
	check(strstr(text, "maker[26] mkfifo /tmp/f2 mode 0666 (0644 after umask 022)\n") != NULL,
	      "a mode the umask cuts: %s", text);
	check(strstr(text, "opened") == NULL, "no open was made: %s", text);
	free(text);
}

/* A function of this program for code_names to find by its address. */
__attribute__((noinline)) static int code_names_marker(int x)
{
	return x * 3 + 1;
}

/* This process's start, as the kernel counts it (/proc/self/stat starttime). */
static uint64_t own_start_ns(void)
{
	char buf[1024], *p;
	unsigned long long ticks = 0;
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* fields 3..22 after the comm: starttime is the 20th of them */
	for (int field = 3; p && field <= 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p, " %llu", &ticks);
	return ticks * (1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK));
}

static void test_code_names_name_a_function_of_a_live_process(void)
{
	struct code_names *c = code_names__new("/proc");
	uint64_t addr = (uint64_t)(uintptr_t)code_names_marker, start = own_start_ns();
	struct code_name n;

	check(c != NULL, "code_names__new");
	if (!c)
		return;
	check(code_names_marker(1) == 4, "the marker runs");
	check(code_names__find(c, (uint32_t)getpid(), start, 0, addr, &n), "found the marker");
	CHECK_STR(n.func, "code_names_marker");
	CHECK_STR(n.object, "unit_tests");
	check(n.func_offset == 0, "at the function's start: offset %llu",
	      (unsigned long long)n.func_offset);
	check(code_names__find(c, (uint32_t)getpid(), start, 0, addr + 1, &n) &&
		      !strcmp(n.func, "code_names_marker") && n.func_offset == 1,
	      "one byte in: %s+%llu", n.func, (unsigned long long)n.func_offset);
	check(!code_names__find(c, (uint32_t)getpid(), start, 0, 16, &n), "no mapping at 0x10");
	check(!code_names__find(c, (uint32_t)getpid(), start + 86400000000000ULL, 0, addr + 2, &n),
	      "another process with this pid (a later start) is not named");
	check(!code_names__find(c, (uint32_t)getpid(), start, 12345, addr + 3, &n),
	      "another program image (exec'd since the record) is not named");
	/* libc's exported function, from its .dynsym (dlsym: not a PLT stub of ours) */
	check(code_names__find(c, (uint32_t)getpid(), start, 0,
			       (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "getpid"), &n) &&
		      strstr(n.object, "libc") != NULL && n.func[0] != '\0',
	      "getpid in libc: %s in %s", n.func, n.object);
	code_names__free(c);
}

/* A process that exits with SIGUSR2 and two SIGRTMIN+1 still pending, never delivered. */
static void feed_exit_with_pending(struct decoder *d)
{
	struct lifecycle_event ex = { .hdr = { .type = EVENT_PROC_EXIT, .count = 1 } };

	task(&ex.task, 21, "waiter");
	ex.exit_code = 3 << 8;
	ex.discarded = 3;
	ex.discarded_mask = 1ULL << (SIGUSR2 - 1) | 1ULL << (35 - 1);
	decode__record(d, &ex, sizeof(ex));
}

static void test_exit_names_the_signals_it_left_pending(void)
{
	char *json = render(true, feed_exit_with_pending), *text = render(false, feed_exit_with_pending);

	check(strstr(json, "\"code\":3,\"discarded_pending\":3,"
			   "\"discarded_signals\":[\"SIGUSR2\",\"SIGRTMIN+1\"]}") != NULL,
	      "JSON exit: %s", json);
	check(strstr(text, "waiter[21] exited 3; left 3 pending signals never delivered: "
			   "SIGUSR2,SIGRTMIN+1\n") != NULL,
	      "text exit (shown though the process is otherwise uninvolved): %s", text);
	free(json);
	free(text);
}

/*
 * A POSIX timer's signal, delivered after 7 more expiries while blocked;
 * then handlers that cut a read() (restarted) and a pause() (EINTR) short.
 */
static void feed_timer_overrun(struct decoder *d)
{
	struct sig_deliver_event e = { .hdr = { .type = EVENT_SIG_DELIVER, .count = 1 } };

	task(&e.task, 22, "ticker");
	e.sig = 36;
	e.code = -2; /* SI_TIMER */
	e.action = ACTION_HANDLER;
	e.handler = 0x401000;
	e.overrun = 7;
	decode__record(d, &e, sizeof(e));
	e.code = 0;
	e.overrun = 0;
	e.interrupted = INTR_RESTARTED_SA_RESTART;
	e.syscall_nr = 0; /* read */
	e.hdr.ts_ns += 1000000000ULL; /* not folded into the first */
	decode__record(d, &e, sizeof(e));
	e.interrupted = INTR_EINTR_ALWAYS;
	e.syscall_nr = 34; /* pause */
	e.hdr.ts_ns += 1000000000ULL;
	decode__record(d, &e, sizeof(e));
}

static void test_deliver_shows_a_timer_overrun(void)
{
	char *json = render(true, feed_timer_overrun), *text = render(false, feed_timer_overrun);

	check(strstr(json, ",\"overrun\":7}") != NULL, "JSON deliver: %s", json);
	check(strstr(json, ",\"interrupted\":{\"syscall\":\"read\",\"nr\":0,\"outcome\":"
			   "\"restarted\",\"by\":\"sa_restart\"}}") != NULL, "JSON restarted read: %s",
	      json);
	check(strstr(json, ",\"interrupted\":{\"syscall\":\"pause\",\"nr\":34,\"outcome\":"
			   "\"eintr\",\"by\":\"call\"}}") != NULL, "JSON pause's EINTR: %s", json);
	check(strstr(text, "pending unknown, interrupted read: restarted after the handler "
			   "(SA_RESTART)\n") != NULL, "text restarted read: %s", text);
	check(strstr(text, "pending unknown, interrupted pause: it fails with EINTR (never "
			   "restarted after a handler)\n") != NULL, "text pause: %s", text);
	check(strstr(text, "handler 0x401000, pending unknown, timer overran 7 times while pending")
		  != NULL,
	      "text deliver: %s", text);
	free(json);
	free(text);
}

/* sigsuspend() with SIGUSR1 blocked, waiting with an empty mask. */
static void feed_wait_mask(struct decoder *d)
{
	struct sigprocmask_event e = { .hdr = { .type = EVENT_SIGPROCMASK, .count = 1 } };

	task(&e.task, 23, "waiter");
	e.how = MASK_HOW_WAIT;
	e.syscall_nr = 130; /* rt_sigsuspend */
	e.old_mask = 1ULL << (SIGUSR1 - 1);
	e.new_mask = 0;
	decode__record(d, &e, sizeof(e));
}

static void test_wait_with_a_temporary_mask(void)
{
	char *json = render(true, feed_wait_mask), *text = render(false, feed_wait_mask);

	check(strstr(json, "{\"type\":\"sigmask_wait\",") && strstr(json,
	      "\"call\":\"rt_sigsuspend\",\"blocked\":[],\"unblocked\":[\"SIGUSR1\"],\"mask\":[],"
	      "\"mask_after\":[\"SIGUSR1\"]}"), "JSON: %s", json);
	check(strstr(text, "mask    wait        waiter[23] rt_sigsuspend waited with SIGUSR1 "
			   "unblocked until interrupted: mask empty while it waited, SIGUSR1 "
			   "after\n") != NULL,
	      "text: %s", text);
	free(json);
	free(text);
}

static void test_json_process_and_loss_records(void)
{
	char *out = render(true, feed_stats_and_report);

	check(strstr(out, "{\"type\":\"process\",\"pid\":9,") != NULL, "no process record: %s", out);
	check(strstr(out, "\"SIGUSR1\":{\"generated\":5,\"queued\":3,\"ignored\":0,"
			  "\"already_pending\":2,") != NULL, "received counters: %s", out);
	check(strstr(out, "\"exit\":{\"signal\":\"SIGPIPE\",\"core\":false}") != NULL,
	      "death: %s", out);
	check(strstr(out, "{\"type\":\"lost\",\"count\":4,\"total\":4,\"reason\":"
			  "\"ring_buffer_full\"}") != NULL, "loss record: %s", out);
	/* Runs the kernel skipped (recursion_misses) are a loss like any other. */
	check(strstr(out, "{\"type\":\"lost\",\"count\":1,\"total\":1,\"reason\":"
			  "\"program_recursion\"}") != NULL, "recursion loss record: %s", out);
	check(strstr(out, "\"lost\":5}") != NULL, "summary lost: %s", out);
	free(out);
}

/*
 * Three SIGUSR1 delivered and one accepted, two of them timed: two had no
 * generation seen (pending before tracing, or not reported by the kernel).
 */
static void feed_untimed_deliveries(struct decoder *d)
{
	struct sig_stats_key key = { .pid = 9, .sig = 10, .start_ns = 9000000000ULL };
	struct sig_stats *s = calloc(1, sizeof(*s));
	struct lifecycle_event ex = { .hdr = { .type = EVENT_PROC_EXIT, .count = 1 } };
	struct sig_deliver_event dl = { .hdr = { .type = EVENT_SIG_DELIVER, .count = 1 },
					.sig = 10, .action = ACTION_HANDLER, .handler = 0x401000 };
	struct sig_accept_event ac = { .hdr = { .type = EVENT_SIG_ACCEPT, .count = 1 },
				       .sig = 10, .pending_known = 1, .pending_ns = 1500 };

	task(&dl.task, 9, "victim");
	decode__record(d, &dl, sizeof(dl)); /* its generation has no time */
	task(&ac.task, 9, "victim");
	decode__record(d, &ac, sizeof(ac));
	task(&ex.task, 9, "victim\x1b[2J");
	decode__record(d, &ex, sizeof(ex));
	s->received[SIG_RESULT_QUEUED] = 2;
	s->delivered[ACTION_HANDLER] = 3;
	s->accepted = 1;
	s->pending_samples = 2;
	s->pending_hist[3] = 2;
	s->pending_ns_max = 7;
	model__add_sig_stats(d->model, &key, s);
	d->out->ops->report(d->out);
	free(s);
}

static void test_untimed_deliveries_are_explained(void)
{
	struct sig_stats s = { .accepted = 1, .pending_samples = 2 };
	char *out;

	s.delivered[ACTION_DEFAULT] = 1;
	CHECK_INT(sig_stats__pending_unknown(&s), 0);
	s.delivered[ACTION_HANDLER] = 3;
	CHECK_INT(sig_stats__pending_unknown(&s), 3);
	s.pending_samples = 9; /* never below zero */
	CHECK_INT(sig_stats__pending_unknown(&s), 0);

	out = render(true, feed_untimed_deliveries);
	check(strstr(out, "\"accepted\":1,\"discarded\":0,\"pending_unknown\":2,") != NULL,
	      "pending_unknown in JSON: %s", out);
	free(out);
	out = render(false, feed_untimed_deliveries);
	check(strstr(out, "\npending time unknown (pending before tracing, pending twice at once, "
			  "generation unseen, or replaced by a ptracer: docs/design.md):\n  2 SIGUSR1 to victim\\x1b[2J[9]\n")
		      != NULL, "untimed deliveries listed under the table: %s", out);
	check(strstr(out, "handler 0x401000, pending unknown\n") != NULL,
	      "a live delivery with no pending time says so: %s", out);
	check(strstr(out, "took it via sigtimedwait, pending 1.5us\n") != NULL,
	      "a live acceptance with its pending time: %s", out);
	free(out);
}

/* ---- a tracepoint missing on this kernel: what turns off, how reports say it ---- */

static void test_features_off_and_programs_left_out(void)
{
	uint32_t deliver = TP_BIT(TP_SIGNAL_DELIVER), enter = TP_BIT(TP_SYS_ENTER);
	uint32_t exit_ = TP_BIT(TP_SYS_EXIT);

	CHECK_INT(features__off(0), 0);
	CHECK_INT(tracepoints__unloaded(0), 0);
	/* Pending time needs generate and deliver; handler time deliver and sys_enter. */
	CHECK_INT(features__off(deliver), FEATURE_BIT(FEATURE_SIGNAL_DELIVERY) |
						 FEATURE_BIT(FEATURE_PENDING_TIME) |
						 FEATURE_BIT(FEATURE_HANDLER_TIME));
	CHECK_INT(tracepoints__unloaded(deliver), deliver);
	CHECK_INT(features__off(TP_BIT(TP_SIGNAL_GENERATE)),
		  FEATURE_BIT(FEATURE_SIGNAL_GENERATION) | FEATURE_BIT(FEATURE_PENDING_TIME));
	/* sys_exit alone would report calls it never saw start: left out with sys_enter. */
	CHECK_INT(features__off(enter),
		  FEATURE_BIT(FEATURE_HANDLER_TIME) | FEATURE_BIT(FEATURE_SYSCALLS));
	CHECK_INT(tracepoints__unloaded(enter), enter | exit_);
	/* sys_enter alone still serves handler time (rt_sigreturn). */
	CHECK_INT(tracepoints__unloaded(exit_), exit_);
	CHECK_INT(tracepoints__unloaded(exit_ | deliver), exit_ | deliver | enter);
	CHECK_INT(features__off(TP_BIT(TP_SCHED_PROCESS_FORK)), FEATURE_BIT(FEATURE_FORK));
	CHECK_INT(tracepoints__unloaded(TP_ALL & ~exit_), TP_ALL); /* nothing left to trace */
	CHECK_INT(tracepoints__unloaded(TP_ALL), TP_ALL);
	CHECK_STR(tracepoint__name(TP_SCHED_PROCESS_EXEC), "sched_process_exec");
	/* The text report's line "  <text>: <tp> and <tp>" stays under 100 columns. */
	for (unsigned int f = 0; f < FEATURE_MAX; f++) {
		size_t len = 2 + strlen(feature__text(f)) + 2;

		for (unsigned int tp = 0; tp < TP_MAX; tp++)
			if (feature__needs(f) & TP_BIT(tp))
				len += strlen(tracepoint__name(tp)) + 5;
		check(len - 5 < 100, "feature %s: %zu columns", feature__name(f), len - 5);
	}
}

/* signal_deliver missing: a child got 3 SIGUSR1 queued, nothing known of delivery. */
static void feed_with_delivery_off(struct decoder *d)
{
	struct sig_stats_key key = { .pid = 9, .sig = 10, .start_ns = 9000000000ULL };
	struct sig_stats *s = calloc(1, sizeof(*s));

	d->model->tracepoints_missing = TP_BIT(TP_SIGNAL_DELIVER);
	d->model->features_off = features__off(d->model->tracepoints_missing);
	d->out->ops->start(d->out);
	s->received[SIG_RESULT_QUEUED] = 3;
	model__add_sig_stats(d->model, &key, s);
	d->out->ops->report(d->out);
	free(s);
}

static void test_json_marks_features_off(void)
{
	char *out = render(true, feed_with_delivery_off);
	const char *rec = "{\"type\":\"features_off\",\"missing\":[\"signal_deliver\"],"
			  "\"features\":[{\"name\":\"signal_delivery\",\"text\":\"signal delivery "
			  "(deliver records, delivered and handled counts)\",\"missing\":"
			  "[\"signal_deliver\"]},{\"name\":\"pending_time\",\"text\":\"pending time\","
			  "\"missing\":[\"signal_deliver\"]},{\"name\":\"handler_time\",\"text\":"
			  "\"handler time\",\"missing\":[\"signal_deliver\"]}]}\n";
	const char *second = out && strchr(out, '\n') ? strchr(out, '\n') + 1 : NULL;
	const char *again = second ? strstr(second + 1, rec) : NULL;

	check(out && !strncmp(out, "{\"type\":\"start\",", 15), "first record: %s", out);
	check(second && !strncmp(second, rec, strlen(rec)), "second record: %s", out);
	check(again && again != out, "no features_off record with the report: %s", out);
	check(strstr(out, "\"SIGUSR1\":{\"generated\":3,\"queued\":3,\"ignored\":0,"
			  "\"already_pending\":0,\"overflow\":0,\"lose_info\":0,\"blocked\":0,"
			  "\"delivered\":null,\"handled\":null,\"default\":null,"
			  "\"ignored_at_delivery\":null,\"accepted\":0,\"discarded\":null,\"pending_unknown\":null,"
			  "\"handler_returns\":null}")
		      != NULL, "delivery counts must be null, the rest numbers: %s", out);
	free(out);
}

static void test_text_marks_features_off(void)
{
	char *out = render(false, feed_with_delivery_off);

	check(strstr(out, "\nfeatures off (their tracepoints are missing on this kernel):\n"
			  "  signal delivery (deliver records, delivered and handled counts): "
			  "signal_deliver\n  pending time: signal_deliver\n"
			  "  handler time: signal_deliver\n") != NULL, "features off section: %s", out);
	/* PID COMM SIGNAL SENT RECV QUEUE IGN MERGE DLVR HNDL ACPT PEND50 PENDMAX */
	check(strstr(out, "USR1         0     3     3     0     0     -     -     0       -       -\n")
		      != NULL, "delivery columns must be -: %s", out);
	free(out);
}

/* ---- filters: -s, --match, -c with synthetic records ---- */

#define SIGBIT(sig) (1ULL << ((sig) - 1))

static bool passes(const struct filter *f, struct proc_table *t, const void *rec)
{
	return filter__record(f, t, rec, rec);
}

static struct sigprocmask_event mask_change(uint32_t pid, uint64_t old_mask, uint64_t new_mask)
{
	struct sigprocmask_event e = { .hdr = { .type = EVENT_SIGPROCMASK, .count = 1 } };

	task(&e.task, pid, "masker");
	e.old_mask = old_mask;
	e.new_mask = new_mask;
	return e;
}

static struct lifecycle_event exit_rec(uint32_t pid, int status)
{
	struct lifecycle_event e = { .hdr = { .type = EVENT_PROC_EXIT, .count = 1 } };

	task(&e.task, pid, "dier");
	e.exit_code = status;
	return e;
}

static void test_signal_filter_hides_other_records(void)
{
	struct proc_table *t = proc_table__new();
	struct filter f;
	struct sigprocmask_event m1 = mask_change(5, 0, SIGBIT(2)),
				 m2 = mask_change(5, SIGBIT(2), SIGBIT(2) | SIGBIT(10));
	struct lifecycle_event plain = exit_rec(5, 0), by_term = exit_rec(5, 15),
			       by_usr1 = exit_rec(5, 10);
	struct pipe_create_event pc = { .hdr = { .type = EVENT_PIPE_CREATE, .count = 1 } };
	struct epipe_event ep = { .hdr = { .type = EVENT_EPIPE, .count = 1 } };
	struct map_event mp = { .hdr = { .type = EVENT_MAP, .count = 1 } };
	struct sigaction_event act = { .hdr = { .type = EVENT_SIGACTION, .count = 1 }, .sig = 2 };
	struct sig_generate_event usr1 = kernel_signal(1, 10, 5, "x"), rt = kernel_signal(1, 35, 5, "x");

	filter__init(&f);
	f.sig_mask = SIGBIT(10); /* -s USR1 */
	f.sig_only = true;
	check(!passes(&f, t, &m1), "a mask change of SIGINT only is hidden");
	check(passes(&f, t, &m2), "a mask change touching SIGUSR1 is shown");
	check(!passes(&f, t, &plain) && !passes(&f, t, &by_term), "plain exit, death by SIGTERM hidden");
	check(passes(&f, t, &by_usr1), "death by SIGUSR1 shown");
	plain.discarded = 1;
	plain.discarded_mask = SIGBIT(10);
	by_term.discarded = 1;
	by_term.discarded_mask = SIGBIT(12);
	check(passes(&f, t, &plain), "an exit that left SIGUSR1 pending shown");
	check(!passes(&f, t, &by_term), "a death by SIGTERM that left SIGUSR2 pending hidden");
	check(!passes(&f, t, &pc) && !passes(&f, t, &ep) && !passes(&f, t, &mp),
	      "pipe, EPIPE, mapping records hidden");
	check(!passes(&f, t, &act), "sigaction of SIGINT hidden");
	check(passes(&f, t, &usr1) && !passes(&f, t, &rt), "SIGUSR1 shown, SIGRTMIN+1 hidden");
	check(!filter__ipc(&f), "IPC sections hidden under -s");
	f.sig_mask |= SIGBIT(13); /* -s USR1,PIPE */
	check(passes(&f, t, &ep), "EPIPE shown with SIGPIPE selected");
	check(!passes(&f, t, &pc), "a pipe's creation still hidden");
	/* ipcscope sigpipe: mask SIGPIPE, but no -s: its pipes and exits stay. */
	filter__init(&f);
	f.sig_mask = SIGBIT(13);
	check(passes(&f, t, &pc) && passes(&f, t, &plain) && passes(&f, t, &ep),
	      "the doctor's mask alone hides nothing but other signals");
	check(!passes(&f, t, &usr1), "the doctor's mask hides SIGUSR1");
	proc_table__free(t, NULL);
}

static void test_match_sender_leaves_out_target_records(void)
{
	struct proc_table *t = proc_table__new();
	struct filter f;
	struct sig_deliver_event dl = { .hdr = { .type = EVENT_SIG_DELIVER, .count = 1 }, .sig = 10 };
	struct sig_handler_return_event hr = { .hdr = { .type = EVENT_SIG_HANDLER_RETURN,
							.count = 1 }, .sig = 10 };
	struct sig_accept_event ac = { .hdr = { .type = EVENT_SIG_ACCEPT, .count = 1 }, .sig = 10 };
	struct sig_generate_event to_w = kernel_signal(1, 10, 5, "waiter"), from_w = to_w;
	struct sigprocmask_event mk = mask_change(5, 0, SIGBIT(10));

	task(&dl.task, 5, "waiter");
	task(&hr.task, 5, "waiter");
	task(&ac.task, 5, "waiter");
	to_w.via = from_w.via = VIA_KILL;
	to_w.has_sender = from_w.has_sender = 1;
	task(&to_w.sender, 6, "sender");
	task(&from_w.target, 6, "other");
	task(&from_w.sender, 5, "waiter");
	filter__init(&f);
	filter__add_pid(&f, 5);
	f.match_target = false; /* --match sender */
	check(!passes(&f, t, &dl) && !passes(&f, t, &hr) && !passes(&f, t, &ac),
	      "--match sender: the target's delivery, handler return, accept hidden");
	check(!passes(&f, t, &to_w), "--match sender: a signal to it hidden");
	check(passes(&f, t, &from_w), "--match sender: a signal it sent shown");
	check(passes(&f, t, &mk), "--match sender: its own mask change shown");
	check(report__sent_side(&f) && !report__received_side(&f), "report sides, sender");
	f.match_target = true;
	f.match_sender = false; /* --match target */
	check(passes(&f, t, &dl) && passes(&f, t, &hr) && passes(&f, t, &ac) && passes(&f, t, &to_w),
	      "--match target: its delivery, handler return, accept and generation shown");
	check(!passes(&f, t, &from_w), "--match target: a signal it sent hidden");
	check(!report__sent_side(&f) && report__received_side(&f), "report sides, target");
	f.match_sender = true; /* either */
	check(passes(&f, t, &dl) && passes(&f, t, &to_w) && passes(&f, t, &from_w),
	      "--match either: both sides shown");
	proc_table__free(t, NULL);
}

/* prctl(PR_SET_NAME): the table follows the name records carry; -c matches it and stays. */
static void feed_rename(struct decoder *d)
{
	struct lifecycle_event ex = { .hdr = { .type = EVENT_PROC_EXEC, .count = 1, .ts_ns = 10 } };
	struct sig_generate_event sig = kernel_signal(20, 10, 7, "first");
	struct sig_generate_event old = kernel_signal(15, 10, 7, "exec_name");
	struct sig_generate_event by_thread = kernel_signal(30, 10, 7, "worker");
	struct sig_stats_key key = { .pid = 7, .sig = 10, .start_ns = 7000000000ULL };
	static struct sig_stats s = { .received = { [SIG_RESULT_QUEUED] = 3 } };
	struct lifecycle_event ex2 = ex;
	struct proc *p;

	task(&ex.task, 7, "exec_name");
	decode__record(d, &ex, sizeof(ex));
	p = proc_table__find(d->model->procs, 7, 7000000000ULL);
	check(p && !filter__proc(d->filter, p), "not matched under its exec name");
	decode__record(d, &sig, sizeof(sig));
	check(p && !strcmp(p->comm, "first"), "renamed: %s", p ? p->comm : "(none)");
	check(p && filter__proc(d->filter, p), "-c first matches the renamed process");
	decode__record(d, &old, sizeof(old)); /* an older record (a swept slot) */
	check(p && !strcmp(p->comm, "first"), "an older record renamed it back: %s", p->comm);
	by_thread.target.tid = 8; /* another thread's name is not the process's */
	decode__record(d, &by_thread, sizeof(by_thread));
	check(p && !strcmp(p->comm, "first"), "a thread renamed the process: %s", p->comm);
	ex2.hdr.ts_ns = 40;
	task(&ex2.task, 7, "next");
	decode__record(d, &ex2, sizeof(ex2));
	check(p && !strcmp(p->comm, "next") && filter__proc(d->filter, p),
	      "after exec: named next, still matched by -c first");
	model__add_sig_stats(d->model, &key, &s);
	d->out->ops->report(d->out);
}

static void comm_first(struct filter *f)
{
	f->comms[f->ncomms++] = "first";
}

static void test_comm_follows_renames(void)
{
	char *out = render_with(false, comm_first, feed_rename);

	check(strstr(out, "\n7       next            USR1 ") != NULL, "report row by its name: %s", out);
	free(out);
}

/* ulimit -i 10, 50 sigqueue(SIGRTMIN) to a process blocking it: 6 queued, 44 overflow. */
static void feed_overflow(struct decoder *d)
{
	struct sig_stats_key key = { .pid = 9, .sig = 34, .start_ns = 9000000000ULL };
	struct sig_stats_key sender = { .pid = 8, .sig = 34, .start_ns = 8000000000ULL };
	struct sig_stats *s = calloc(1, sizeof(*s)), *t = calloc(1, sizeof(*t));
	struct lifecycle_event ex = { .hdr = { .type = EVENT_PROC_EXEC, .count = 1 } };

	task(&ex.task, 9, "rtq");
	decode__record(d, &ex, sizeof(ex));
	task(&ex.task, 8, "sender");
	decode__record(d, &ex, sizeof(ex));
	s->received[SIG_RESULT_QUEUED] = 6;
	s->received[SIG_RESULT_OVERFLOW] = 44;
	s->received_blocked = 50;
	t->sent[SIG_RESULT_QUEUED] = 6;
	t->sent[SIG_RESULT_OVERFLOW] = 44;
	model__add_sig_stats(d->model, &key, s);
	model__add_sig_stats(d->model, &sender, t);
	d->out->ops->report(d->out);
	free(s);
	free(t);
}

static void test_text_report_shows_overflow(void)
{
	char *out = render(false, feed_overflow), *plain = render(false, feed_stats_and_report);

	check(strstr(out, "PID     COMM            SIGNAL    SENT  RECV QUEUE   IGN MERGE  OVFL  DLVR"
			  "  HNDL  ACPT  PEND50 PENDMAX\n") != NULL, "header with OVFL: %s", out);
	check(strstr(out, "\n9       rtq             RTMIN        0    50     6     0     0    44"
			  "     0     0     0       -       -\n") != NULL, "row adds up: %s", out);
	check(strstr(out, "\n8       sender          RTMIN       50     0     0     0     0     0")
		      != NULL, "sender row: %s", out);
	check(!strstr(out, "LOSE"), "no LOSE column without lose_info: %s", out);
	check(!strstr(plain, "OVFL") && !strstr(plain, "LOSE"), "no OVFL without overflow: %s",
	      plain);
	free(out);
	free(plain);
}

static void match_sender_9(struct filter *f)
{
	filter__add_pid(f, 8);
	filter__add_pid(f, 9);
	f->match_target = false;
}

/* --match sender: the sent side only, its results breaking SENT down. */
static void test_text_report_match_sender(void)
{
	char *out = render_with(false, match_sender_9, feed_overflow);

	check(strstr(out, "PID     COMM            SIGNAL    SENT QUEUE   IGN MERGE  OVFL\n") != NULL,
	      "sender header: %s", out);
	check(strstr(out, "\n8       sender          RTMIN       50     6     0     0    44\n") != NULL,
	      "sender row adds up: %s", out);
	check(!strstr(out, "\n9       rtq             RTMIN"), "no row for what 9 received: %s", out);
	free(out);
}

static void feed_kernel_causes(struct decoder *d)
{
	struct sig_generate_event segv = kernel_signal(1, 11, 20, "faulter");
	struct sig_generate_event vt = kernel_signal(2, 26, 21, "cpuhog");
	struct sig_generate_event chld = kernel_signal(3, 17, 22, "parent");
	struct sig_generate_event mq = kernel_signal(4, 10, 23, "mqwaiter");
	struct sig_generate_event rt = kernel_signal(5, 44, 24, "rt");

	segv.info_kind = INFO_REAL;
	segv.code = 1; /* SEGV_MAPERR */
	segv.syscall_nr = -1;
	decode__record(d, &segv, sizeof(segv));
	vt.info_kind = INFO_PRIV; /* SI_KERNEL */
	vt.code = 0x80;
	vt.syscall_nr = -1;
	decode__record(d, &vt, sizeof(vt));
	chld.info_kind = INFO_REAL;
	chld.code = 1; /* CLD_EXITED */
	chld.info_pid = chld.info_pid_host = 77;
	task(&chld.context, 77, "child");
	decode__record(d, &chld, sizeof(chld));
	mq.info_kind = INFO_REAL;
	mq.code = -3; /* SI_MESGQ: the pid of the sender of the message */
	mq.info_pid = mq.info_pid_host = 55;
	mq.syscall_nr = -1;
	task(&mq.context, 55, "mqsender");
	decode__record(d, &mq, sizeof(mq));
	rt.info_kind = INFO_PRIV;
	rt.code = 0x80;
	rt.syscall_nr = -1;
	decode__record(d, &rt, sizeof(rt));
}

static void test_text_kernel_signal_has_no_false_sender(void)
{
	char *out = render(false, feed_kernel_causes);
	const char *rt = strstr(out, "SIGRTMIN+10 kernel");

	check(strstr(out, "faulter[20] queued SEGV_MAPERR\n") != NULL, "fault: %s", out);
	check(strstr(out, "cpuhog[21] queued SI_KERNEL (its ITIMER_VIRTUAL timer)\n") != NULL,
	      "kernel code: %s", out);
	check(strstr(out, "parent[22] queued CLD_EXITED child 77\n") != NULL, "SIGCHLD: %s", out);
	check(strstr(out, "mqwaiter[23] queued SI_MESGQ from 55\n") != NULL, "SI_MESGQ: %s", out);
	/* TIME(12) EVENT(7) SIGNAL(11), one space after each: DETAIL at column 33. */
	check(rt && rt[-22] == '\n' && rt[12] == 'k', "SIGRTMIN+10 keeps DETAIL at column 33: %s",
	      out);
	free(out);
}

/*
 * In a PID namespace the siginfo's pid is the namespace's: SIGCHLD naming
 * child 2 of a container whose host pid is 4242, and SI_MESGQ naming a
 * pid 5 no host pid is known for. Text shows the host pid, or ns:N; JSON
 * si_pid (host, absent when unknown) and si_pid_ns (when it differs).
 */
static void feed_namespaced_pids(struct decoder *d)
{
	struct sig_generate_event chld = kernel_signal(1, 17, 4200, "nsinit");
	struct sig_generate_event mq = kernel_signal(2, 10, 4201, "mqwaiter");

	chld.info_kind = INFO_REAL;
	chld.code = 1; /* CLD_EXITED */
	chld.info_pid = 2;
	chld.info_pid_host = 4242;
	task(&chld.context, 4242, "child");
	decode__record(d, &chld, sizeof(chld));
	mq.info_kind = INFO_REAL;
	mq.code = -3; /* SI_MESGQ */
	mq.info_pid = 5;
	mq.info_pid_host = -1;
	mq.syscall_nr = -1;
	decode__record(d, &mq, sizeof(mq));
}

static void test_namespaced_siginfo_pids(void)
{
	char *out = render(false, feed_namespaced_pids);

	check(strstr(out, "nsinit[4200] queued CLD_EXITED child 4242\n") != NULL, "SIGCHLD: %s", out);
	check(strstr(out, "mqwaiter[4201] queued SI_MESGQ from ns:5\n") != NULL, "SI_MESGQ: %s", out);
	free(out);
	out = render(true, feed_namespaced_pids);
	check(strstr(out, "\"si_pid\":4242,\"si_pid_ns\":2,\"context\":{\"pid\":4242") != NULL,
	      "JSON SIGCHLD: %s", out);
	check(strstr(out, "\"blocked\":false,\"si_pid_ns\":5,") != NULL, "JSON SI_MESGQ: %s", out);
	free(out);
}

/* ---- System V and mappings: lifecycles from synthetic records ---- */

static void ipc_rec(struct decoder *d, uint32_t pid, unsigned int op, uint64_t id, uint64_t key,
		    uint64_t size, uint64_t addr, uint64_t flags)
{
	struct ipc_event e = { .hdr = { .type = EVENT_IPC, .count = 1, .ts_ns = 100 + op } };

	task(&e.task, pid, "shmuser");
	e.op = op;
	e.id = id;
	e.key = key;
	e.size = size;
	e.addr = addr;
	e.flags = flags;
	decode__record(d, &e, sizeof(e));
}

/* shmget, shmat, fork (the child inherits), IPC_RMID while 2 attached, both detach. */
static void feed_shm_removed_while_attached(struct decoder *d)
{
	struct lifecycle_event fork = { .hdr = { .type = EVENT_PROC_FORK, .count = 1 } };
	struct ipc_key key = { .pid = 10, .kind = IPC_KIND_SHM, .start_ns = 10000000000ULL,
			       .id = 5 };
	struct ipc_stats st = { .attaches = 1, .detaches = 1 };

	d->model->ipc.procfs = "/nonexistent"; /* no /proc/sysvipc: the events decide */
	ipc_rec(d, 10, IPC_OP_SHMGET, 5, 0x1234, 4096, 0, 01000);
	ipc_rec(d, 10, IPC_OP_SHMAT, 5, 0, 0, 0x7000, 0);
	task(&fork.task, 11, "shmuser");
	task(&fork.parent, 10, "shmuser");
	decode__record(d, &fork, sizeof(fork));
	ipc_rec(d, 10, IPC_OP_SHMCTL, 5, 0 /* IPC_RMID */, 0, 0, 0);
	ipc_rec(d, 10, IPC_OP_SHMDT, 5, 0, 0, 0x7000, 0);
	ipc_rec(d, 11, IPC_OP_SHMDT, 5, 0, 0, 0x7000, 0);
	model__add_ipc_stats(d->model, &key, &st);
	key.pid = 11;
	key.start_ns = 11000000000ULL;
	st.attaches = 0;
	model__add_ipc_stats(d->model, &key, &st);
	d->out->ops->report(d->out);
}

static void test_json_shm_removed_while_attached(void)
{
	char *out = render(true, feed_shm_removed_while_attached);

	check(strstr(out, "{\"type\":\"shm\",\"shmid\":5,\"key\":\"0x00001234\",\"size\":4096,"
			  "\"creator\":{\"pid\":10,\"comm\":\"shmuser\"},\"before_tracing\":false,"
			  "\"attachers\":["
			  "{\"pid\":10,\"comm\":\"shmuser\",\"attaches\":1,\"detaches\":1,"
			  "\"dropped_at_exit\":0},"
			  "{\"pid\":11,\"comm\":\"shmuser\",\"attaches\":0,\"detaches\":1,"
			  "\"dropped_at_exit\":0}],"
			  "\"removed\":true") != NULL, "shm record: %s", out);
	check(strstr(out, "\"attached_at_removal\":2,\"destroyed_ns\":103,"
			  "\"destroyed_at_last_detach\":true,\"last_detacher\":{\"pid\":11,") != NULL,
	      "destroyed at the child's detach: %s", out);
	check(strstr(out, "{\"type\":\"mapping\",\"pid\":11,\"comm\":\"shmuser\",\"kind\":\"sysv\","
			  "\"path\":\"SYSV00001234\",\"ino\":5,\"dev\":0,\"bytes\":4096,\"maps\":0,"
			  "\"inherited\":true,\"before_tracing\":false,\"shared_with\":[10]}") != NULL,
	      "the child's inherited mapping: %s", out);
	check(strstr(out, "\"shm_bytes\":4096") != NULL, "process shm_bytes: %s", out);
	free(out);
}

/* Objects from before tracing that /proc/sysvipc no longer lists: only an attach and a send. */
static void feed_sysv_objects_gone_from_proc(struct decoder *d)
{
	d->model->ipc.procfs = "/nonexistent";
	ipc_rec(d, 10, IPC_OP_SHMAT, 6, 0, 0, 0x7000, 0);
	ipc_rec(d, 10, IPC_OP_MSGSND, 7, 1, 16, 0, 0);
	d->out->ops->report(d->out);
}

/* Their key and size are unknown: null and "?", not IPC_PRIVATE and 0. */
static void test_sysv_objects_gone_from_proc_have_unknown_keys(void)
{
	char *json = render(true, feed_sysv_objects_gone_from_proc);
	char *text = render(false, feed_sysv_objects_gone_from_proc);

	check(strstr(json, "{\"type\":\"shm\",\"shmid\":6,\"key\":null,\"size\":null,") != NULL,
	      "shm record: %s", json);
	check(strstr(json, "{\"type\":\"msgq\",\"msqid\":7,\"key\":null,") != NULL,
	      "msgq record: %s", json);
	check(strstr(text, "shm shmid 6 key ?, ? B") != NULL, "text shm line: %s", text);
	check(strstr(text, "msgq msqid 7 key ?") != NULL && !strstr(text, "IPC_PRIVATE"),
	      "text msgq line: %s", text);
	free(json);
	free(text);
}

static void map_rec(struct model *m, uint32_t pid, unsigned int op, uint64_t addr, uint64_t len)
{
	struct map_event e = { .hdr = { .type = EVENT_MAP, .count = 1 } };

	task(&e.task, pid, "mapper");
	e.op = op;
	e.addr = addr;
	e.len = len;
	e.ino = 77;
	e.dev = 3;
	e.fd = 4;
	strcpy(e.name, "data.bin");
	model__on_record(m, &e.hdr, &e);
}

/* munmap of the middle page splits a mapping; unmapping the rest leaves nothing. */
static void test_munmap_trims_and_splits(void)
{
	struct task_ref t = { 0 };
	struct model m;
	struct proc *p;

	model__init(&m);
	m.ipc.procfs = "/nonexistent";
	task(&t, 20, "mapper");
	map_rec(&m, 20, MAP_OP_MMAP, 0x10000, 3 * 4096);
	map_rec(&m, 20, MAP_OP_MUNMAP, 0x11000, 4096);
	p = model__proc(&m, &t);
	CHECK_INT(p->ipc->n, 2);
	CHECK_INT(p->ipc->shared_now, 2 * 4096);
	map_rec(&m, 20, MAP_OP_MUNMAP, 0x10000, 3 * 4096); /* covers both pieces and the hole */
	CHECK_INT(p->ipc->n, 0);
	CHECK_INT(p->ipc->shared_now, 0);
	CHECK_INT(p->shm_bytes, 3 * 4096); /* the peak */
	CHECK_INT(m.ipc.map_first->users->maps, 1);
	CHECK_INT(m.ipc.map_first->users->unmaps, 2);
	model__free(&m);
}

static void ipc_model_rec(struct model *m, uint64_t ts, uint32_t pid, unsigned int op,
			  const struct ipc_event *fields)
{
	struct ipc_event e = *fields;

	e.hdr = (struct event_header){ .type = EVENT_IPC, .count = 1, .ts_ns = ts };
	task(&e.task, pid, "shmuser");
	e.op = op;
	model__on_record(m, &e.hdr, &e);
}

/*
 * Pid 30 attached before tracing; 31 attaches, detaches and removes it while
 * the kernel still counts 30's attach (shm_nattch 1, read by BPF): the
 * segment lives until 30's shmdt, at an address no traced shmat gave.
 */
static void test_shm_attached_before_tracing(void)
{
	struct model m;
	struct ipc_obj *o;
	struct map_user *u;

	model__init(&m);
	m.ipc.procfs = "/nonexistent";
	ipc_model_rec(&m, 100, 31, IPC_OP_SHMGET, &(struct ipc_event){ .id = 9, .key = 0x42,
								      .size = 4096 });
	ipc_model_rec(&m, 110, 31, IPC_OP_SHMAT, &(struct ipc_event){ .id = 9, .addr = 0x5000 });
	ipc_model_rec(&m, 120, 31, IPC_OP_SHMDT, &(struct ipc_event){ .id = 9, .addr = 0x5000 });
	ipc_model_rec(&m, 130, 31, IPC_OP_SHMCTL,
		      &(struct ipc_event){ .id = 9, .key = 0 /* IPC_RMID */, .size = 1,
					   .flags = IPC_F_SHM_NATTCH });
	o = ipc_table__find(&m.ipc, IPC_KIND_SHM, 9);
	CHECK_INT(o->attached_at_removal, 1);
	CHECK_INT(o->destroyed_ns, 0);
	check(o->creator == NULL, "no creator: the get had no IPC_CREAT and a key");
	ipc_model_rec(&m, 400, 30, IPC_OP_SHMDT, &(struct ipc_event){ .id = 9, .addr = 0x9000 });
	CHECK_INT(o->destroyed_ns, 400);
	check(o->last_detacher && o->last_detacher->pid == 30, "last detacher: %u",
	      o->last_detacher ? o->last_detacher->pid : 0);
	u = m.ipc.map_first->users->next;
	check(u && u->proc->pid == 30 && u->before && u->bytes == 4096 && u->unmaps == 1,
	      "30's attach found at its shmdt (before, 4096 B, one unmap)");
	model__free(&m);
}

/* IPC_PRIVATE always makes a new object (ipc/util.c ipcget()), IPC_CREAT or not. */
static void test_ipc_private_get_creates(void)
{
	struct model m;

	model__init(&m);
	m.ipc.procfs = "/nonexistent";
	ipc_model_rec(&m, 100, 40, IPC_OP_MSGGET, &(struct ipc_event){ .id = 3, .flags = 0600 });
	ipc_model_rec(&m, 110, 41, IPC_OP_SEMGET, &(struct ipc_event){ .id = 4, .key = 0x99,
								      .size = 1, .flags = 0600 });
	check(ipc_table__find(&m.ipc, IPC_KIND_MSG, 3)->creator &&
		      ipc_table__find(&m.ipc, IPC_KIND_MSG, 3)->creator->pid == 40,
	      "msgget(IPC_PRIVATE) created the queue");
	check(!ipc_table__find(&m.ipc, IPC_KIND_SEM, 4)->creator,
	      "semget(key) without IPC_CREAT found an existing set");
	model__free(&m);
}

/* munmap of a page of a mapping from before tracing: BPF's vma names it, the rest stays. */
static void test_munmap_of_a_mapping_from_before_tracing(void)
{
	struct map_event e = { .hdr = { .type = EVENT_MAP, .count = 1 }, .op = MAP_OP_MUNMAP };
	struct task_ref t = { 0 };
	struct map_user *u;
	struct model m;
	struct proc *p;

	model__init(&m);
	m.ipc.procfs = "/nonexistent";
	task(&e.task, 50, "mapper");
	task(&t, 50, "mapper");
	e.addr = 0x20000;
	e.len = 4096;
	e.ino = 88;
	e.dev = 3;
	e.fd = -1;
	e.vm_start = 0x20000;
	e.vm_end = 0x22000;
	strcpy(e.name, "old.bin");
	model__on_record(&m, &e.hdr, &e);
	p = model__proc(&m, &t);
	CHECK_INT(p->ipc->n, 1);
	CHECK_INT(p->ipc->maps[0].addr, 0x21000);
	CHECK_INT(p->ipc->shared_now, 4096);
	CHECK_INT(p->shm_bytes, 8192);
	CHECK_STR(m.ipc.map_first->path, "old.bin");
	e.addr = 0x21000;
	e.vm_start = 0x21000;
	model__on_record(&m, &e.hdr, &e);
	CHECK_INT(p->ipc->n, 0);
	u = m.ipc.map_first->users;
	check(u && !u->next && u->before && u->bytes == 8192 && u->maps == 0 && u->unmaps == 1,
	      "one user, mapped before tracing, 8192 B, one unmap (a trim is none)");
	model__free(&m);
}

/* ---- the SIGPIPE doctor: storm start/end from record counts ---- */

#define MS_NS 1000000ULL

struct alert_log {
	int starts, ends, ongoing;
	enum storm_end_by end_by;
	uint64_t ended_epipe;	 /* summed over every storm that ended or was ongoing */
	struct doctor_storm at_start, last; /* the last start's and the last end's */
	double window_rate;
};

static void log_alert(void *ctx, const struct storm_alert *a)
{
	struct alert_log *log = ctx;

	if (a->state == STORM_START) {
		log->starts++;
		log->at_start = *a->storm;
		log->window_rate = a->window_rate;
		return;
	}
	if (a->state == STORM_ONGOING)
		log->ongoing++;
	else
		log->ends++;
	log->end_by = a->end_by;
	log->last = *a->storm;
	log->ended_epipe += a->storm->epipe;
}

static int fake_io(void *ctx, const struct io_key *key, struct io_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->write_bytes = key->pid == 42 ? 4096 : 0;
	(void)ctx;
	return 0;
}

/* One writer on one pipe: the doctor tests' cast. */
struct doctor_cast {
	struct proc writer;
	struct pipe_obj obj;
	struct pipe_end end;
};

static void doctor_cast__init(struct doctor_cast *c)
{
	*c = (struct doctor_cast){ .writer = { .pid = 42, .start_ns = 1 },
				   .obj = { .ino = 7, .kind = OBJ_PIPE } };
	c->end.proc = &c->writer;
}

/* The model's side of an EPIPE record, then the doctor's. */
static void doctor_feed_at(struct sigpipe_doctor *d, struct pipe_obj *o, struct pipe_end *e,
			   uint32_t count, uint64_t ts_ns, uint64_t span_ns)
{
	e->epipe_seen += count;
	if (!e->epipe_first_ns)
		e->epipe_first_ns = ts_ns;
	e->epipe_last_ns = ts_ns + span_ns;
	doctor__on_epipe(d, o, e, count, ts_ns, span_ns);
}

static void doctor_feed(struct sigpipe_doctor *d, struct pipe_obj *o, struct pipe_end *e,
			uint32_t count)
{
	doctor_feed_at(d, o, e, count, 1, 0);
}

/*
 * A writer's EPIPEs at a steady rate as ipcscope sees them: one folded
 * record per fold window, arriving when the window ends, its repeats'
 * first time and span in it; the doctor ticks every DOCTOR_TICK_NS at times
 * of its own, aligned with neither.
 */
struct doctor_sim {
	struct sigpipe_doctor *d;
	struct pipe_obj *o;
	struct pipe_end *e;
	uint64_t next_tick_ns;
	uint64_t fed; /* EPIPEs fed */
};

static void sim_ticks_until(struct doctor_sim *s, uint64_t t_ns)
{
	for (; s->next_tick_ns <= t_ns; s->next_tick_ns += DOCTOR_TICK_NS)
		doctor__tick(s->d, s->next_tick_ns);
}

/* rate EPIPE/s from from_ns to until_ns in fold windows of fold_ns. */
static void sim_storm(struct doctor_sim *s, uint64_t rate, uint64_t from_ns, uint64_t until_ns,
		      uint64_t fold_ns)
{
	uint64_t total = (until_ns - from_ns) * rate / 1000000000ULL, i = 0;

	for (uint64_t w = from_ns; w < until_ns; w += fold_ns) {
		uint64_t first = i, wend = w + fold_ns < until_ns ? w + fold_ns : until_ns;

		/* EPIPE i happens at from_ns + i / rate. */
		while (i < total && from_ns + i * 1000000000ULL / rate < wend)
			i++;
		sim_ticks_until(s, wend);
		if (i == first)
			continue;
		doctor_feed_at(s->d, s->o, s->e, (uint32_t)(i - first),
			       from_ns + first * 1000000000ULL / rate,
			       (i - 1 - first) * 1000000000ULL / rate);
		s->fed += i - first;
	}
}

static void doctor_sim_init(struct doctor_sim *s, struct sigpipe_doctor *d, struct pipe_obj *o,
			    struct pipe_end *e, struct alert_log *log, uint64_t threshold)
{
	doctor__init(d, threshold);
	d->alert = log_alert;
	d->alert_ctx = log;
	*s = (struct doctor_sim){ .d = d, .o = o, .e = e, .next_tick_ns = 10037 * MS_NS };
}

static void test_doctor_storm_start_and_end(void)
{
	struct doctor_cast c;
	struct sigpipe_doctor d;
	struct alert_log log = { 0 };
	struct doctor_sim s;
	uint64_t t0 = 20000 * MS_NS + 3 * MS_NS;

	doctor_cast__init(&c);
	doctor_sim_init(&s, &d, &c.obj, &c.end, &log, 1000);
	d.io = fake_io;
	/* 2400/s for 3 s: one storm, counted from its first EPIPE, nothing lost. */
	sim_storm(&s, 2400, t0, t0 + 3000 * MS_NS, 250 * MS_NS);
	CHECK_INT(c.end.bytes_before_known, 1); /* looked up at the first EPIPE */
	CHECK_INT(c.end.bytes_before_epipe, 4096);
	CHECK_INT(log.starts, 1);
	CHECK_INT(log.at_start.first_ns, t0);
	sim_ticks_until(&s, t0 + 8000 * MS_NS); /* silence: the rate falls */
	CHECK_INT(log.ends, 1);
	CHECK_INT(log.end_by, STORM_END_RATE);
	CHECK_INT(log.last.epipe, s.fed);
	CHECK_INT(log.last.first_ns, t0);
	check(log.last.last_ns > t0 + 2990 * MS_NS && log.last.last_ns < t0 + 3000 * MS_NS,
	      "last EPIPE %llu ns after the first, for a 3 s storm",
	      (unsigned long long)(log.last.last_ns - t0));
	check(log.last.peak_rate >= 2350 && log.last.peak_rate <= 2450, "peak %.1f/s for 2400/s",
	      log.last.peak_rate);
	doctor__finish(&d, s.next_tick_ns);
	CHECK_INT(log.ends + log.ongoing, 1); /* nothing left storming */
	doctor__free(&d);
}

/*
 * A storm shorter than the 2 s window is diluted in it: 2400/s for 1.2 s
 * holds 1440/s in any window; its peak is its own 2400/s over 1.2 s.
 */
/* One 2400/s storm from t0 for span_ns, threshold 1000/s, then silence until it has ended. */
static void one_storm_ended(struct doctor_cast *c, struct sigpipe_doctor *d,
			    struct alert_log *log, uint64_t t0, uint64_t span_ns)
{
	struct doctor_sim s;

	doctor_cast__init(c);
	doctor_sim_init(&s, d, &c->obj, &c->end, log, 1000);
	sim_storm(&s, 2400, t0, t0 + span_ns, 250 * MS_NS);
	sim_ticks_until(&s, t0 + 8000 * MS_NS);
	CHECK_INT(log->ends, 1);
}

static void test_doctor_short_storm_peak_is_its_own_rate(void)
{
	struct doctor_cast c;
	struct sigpipe_doctor d;
	struct alert_log log = { 0 };

	one_storm_ended(&c, &d, &log, 20000 * MS_NS + 3 * MS_NS, 1200 * MS_NS);
	check(log.last.peak_rate >= 2350 && log.last.peak_rate <= 2450,
	      "peak %.1f/s for 2400/s over 1.2 s", log.last.peak_rate);
	check(log.last.peak_span_ns > 1190 * MS_NS && log.last.peak_span_ns < 1200 * MS_NS,
	      "peak measured over %llu ns", (unsigned long long)log.last.peak_span_ns);
	check(d.writers[0].peak_rate == log.last.peak_rate, "the writer's peak %.1f",
	      d.writers[0].peak_rate);
	doctor__free(&d);
}

/*
 * A storm a little longer than the 2 s window, from mid-bucket: every
 * bucket-aligned window misses a part of it, yet its peak is not below
 * its own average (it read "631466/s, peak 598773/s over 2s").
 */
static void test_doctor_peak_is_never_below_the_average(void)
{
	struct doctor_cast c;
	struct sigpipe_doctor d;
	struct alert_log log = { 0 };
	double avg = 0;

	one_storm_ended(&c, &d, &log, 20000 * MS_NS + 125 * MS_NS, 2100 * MS_NS);
	CHECK_INT(doctor_storm__rate(&log.last, &avg), 1);
	check(log.last.peak_rate >= avg, "peak %.1f/s, average %.1f/s", log.last.peak_rate, avg);
	check(doctor_writer__peak_rate(&d, &d.writers[0]) >= avg, "the writer's peak %.1f/s",
	      doctor_writer__peak_rate(&d, &d.writers[0]));
	doctor__free(&d);
}

/*
 * The writer's total: the larger of harvested and live counts while they
 * can lag each other, the BPF count alone once it is final and lossless
 * (a record counted twice must not show as an EPIPE more).
 */
static void test_doctor_writer_total_prefers_final_counters(void)
{
	struct doctor_cast c;
	struct sigpipe_doctor d;

	doctor_cast__init(&c);
	doctor__init(&d, 100);
	doctor_feed(&d, &c.obj, &c.end, 5);
	CHECK_INT(d.count, 1);
	c.end.io.epipe = 3; /* harvested before the last records came */
	CHECK_INT(doctor_writer__epipes(&d, &d.writers[0]), 5);
	c.end.io.epipe = 9; /* records still to come */
	CHECK_INT(doctor_writer__epipes(&d, &d.writers[0]), 9);
	c.end.io.epipe = 4; /* final: a record was counted twice */
	d.counters_exact = true;
	CHECK_INT(doctor_writer__epipes(&d, &d.writers[0]), 4);
	doctor__free(&d);
}

/*
 * A write cut short raises SIGPIPE with no EPIPE: the SIGPIPE makes the
 * writer's row, its action comes from the SIGPIPE (and the death), and
 * an EPIPE that follows joins the same row and takes over.
 */
static void test_doctor_row_from_a_sigpipe_alone(void)
{
	struct doctor_cast c;
	struct event_header hdr = { .type = EVENT_SIG_GENERATE, .count = 1, .ts_ns = 5 * MS_NS };
	struct sigpipe_doctor d;

	doctor_cast__init(&c);
	c.end.sigpipe_action = SIGPIPE_IGNORE;
	doctor__init(&d, 100);
	CHECK_INT(doctor__on_sigpipe(&d, &c.obj, &c.end, &hdr, SIG_RESULT_QUEUED, false), 0);
	CHECK_INT(d.count, 1);
	CHECK_INT(d.writers[0].sigpipes, 1);
	CHECK_INT(d.writers[0].sigpipe_first_ns, 5 * MS_NS);
	CHECK_INT(doctor_writer__epipes(&d, &d.writers[0]), 0);
	/* Queued, no handler seen to run it: its default, death. */
	CHECK_INT(doctor_writer__sigpipe_action(&d.writers[0]), SIGPIPE_DEFAULT);
	c.writer.exited = true;
	c.writer.exit_status = 13; /* SIGPIPE: killed by it */
	CHECK_INT(doctor_writer__sigpipe_action(&d.writers[0]), SIGPIPE_DEFAULT);
	hdr.ts_ns = 3 * MS_NS; /* an older record, late */
	doctor__on_sigpipe(&d, &c.obj, &c.end, &hdr, SIG_RESULT_IGNORED, false);
	CHECK_INT(d.writers[0].sigpipe_first_ns, 3 * MS_NS);
	CHECK_INT(d.writers[0].sigpipe_last_ns, 5 * MS_NS);
	c.writer.exited = false;
	CHECK_INT(doctor_writer__sigpipe_action(&d.writers[0]), SIGPIPE_DEFAULT); /* the last's */
	doctor_feed(&d, &c.obj, &c.end, 2);
	CHECK_INT(d.count, 1);
	CHECK_INT(d.writers[0].sigpipes, 2);
	CHECK_INT(doctor_writer__epipes(&d, &d.writers[0]), 2);
	CHECK_INT(doctor_writer__sigpipe_action(&d.writers[0]), SIGPIPE_IGNORE); /* the EPIPE's */
	doctor__free(&d);
}

/*
 * 108/s against a threshold of 100 for 10 s, folded in 250 ms windows that
 * neither the ticks nor the buckets line up with: counted by their own
 * time, the rate holds at 108 and the storm is one, not four.
 */
static void test_doctor_steady_storm_near_threshold_does_not_flap(void)
{
	struct doctor_cast c;
	struct sigpipe_doctor d;
	struct alert_log log = { 0 };
	struct doctor_sim s;
	uint64_t t0 = 30000 * MS_NS + 161 * MS_NS;
	double rate;

	doctor_cast__init(&c);
	doctor_sim_init(&s, &d, &c.obj, &c.end, &log, 100);
	sim_storm(&s, 108, t0, t0 + 10000 * MS_NS, 250 * MS_NS);
	sim_ticks_until(&s, t0 + 15000 * MS_NS);
	CHECK_INT(log.starts, 1);
	CHECK_INT(log.ends, 1);
	CHECK_INT(log.last.epipe, s.fed);
	check(log.last.peak_rate <= 108 * 1.03, "peak %.1f/s for a steady 108/s",
	      log.last.peak_rate);
	check(doctor_storm__rate(&log.last, &rate) && rate > 105 && rate < 111,
	      "storm rate %.1f/s for 108/s", rate);
	/* At the alert the storm already spans more than a second: its own rate. */
	check(doctor_storm__rate(&log.at_start, &rate) && rate > 100 && rate < 116,
	      "rate at the start %.1f/s for 108/s", rate);
	doctor__free(&d);
}

/* A rate that dips a little under the threshold does not end the storm: hysteresis. */
static void test_doctor_storm_ends_below_half_the_threshold(void)
{
	struct doctor_cast c;
	struct sigpipe_doctor d;
	struct alert_log log = { 0 };
	struct doctor_sim s;
	uint64_t t0 = 40000 * MS_NS;

	doctor_cast__init(&c);
	doctor_sim_init(&s, &d, &c.obj, &c.end, &log, 100);
	sim_storm(&s, 150, t0, t0 + 3000 * MS_NS, 250 * MS_NS);
	sim_storm(&s, 70, t0 + 3000 * MS_NS, t0 + 6000 * MS_NS, 250 * MS_NS);
	CHECK_INT(log.starts, 1);
	CHECK_INT(log.ends, 0); /* 70/s: under 100, over 50 */
	sim_storm(&s, 30, t0 + 6000 * MS_NS, t0 + 10000 * MS_NS, 250 * MS_NS);
	CHECK_INT(log.ends, 1);
	doctor__finish(&d, s.next_tick_ns);
	CHECK_INT(log.starts, 1);
	doctor__free(&d);
}

/*
 * Two storms with a pause: each counts its own EPIPEs (none in both, the
 * sum is what was fed) and has its own peak, not the run's.
 */
static void test_doctor_back_to_back_storms_count_apart(void)
{
	struct doctor_cast c;
	struct sigpipe_doctor d;
	struct alert_log log = { 0 };
	struct doctor_sim s;
	uint64_t t0 = 50000 * MS_NS + 77 * MS_NS, t1 = t0 + 5500 * MS_NS;

	doctor_cast__init(&c);
	doctor_sim_init(&s, &d, &c.obj, &c.end, &log, 100);
	sim_storm(&s, 2000, t0, t0 + 2000 * MS_NS, 200 * MS_NS);
	sim_storm(&s, 0 + 1, t0 + 2000 * MS_NS, t1, 200 * MS_NS); /* a trickle between */
	CHECK_INT(log.ends, 1);
	check(log.last.peak_rate > 1900, "first storm's peak %.1f/s", log.last.peak_rate);
	sim_storm(&s, 300, t1, t1 + 4000 * MS_NS, 200 * MS_NS);
	sim_ticks_until(&s, t1 + 9000 * MS_NS);
	CHECK_INT(log.starts, 2);
	CHECK_INT(log.ends, 2);
	check(log.last.peak_rate > 290 && log.last.peak_rate < 310,
	      "second storm's peak %.1f/s for 300/s (not the first's)", log.last.peak_rate);
	check(log.ended_epipe <= s.fed && log.ended_epipe >= s.fed - 10,
	      "storms counted %llu of %llu EPIPEs (only the trickle between is in none)",
	      (unsigned long long)log.ended_epipe, (unsigned long long)s.fed);
	doctor__free(&d);
}

/*
 * A corrupt record's time at the end of the clock: its count goes to one
 * bucket, with no bucket bound wrapping around (fuzz_decode found a
 * division by a zero span there).
 */
static void test_doctor_epipe_at_the_end_of_time(void)
{
	struct doctor_cast c;
	struct sigpipe_doctor d;

	doctor_cast__init(&c);
	doctor__init(&d, 100);
	CHECK_INT(doctor__on_epipe(&d, &c.obj, &c.end, 5, UINT64_MAX - 3, 0), 0);
	CHECK_INT(doctor__on_epipe(&d, &c.obj, &c.end, 7, UINT64_MAX - 3000, 2000000), 0);
	CHECK_INT(d.count, 1);
	doctor__free(&d);
}

/* Tracing stops in a storm: it is still going, not over; a writer that exited ends it. */
static void test_doctor_storm_at_trace_end(void)
{
	struct doctor_cast c;
	struct sigpipe_doctor d;
	struct alert_log log = { 0 };
	struct doctor_sim s;
	uint64_t t0 = 60000 * MS_NS;

	doctor_cast__init(&c);
	doctor_sim_init(&s, &d, &c.obj, &c.end, &log, 100);
	sim_storm(&s, 1000, t0, t0 + 3000 * MS_NS, 250 * MS_NS);
	doctor__finish(&d, t0 + 3000 * MS_NS);
	CHECK_INT(log.starts, 1);
	CHECK_INT(log.ends, 0);
	CHECK_INT(log.ongoing, 1);
	CHECK_INT(log.end_by, STORM_END_TRACE);
	CHECK_INT(log.last.epipe, s.fed); /* the last, cut bucket included */
	doctor__free(&d);

	memset(&log, 0, sizeof(log));
	c.end = (struct pipe_end){ .proc = &c.writer };
	doctor_sim_init(&s, &d, &c.obj, &c.end, &log, 100);
	sim_storm(&s, 1000, t0, t0 + 3000 * MS_NS, 250 * MS_NS);
	c.writer.exited = true;
	c.writer.exit_ts_ns = t0 + 3001 * MS_NS;
	sim_ticks_until(&s, t0 + 3300 * MS_NS);
	CHECK_INT(log.ends, 0); /* its last records may still come */
	sim_ticks_until(&s, t0 + 4300 * MS_NS); /* its buckets settled: DOCTOR_SETTLE_NS */
	CHECK_INT(log.ends, 1);
	CHECK_INT(log.end_by, STORM_END_WRITER_EXIT);
	CHECK_INT(log.last.epipe, s.fed);
	sim_ticks_until(&s, t0 + 6000 * MS_NS); /* its EPIPEs still in the rate window */
	CHECK_INT(log.starts, 1); /* no storm again from what one already counted */
	doctor__free(&d);
}

/* No rate for a short span; bytes before unknown for a writer older than tracing. */
static void test_doctor_says_unknown_rather_than_wrong(void)
{
	struct proc old = { .pid = 42, .start_ns = 5 }, young = { .pid = 42, .start_ns = 500 };
	struct pipe_obj obj = { .ino = 7, .kind = OBJ_PIPE };
	struct pipe_end e_old = { .proc = &old }, e_young = { .proc = &young };
	struct sigpipe_doctor d;
	double rate = -1;

	check(!doctor__rate(10, 10000, &rate), "a rate for 10 EPIPEs in 10 us: %.0f", rate);
	check(doctor__rate(300, 2000 * MS_NS, &rate) && rate == 150, "300 in 2 s: %.1f/s", rate);
	doctor__init(&d, 100);
	d.io = fake_io;
	d.traced_since_ns = 100;
	doctor_feed(&d, &obj, &e_old, 1);
	doctor_feed(&d, &obj, &e_young, 1);
	CHECK_INT(e_old.bytes_before_known, 0);
	CHECK_INT(e_young.bytes_before_known, 1);
	CHECK_INT(e_young.bytes_before_epipe, 4096);
	check(!doctor_writer__avg_rate(&d, &d.writers[1], &rate), "a writer rate for one EPIPE");
	doctor__free(&d);
}

/*
 * Already failing at start: only a writer older than tracing whose first
 * EPIPE comes within 1 s of the attach with nothing written while traced
 * (fake_io: pid 42 wrote 4096 B, others nothing).
 */
static void test_doctor_failing_at_start_needs_every_sign(void)
{
	struct proc storming = { .pid = 40, .start_ns = 5 }, late = { .pid = 41, .start_ns = 5 },
		    wrote = { .pid = 42, .start_ns = 5 }, young = { .pid = 43, .start_ns = 500 };
	struct pipe_obj obj = { .ino = 7, .kind = OBJ_PIPE };
	struct pipe_end e[] = { { .proc = &storming }, { .proc = &late }, { .proc = &wrote },
				{ .proc = &young } };
	uint64_t attach = 10000 * MS_NS;
	struct sigpipe_doctor d;

	doctor__init(&d, 100);
	d.io = fake_io;
	d.traced_since_ns = 100;
	d.traced_since_mono_ns = attach;
	doctor_feed_at(&d, &obj, &e[0], 1, attach + 300 * MS_NS, 0);
	doctor_feed_at(&d, &obj, &e[1], 1, attach + 1500 * MS_NS, 0);
	doctor_feed_at(&d, &obj, &e[2], 1, attach + 300 * MS_NS, 0);
	doctor_feed_at(&d, &obj, &e[3], 1, attach + 300 * MS_NS, 0);
	CHECK_INT(d.count, 4);
	CHECK_INT(d.writers[0].failing_at_start, 1);
	CHECK_INT(d.writers[1].failing_at_start, 0); /* first EPIPE 1.5 s in */
	CHECK_INT(d.writers[2].failing_at_start, 0); /* a write got through: a reader then */
	CHECK_INT(d.writers[3].failing_at_start, 0); /* started after the attach */
	doctor__free(&d);
}

/*
 * Rows past --keep go once their object is closed for good and they are
 * quiet; the rest keep their place and writer_of() still finds them.
 */
static void test_doctor_retires_quiet_rows_of_closed_objects(void)
{
	struct proc writer = { .pid = 42, .start_ns = 1 }, reader = { .pid = 43, .start_ns = 1 };
	struct pipe_departure left = { .proc = &reader, .ts_ns = 100 };
	struct pipe_departure wrote = { .proc = &writer, .ts_ns = 100 };
	struct pipe_obj obj[5];
	struct pipe_end end[5];
	struct sigpipe_doctor d;
	uint64_t now = 0;

	doctor__init(&d, 1000);
	for (int i = 0; i < 5; i++) {
		obj[i] = (struct pipe_obj){ .ino = 10 + i, .kind = OBJ_PIPE };
		end[i] = (struct pipe_end){ .proc = &writer };
		if (i != 2) { /* obj[2] is still open */
			obj[i].last_reader = left;
			obj[i].last_writer = wrote;
		}
		doctor_feed(&d, &obj[i], &end[i], 10 + i);
	}
	CHECK_INT(doctor__retire(&d, 0, 1000), 0); /* EPIPE in the rate window: not quiet */
	/* Measured once settled (d.settle_ns), then out of the 2 s window. */
	while (now < d.settle_ns + DOCTOR_SPAN_NS + 2 * DOCTOR_TICK_NS)
		doctor__tick(&d, now += DOCTOR_TICK_NS);
	CHECK_INT(doctor__retire(&d, 1, 50), 0); /* closed after before_ns: not yet */
	d.writers[4].storming = true;		 /* a storm never retires */
	CHECK_INT(doctor__retire(&d, 1, 1000), 2); /* settled: 0, 1, 3; keep 1: 0 and 1 go */
	CHECK_INT(d.count, 3);
	CHECK_INT(d.retired.writers, 2);
	CHECK_INT(d.retired.epipe, 10 + 11);
	CHECK_INT(end[0].doctor_row, 0);
	CHECK_INT(end[1].doctor_row, 0);
	for (int i = 2; i < 5; i++) {
		CHECK_INT(end[i].doctor_row, i - 1);
		check(d.writers[i - 2].end == &end[i], "row %d is end %d", i - 2, i);
	}
	doctor_feed(&d, &obj[2], &end[2], 5); /* found in its moved row, not a new one */
	CHECK_INT(d.count, 3);
	CHECK_INT(d.writers[0].end, &end[2]);
	doctor__free(&d);
}


/* ---- retiring: bounded tables, exact totals ---- */

#define SEC_NS 1000000000ULL

static struct proc *retire_proc(struct model *m, uint32_t pid, uint64_t exit_s, bool involved)
{
	struct proc *p = proc_table__get(m->procs, pid, pid * 1000ULL, "churn");

	p->involved = involved;
	if (exit_s) {
		p->exited = true;
		p->exit_status = 3 << 8;
		p->exit_ts_ns = exit_s * SEC_NS;
	}
	return p;
}

static void add_write(struct model *m, struct proc *p, uint64_t ino, uint64_t bytes, bool read)
{
	struct io_key key = { .pid = p->pid, .start_ns = p->start_ns, .ino = ino, .dev = 9 };
	struct io_stats st = { .kind = OBJ_PIPE };

	if (read) {
		st.read_calls = 1;
		st.read_bytes = bytes;
	} else {
		st.write_calls = 1;
		st.write_bytes = bytes;
	}
	CHECK_INT(model__add_io_stats(m, &key, &st), 0);
}

/* As report__wants without a filter: what took part in something. */
static bool shown_if_involved(const struct proc *p, void *ctx)
{
	(void)ctx;
	return p->involved;
}

static void test_retire_merges_and_pins(void)
{
	struct retire_policy pol = { .keep = 0, .grace_ns = SEC_NS, .shown = shown_if_involved };
	struct sig_stats_key k = { .pid = 100, .start_ns = 100000, .sig = 10 };
	struct sig_stats sent = { .sent = { [SIG_RESULT_QUEUED] = 3 } };
	struct obj_ref closed = { .ino = 1, .dev = 9, .kind = OBJ_PIPE };
	struct obj_ref open = { .ino = 2, .dev = 9, .kind = OBJ_PIPE };
	struct proc *b, *c, *e, *late;
	struct pipe_obj *o;
	struct model m;
	const struct sig_stats *st;

	CHECK_INT(model__init(&m), 0);
	retire_proc(&m, 100, 1, true);	    /* over, sent SIGUSR1 x3 */
	b = retire_proc(&m, 101, 1, true);  /* over, wrote the closed pipe, reads the open one */
	c = retire_proc(&m, 102, 0, true);  /* alive */
	retire_proc(&m, 103, 1, false);	    /* over, nothing to report */
	e = retire_proc(&m, 104, 1, true);  /* over, but created the open pipe */
	late = retire_proc(&m, 105, 3, true); /* over within the grace period */
	CHECK_INT(model__add_sig_stats(&m, &k, &sent), 0);
	add_write(&m, b, 1, 500, false);
	add_write(&m, b, 2, 40, true);
	add_write(&m, c, 2, 40, false);
	o = pipe_table__get(&m.pipes, &closed);
	o->last_reader = (struct pipe_departure){ b, SEC_NS / 2, false };
	o->last_writer = (struct pipe_departure){ b, SEC_NS / 2, false };
	pipe_table__get(&m.pipes, &open)->creator = e;

	CHECK_INT(retire__run(&m, &pol, 3 * SEC_NS + SEC_NS / 2), 0);
	CHECK_INT(m.retired.processes, 3); /* a, b, 103 */
	CHECK_INT(m.retired.shown, 2);	   /* a, b */
	CHECK_INT(m.retired.exits, 2);
	CHECK_INT(m.retired.pipes, 1);
	CHECK_INT(m.retired.pipe_bytes, 500);
	CHECK_INT(proc_table__count(m.procs), 3); /* c alive, e pinned, late in its grace */
	check(proc_table__find(m.procs, 102, 102000) == c, "the live process stays");
	check(proc_table__find(m.procs, 104, 104000) == e, "the pinned creator stays");
	check(proc_table__find(m.procs, 105, 105000) == late, "the recent one stays");
	check(!proc_table__find(m.procs, 100, 100000), "a retired");
	check(pipe_table__find(&m.pipes, &closed) == NULL, "the closed pipe retired");
	st = model__sig_stats(m.retired_proc, 10);
	check(st != NULL, "(retired) has SIGUSR1");
	if (st)
		CHECK_INT(st->sent[SIG_RESULT_QUEUED], 3);
	CHECK_INT(m.retired_proc->pipe_write_bytes, 500);
	CHECK_INT(m.retired_proc->pipe_read_bytes, 40);
	/* b's end on the open pipe now belongs to "(retired)", c's is untouched. */
	o = pipe_table__find(&m.pipes, &open);
	check(o && o->ends && o->ends->proc == c && o->ends->next &&
		      o->ends->next->proc == m.retired_proc && !o->ends->next->next,
	      "open pipe ends: c, then (retired)");
	if (o && o->ends && o->ends->next)
		CHECK_INT(o->ends->next->io.read_bytes, 40);

	/* keep = 2 of e (pinned), 105, 106: only the first sighted unpinned one goes. */
	retire_proc(&m, 106, 1, true);
	pol.keep = 2;
	CHECK_INT(retire__run(&m, &pol, 10 * SEC_NS), 0);
	CHECK_INT(m.retired.shown, 3);
	check(proc_table__find(m.procs, 105, 105000) == NULL, "105 (older) retired");
	check(proc_table__find(m.procs, 106, 106000) != NULL, "106 kept");

	/* A late row for a retired process gets its name back and follows it. */
	CHECK_INT(model__add_sig_stats(&m, &k, &sent), 0);
	b = proc_table__find(m.procs, 100, 100000);
	check(b && b->late && !strcmp(b->comm, "churn"), "late row: named, marked late");
	CHECK_INT(retire__run(&m, &pol, 11 * SEC_NS), 0);
	check(proc_table__find(m.procs, 100, 100000) == NULL, "late one retired again");
	st = model__sig_stats(m.retired_proc, 10);
	if (st)
		CHECK_INT(st->sent[SIG_RESULT_QUEUED], 6);
	CHECK_INT(m.retired.shown, 3); /* not counted twice */
	model__free(&m);
}

/*
 * A per-CPU slot may still hold a process's counters for a queue when the
 * queue retires: they come later and go to the process, without bringing
 * the queue back as a record with no name.
 */
static void test_retire_late_ipc_row_goes_to_its_process(void)
{
	struct retire_policy pol = { .keep = 0, .grace_ns = SEC_NS, .shown = shown_if_involved };
	struct ipc_key key = { .pid = 200, .start_ns = 200000, .kind = IPC_KIND_MSG, .id = 77,
			       .sub = 1 };
	struct ipc_stats s = { .sends = 2, .send_bytes = 64 };
	struct ipc_obj *o;
	struct proc *p;
	struct model m;

	CHECK_INT(model__init(&m), 0);
	p = retire_proc(&m, 200, 0, true); /* alive: it stays by name */
	CHECK_INT(model__add_ipc_stats(&m, &key, &s), 0);
	o = ipc_table__find(&m.ipc, IPC_KIND_MSG, 77);
	check(o != NULL, "the queue from its first row");
	if (!o) {
		model__free(&m);
		return;
	}
	o->removed = true;
	o->removed_ns = SEC_NS / 2;
	CHECK_INT(retire__run(&m, &pol, 3 * SEC_NS), 0);
	CHECK_INT(m.retired.ipc_objects, 1);
	check(!ipc_table__find(&m.ipc, IPC_KIND_MSG, 77), "the removed queue retired");
	CHECK_INT(model__add_ipc_stats(&m, &key, &s), 0);
	check(!ipc_table__find(&m.ipc, IPC_KIND_MSG, 77), "a late row does not bring it back");
	CHECK_INT(p->msgs_sent, 4);
	key.id = 78; /* a queue never retired is still created by its first row */
	CHECK_INT(model__add_ipc_stats(&m, &key, &s), 0);
	check(ipc_table__find(&m.ipc, IPC_KIND_MSG, 78) != NULL, "a new queue from a row");
	model__free(&m);
}


/* ---- FIFOs opened before tracing, device numbers, the pipe graph, folded spans ---- */

/* A FIFO of this process's own, open read-write (which never blocks on Linux). */
struct own_fifo {
	char dir[64], path[128];
	int fd;
	struct obj_ref ref; /* dev in the kernel's encoding, as BPF sends it */
};

static bool own_fifo__open(struct own_fifo *f, const char *name)
{
	struct stat st;

	snprintf(f->dir, sizeof(f->dir), "/tmp/ipcscope-unit-XXXXXX");
	if (!mkdtemp(f->dir))
		return false;
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	if (mkfifo(f->path, 0600) || (f->fd = open(f->path, O_RDWR | O_CLOEXEC)) < 0 ||
	    fstat(f->fd, &st))
		return false;
	f->ref = (struct obj_ref){ .ino = st.st_ino, .kind = OBJ_FIFO,
				   .dev = major(st.st_dev) << 20 | minor(st.st_dev) };
	return true;
}

static void own_fifo__close(struct own_fifo *f)
{
	close(f->fd);
	unlink(f->path);
	rmdir(f->dir);
}

static struct own_fifo fifo_under_test;

/* This process's EPIPE on the FIFO, carrying its SIGPIPE, as BPF sends it. */
static void feed_epipe_on_own_fifo(struct decoder *d)
{
	struct epipe_event e = epipe_burst(true);

	e.hdr.flags = EVENT_F_WITH_SIGPIPE;
	e.hdr.count = 1;
	task(&e.task, (uint32_t)getpid(), "writer");
	e.object = fifo_under_test.ref;
	e.fd = fifo_under_test.fd;
	decode__record(d, &e, sizeof(e));
}

static void test_fifo_opened_before_tracing_is_named(void)
{
	/* A hostile name: the sinks' one sanitizer must escape it like any other. */
	struct own_fifo *f = &fifo_under_test;
	char *json, *text, want[512];

	if (!own_fifo__open(f, "old\x1b[1mfifo")) {
		check(false, "cannot make a FIFO in /tmp: %s", strerror(errno));
		return;
	}
	json = render(true, feed_epipe_on_own_fifo);
	text = render(false, feed_epipe_on_own_fifo);
	/* The signal goes out first: the EPIPE's fd has named the FIFO by then. */
	snprintf(want, sizeof(want), "\"object\":{\"kind\":\"fifo\",\"ino\":%llu,\"dev\":%llu,"
		 "\"path\":\"%s/old\\u001b[1mfifo\"}", (unsigned long long)f->ref.ino,
		 (unsigned long long)makedev(f->ref.dev >> 20, f->ref.dev & 0xfffff), f->dir);
	check(strstr(json, "{\"type\":\"signal\"") && strstr(strstr(json, "{\"type\":\"signal\""),
								want),
	      "signal record's object %s in: %s", want, json);
	check(strstr(json, "{\"type\":\"epipe\"") && strstr(strstr(json, "{\"type\":\"epipe\""),
							     want),
	      "epipe record's object %s in: %s", want, json);
	snprintf(want, sizeof(want), "fifo:%s/old\\x1b[1mfifo", f->dir);
	check(strstr(text, "writing to ") && strstr(strstr(text, "writing to "), want) &&
		      strstr(text, "EPIPE   SIGPIPE") &&
		      strstr(strstr(text, "EPIPE   SIGPIPE"), want) && !strchr(text, '\x1b'),
	      "signal and EPIPE lines name %s, escaped: %s", want, text);
	free(json);
	free(text);
	own_fifo__close(f);
}

/* A traffic row names no fd: the FIFO is found among the process's fds. */
static void test_fifo_named_from_a_traffic_row(void)
{
	struct own_fifo f;
	struct model m;
	struct io_key key = { .pid = (uint32_t)getpid(), .start_ns = 1 };
	struct io_stats s = { .kind = OBJ_FIFO, .write_calls = 1, .write_bytes = 10 };
	struct pipe_obj *o;

	if (!own_fifo__open(&f, "traffic")) {
		check(false, "cannot make a FIFO in /tmp: %s", strerror(errno));
		return;
	}
	CHECK_INT(model__init(&m), 0);
	key.dev = f.ref.dev;
	key.ino = f.ref.ino + 1; /* another inode: the fd must not name it */
	CHECK_INT(model__add_io_stats(&m, &key, &s), 0);
	o = pipe_table__find(&m.pipes, &(struct obj_ref){ .ino = key.ino, .dev = key.dev });
	check(o && !o->path[0] && o->path_tries == 1, "an inode the process does not hold: %s",
	      o ? o->path : "(no object)");
	key.ino = f.ref.ino;
	unlink(f.path); /* unlinked since it was opened: d_path() says " (deleted)" */
	CHECK_INT(model__add_io_stats(&m, &key, &s), 0);
	o = pipe_table__find(&m.pipes, &f.ref);
	check(o != NULL, "the FIFO's object");
	if (o)
		CHECK_STR(o->path, f.path);
	model__free(&m);
	own_fifo__close(&f);
}

/* stat(2)'s st_dev, not the kernel's MAJOR << 20 | MINOR, for a FIFO and pipefs's anon dev. */
static void feed_devs(struct decoder *d)
{
	struct epipe_event e = epipe_burst(false);
	struct io_key key = { .pid = 11, .start_ns = 11000000000ULL, .ino = 4242 };
	struct io_stats s = { .kind = OBJ_PIPE, .write_calls = 1 };

	e.hdr.flags = 0;
	e.hdr.count = 1;
	e.object = (struct obj_ref){ .ino = 77, .dev = 254u << 20 | 1, .kind = OBJ_FIFO };
	decode__record(d, &e, sizeof(e));
	key.dev = 300; /* an anonymous dev past minor 255: glibc splits the minor */
	model__add_io_stats(d->model, &key, &s);
	d->out->ops->report(d->out);
}

static void test_json_dev_is_stat_st_dev(void)
{
	char *json = render(true, feed_devs), want[128];

	CHECK_INT(makedev(254, 1), 65025);
	snprintf(want, sizeof(want), "\"ino\":77,\"dev\":%llu}", (unsigned long long)makedev(254, 1));
	check(strstr(json, want) != NULL, "epipe object %s in: %s", want, json);
	snprintf(want, sizeof(want), "{\"type\":\"pipe\",\"ino\":4242,\"dev\":%llu,",
		 (unsigned long long)makedev(0, 300));
	check(strstr(json, want) != NULL, "pipe record %s in: %s", want, json);
	free(json);
}

/* The audit's pipe: partial writes were in JSON only. */
static void feed_partial_writes(struct decoder *d)
{
	struct io_key key = { .pid = 11, .start_ns = 11000000000ULL, .dev = 15, .ino = 4343 };
	struct io_stats s = { .kind = OBJ_PIPE, .write_calls = 40, .write_bytes = 54096,
			      .write_partial = 1, .write_eagain = 29 };

	model__add_io_stats(d->model, &key, &s);
	d->out->ops->report(d->out);
}

static void test_text_pipe_graph_shows_partial_writes(void)
{
	char *text = render(false, feed_partial_writes);

	check(strstr(text, "wrote 54096 B in 40 write calls, blocked 0ns, 1 partial, 29 EAGAIN\n") !=
		      NULL,
	      "writer line with its partial writes: %s", text);
	free(text);
}

/* Calls a signal cut short on both ends; the reader's harvested twice (slots, then hash). */
static void feed_interrupted_ends(struct decoder *d)
{
	struct io_key key = { .pid = 11, .start_ns = 11000000000ULL, .dev = 15, .ino = 4343 };
	struct io_stats w = { .kind = OBJ_PIPE, .write_calls = 4, .write_bytes = 3,
			      .write_interrupted = 1 };
	struct io_stats r = { .kind = OBJ_PIPE, .read_calls = 3, .read_bytes = 2, .read_eof = 1,
			      .read_interrupted = 1 };

	model__add_io_stats(d->model, &key, &w);
	key.pid = 12;
	key.start_ns = 12000000000ULL;
	model__add_io_stats(d->model, &key, &r);
	model__add_io_stats(d->model, &key, &r);
	d->out->ops->report(d->out);
}

static void test_pipe_ends_count_interrupted_calls(void)
{
	char *json = render(true, feed_interrupted_ends), *text = render(false, feed_interrupted_ends);

	check(strstr(json, "\"bytes\":3,\"writes\":4,\"blocked_ns\":0,\"epipe\":0,\"partial\":0,"
			   "\"eagain\":0,\"interrupted\":1}") != NULL, "JSON writer: %s", json);
	check(strstr(json, "\"bytes\":4,\"reads\":6,\"blocked_ns\":0,\"eof\":2,\"eagain\":0,"
			   "\"interrupted\":2}") != NULL, "JSON reader (two harvests add): %s", json);
	check(strstr(text, "wrote 3 B in 4 write calls, blocked 0ns, 1 interrupted\n") != NULL,
	      "text writer: %s", text);
	check(strstr(text, "read 4 B in 6 read calls, blocked 0ns, 2 EOF, 2 interrupted\n") != NULL,
	      "text reader: %s", text);
	free(json);
	free(text);
}

/* Every result a read/write-like call can return at sys_exit, and its one bit. */
static void test_io_result_bits(void)
{
	static const struct {
		long ret;
		int bit;
	} cases[] = {
		{ 1, IO_DATA },	       { 65536, IO_DATA },	{ 0x7fffffffL, IO_DATA },
		{ 0, IO_ZERO },	       { -11, IO_EAGAIN },	{ -32, IO_EPIPE },
		{ -4, IO_CUT_SHORT },  { -512, IO_CUT_SHORT }, { -513, IO_CUT_SHORT },
		{ -514, IO_CUT_SHORT }, { -516, IO_CUT_SHORT }, { -511, 0 },
		{ -517, 0 },	       { -9, 0 },		{ -14, 0 },
		{ -4095, 0 },	       { -1, 0 },		{ LONG_MIN, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(io_result__of(cases[i].ret) == cases[i].bit, "ret %ld: bits %d, expected %d",
		      cases[i].ret, io_result__of(cases[i].ret), cases[i].bit);
}

static unsigned int clock_ms(const char *hhmmss)
{
	unsigned int h, m, sec, ms;

	return sscanf(hhmmss, "%u:%u:%u.%u", &h, &m, &sec, &ms) == 4 ?
		       ((h * 60 + m) * 60 + sec) * 1000 + ms :
		       0;
}

/* Repeats from t = 1 s to 3.5 s, folded into one record that came out at the end. */
static void feed_folded_span(struct decoder *d)
{
	struct epipe_event e = epipe_burst(false);

	e.hdr.ts_ns = 1000000000ULL;
	e.hdr.span_us = 2500000;
	decode__record(d, &e, sizeof(e));
}

static void test_text_folded_line_says_its_span(void)
{
	char *text = render(false, feed_folded_span);
	const char *until = strstr(text, "[x5 like this until ");
	unsigned int first = clock_ms(text), last = until ? clock_ms(until + strlen("[x5 like this until ")) : 0;

	check(until && (last + 86400000 - first) % 86400000 == 2500, "first %u ms, last %u ms: %s",
	      first, last, text);
	free(text);
}

/* -p and -c (and COMMAND) combine: a process must pass each that is given. */
static void test_filter_pid_and_comm_both_apply(void)
{
	struct filter f;
	struct proc p = { .pid = 10 };

	filter__init(&f);
	filter__add_pid(&f, 10);
	f.comms[f.ncomms++] = "nginx";
	strcpy(p.comm, "nginx");
	check(filter__proc(&f, &p), "pid 10 named nginx: selected");
	strcpy(p.comm, "bash");
	check(!filter__proc(&f, &p), "pid 10 named bash: not selected");
	p.pid = 11;
	strcpy(p.comm, "nginx");
	check(!filter__proc(&f, &p), "pid 11 named nginx: not selected");
}

/* ---- cli: what the command line asks for ---- */

/*
 * cli__parse on a copy of words (it may shift argv), stderr silenced. The
 * copy lives on: c->command points into it.
 */
static int parse_words(struct cli *c, const char *const *words)
{
	static char *argv[16];
	int argc = 0, saved = dup(2), null = open("/dev/null", O_WRONLY), ret;

	argv[argc++] = (char *)"ipcscope";
	for (; *words && argc < 15; words++)
		argv[argc++] = (char *)*words;
	argv[argc] = NULL;
	dup2(null, 2);
	ret = cli__parse(c, argc, argv);
	dup2(saved, 2);
	close(null);
	close(saved);
	return ret;
}

static void test_cli_dash_dash_needs_a_command(void)
{
	struct cli c;

	/* Once read as "no COMMAND": a system-wide run nobody asked for. */
	CHECK_INT(parse_words(&c, (const char *const[]){ "--", NULL }), EXIT_USAGE);
	CHECK_INT(parse_words(&c, (const char *const[]){ "-d", "1", "--", NULL }), EXIT_USAGE);
	CHECK_INT(parse_words(&c, (const char *const[]){ "sigpipe", "--", NULL }), EXIT_USAGE);
	/* A file named "--" is an option's argument, not a `--`. */
	CHECK_INT(parse_words(&c, (const char *const[]){ "-o", "--", NULL }), CLI_RUN);
	CHECK_STR(c.output, "--");
	check(!c.command, "-o --: no COMMAND");
	CHECK_INT(parse_words(&c, (const char *const[]){ "--", "true", NULL }), CLI_RUN);
	check(c.command && !strcmp(c.command[0], "true"), "-- true: COMMAND true");
	CHECK_INT(parse_words(&c, (const char *const[]){ "-d", "1", NULL }), CLI_RUN);
	check(!c.command, "-d 1: no COMMAND");
	/* Once accepted, then "cannot read BTF file :" at load time. */
	CHECK_INT(parse_words(&c, (const char *const[]){ "--btf", "", NULL }), EXIT_USAGE);
	CHECK_INT(parse_words(&c, (const char *const[]){ "--btf=", NULL }), EXIT_USAGE);
	/* --match with nothing selected changed nothing, silently. */
	CHECK_INT(parse_words(&c, (const char *const[]){ "--match", "target", NULL }), EXIT_USAGE);
	CHECK_INT(parse_words(&c, (const char *const[]){ "-c", "x", "--match", "target", NULL }),
		  CLI_RUN);
	check(c.filter.match_target && !c.filter.match_sender, "-c x --match target: target only");
	CHECK_INT(parse_words(&c, (const char *const[]){ "--match", "sender", "--", "true", NULL }),
		  CLI_RUN);
	CHECK_INT(parse_words(&c, (const char *const[]){ "-p", "1", "--match", "either", NULL }),
		  CLI_RUN);
}

/* A second value for a one-value option once won silently; -s once replaced the first -s. */
static void test_cli_options_given_twice(void)
{
	struct cli c;

	CHECK_INT(parse_words(&c, (const char *const[]){ "-d", "1", "-d", "2", NULL }),
		  EXIT_USAGE);
	CHECK_INT(parse_words(&c, (const char *const[]){ "-o", "a", "--output=b", NULL }),
		  EXIT_USAGE);
	CHECK_INT(parse_words(&c, (const char *const[]){ "--keep", "9", "--keep", "9", NULL }),
		  EXIT_USAGE);
	CHECK_INT(parse_words(&c, (const char *const[]){ "--no-fold", "--fold-burst", "3", NULL }),
		  EXIT_USAGE);
	CHECK_INT(parse_words(&c, (const char *const[]){ "--fold-window", "50", "--no-fold", NULL }),
		  EXIT_USAGE);
	/* Each parse starts afresh: one -d in each of two runs is fine. */
	CHECK_INT(parse_words(&c, (const char *const[]){ "-d", "1", NULL }), CLI_RUN);
	CHECK_INT(parse_words(&c, (const char *const[]){ "-d", "2", NULL }), CLI_RUN);
	CHECK_INT(parse_words(&c, (const char *const[]){ "-s", "USR1", "-s", "TERM,9", NULL }),
		  CLI_RUN);
	check(c.filter.sig_mask == (SIGBIT(10) | SIGBIT(15) | SIGBIT(9)), /* USR1 TERM KILL */
	      "-s USR1 -s TERM,9: mask %#llx", (unsigned long long)c.filter.sig_mask);
	/* Options after COMMAND are COMMAND's own. */
	CHECK_INT(parse_words(&c, (const char *const[]){ "-d", "1", "--", "x", "-d", "2", NULL }),
		  CLI_RUN);
}

/* What getopt refuses is one line too, like our own errors: no "Try ... --help" after. */
static void test_cli_getopt_errors_are_one_line(void)
{
	static const struct {
		const char *words[3];
		const char *line;
	} cases[] = {
		{ { "--bogus" }, "ipcscope: unknown option '--bogus' (a COMMAND to run goes after "
				 "--) (see ipcscope --help)\n" },
		{ { "-o" }, "ipcscope: option '-o' needs a value (see ipcscope --help)\n" },
		{ { "--mat" }, "ipcscope: option '--mat' needs a value (see ipcscope --help)\n" },
		{ { "--json=1" }, "ipcscope: option '--json=1' takes no value (see ipcscope "
				  "--help)\n" },
		{ { "--fold=3" }, "ipcscope: option '--fold=3' is ambiguous: spell it out (see "
				  "ipcscope --help)\n" },
		{ { "-s", "FOO" }, "ipcscope: unknown signal 'FOO': use a name like USR1 or "
				   "SIGTERM, or a number from 1 to 64 (see ipcscope --help)\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = NULL;
		size_t size = 0;
		FILE *err = open_memstream(&text, &size);
		FILE *saved = stderr;
		struct cli c;
		int ret;

		stderr = err;
		ret = parse_words(&c, cases[i].words);
		stderr = saved;
		fclose(err);
		check(ret == EXIT_USAGE, "%s: status %d", cases[i].words[0], ret);
		check(!strcmp(text, cases[i].line), "%s: stderr \"%s\", expected \"%s\"",
		      cases[i].words[0], text, cases[i].line);
		free(text);
	}
	/* Silencing getopt must not silence --help and --usage (argp_state_help would). */
	for (int i = 0; i < 2; i++) {
		const char *word = i ? "--usage" : "--help";
		char *text = NULL;
		size_t size = 0;
		FILE *out = open_memstream(&text, &size);
		FILE *saved = stdout;
		struct cli c;
		int ret;

		stdout = out;
		ret = parse_words(&c, (const char *const[]){ word, NULL });
		stdout = saved;
		fclose(out);
		check(ret == 0 && c.answered, "%s: status %d", word, ret);
		check(strstr(text, "Usage: ipcscope") && (i || strstr(text, "EXAMPLES:")),
		      "%s printed \"%.60s\"", word, text);
		free(text);
	}
}

/* A P, a V, a wait-for-zero pair, an unread semop, and msgrcv by each kind of asked type. */
static void feed_semop_msgrcv(struct decoder *d)
{
	uint64_t two = IPC_SEMOP_OP(0, 0) | (uint64_t)IPC_SEMOP_OP(1, 2) << 32;

	ipc_rec(d, 30, IPC_OP_SEMOP, 7, IPC_SEMOP_OP(0, -1), 1, 0,
		IPC_F_SEM_OPS | IPC_F_SEM_UNDO);
	ipc_rec(d, 30, IPC_OP_SEMOP, 7, IPC_SEMOP_OP(0, 1), 1, 0, IPC_F_SEM_OPS);
	ipc_rec(d, 30, IPC_OP_SEMOP, 7, two, 6,
		IPC_SEMOP_OP(3, -4) | (uint64_t)IPC_SEMOP_OP(2, 1) << 32, IPC_F_SEM_OPS);
	ipc_rec(d, 30, IPC_OP_SEMOP, 7, 0, 2, 0, 0);
	ipc_rec(d, 30, IPC_OP_MSGRCV, 9, 1, 8, (uint64_t)-2, 0);
	ipc_rec(d, 30, IPC_OP_MSGRCV, 9, 3, 8, 2, 020000);
	ipc_rec(d, 30, IPC_OP_MSGRCV, 9, 2, 8, 0, 0);
	ipc_rec(d, 30, IPC_OP_MSGGET, 9, 0, 0, 0, 0600);
}

static void test_semop_and_msgrcv_lines_say_what_was_asked(void)
{
	char *text = render(false, feed_semop_msgrcv), *json = render(true, feed_semop_msgrcv);
	static const char *const lines[] = {
		"semop semid 7: sem 0 -1 SEM_UNDO\n",
		"semop semid 7: sem 0 +1\n",
		"semop semid 7: sem 0 0 (wait for 0), sem 1 +2, sem 3 -4, sem 2 +1 and 2 more op(s)\n",
		"semop semid 7, 2 op(s)\n",
		"msgrcv msqid 9 asked type -2 (lowest <= 2): got type 1, 8 B\n",
		"msgrcv msqid 9 asked type 2 (MSG_EXCEPT: any other): got type 3, 8 B\n",
		"msgrcv msqid 9 asked type 0 (any): got type 2, 8 B\n",
		"msgget key IPC_PRIVATE mode 0600 -> id 9\n",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		check(strstr(text, lines[i]) != NULL, "no line ending %s in: %s", lines[i], text);
	check(strstr(json, "\"ops\":[{\"num\":0,\"op\":0},{\"num\":1,\"op\":2},"
			   "{\"num\":3,\"op\":-4},{\"num\":2,\"op\":1}]") != NULL, "semop ops in JSON: %s", json);
	check(strstr(json, "\"nsops\":2,\"undo\":false,\"nowait\":false,\"ops\":null") != NULL,
	      "unread ops are null in JSON: %s", json);
	check(strstr(json, "\"mtype\":1,\"bytes\":8,\"nowait\":false,\"asked_mtype\":-2,"
			   "\"except\":false") != NULL, "msgrcv asked type in JSON: %s", json);
	free(text);
	free(json);
}

/*
 * sigqueue(pid, SIGUSR1, {.sival_int = -7}) merged; a SIGCONT that resumed a
 * stopped child; kill(-1) and kill(pid); a tgkill, queued on the thread's list.
 */
static void feed_value_and_continued(struct decoder *d)
{
	struct sig_generate_event q = kernel_signal(50, 10, 8, "target");
	struct sig_generate_event c = kernel_signal(60, 18, 8, "target");

	q.via = VIA_RT_SIGQUEUEINFO;
	q.group = 1;
	q.has_sender = 1;
	task(&q.sender, 9, "sender");
	q.info_kind = INFO_REAL;
	q.code = -1; /* SI_QUEUE */
	q.info_pid = q.info_pid_host = 9;
	q.result = SIG_RESULT_ALREADY_PENDING;
	q.bits = SIG_GEN_VALUE;
	q.value = 0xdead0000fffffff9ULL; /* only the low 32 bits were set: sival_int -7 */
	decode__record(d, &q, sizeof(q));
	q.info_pid = q.info_pid_host = 4242; /* rt_sigqueueinfo lets it write any si_pid */
	q.sig = 12;
	decode__record(d, &q, sizeof(q));
	c.via = VIA_KILL;
	c.group = 1;
	c.has_sender = 1;
	task(&c.sender, 9, "sender");
	c.info_kind = INFO_REAL;
	c.code = 0;
	c.result = SIG_RESULT_IGNORED;
	c.ignored_why = IGN_WHY_DEFAULT;
	c.bits = SIG_GEN_CONTINUED;
	decode__record(d, &c, sizeof(c));
	c.sig = 15;
	c.result = SIG_RESULT_QUEUED;
	c.bits = SIG_GEN_KILL_PID;
	c.kill_pid = -1; /* kill(-1, SIGTERM): every process it may signal */
	decode__record(d, &c, sizeof(c));
	c.kill_pid = 8; /* kill(8, SIGTERM): no reminder */
	decode__record(d, &c, sizeof(c));
	c.via = VIA_TGKILL;
	c.group = 0;
	c.bits = 0;
	c.sig = 12;
	decode__record(d, &c, sizeof(c));
}

static void test_signal_value_and_sigcont_resume_are_shown(void)
{
	char *text = render(false, feed_value_and_continued);
	char *json = render(true, feed_value_and_continued);

	check(strstr(text, "sigqueue sender[9] -> target[8] merged value -7\n") != NULL,
	      "sigqueue value in text: %s", text);
	check(strstr(text, "SIGUSR2     sigqueue sender[9] -> target[8] merged value -7 (its siginfo "
			   "says from 4242)\n") != NULL, "a made-up si_pid in text: %s", text);
	check(strstr(text, "kill sender[9] -> target[8] ignored, resumed it (it was stopped)\n"),
	      "SIGCONT that resumed in text: %s", text);
	check(strstr(json, "\"value\":{\"int\":-7,\"ptr\":\"0xdead0000fffffff9\"}") != NULL,
	      "value in JSON: %s", json);
	check(strstr(json, "\"continued\":true") != NULL, "continued in JSON: %s", json);
	check(strstr(text, "SIGTERM     kill(-1) sender[9] -> target[8] queued\n") &&
		      strstr(text, "SIGTERM     kill sender[9] -> target[8] queued\n"),
	      "kill(-1) and kill(pid) in text: %s", text);
	check(strstr(text, "SIGUSR2     tgkill sender[9] -> target[8] queued for the thread\n"),
	      "a thread-directed signal in text: %s", text);
	check(strstr(json, "\"kill_pid\":-1") && strstr(json, "\"kill_pid\":8"),
	      "kill_pid in JSON: %s", json);
	check(strstr(json, "\"object\"") == NULL, "a value is not an object: %s", json);
	free(text);
	free(json);
}

/* sigaction(SIGKILL, handler) refused with EINVAL, then an accepted SIGUSR1 handler. */
static void feed_refused_sigaction(struct decoder *d)
{
	struct sigaction_event e = { .hdr = { .type = EVENT_SIGACTION, .count = 1, .ts_ns = 5 } };

	task(&e.task, 12, "student");
	e.sig = 9; /* SIGKILL */
	e.handler = 0x401000;
	e.err = -EINVAL;
	decode__record(d, &e, sizeof(e));
	e.sig = 10; /* SIGUSR1 */
	e.err = 0;
	decode__record(d, &e, sizeof(e));
}

static void test_refused_sigaction_is_shown_as_refused(void)
{
	char *text = render(false, feed_refused_sigaction);
	char *json = render(true, feed_refused_sigaction);
	const char *err = strstr(json, "\"error\"");

	check(strstr(text, "student[12] handler 0x401000 flags - mask -: EINVAL, not installed "
			   "(SIGKILL and SIGSTOP cannot be caught or ignored)\n") != NULL,
	      "refused SIGKILL handler in text: %s", text);
	check(strstr(text, "SIGUSR1     student[12] handler 0x401000 flags - mask -\n") != NULL,
	      "installed handler in text: %s", text);
	check(err && strncmp(err, "\"error\":\"EINVAL\"}\n", 18) == 0 && !strstr(err + 1, "\"error\""),
	      "error only on the refused one in JSON: %s", json);
	free(text);
	free(json);
}

/* SIG_IGN set while a SIGINT was pending: the kernel discarded it. */
static void feed_discarding_sigaction(struct decoder *d)
{
	struct sigaction_event e = { .hdr = { .type = EVENT_SIGACTION, .count = 1, .ts_ns = 6 } };

	task(&e.task, 13, "student");
	e.sig = 2; /* SIGINT */
	e.handler = 1; /* SIG_IGN */
	e.discarded = 1;
	decode__record(d, &e, sizeof(e));
	e.sig = 39; /* SIGRTMIN+5: every queued copy goes */
	e.discarded = 2;
	decode__record(d, &e, sizeof(e));
}

static void test_sigaction_says_it_discarded_a_pending_signal(void)
{
	char *text = render(false, feed_discarding_sigaction);
	char *json = render(true, feed_discarding_sigaction);

	check(strstr(text, "student[13] ignore flags - mask -: discarded the pending SIGINT, "
			   "never delivered\n") != NULL, "text: %s", text);
	check(strstr(text, "student[13] ignore flags - mask -: discarded 2 pending SIGRTMIN+5, "
			   "never delivered\n") != NULL, "text, two copies: %s", text);
	check(strstr(json, "\"handler\":\"ignore\",\"flags\":[],\"mask\":[],"
			   "\"discarded_pending\":1}\n") != NULL, "json: %s", json);
	free(text);
	free(json);
}

/*
 * Four opens of one FIFO: a reader that waited 1.5 s, a writer that did
 * not, one unmeasured, one whose wait counts since a signal restarted it.
 */
static void feed_fifo_opens(struct decoder *d)
{
	struct fifo_event e = { .hdr = { .type = EVENT_FIFO_OPEN, .count = 1, .ts_ns = 5 } };

	e.fifo = (struct obj_ref){ .kind = OBJ_FIFO, .ino = 77, .dev = 8 };
	strcpy(e.path, "/tmp/lab.fifo");
	task(&e.task, 31, "reader");
	e.fd = 3;
	e.mode = 1;
	e.wait_ns = 1500000000ULL;
	decode__record(d, &e, sizeof(e));
	task(&e.task, 32, "writer");
	e.mode = 2;
	e.wait_ns = 0;
	decode__record(d, &e, sizeof(e));
	e.task = (struct task_ref){ 0 };
	task(&e.task, 33, "late");
	e.mode = 1;
	e.wait_ns = FIFO_WAIT_UNKNOWN;
	decode__record(d, &e, sizeof(e));
	task(&e.task, 34, "stop");
	e.wait_ns = 250000000ULL;
	e.flags = FIFO_F_RESTARTED;
	decode__record(d, &e, sizeof(e));
}

static void test_fifo_open_says_how_long_it_waited(void)
{
	char *text = render(false, feed_fifo_opens);
	char *json = render(true, feed_fifo_opens);

	check(strstr(text, "reader[31] opened /tmp/lab.fifo (ino 77) for read as fd 3, waited 1.50s "
			   "for a writer\n") != NULL, "reader's wait in text: %s", text);
	check(strstr(text, "writer[32] opened /tmp/lab.fifo (ino 77) for write as fd 3\n") != NULL,
	      "writer's open in text, no wait: %s", text);
	check(strstr(text, "late[33] opened /tmp/lab.fifo (ino 77) for read as fd 3, wait "
			   "unknown\n") != NULL, "unmeasured wait in text: %s", text);
	check(strstr(text, "stop[34] opened /tmp/lab.fifo (ino 77) for read as fd 3, waited "
			   "250.0ms for a writer since a signal restarted the open\n") != NULL,
	      "restarted open's wait in text: %s", text);
	check(strstr(json, "\"side\":\"read\",\"wait_ns\":1500000000,\"restarted\":false}") &&
	      strstr(json, "\"side\":\"write\",\"wait_ns\":0,\"restarted\":false}") &&
	      strstr(json, "\"wait_ns\":null,\"restarted\":false}") &&
	      strstr(json, "\"wait_ns\":250000000,\"restarted\":true}"), "wait_ns in JSON: %s",
	      json);
	free(text);
	free(json);
}

/* alarm(5), alarm(1) replacing it, setitimer(ITIMER_VIRTUAL) replacing nothing, a failed one. */
static void feed_timers(struct decoder *d)
{
	struct timer_event e = { .hdr = { .type = EVENT_TIMER, .count = 1, .ts_ns = 7 } };

	task(&e.task, 21, "alarmist");
	e.op = TIMER_OP_ALARM;
	e.flags = TIMER_F_ASKED;
	e.asked.value_sec = 5;
	decode__record(d, &e, sizeof(e));
	e.asked.value_sec = 1;
	e.ret = 5;
	decode__record(d, &e, sizeof(e));
	e.asked.value_sec = 0;
	e.ret = 1;
	decode__record(d, &e, sizeof(e));
	e = (struct timer_event){ .hdr = { .type = EVENT_TIMER, .count = 1, .ts_ns = 8 } };
	task(&e.task, 21, "alarmist");
	e.op = TIMER_OP_SETITIMER;
	e.which = 1;
	e.flags = TIMER_F_ASKED | TIMER_F_OLD;
	e.asked = (struct timer_val){ 0, 50000, 0, 250000 };
	decode__record(d, &e, sizeof(e));
	e.which = 7;
	e.ret = -EINVAL;
	e.flags = TIMER_F_ASKED;
	decode__record(d, &e, sizeof(e));
}

static void only_sigalrm(struct filter *f)
{
	f->sig_mask = 1ULL << (14 - 1);
	f->sig_only = true;
}

static void test_timer_lines_say_what_they_replaced(void)
{
	char *text = render(false, feed_timers), *json = render(true, feed_timers);
	char *alrm = render_with(false, only_sigalrm, feed_timers);
	static const char *const lines[] = {
		"timer   SIGALRM     alarmist[21] alarm(5): SIGALRM in 5 s (no alarm was set, "
		"returned 0)\n",
		"timer   SIGALRM     alarmist[21] alarm(1): SIGALRM in 1 s, replacing one due in 5 s "
		"(returned 5)\n",
		"timer   SIGALRM     alarmist[21] alarm(0): no alarm, cancelling one due in 1 s "
		"(returned 1)\n",
		"timer   SIGVTALRM   alarmist[21] setitimer ITIMER_VIRTUAL: SIGVTALRM in 250.0ms, then "
		"every 50.0ms; none was set\n",
		"timer   -           alarmist[21] setitimer ?: EINVAL\n",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		check(strstr(text, lines[i]) != NULL, "no line ending %s in: %s", lines[i], text);
	check(strstr(json, "\"op\":\"alarm\",\"which\":\"ITIMER_REAL\",\"signal\":\"SIGALRM\","
			   "\"value_ns\":1000000000,\"interval_ns\":0,\"seconds_left\":5}") != NULL,
	      "alarm(1) in JSON: %s", json);
	check(strstr(json, "\"value_ns\":250000000,\"interval_ns\":50000000,\"old_value_ns\":0,"
			   "\"old_interval_ns\":0}") != NULL, "setitimer in JSON: %s", json);
	check(strstr(alrm, "alarm(1)") && !strstr(alrm, "ITIMER_VIRTUAL"),
	      "-s ALRM keeps the alarm lines only: %s", alrm);
	free(text);
	free(json);
	free(alrm);
}

/* Two processes map a file MAP_SHARED read-only (gconv-modules.cache), one maps another writable. */
static void feed_read_only_file_maps(struct decoder *d)
{
	struct map_event e = { .hdr = { .type = EVENT_MAP, .count = 1, .ts_ns = 3 } };

	d->model->ipc.procfs = "/nonexistent";
	e.op = MAP_OP_MMAP;
	e.fd = 3;
	e.len = 4096;
	e.prot = 1; /* PROT_READ */
	e.dev = 3;
	e.ino = 70;
	strcpy(e.name, "gconv-modules.cache");
	for (uint32_t pid = 40; pid <= 41; pid++) {
		task(&e.task, pid, "converter");
		e.addr = 0x7000 + pid * 0x1000;
		decode__record(d, &e, sizeof(e));
	}
	e.prot = 3; /* PROT_READ | PROT_WRITE */
	e.ino = 71;
	strcpy(e.name, "board.bin");
	decode__record(d, &e, sizeof(e));
	d->out->ops->report(d->out);
}

static void test_read_only_shared_files_are_left_out_of_the_text(void)
{
	char *text = render(false, feed_read_only_file_maps);
	char *json = render(true, feed_read_only_file_maps);

	check(!strstr(text, "gconv-modules.cache (ino 70)") && strstr(text, "board.bin (ino 71)"),
	      "text: the writable mapping shown, the read-only ones not: %s", text);
	check(strstr(text, "1 file mapped MAP_SHARED but never writable (glibc's "
			   "gconv-modules.cache and the like) not listed: no process writes to "
			   "another through it; -v lists it\n") != NULL, "the count of those: %s", text);
	check(strstr(json, "\"ino\":70") && strstr(json, "\"ino\":71"),
	      "JSON keeps both: %s", json);
	free(text);
	free(json);
}

/* posix_spawn's child resets SIGHUP, SIGINT, SIGQUIT to SIG_DFL, then installs a handler. */
static void feed_spawn_resets(struct decoder *d)
{
	struct sigaction_event e = { .hdr = { .type = EVENT_SIGACTION, .count = 1, .ts_ns = 4 } };

	task(&e.task, 50, "spawned");
	for (e.sig = 1; e.sig <= 3; e.sig++)
		decode__record(d, &e, sizeof(e));
	e.sig = 10;
	e.handler = 0x401000;
	decode__record(d, &e, sizeof(e));
	e.sig = 12;
	e.handler = 0;
	decode__record(d, &e, sizeof(e)); /* alone: written at the report */
	d->out->ops->report(d->out);
}

static void test_a_run_of_resets_to_default_is_one_line(void)
{
	char *text = render(false, feed_spawn_resets), *json = render(true, feed_spawn_resets);
	const char *run = strstr(text, "action  -           spawned[50] default for 3 signals: "
				       "SIGHUP,SIGINT,SIGQUIT (flags - mask -)\n");
	const char *usr1 = strstr(text, "action  SIGUSR1     spawned[50] handler 0x401000");
	const char *usr2 = strstr(text, "action  SIGUSR2     spawned[50] default flags - mask -\n");

	check(run && usr1 && usr2 && run < usr1 && usr1 < usr2,
	      "one line for the run, then the handler, then the lone reset: %s", text);
	check(strstr(json, "\"signal\":\"SIGINT\"") != NULL, "JSON keeps each: %s", json);
	free(text);
	free(json);
}

/* Failed sends: kill ESRCH, the 0 probe, an invalid number, a pidfd's, a hostile name's EPERM. */
static void feed_failed_sends(struct decoder *d)
{
	struct sig_failed_event e = { .hdr = { .type = EVENT_SIG_FAILED, .count = 1, .ts_ns = 9 } };

	task(&e.sender, 30, "sender");
	e.via = VIA_KILL;
	e.pidfd = -1;
	e.target = 4000000;
	e.sig = 15;
	e.err = -ESRCH;
	decode__record(d, &e, sizeof(e));
	e.sig = 0;
	decode__record(d, &e, sizeof(e));
	e.target = -1;
	e.sig = 70;
	e.err = -EINVAL;
	decode__record(d, &e, sizeof(e));
	e.via = VIA_PIDFD_SEND_SIGNAL;
	e.pidfd = 5;
	e.target = -1;
	e.sig = 9;
	e.err = -ESRCH;
	decode__record(d, &e, sizeof(e));
	task(&e.sender, 31, "evil\x1b[2J");
	e.via = VIA_TGKILL;
	e.pidfd = -1;
	e.target = 30;
	e.tid = 32;
	e.sig = 10;
	e.err = -EPERM;
	decode__record(d, &e, sizeof(e));
	d->out->ops->report(d->out);
}

static void test_failed_sends_say_their_error(void)
{
	char *text = render(false, feed_failed_sends), *json = render(true, feed_failed_sends);
	char *usr1 = render_with(false, only_sigalrm, feed_failed_sends);
	static const char *const lines[] = {
		"signal  SIGTERM     kill sender[30] -> 4000000 failed: ESRCH (no such process)\n",
		"signal  0           kill sender[30] -> 4000000 (signal 0: does it exist?) failed: "
		"ESRCH (no such process)\n",
		"signal  70          kill sender[30] -> (-1) failed: EINVAL (invalid signal or "
		"arguments)\n",
		"signal  SIGKILL     pidfd sender[30] -> pidfd 5 of ? failed: ESRCH (no such "
		"process)\n",
		"signal  SIGUSR1     tgkill evil\\x1b[2J[31] -> sender[30/32] failed: EPERM (not "
		"permitted: another user's process, a si_code only the kernel may send, or a "
		"security module)\n",
		"signal calls that failed, nothing sent (see the live lines):\n  4 by sender[30]\n"
		"  1 by evil\\x1b[2J[31]\n",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		check(strstr(text, lines[i]) != NULL, "no line ending %s in: %s", lines[i], text);
	check(strstr(json, "{\"type\":\"signal_failed\",\"ts_ns\":9,\"sig\":70,\"via\":\"kill\","
			   "\"sender\":{\"pid\":30,\"tid\":30,\"comm\":\"sender\"},\"kill_pid\":-1,"
			   "\"error\":\"EINVAL\"}\n") != NULL, "kill(-1, 70) in JSON: %s", json);
	check(strstr(json, "\"sig\":10,\"signal\":\"SIGUSR1\",\"via\":\"tgkill\",\"sender\":{\"pid\":31,"
			   "\"tid\":31,\"comm\":\"evil\\u001b[2J\"},\"target_pid\":30,\"target_tid\":32,"
			   "\"error\":\"EPERM\"}") != NULL, "tgkill EPERM in JSON: %s", json);
	check(strstr(json, "\"via\":\"pidfd_send_signal\"") && strstr(json, "\"pidfd\":5,\"error\""),
	      "pidfd in JSON: %s", json);
	check(strstr(json, "\"send_failures\":4") != NULL, "send_failures in JSON: %s", json);
	check(!strstr(usr1, "failed:") && !strstr(usr1, "signal calls that failed"),
	      "-s ALRM hides them all, and the count: %s", usr1);
	free(text);
	free(json);
	free(usr1);
}

/* The child of an attached parent inherits the attach, then attaches the segment again itself. */
static void feed_shm_inherited_and_own(struct decoder *d)
{
	struct lifecycle_event fork = { .hdr = { .type = EVENT_PROC_FORK, .count = 1 } };

	d->model->ipc.procfs = "/nonexistent";
	ipc_rec(d, 10, IPC_OP_SHMGET, 5, 0x1234, 4096, 0, 01000);
	ipc_rec(d, 10, IPC_OP_SHMAT, 5, 0, 0, 0x7000, 0);
	task(&fork.task, 11, "shmuser");
	task(&fork.parent, 10, "shmuser");
	decode__record(d, &fork, sizeof(fork));
	ipc_rec(d, 11, IPC_OP_SHMAT, 5, 0, 0, 0x8000, 0);
	d->out->ops->report(d->out);
}

static void test_text_inherited_mapping_says_what_else_it_holds(void)
{
	char *out = render(false, feed_shm_inherited_and_own);

	check(strstr(out, "  shmuser[10]                  4096 B\n") != NULL, "parent: %s", out);
	check(strstr(out, "  shmuser[11]                  8192 B (inherited at fork, and 1 mapping(s) "
			  "of its own)\n") != NULL, "child: %s", out);
	free(out);
}

int main(void)
{
	run("sanitize: terminal escapes controls, bidi, invalid UTF-8", test_terminal_escapes_controls);
	run("filter: -p and -c both apply", test_filter_pid_and_comm_both_apply);
	run("cli: getopt's errors are one line naming the fix; --help still prints",
	    test_cli_getopt_errors_are_one_line);
	run("cli: -- needs a COMMAND; -o -- is a file; --btf needs a path; --match a selection",
	    test_cli_dash_dash_needs_a_command);
	run("cli: one-value options given twice are refused, -s adds up", test_cli_options_given_twice);
	run("sanitize: terminal truncates on a boundary", test_terminal_truncates_on_boundary);
	run("sanitize: JSON strings always valid", test_json_always_valid);
	run("sanitize: 16-byte comm without NUL", test_comm_without_nul);
	run("signals: names and parsing", test_signal_names_and_parsing);
	run("signals: every printed name parses back", test_signal_names_round_trip);
	run("signals: default actions and si_code", test_default_actions);
	run("format: exit status, durations, sets", test_exit_status_format);
	run("format: clock of a corrupt timestamp", test_clock_of_corrupt_timestamp);
	run("histogram: buckets and quantiles", test_histogram);
	run("fold: flush after sweep counts once", test_fold_flush_after_sweep);
	run("json/text: a sigaction that discarded a pending signal says so",
	    test_sigaction_says_it_discarded_a_pending_signal);
	run("json/text: a socket's SIGPIPE names the ends an EPIPE read",
	    test_socket_sigpipe_names_the_ends_an_epipe_read);
	run("fold: sweep takes only idle slots that two reads agree on",
	    test_fold_sweep_takes_only_idle_settled_slots);
	run("fold: a burst left in a slot is settled into the model", test_fold_settle_into_model);
	run("fold: an EPIPE burst settles the SIGPIPEs it carries", test_fold_settle_epipe_with_sigpipe);
	run("fold: keys differing in their last field's high bits use different sets",
	    test_fold_slot_spreads_keys);
	run("proc_table: pid reuse", test_proc_table_pid_reuse);
	run("proc_table: seeding from /proc", test_proc_table_seed);
	run("json: signal record golden with a hostile name", test_json_signal_record_golden);
	run("json/text: a signal raised in an interrupt has no sender or context",
	    test_interrupt_signal_has_no_context);
	run("decode: an EPIPE record carrying its SIGPIPE is two records",
	    test_epipe_with_sigpipe_is_two_records);
	run("text: hostile name stays on one safe line", test_text_record_has_no_control_bytes);
	run("decode: bad records counted", test_decoder_counts_bad_records);
	run("json: process, exit and loss records", test_json_process_and_loss_records);
	run("exit: the signals it left pending, text and JSON",
	    test_exit_names_the_signals_it_left_pending);
	run("deliver: a timer's overrun and the syscall a handler interrupted, text and JSON",
	    test_deliver_shows_a_timer_overrun);
	run("mask: a wait with a temporary mask, text and JSON", test_wait_with_a_temporary_mask);
	run("pipe_io: EOF, EAGAIN, interrupted and waits, text and JSON", test_pipe_io_records);
	run("text: a mkfifo line says only what it did", test_mkfifo_line_says_only_what_it_did);
	run("pipe_dup: dup2 of a pipe end, text and JSON", test_pipe_dup_records);
	run("code_names: a function of a live process by its address",
	    test_code_names_name_a_function_of_a_live_process);
	run("report: deliveries with no generation seen are counted and listed",
	    test_untimed_deliveries_are_explained);
	run("filter: -s hides records about other signals, pipes and IPC",
	    test_signal_filter_hides_other_records);
	run("filter: --match sender leaves out the target's own records",
	    test_match_sender_leaves_out_target_records);
	run("model/filter: a renamed process keeps its new name and its -c match",
	    test_comm_follows_renames);
	run("text: overflow gets a column and the row adds up", test_text_report_shows_overflow);
	run("text: --match sender shows what was sent, broken down",
	    test_text_report_match_sender);
	run("text: a fault or kernel code names no sender; SIGCHLD its child",
	    test_text_kernel_signal_has_no_false_sender);
	run("text/json: siginfo pids of a PID namespace as host pids, or ns:N",
	    test_namespaced_siginfo_pids);
	run("doctor: a storm starts once, ends when the rate falls", test_doctor_storm_start_and_end);
	run("doctor: a SIGPIPE with no EPIPE makes the writer's row",
	    test_doctor_row_from_a_sigpipe_alone);
	run("doctor: a storm shorter than 2 s peaks at its own rate",
	    test_doctor_short_storm_peak_is_its_own_rate);
	run("model: a death names the sender of the signal queued, not of one merged",
	    test_killer_is_the_sender_of_the_queued_signal);
	run("doctor: already failing at start needs every sign of it",
	    test_doctor_failing_at_start_needs_every_sign);
	run("doctor: a peak is never below the storm's average",
	    test_doctor_peak_is_never_below_the_average);
	run("doctor: a writer's total is the final BPF count once exact",
	    test_doctor_writer_total_prefers_final_counters);
	run("doctor: a steady storm near the threshold does not flap",
	    test_doctor_steady_storm_near_threshold_does_not_flap);
	run("doctor: a storm ends below half the threshold",
	    test_doctor_storm_ends_below_half_the_threshold);
	run("doctor: back-to-back storms count apart", test_doctor_back_to_back_storms_count_apart);
	run("doctor: a storm at trace end is ongoing", test_doctor_storm_at_trace_end);
	run("doctor: an EPIPE stamped at the end of time", test_doctor_epipe_at_the_end_of_time);
	run("doctor: unknown rather than wrong", test_doctor_says_unknown_rather_than_wrong);
	run("doctor: quiet rows of closed objects retire past --keep",
	    test_doctor_retires_quiet_rows_of_closed_objects);
	run("json/text: System V objects gone from /proc have unknown keys",
	    test_sysv_objects_gone_from_proc_have_unknown_keys);
	run("json: shm removed while attached, destroyed at the last detach",
	    test_json_shm_removed_while_attached);
	run("model: munmap trims and splits shared mappings", test_munmap_trims_and_splits);
	run("model: a segment attached before tracing is destroyed at that attach's detach",
	    test_shm_attached_before_tracing);
	run("model: a get with IPC_PRIVATE creates, IPC_CREAT or not", test_ipc_private_get_creates);
	run("model: munmap of a mapping from before tracing names it and keeps the rest",
	    test_munmap_of_a_mapping_from_before_tracing);
	run("retire: over processes merged into (retired), pinned ones kept",
	    test_retire_merges_and_pins);
	run("retire: a late IPC row for a retired queue goes to its process only",
	    test_retire_late_ipc_row_goes_to_its_process);
	run("features: what a missing tracepoint turns off, which programs stay out",
	    test_features_off_and_programs_left_out);
	run("json: features_off records, null counts of what is off",
	    test_json_marks_features_off);
	run("text: the report lists features off, their columns show -",
	    test_text_marks_features_off);
	run("model: a FIFO opened before tracing is named from the EPIPE's fd, for its SIGPIPE too",
	    test_fifo_opened_before_tracing_is_named);
	run("model: a FIFO named from a traffic row by its inode, never another's",
	    test_fifo_named_from_a_traffic_row);
	run("json: dev as stat(2) reports it, FIFO and pipefs", test_json_dev_is_stat_st_dev);
	run("text: the pipe graph shows partial writes", test_text_pipe_graph_shows_partial_writes);
	run("pipe ends: interrupted calls, text and JSON", test_pipe_ends_count_interrupted_calls);
	run("io_result__of: one bit per result", test_io_result_bits);
	run("text: a folded line says when its repeats ended", test_text_folded_line_says_its_span);
	run("text/json: alarm and setitimer say when and what they replaced; -s keeps them by signal",
	    test_timer_lines_say_what_they_replaced);
	run("text: files mapped shared but never writable are counted, not listed, unless -v",
	    test_read_only_shared_files_are_left_out_of_the_text);
	run("text: a run of resets to SIG_DFL (posix_spawn's child) is one line, in order",
	    test_a_run_of_resets_to_default_is_one_line);
	run("text/json: a failed kill, tgkill or pidfd_send_signal shows its error; -s filters",
	    test_failed_sends_say_their_error);
	run("text: an inherited mapping says when the process mapped the object itself too",
	    test_text_inherited_mapping_says_what_else_it_holds);
	run("text/json: a FIFO open says how long it waited for the other side",
	    test_fifo_open_says_how_long_it_waited);
	run("text/json: a refused sigaction says so",
	    test_refused_sigaction_is_shown_as_refused);
	run("text/json: sigqueue's value, a SIGCONT that resumed a stopped process, kill(-1)",
	    test_signal_value_and_sigcont_resume_are_shown);
	run("text/json: semop names its operations, msgrcv the type it asked for, *get its flags",
	    test_semop_and_msgrcv_lines_say_what_was_asked);
	return failures ? 1 : 0;
}
