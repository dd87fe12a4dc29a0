// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "sanitize.h"

/*
 * Decodes one UTF-8 sequence strictly (no overlongs, no surrogates, max
 * U+10FFFF). Returns its length, or 0 if s does not start a valid sequence.
 */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t need;
	uint32_t c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		need = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		need = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		need = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need;
}

/* Characters that change how a terminal or editor shows what follows. */
static bool is_unsafe_codepoint(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || /* C0, DEL, C1 */
	       (cp >= 0x200b && cp <= 0x200f) ||			 /* zero width, LRM/RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||			 /* separators, bidi */
	       (cp >= 0x2060 && cp <= 0x2069) ||			 /* isolates */
	       cp == 0xfeff;
}

size_t sanitize__strnlen(const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max);

	return nul ? (size_t)(nul - s) : max;
}

size_t sanitize__terminal(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0, i = 0;

	if (!size)
		return 0;
	while (i < len) {
		char esc[16];
		const char *piece;
		size_t n, plen;
		uint32_t cp;

		n = utf8_decode(s + i, len - i, &cp);
		if (n && !is_unsafe_codepoint(cp) && cp != '\\') {
			piece = (const char *)s + i;
			plen = n;
		} else if (n && cp >= 0x80) {
			plen = snprintf(esc, sizeof(esc), "\\u{%04x}", cp);
			piece = esc;
		} else {
			if (!n)
				n = 1;
			plen = snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
			piece = esc;
		}
		if (out + plen >= size)
			break;
		memcpy(dst + out, piece, plen);
		out += plen;
		i += n;
	}
	dst[out] = '\0';
	return out;
}

void sanitize__json(FILE *out, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0;

	fputc('"', out);
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (!n) {
			fprintf(out, "\\\\x%02x", s[i]);
			i++;
			continue;
		}
		/* A backslash is "\x5c" as in the terminal's: then "\xHH" is always a byte's escape. */
		if (cp == '\\')
			fputs("\\\\x5c", out);
		else if (cp == '"')
			fputs("\\\"", out);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (is_unsafe_codepoint(cp))
			fprintf(out, "\\u%04x", cp);
		else
			fwrite(s + i, 1, n, out);
		i += n;
	}
	fputc('"', out);
}
