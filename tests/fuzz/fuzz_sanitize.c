// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/sanitize.c, the one gate for untrusted strings, against arbitrary
 * bytes. For the terminal: the output fits, is NUL-terminated, shows no
 * control/bidi/invisible character, a smaller buffer gives a prefix of the
 * full text (truncation on a character boundary) and the full text decodes
 * back to the input (escapes lose nothing). For JSON: one valid string
 * literal that decodes back to the input when the input is valid UTF-8.
 *
 * Input: one byte giving the terminal buffer size, then the string.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output_check.h"
#include "sanitize.h"

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static size_t put_utf8(unsigned char *b, unsigned long cp)
{
	if (cp < 0x80)
		return b[0] = (unsigned char)cp, 1;
	if (cp < 0x800)
		return b[0] = 0xc0 | cp >> 6, b[1] = 0x80 | (cp & 0x3f), 2;
	if (cp < 0x10000)
		return b[0] = 0xe0 | cp >> 12, b[1] = 0x80 | (cp >> 6 & 0x3f),
		       b[2] = 0x80 | (cp & 0x3f), 3;
	return b[0] = 0xf0 | cp >> 18, b[1] = 0x80 | (cp >> 12 & 0x3f),
	       b[2] = 0x80 | (cp >> 6 & 0x3f), b[3] = 0x80 | (cp & 0x3f), 4;
}

/*
 * Undoes the terminal escapes (\xHH, \u{H...}); a backslash only ever starts
 * one, since a literal backslash is escaped too. Returns the length, or
 * (size_t)-1 for a malformed escape.
 */
static size_t terminal_unescape(unsigned char *dst, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		if (s[i] != '\\') {
			dst[n++] = (unsigned char)s[i++];
			continue;
		}
		if (i + 4 <= len && s[i + 1] == 'x' && hex_value(s[i + 2]) >= 0 &&
		    hex_value(s[i + 3]) >= 0) {
			dst[n++] = (unsigned char)(hex_value(s[i + 2]) << 4 | hex_value(s[i + 3]));
			i += 4;
		} else if (i + 3 < len && s[i + 1] == 'u' && s[i + 2] == '{') {
			unsigned long cp = 0;
			size_t j = i + 3;

			for (; j < len && hex_value(s[j]) >= 0 && j < i + 9; j++)
				cp = cp << 4 | (unsigned long)hex_value(s[j]);
			if (j == i + 3 || j >= len || s[j] != '}' || cp > 0x10ffff)
				return (size_t)-1;
			n += put_utf8(dst + n, cp);
			i = j + 1;
		} else {
			return (size_t)-1;
		}
	}
	return n;
}

static void check_terminal(const char *src, size_t len, size_t small)
{
	size_t full_size = len * 10 + 1; /* "\u{10ffff}" is the longest escape */
	char *full = malloc(full_size), *part = malloc(small ? small : 1);
	unsigned char *back = malloc(len + 1);
	struct check_error err;
	size_t n, m;

	if (!full || !part || !back)
		abort();
	n = sanitize__terminal(full, full_size, src, len);
	if (n >= full_size || full[n] || strlen(full) != n) {
		fprintf(stderr, "terminal: returned %zu for a %zu-byte buffer\n", n, full_size);
		abort();
	}
	if (!output_check__terminal(full, n, false, &err))
		output_check__fail("sanitize__terminal", full, n, &err);
	m = terminal_unescape(back, full, n);
	if (m != len || memcmp(back, src, len)) {
		err = (struct check_error){ "does not decode back to the input", 0 };
		output_check__fail("sanitize__terminal", full, n, &err);
	}
	/* Exactly `small` bytes: ASan reports a write past them. */
	m = sanitize__terminal(part, small, src, len);
	if (small && (m >= small || part[m] || m > n || memcmp(part, full, m))) {
		fprintf(stderr, "terminal: %zu-byte buffer gave %zu bytes, not a prefix of the "
				"%zu-byte text\n", small, m, n);
		abort();
	}
	if (!small && m)
		abort();
	free(full);
	free(part);
	free(back);
}

static void check_json(const char *src, size_t len)
{
	char *text = NULL, *decoded;
	unsigned char *back;
	size_t size = 0, decoded_len = 0, n;
	struct check_error err;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		abort();
	sanitize__json(f, src, len);
	if (fclose(f))
		abort();
	decoded = malloc(size + 1);
	if (!decoded)
		abort();
	if (size < 2 || text[0] != '"' ||
	    !output_check__json(text, size, decoded, &decoded_len, &err)) {
		if (size < 2 || text[0] != '"')
			err = (struct check_error){ "not a string literal", 0 };
		output_check__fail("sanitize__json", text, size, &err);
	}
	/*
	 * Any input comes back exactly once the string's "\xHH" (an invalid
	 * byte, or a backslash as \x5c) are undone: the terminal's escapes.
	 */
	back = malloc(decoded_len + 1);
	if (!back)
		abort();
	n = terminal_unescape(back, decoded, decoded_len);
	if (n != len || memcmp(back, src, len)) {
		err = (struct check_error){ "does not decode back to the input", 0 };
		output_check__fail("sanitize__json", text, size, &err);
	}
	free(back);
	free(decoded);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src;

	if (!size)
		return 0;
	/* The string alone on the heap, so reading past it is caught. */
	src = malloc(size - 1 ? size - 1 : 1);
	if (!src)
		abort();
	memcpy(src, data + 1, size - 1);
	check_terminal(src, size - 1, data[0]);
	check_json(src, size - 1);
	free(src);
	return 0;
}
