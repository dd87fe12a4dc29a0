/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Least privilege once the programs are attached: keep only the capabilities
 * the rest of the run uses, drop every other one for good, set no_new_privs.
 */
#ifndef PRIVILEGES_H
#define PRIVILEGES_H

#include <stdbool.h>

/* What the run does after the drop that may need a capability. */
struct privilege_needs {
	bool signal_command;	       /* forwards SIGTERM/SIGHUP to a COMMAND (any user) */
	bool map_access_needs_cap_bpf; /* privileges__map_access_needs_cap_bpf() */
};

/*
 * Does a bpf() call on a map fd we hold need CAP_BPF on this kernel? Asked
 * once, before the programs are attached: it forks a throwaway child, and
 * the tracer must not trace its own helpers (docs/design.md).
 */
bool privileges__map_access_needs_cap_bpf(void);

/*
 * Drops every capability but those listed in privileges.c from the
 * effective, permitted, inheritable, ambient and bounding sets, then sets
 * no_new_privs. Prints one line naming the step on failure; 0 or -errno.
 */
int privileges__drop(const struct privilege_needs *needs, bool verbose);

#endif /* PRIVILEGES_H */
