/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one gate for strings that come from the traced system (comm, paths):
 * any process can name itself with escape sequences, quotes, newlines,
 * invalid UTF-8 or bidi overrides. Nothing reaches a sink without passing here.
 */
#ifndef SANITIZE_H
#define SANITIZE_H

#include <stddef.h>
#include <stdio.h>

/*
 * For a terminal: printable UTF-8 is kept; control bytes, C1 controls, bidi
 * and zero-width format characters, backslash and invalid UTF-8 become \xHH
 * or \u{HHHH}. Always NUL-terminates; truncates on a character boundary.
 * Returns the number of bytes written (without the NUL).
 */
size_t sanitize__terminal(char *dst, size_t size, const char *src, size_t len);

/*
 * For JSON: writes a complete, valid JSON string literal (with quotes).
 * Invalid UTF-8 bytes become the text "\xHH" (escaped backslash), and a
 * backslash the text "\x5c", so that "\xHH" always stands for one byte
 * (lossless, as sanitize__terminal) and the output is always valid UTF-8 JSON; controls, bidi and line separators are
 * \u-escaped so the raw file is safe to cat.
 */
void sanitize__json(FILE *out, const char *src, size_t len);

/* Length of a fixed-size, maybe unterminated kernel string (comm). */
size_t sanitize__strnlen(const char *s, size_t max);

#endif /* SANITIZE_H */
