/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ipcscope's own errors: one line on stderr, "ipcscope: what: the fix".
 * Under --json a script reads the records, not stderr, so each error also
 * goes to the JSON stream as {"type":"error","message":"..."} (as bpftool's
 * p_err does under -j): a run that failed leaves a record saying why.
 */
#ifndef DIAG_H
#define DIAG_H

#include <stdio.h>

/* Errors from now on also go to f as JSON records; NULL: stderr only. */
void diag__json_to(FILE *f);

/* One error line (fmt without "ipcscope: " and without the newline). */
void diag__error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* DIAG_H */
