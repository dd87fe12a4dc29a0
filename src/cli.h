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
	uint32_t keep; /* exited processes, closed objects of each kind, kept by name */
	const char *btf_path;
	int verbose;
	char **command; /* NULL-terminated argv after --, or NULL */
	const char *user; /* --user: who runs COMMAND (NULL: see run_as.h) */
	bool sigpipe_doctor; /* `ipcscope sigpipe` */
	uint64_t threshold;  /* sigpipe: EPIPE/s per writer and object that is a storm */
	bool answered;	     /* --help, --usage or --version printed: nothing to trace */
	const char *last_optarg; /* while parsing: the last option's argument */
	bool match_given;	 /* --match was given (it needs -p, -c or COMMAND) */
	bool error_reported;	 /* while parsing: a usage error's line is out */
	uint32_t given;		 /* while parsing: single-valued options seen (cli.c once()) */
};

#define CLI_RUN (-1) /* cli__parse: go on and trace */

/*
 * Parses argv. Returns CLI_RUN, or the status main exits with at once: 0
 * after --help, --usage or --version, EXIT_USAGE after one line on stderr.
 * It never exits itself, so a fuzzer can call it (tests/fuzz/fuzz_cli.c).
 */
int cli__parse(struct cli *c, int argc, char **argv);

#endif /* CLI_H */
