/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Reading a fuzzer's input as a stream: what runs out reads as zeros. */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *data;
	size_t len, pos;
};

static inline size_t fuzz_input__left(const struct fuzz_input *in)
{
	return in->len - in->pos;
}

static inline uint8_t fuzz_input__u8(struct fuzz_input *in)
{
	return in->pos < in->len ? in->data[in->pos++] : 0;
}

static inline uint16_t fuzz_input__u16(struct fuzz_input *in)
{
	uint16_t lo = fuzz_input__u8(in);

	return (uint16_t)(lo | fuzz_input__u8(in) << 8);
}

/* Copies up to n bytes into dst, zero-filling what the input lacks; returns bytes taken. */
static inline size_t fuzz_input__bytes(struct fuzz_input *in, void *dst, size_t n)
{
	size_t take = n < fuzz_input__left(in) ? n : fuzz_input__left(in);

	if (take) /* data may be NULL when len is 0 */
		memcpy(dst, in->data + in->pos, take);
	memset((uint8_t *)dst + take, 0, n - take);
	in->pos += take;
	return take;
}

#endif /* FUZZ_INPUT_H */
