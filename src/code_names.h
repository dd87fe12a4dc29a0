/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Names for code addresses of traced processes -- a signal handler's: the
 * function whose ELF symbol covers the address, in the file mapped there
 * (/proc/PID/maps, the file opened through /proc/PID/root). A student
 * reads "handler on_usr1", not an address. Answers are kept per (process,
 * address), so a delivery after the process is gone still gets the name
 * its sigaction was given; symbol tables are kept per file.
 * The names come from the traced system: sinks sanitize them.
 */
#ifndef CODE_NAMES_H
#define CODE_NAMES_H

#include <stdbool.h>
#include <stdint.h>

struct code_name {
	char func[64];	       /* the covering function; "" when no symbol covers it */
	char object[64];       /* basename of the mapped file */
	uint64_t func_offset;  /* from the function's start */
	uint64_t file_offset;  /* in the mapped file */
};

struct code_names;

/* procfs: "/proc" (tests may pass another tree). NULL when out of memory. */
struct code_names *code_names__new(const char *procfs);
void code_names__free(struct code_names *c);
/*
 * The name of addr in process pid started at start_ns (its identity: a
 * reused pid is another process) running program image `image` (the
 * record's task__image_id(), bpf/ipcscope.bpf.h; 0: not checked); false
 * when it is in no file mapping, or the process is gone or exec'd since,
 * and was not asked about before.
 */
bool code_names__find(struct code_names *c, uint32_t pid, uint64_t start_ns, uint64_t image,
		      uint64_t addr, struct code_name *out);
/* pid exec'd: its old image's answers no longer hold. */
void code_names__forget(struct code_names *c, uint32_t pid);

#endif /* CODE_NAMES_H */
