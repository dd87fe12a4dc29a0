/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ipcscope's user-space path without BPF, for the fuzzers: records go
 * through decode__record into the model and a sink writing to memory, the
 * way src/main.c wires them, and every byte the sink writes is checked
 * (tests/fuzz/output_check.h) as soon as it is written.
 */
#ifndef FUZZ_PIPELINE_H
#define FUZZ_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "decode.h"

/* Bits of the configuration byte every decoder-fed fuzz input starts with. */
enum pipeline_config {
	PIPELINE_JSON = 1 << 0,
	PIPELINE_VERBOSE = 1 << 1,
	PIPELINE_DOCTOR = 1 << 2,   /* ipcscope sigpipe */
	PIPELINE_PID_FILTER = 1 << 3, /* -- COMMAND: pid 1000 and its followed children */
	PIPELINE_COMM_FILTER = 1 << 4,
	PIPELINE_SIG_FILTER = 1 << 5,
	PIPELINE_NO_FOLD = 1 << 6,
	PIPELINE_FEATURES_OFF = 1 << 7, /* signal_deliver and sys_enter missing on this kernel */
};

struct pipeline {
	struct model model;
	struct output out;
	struct filter filter;
	struct fold_state fold;
	struct sigpipe_doctor doctor;
	struct decoder decoder;
	char *text; /* what the sink wrote (open_memstream) */
	size_t size;
	size_t checked; /* bytes of text already checked */
	uint64_t now_ns; /* the doctor's clock */
	bool json;
};

void pipeline__open(struct pipeline *p, unsigned int config);
/* One ring-buffer record of exactly size bytes, then the output check. */
void pipeline__record(struct pipeline *p, const void *data, size_t size);
/* Rows as tracer__read_stats and fold settling would add them. */
void pipeline__sig_stats(struct pipeline *p, const struct sig_stats_key *key,
			 const struct sig_stats *s);
void pipeline__io_stats(struct pipeline *p, const struct io_key *key, const struct io_stats *s);
void pipeline__settle(struct pipeline *p, const void *rec, size_t size, const struct fold_acc *acc);
/* A housekeeping tick: the doctor's rates move on, alerts may go out. */
void pipeline__tick(struct pipeline *p);
/* The end of a run: the report, checked, and everything freed. */
void pipeline__close(struct pipeline *p);

#endif /* FUZZ_PIPELINE_H */
