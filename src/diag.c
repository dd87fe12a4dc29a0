// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <string.h>
#include "diag.h"
#include "sanitize.h"

static FILE *json_errors;

void diag__json_to(FILE *f)
{
	json_errors = f;
}

void diag__error(const char *fmt, ...)
{
	char msg[2048], safe[4 * sizeof(msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* It may quote what the user gave: one line, no escape sequence. */
	sanitize__terminal(safe, sizeof(safe), msg, strlen(msg));
	fprintf(stderr, "ipcscope: %s\n", safe);
	if (!json_errors)
		return;
	/* The message may quote what the user gave (a path, a command): escaped. */
	fputs("{\"type\":\"error\",\"message\":", json_errors);
	sanitize__json(json_errors, msg, strlen(msg));
	fputs("}\n", json_errors);
	fflush(json_errors);
}
