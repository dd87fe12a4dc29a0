/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The output's file descriptor when things go wrong: noticing that a pipe's
 * reader went away while there is nothing to write, and leaving a regular
 * file with whole lines only after a write failed (a full disk stops a
 * write in the middle of a record).
 */
#ifndef OUTPUT_FAULT_H
#define OUTPUT_FAULT_H

#include <stdbool.h>
#include <sys/types.h>

struct output_fault {
	bool regular_file;
	off_t start_size; /* what the file held before us (`>>`): never cut below */
};

void output_fault__remember_start(struct output_fault *f, int fd);
/*
 * Truncates a regular file after its last newline (not below what it held
 * before us). Best effort: the output has already failed.
 */
void output_fault__cut_partial_line(const struct output_fault *f, int fd);
/* fd itself when it is a pipe or socket (whose reader can go away), else -1. */
int output_fault__hangup_fd(int fd);

#endif /* OUTPUT_FAULT_H */
