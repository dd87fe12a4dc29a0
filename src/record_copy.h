/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Records are copied into fixed, aligned buffers before use (src/decode.c,
 * src/model.c), which hides a short record from AddressSanitizer: a field
 * read past its end reads stale buffer bytes, not outside any object. Under
 * ASan (make test-sanitize, the fuzzers) the bytes past the record are made
 * unreadable for as long as it is in use, so such a read is a report. No-ops
 * in a normal build.
 */
#ifndef RECORD_COPY_H
#define RECORD_COPY_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define RECORD_COPY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RECORD_COPY_ASAN 1
#endif
#endif

#ifdef RECORD_COPY_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* buf holds a record of used bytes out of cap: the rest becomes unreadable. */
static inline void record_copy__hide_tail(void *buf, size_t used, size_t cap)
{
#ifdef RECORD_COPY_ASAN
	ASAN_POISON_MEMORY_REGION((char *)buf + used, cap - used);
#else
	(void)buf, (void)used, (void)cap;
#endif
}

/* Before buf (on the stack) goes out of scope: all of it readable again. */
static inline void record_copy__done(void *buf, size_t cap)
{
#ifdef RECORD_COPY_ASAN
	ASAN_UNPOISON_MEMORY_REGION(buf, cap);
#else
	(void)buf, (void)cap;
#endif
}

#endif /* RECORD_COPY_H */
