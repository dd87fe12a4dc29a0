// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The command line parser (src/cli.c) with arbitrary argv: it must return
 * (never exit or crash), and when it says "trace", what it hands main must
 * be inside the ranges the options promise.
 *
 * Input: the arguments after argv[0], separated by NUL bytes.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define MAX_ARGS 48

#define REQUIRE(cond)                                                                          \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "cli__parse returned CLI_RUN with !(%s)\n", #cond);    \
			abort();                                                               \
		}                                                                              \
	} while (0)

static void check_result(const struct cli *c)
{
	REQUIRE(c->fold_burst >= 1 && c->fold_burst <= 1000000);
	REQUIRE(c->fold_window_ms >= 10 && c->fold_window_ms <= 3600000);
	REQUIRE(c->max_procs >= 64 && c->max_procs <= 4194304);
	REQUIRE(c->duration_s >= 0 && c->duration_s <= 31536000);
	REQUIRE(c->filter.sig_mask != 0);
	REQUIRE(c->filter.npids <= 64);
	REQUIRE(c->filter.ncomms <= FILTER_MAX_COMMS);
	for (unsigned int i = 0; i < c->filter.ncomms; i++)
		REQUIRE(strlen(c->filter.comms[i]) >= 1 && strlen(c->filter.comms[i]) <= 15);
	for (unsigned int i = 0; i < c->filter.npids; i++)
		REQUIRE(c->filter.pids[i] >= 1 && c->filter.pids[i] <= 2147483647U);
	REQUIRE(!c->command || (c->command[0] && !c->filter.npids && c->filter.follow));
	REQUIRE(!c->output || c->output[0]);
	if (c->sigpipe_doctor) {
		REQUIRE(c->filter.sig_mask == 1ULL << (SIGPIPE - 1));
		REQUIRE(c->threshold >= 1 && c->fold_window_ms <= 2000);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	char *copy[MAX_ARGS + 2]; /* cli__parse may rearrange argv (sigpipe); c points into it */
	int argc = 0, ret;
	size_t start = 0;
	struct cli c;

	argv[argc++] = strdup("ipcscope");
	while (start < size && argc <= MAX_ARGS) {
		const uint8_t *nul = memchr(data + start, 0, size - start);
		size_t len = nul ? (size_t)(nul - data) - start : size - start;

		/* Each argument its own exact allocation: reading past one is caught. */
		argv[argc] = malloc(len + 1);
		if (!argv[argc])
			abort();
		memcpy(argv[argc], data + start, len);
		argv[argc++][len] = '\0';
		start += len + 1;
	}
	argv[argc] = NULL;
	memcpy(copy, argv, sizeof(copy));
	ret = cli__parse(&c, argc, copy);
	if (ret != CLI_RUN && ret != 0 && ret != EXIT_USAGE) {
		fprintf(stderr, "cli__parse returned %d\n", ret);
		abort();
	}
	if (ret == CLI_RUN)
		check_result(&c);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
