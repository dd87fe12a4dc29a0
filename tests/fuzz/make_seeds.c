// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Writes the fuzzers' seed corpora (tests/fuzz/corpus/<target>/): records
 * shaped like the ones BPF sends, with hostile names, so each fuzzer starts
 * deep in the code instead of at the size checks. Run by `make fuzz-seeds`;
 * the output is committed, so a change of a record's layout shows in review.
 * Files named regress-* are not generated: each is an input that once made a
 * fuzzer fail, kept as a seed so the bug stays fixed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "decode.h"
#include "pipeline.h"

#define HOSTILE_COMM "\x1b[2J\"ev\xe2\x80\xaeil\n\xff"
#define HOSTILE_PATH "/tmp/\x1b]0;pwned\x07/fifo\\\"\xc2\x9b"

static const char *dir;

static void write_seed(const char *target, const char *name, const void *data, size_t size)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void task(struct task_ref *t, uint32_t pid, const char *comm)
{
	t->pid = t->tid = pid;
	t->start_ns = pid * 1000000000ULL;
	memcpy(t->comm, comm, strnlen(comm, IPCSCOPE_COMM_LEN));
}

static void header(struct event_header *h, unsigned int type, uint64_t ts)
{
	h->type = type;
	h->count = 1;
	h->ts_ns = ts;
}

/* One of each record type, as a run would see them: a pipe, a storm, a death. */
static size_t story(unsigned char recs[][IPCSCOPE_RECORD_MAX], size_t *sizes)
{
	size_t n = 0;
	struct lifecycle_event fork_ev = { 0 }, exec_ev = { 0 }, exit_ev = { 0 };
	struct pipe_create_event pc = { 0 };
	struct fifo_event fo = { 0 };
	struct pipe_close_event cl = { 0 };
	struct epipe_event ep = { 0 };
	struct sig_generate_event gen = { 0 };
	struct sig_deliver_event del = { 0 };
	struct sig_handler_return_event ret = { 0 };
	struct sig_accept_event acc = { 0 };
	struct sigaction_event sa = { 0 };
	struct sigprocmask_event pm = { 0 };
	struct pipe_io_event io = { 0 };

#define ADD(rec) (memcpy(recs[n], &(rec), sizeof(rec)), sizes[n++] = sizeof(rec))
	header(&fork_ev.hdr, EVENT_PROC_FORK, 1000);
	task(&fork_ev.task, 1001, "sh");
	task(&fork_ev.parent, 1000, "sh");
	ADD(fork_ev);
	header(&exec_ev.hdr, EVENT_PROC_EXEC, 2000);
	task(&exec_ev.task, 1001, HOSTILE_COMM);
	ADD(exec_ev);
	header(&pc.hdr, EVENT_PIPE_CREATE, 3000);
	task(&pc.task, 1000, "yes");
	pc.pipe = (struct obj_ref){ .ino = 77, .dev = 12, .kind = OBJ_PIPE };
	pc.fd_read = 3, pc.fd_write = 4, pc.flags = 04000;
	ADD(pc);
	header(&fo.hdr, EVENT_FIFO_OPEN, 4000);
	task(&fo.task, 1001, HOSTILE_COMM);
	fo.fifo = (struct obj_ref){ .ino = 78, .dev = 2049, .kind = OBJ_FIFO };
	fo.fd = 5, fo.mode = 1, fo.dirfd = -100;
	memcpy(fo.path, HOSTILE_PATH, sizeof(HOSTILE_PATH) - 1);
	ADD(fo);
	header(&cl.hdr, EVENT_PIPE_CLOSE, 5000);
	task(&cl.task, 1001, HOSTILE_COMM);
	cl.pipe = pc.pipe;
	cl.fd = 3, cl.mode = 1, cl.readers = 1, cl.writers = 1, cl.last_ref = 1, cl.how = CLOSE_BY_EXIT;
	ADD(cl);
	header(&ep.hdr, EVENT_EPIPE, 6000);
	task(&ep.task, 1000, "yes");
	ep.object = pc.pipe;
	ep.fd = 4, ep.syscall_nr = 1, ep.sigpipe_action = SIGPIPE_IGNORE;
	ADD(ep);
	ep.hdr.count = 5000, ep.hdr.flags = EVENT_F_FOLDED, ep.hdr.span_us = 900000;
	ADD(ep); /* a folded storm */
	header(&ep.hdr, EVENT_EPIPE, 7000);
	ep.object = (struct obj_ref){ .ino = 90, .dev = 8, .kind = OBJ_TCP };
	ep.inet = (struct inet_ends){ .family = 2, .local_port = 40312, .remote_port = 5432,
				      .local = { 127, 0, 0, 1 }, .remote = { 127, 0, 0, 1 } };
	ADD(ep);
	header(&io.hdr, EVENT_PIPE_IO, 7500);
	task(&io.task, 1001, HOSTILE_COMM);
	io.object = pc.pipe;
	io.what = PIPE_IO_WAITED, io.waited_ns = 300000000, io.write = 1, io.syscall_nr = 1;
	ADD(io);
	io.what = PIPE_IO_INTERRUPTED, io.write = 0, io.syscall_nr = 0;
	ADD(io); /* a read a signal cut short after its wait */
	header(&gen.hdr, EVENT_SIG_GENERATE, 8000);
	task(&gen.target, 1000, "yes");
	task(&gen.context, 1000, "yes");
	gen.sig = 13, gen.info_kind = INFO_PRIV, gen.code = 0x80, gen.syscall_nr = 1;
	gen.object = pc.pipe;
	ADD(gen);
	gen.has_sender = 1, gen.via = VIA_KILL, gen.code = 0, gen.info_kind = INFO_REAL;
	gen.sig = 10, gen.info_pid = gen.info_pid_host = 1001, gen.blocked = 1, gen.result = SIG_RESULT_ALREADY_PENDING;
	gen.object = (struct obj_ref){ 0 };
	task(&gen.sender, 1001, HOSTILE_COMM);
	ADD(gen);
	header(&del.hdr, EVENT_SIG_DELIVER, 9000);
	task(&del.task, 1000, "yes");
	del.sig = 10, del.handler = 0x55aa, del.pending_ns = 123456, del.pending_known = 1;
	ADD(del);
	del.interrupted = INTR_RESTARTED_SA_RESTART, del.syscall_nr = 0, del.code = -2, del.overrun = 3;
	ADD(del);
	header(&ret.hdr, EVENT_SIG_HANDLER_RETURN, 9500);
	task(&ret.task, 1000, "yes");
	ret.sig = 10, ret.handler_ns = 6400, ret.depth = 1;
	ADD(ret);
	header(&acc.hdr, EVENT_SIG_ACCEPT, 9600);
	task(&acc.task, 1000, "yes");
	acc.sig = 34 + 1, acc.via = ACCEPT_SIGNALFD, acc.pending_known = 1, acc.pending_ns = 5;
	ADD(acc);
	header(&sa.hdr, EVENT_SIGACTION, 9700);
	task(&sa.task, 1000, "yes");
	sa.sig = 2, sa.handler = 0x401000, sa.sa_flags = 0x14000004, sa.sa_mask = 0x3;
	ADD(sa);
	header(&pm.hdr, EVENT_SIGPROCMASK, 9800);
	task(&pm.task, 1000, "yes");
	pm.how = 0, pm.old_mask = 0, pm.new_mask = 1ULL << 1;
	ADD(pm);
	pm.how = MASK_HOW_WAIT, pm.syscall_nr = 130, pm.old_mask = 1ULL << 1, pm.new_mask = 0;
	ADD(pm);
	header(&exit_ev.hdr, EVENT_PROC_EXIT, 10000);
	task(&exit_ev.task, 1000, "yes");
	task(&exit_ev.parent, 1, "init");
	exit_ev.exit_code = 13 | 0x80;
	exit_ev.discarded = 2, exit_ev.discarded_mask = 1ULL << 11 | 1ULL << 34;
	ADD(exit_ev);
#undef ADD
	return n;
}

static void decoder_seeds(unsigned char recs[][IPCSCOPE_RECORD_MAX], size_t *sizes, size_t n)
{
	static unsigned char buf[64 * 1024];
	unsigned int configs[] = { 0, PIPELINE_JSON, PIPELINE_JSON | PIPELINE_DOCTOR,
				   PIPELINE_VERBOSE | PIPELINE_PID_FILTER, PIPELINE_COMM_FILTER,
				   PIPELINE_JSON | PIPELINE_FEATURES_OFF };

	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		size_t len = 0, slen = 0;
		char name[32];

		buf[len++] = (unsigned char)configs[c];
		for (size_t i = 0; i < n; i++) {
			buf[len++] = (unsigned char)(i % 4); /* fuzz_decode: a record */
			buf[len++] = (unsigned char)(sizes[i] & 0xff);
			buf[len++] = (unsigned char)(sizes[i] >> 8);
			memcpy(buf + len, recs[i], sizes[i]);
			len += sizes[i];
			if (i % 3 == 2) /* a housekeeping tick now and then */
				buf[len++] = 7, buf[len++] = 0, buf[len++] = 0;
		}
		snprintf(name, sizeof(name), "story-config-%02x", configs[c]);
		write_seed("decode", name, buf, len);

		/* fuzz_sinks: a selector naming the type, then the record. */
		buf[slen++] = (unsigned char)configs[c];
		for (size_t i = 0; i < n; i++) {
			const struct event_header *h = (const void *)recs[i];

			buf[slen++] = (unsigned char)((h->type - EVENT_SIG_GENERATE) | (i % 4 ? 0 : 0x80));
			memcpy(buf + slen, recs[i], sizes[i]);
			slen += sizes[i];
		}
		write_seed("sinks", name, buf, slen);
	}
	/* Bad framing: a bare header, a truncated record, an unknown type. */
	{
		size_t len = 0;
		struct event_header h = { .type = 999, .count = 1 };

		buf[len++] = PIPELINE_JSON;
		buf[len++] = 0, buf[len++] = sizeof(h), buf[len++] = 0;
		memcpy(buf + len, &h, sizeof(h)), len += sizeof(h);
		buf[len++] = 1, buf[len++] = (unsigned char)(sizes[0] - 1), buf[len++] = 0;
		memcpy(buf + len, recs[0], sizes[0] - 1), len += sizes[0] - 1;
		buf[len++] = 2, buf[len++] = 3, buf[len++] = 0, buf[len++] = 1, buf[len++] = 0,
		buf[len++] = 0;
		write_seed("decode", "bad-framing", buf, len);
	}
}

static void sanitize_seeds(void)
{
	static const struct {
		const char *name;
		const char *text;
	} seeds[] = {
		{ "ansi", "\x10\x1b[31mred\x1b[0m" },
		{ "bidi", "\x08\xe2\x80\xae" "evil\xe2\x81\xa6x" },
		{ "invalid-utf8", "\x05" "bad\xff\xc3\x28\xe0\x80\xaf\xed\xa0\x80" },
		{ "quotes", "\x40" "a\"b\\c\nd\te\r\x7f" },
		{ "c1-and-separators", "\x09\xc2\x9b" "2J\xe2\x80\xa8\xef\xbb\xbf" },
		{ "astral", "\x0c\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xf4\x90\x80\x80" },
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		write_seed("sanitize", seeds[i].name, seeds[i].text, strlen(seeds[i].text));
}

static void cli_seeds(void)
{
	static const struct {
		const char *name;
		const char *argv; /* arguments separated by NUL */
		size_t len;
	} seeds[] = {
#define SEED(name, s) { name, s, sizeof(s) - 1 }
		SEED("filters", "-p\0" "1\0" "-c\0" "nginx\0" "-s\0" "USR1,SIGTERM,9,RTMIN+1\0"
				"--match\0" "target"),
		SEED("json-output", "--json\0" "-o\0" "x.jsonl\0" "-d\0" "0.5\0" "--no-fold"),
		SEED("fold", "--fold-burst\0" "3\0" "--fold-window=10\0" "--max-procs\0" "64\0" "-vv"),
		SEED("doctor", "sigpipe\0" "--threshold\0" "1000\0" "--fold-window\0" "250\0" "--\0"
			       "sh\0" "-c\0" "yes | head -1"),
		SEED("command", "--btf\0" "/sys/kernel/btf/vmlinux\0" "--\0" "make\0" "-p\0" "1"),
		SEED("bad", "-s\0" "RTMAX-31,\0" "-d\0" "nan\0" "-p\0" "-1"),
		SEED("help", "--help"),
		SEED("version", "-V"),
#undef SEED
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		write_seed("cli", seeds[i].name, seeds[i].argv, seeds[i].len);
}

int main(int argc, char **argv)
{
	static unsigned char recs[32][IPCSCOPE_RECORD_MAX];
	size_t sizes[32], n;

	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds DIR (tests/fuzz/corpus)\n");
		return 2;
	}
	dir = argv[1];
	n = story(recs, sizes);
	decoder_seeds(recs, sizes, n);
	sanitize_seeds();
	cli_seeds();
	return 0;
}
