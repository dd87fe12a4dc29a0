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
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "ipcscope: %s\n", msg);
	if (!json_errors)
		return;
	/* The message may quote what the user gave (a path, a command): escaped. */
	fputs("{\"type\":\"error\",\"message\":", json_errors);
	sanitize__json(json_errors, msg, strlen(msg));
	fputs("}\n", json_errors);
	fflush(json_errors);
}
