/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Who `-- COMMAND` runs as: --user, else the user who ran sudo, else the
 * caller unchanged. Resolved before anything starts; applied in the child.
 */
#ifndef RUN_AS_H
#define RUN_AS_H

#include <stdbool.h>
#include <sys/types.h>

struct run_as {
	bool switch_user; /* false: COMMAND keeps our own credentials */
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups, from the group database */
	int ngroups;
	char name[64];	/* "" when the uid has no passwd entry */
	char home[256]; /* "" when unknown */
};

/* What went wrong in run_as__become, for the parent's message. */
enum run_as_step {
	RUN_AS_SETGROUPS = 1,
	RUN_AS_SETGID,
	RUN_AS_SETUID,
	RUN_AS_DROP_CAPS,
};

/*
 * user: --user's NAME or UID, or NULL (then SUDO_UID/SUDO_GID when we are
 * root by sudo). -ENOENT for a user the passwd database does not know,
 * -ENOMEM; 0 otherwise.
 */
int run_as__resolve(struct run_as *r, const char *user);
/* Before exec, in the child: groups, gid, uid, no capabilities. 0 or the failed step. */
int run_as__become(const struct run_as *r);
const char *run_as__step_name(int step);
void run_as__free(struct run_as *r);

#endif /* RUN_AS_H */
