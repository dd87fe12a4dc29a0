/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The fuzzers' oracle for what ipcscope writes: README's promise that no
 * control byte, escape sequence or bidi override reaches a terminal and that
 * JSON is always valid, one record per line. Written apart from
 * src/sanitize.c on purpose: a check that reused the code under test would
 * agree with its bugs.
 */
#ifndef OUTPUT_CHECK_H
#define OUTPUT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* What went wrong and where (byte offset into the text checked). */
struct check_error {
	const char *why;
	size_t at;
};

/* Whether s[0..len) is valid UTF-8 (RFC 3629: no overlong form, no surrogate). */
bool output_check__utf8(const char *s, size_t len);

/*
 * Text for a terminal: valid UTF-8, no C0/C1 control, DEL, bidi, zero-width
 * or line-separator character; '\n' only when newlines are allowed.
 */
bool output_check__terminal(const char *s, size_t len, bool newlines, struct check_error *err);

/*
 * Exactly one JSON value (RFC 8259) in s[0..len), with the same raw
 * characters forbidden as for a terminal (ipcscope \u-escapes them), so no
 * raw newline either. If decoded is not NULL and the value is a string, its
 * decoded bytes go there (at most len bytes) and their count to *decoded_len.
 */
bool output_check__json(const char *s, size_t len, char *decoded, size_t *decoded_len,
			struct check_error *err);

/*
 * JSON Lines: every line of s[0..len) is one JSON object and the text ends
 * with '\n' (a record never stops half-way).
 */
bool output_check__json_lines(const char *s, size_t len, struct check_error *err);

/* Prints the failure with the offending line, escaped, then aborts (a fuzzer crash). */
void output_check__fail(const char *what, const char *s, size_t len,
			const struct check_error *err) __attribute__((noreturn));

#endif /* OUTPUT_CHECK_H */
