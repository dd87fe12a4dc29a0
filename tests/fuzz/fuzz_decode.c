// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The decoder fed arbitrary ring-buffer records: any type, any size
 * (truncated, oversized, a bare header), any field values, plus the rows
 * read from the BPF maps at exit. decode__record must reject what it cannot
 * use and never read past a record; whatever reaches a sink must stay valid.
 *
 * Input: a configuration byte (tests/fuzz/pipeline.h), then operations:
 *   op, u16 length (little-endian), length bytes
 * op % 8: 0-3 a record of exactly that length, 4 a fold slot's deferred
 * counters (struct fold_acc, then the sample record), 5 a sig_stats row,
 * 6 an io_stats row, 7 a housekeeping tick.
 */
#include <stdlib.h>
#include "fuzz_input.h"
#include "pipeline.h"

static void settle(struct pipeline *p, const uint8_t *b, size_t n)
{
	struct fold_acc acc;
	struct fuzz_input in = { b, n, 0 };

	fuzz_input__bytes(&in, &acc, sizeof(acc));
	pipeline__settle(p, b + in.pos, n - in.pos, &acc);
}

static void sig_row(struct pipeline *p, const uint8_t *b, size_t n)
{
	struct fuzz_input in = { b, n, 0 };
	struct sig_stats_key key;
	struct sig_stats *s = malloc(sizeof(*s)); /* 872 bytes: ASan sees its edges */

	if (!s)
		abort();
	fuzz_input__bytes(&in, &key, sizeof(key));
	fuzz_input__bytes(&in, s, sizeof(*s));
	pipeline__sig_stats(p, &key, s);
	free(s);
}

static void io_row(struct pipeline *p, const uint8_t *b, size_t n)
{
	struct fuzz_input in = { b, n, 0 };
	struct io_key key;
	struct io_stats s;

	fuzz_input__bytes(&in, &key, sizeof(key));
	fuzz_input__bytes(&in, &s, sizeof(s));
	pipeline__io_stats(p, &key, &s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size, 0 };
	static struct pipeline p; /* 50 KB: not on the stack */

	pipeline__open(&p, fuzz_input__u8(&in));
	while (fuzz_input__left(&in)) {
		unsigned int op = fuzz_input__u8(&in) % 8;
		size_t len = fuzz_input__u16(&in);
		uint8_t *rec;

		if (len > fuzz_input__left(&in))
			len = fuzz_input__left(&in);
		/* Exactly len bytes on the heap: one byte too far is an ASan report. */
		rec = malloc(len ? len : 1);
		if (!rec)
			abort();
		fuzz_input__bytes(&in, rec, len);
		if (op < 4)
			pipeline__record(&p, rec, len);
		else if (op == 4)
			settle(&p, rec, len);
		else if (op == 5)
			sig_row(&p, rec, len);
		else if (op == 6)
			io_row(&p, rec, len);
		else
			pipeline__tick(&p);
		free(rec);
	}
	pipeline__close(&p);
	return 0;
}
