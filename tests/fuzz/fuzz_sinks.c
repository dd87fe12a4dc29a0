// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The text and JSON sinks fed well-formed records of every type whose
 * fields, names (comm) and paths are hostile bytes: every record and the
 * report must come out as safe terminal text or as valid JSON Lines, one
 * record per line (tests/fuzz/output_check.c judges each write).
 *
 * Input: a configuration byte (tests/fuzz/pipeline.h), then records:
 *   selector, then the record's bytes (as many as its type has)
 * The selector picks the type (its low bits) and whether a tick follows
 * (0x80); the record's header gets that type, the rest is the input's.
 */
#include <stdlib.h>
#include "fuzz_input.h"
#include "pipeline.h"

#define RECORD_TYPES (EVENT_TYPE_MAX - EVENT_SIG_GENERATE)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size, 0 };
	static struct pipeline p;

	pipeline__open(&p, fuzz_input__u8(&in));
	while (fuzz_input__left(&in)) {
		unsigned int sel = fuzz_input__u8(&in);
		unsigned int type = EVENT_SIG_GENERATE + (sel & 0x7f) % RECORD_TYPES;
		size_t len = decode__record_size(type);
		struct event_header *hdr = malloc(len);

		if (!hdr)
			abort();
		fuzz_input__bytes(&in, hdr, len);
		hdr->type = type;
		pipeline__record(&p, hdr, len);
		free(hdr);
		if (sel & 0x80)
			pipeline__tick(&p);
	}
	pipeline__close(&p);
	return 0;
}
