/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Command line: what the user asked for, checked and parsed with ranges. */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stdint.h>
#include "filter.h"

#define EXIT_USAGE 2
#define EXIT_RUNTIME 1

struct cli {
	struct filter filter;
	double duration_s; /* 0: until Ctrl-C/SIGTERM or the command ends */
	bool json;
	const char *output; /* NULL: stdout */
	bool no_fold;
	uint32_t fold_burst; /* records per key per window before folding */
	uint32_t fold_window_ms;
	uint32_t max_procs;
	const char *btf_path;
	int verbose;
	char **command; /* NULL-terminated argv after --, or NULL */
	const char *user; /* --user: who runs COMMAND (NULL: see run_as.h) */
	bool sigpipe_doctor; /* `ipcscope sigpipe` */
	uint64_t threshold;  /* sigpipe: EPIPE/s per writer and object that is a storm */
};

/* Parses argv; on a usage error prints one line and exits EXIT_USAGE. */
void cli__parse(struct cli *c, int argc, char **argv);

#endif /* CLI_H */
