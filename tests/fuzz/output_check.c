// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output_check.h"

#define MAX_DEPTH 64 /* ipcscope nests 4 deep; a parser bound, not a rule */

/* Strict UTF-8 (RFC 3629): no overlong form, no surrogate, at most U+10FFFF. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t min_of[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min_of[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Characters that change what a terminal or editor shows after them. */
static bool forbidden_raw(uint32_t cp, bool newlines)
{
	if (cp == '\n')
		return !newlines;
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || /* C0, DEL, C1 */
	       (cp >= 0x200b && cp <= 0x200f) ||   /* zero width, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||   /* line/paragraph separators, bidi */
	       (cp >= 0x2060 && cp <= 0x2069) ||   /* word joiner .. bidi isolates */
	       cp == 0xfeff;			    /* zero-width no-break space */
}

static bool fail(struct check_error *err, const char *why, size_t at)
{
	err->why = why;
	err->at = at;
	return false;
}

bool output_check__utf8(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0, n; i < len; i += n)
		if (!(n = utf8_next(u + i, len - i, &cp)))
			return false;
	return true;
}

bool output_check__terminal(const char *s, size_t len, bool newlines, struct check_error *err)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_next(u + i, len - i, &cp);

		if (!n)
			return fail(err, "invalid UTF-8", i);
		if (forbidden_raw(cp, newlines))
			return fail(err, "control, bidi or invisible character", i);
		i += n;
	}
	return true;
}

struct json_parser {
	const unsigned char *s;
	size_t len, pos;
	int depth;
	char *out; /* decoded string bytes, or NULL */
	size_t out_len;
	struct check_error *err;
};

static bool json_value(struct json_parser *p);

static void skip_ws(struct json_parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\r' || p->s[p->pos] == '\n'))
		p->pos++;
}

static bool literal(struct json_parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
		return fail(p->err, "bad literal", p->pos);
	p->pos += n;
	return true;
}

static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool hex4(struct json_parser *p, uint32_t *v)
{
	*v = 0;
	if (p->len - p->pos < 4)
		return fail(p->err, "short \\u escape", p->pos);
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(p->s[p->pos + i]);

		if (d < 0)
			return fail(p->err, "bad hex digit in \\u escape", p->pos + i);
		*v = *v << 4 | (uint32_t)d;
	}
	p->pos += 4;
	return true;
}

static void put_bytes(struct json_parser *p, const void *b, size_t n)
{
	if (p->out) {
		memcpy(p->out + p->out_len, b, n);
		p->out_len += n;
	}
}

static void put_utf8(struct json_parser *p, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80)
		b[0] = (unsigned char)cp, n = 1;
	else if (cp < 0x800)
		b[0] = 0xc0 | cp >> 6, b[1] = 0x80 | (cp & 0x3f), n = 2;
	else if (cp < 0x10000)
		b[0] = 0xe0 | cp >> 12, b[1] = 0x80 | (cp >> 6 & 0x3f), b[2] = 0x80 | (cp & 0x3f),
		n = 3;
	else
		b[0] = 0xf0 | cp >> 18, b[1] = 0x80 | (cp >> 12 & 0x3f),
		b[2] = 0x80 | (cp >> 6 & 0x3f), b[3] = 0x80 | (cp & 0x3f), n = 4;
	put_bytes(p, b, n);
}

/* A \uXXXX escape (a surrogate pair must be whole); p->pos is after "\u". */
static bool unicode_escape(struct json_parser *p)
{
	uint32_t hi, lo;

	if (!hex4(p, &hi))
		return false;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(p->err, "lone low surrogate", p->pos - 4);
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
			return fail(p->err, "lone high surrogate", p->pos);
		p->pos += 2;
		if (!hex4(p, &lo))
			return false;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(p->err, "bad low surrogate", p->pos - 4);
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(p, hi);
	return true;
}

static bool json_string(struct json_parser *p)
{
	p->pos++; /* the opening quote */
	while (p->pos < p->len) {
		unsigned char c = p->s[p->pos];
		uint32_t cp;
		size_t n;

		if (c == '"') {
			p->pos++;
			return true;
		}
		if (c == '\\') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *e;

			if (++p->pos >= p->len)
				return fail(p->err, "string ends in a backslash", p->pos);
			c = p->s[p->pos++];
			if (c == 'u') {
				if (!unicode_escape(p))
					return false;
				continue;
			}
			if (!c || !(e = strchr(from, c)))
				return fail(p->err, "bad escape", p->pos - 1);
			put_bytes(p, &to[e - from], 1);
			continue;
		}
		n = utf8_next(p->s + p->pos, p->len - p->pos, &cp);
		if (!n)
			return fail(p->err, "invalid UTF-8 in a string", p->pos);
		if (forbidden_raw(cp, false))
			return fail(p->err, "raw control, bidi or invisible character in a string",
				    p->pos);
		put_bytes(p, p->s + p->pos, n);
		p->pos += n;
	}
	return fail(p->err, "unterminated string", p->pos);
}

static bool digits(struct json_parser *p)
{
	size_t start = p->pos;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos > start ? true : fail(p->err, "digit expected", p->pos);
}

static bool json_number(struct json_parser *p)
{
	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++; /* no leading zeros */
	else if (!digits(p))
		return false;
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (!digits(p))
			return false;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (!digits(p))
			return false;
	}
	return true;
}

/* Members or elements up to the closing bracket; p->pos is after the opening one. */
static bool json_container(struct json_parser *p, unsigned char close, bool object)
{
	if (++p->depth > MAX_DEPTH)
		return fail(p->err, "nested too deep", p->pos);
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return true;
	}
	for (;;) {
		skip_ws(p);
		if (object) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return fail(p->err, "member name expected", p->pos);
			if (!json_string(p))
				return false;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':')
				return fail(p->err, "':' expected", p->pos);
			p->pos++;
		}
		if (!json_value(p))
			return false;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			p->depth--;
			return true;
		}
		return fail(p->err, object ? "',' or '}' expected" : "',' or ']' expected", p->pos);
	}
}

static bool json_value(struct json_parser *p)
{
	skip_ws(p);
	if (p->pos >= p->len)
		return fail(p->err, "value expected", p->pos);
	switch (p->s[p->pos]) {
	case '{':
		p->pos++;
		return json_container(p, '}', true);
	case '[':
		p->pos++;
		return json_container(p, ']', false);
	case '"':
		return json_string(p);
	case 't':
		return literal(p, "true");
	case 'f':
		return literal(p, "false");
	case 'n':
		return literal(p, "null");
	}
	if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
		return json_number(p);
	return fail(p->err, "value expected", p->pos);
}

bool output_check__json(const char *s, size_t len, char *decoded, size_t *decoded_len,
			struct check_error *err)
{
	struct json_parser p = { (const unsigned char *)s, len, 0, 0, NULL, 0, err };
	bool is_string;

	skip_ws(&p);
	is_string = p.pos < len && s[p.pos] == '"';
	p.out = is_string ? decoded : NULL;
	if (!json_value(&p))
		return false;
	skip_ws(&p);
	if (p.pos != len)
		return fail(err, "text after the value", p.pos);
	if (decoded_len)
		*decoded_len = p.out_len;
	return true;
}

bool output_check__json_lines(const char *s, size_t len, struct check_error *err)
{
	size_t start = 0;

	if (len && s[len - 1] != '\n')
		return fail(err, "output does not end with a newline", len);
	while (start < len) {
		const char *nl = memchr(s + start, '\n', len - start);
		size_t end = (size_t)(nl - s);

		if (end == start || s[start] != '{')
			return fail(err, "a line that is not a JSON object", start);
		if (!output_check__json(s + start, end - start, NULL, NULL, err)) {
			err->at += start;
			return false;
		}
		start = end + 1;
	}
	return true;
}

void output_check__fail(const char *what, const char *s, size_t len,
			const struct check_error *err)
{
	size_t line = 0, from = 0, to = len;

	for (size_t i = 0; i < err->at && i < len; i++)
		if (s[i] == '\n')
			line++, from = i + 1;
	for (size_t i = err->at; i < len; i++)
		if (s[i] == '\n') {
			to = i;
			break;
		}
	fprintf(stderr, "\n%s: %s at byte %zu (line %zu, column %zu) of %zu:\n  ", what,
		err->why, err->at, line + 1, err->at - from + 1, len);
	for (size_t i = from; i < to && i < from + 600; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputc('\n', stderr);
	abort();
}
