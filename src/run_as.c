// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ipcscope runs as root (or with CAP_BPF + CAP_PERFMON), but the command it
 * traces should run as the person who asked for it, not with our
 * privileges: `sudo ipcscope -- make` builds as the sudo caller, like
 * `make` alone would. A root shell without sudo stays root, since that is
 * who the caller is; --user chooses explicitly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "run_as.h"

/* A whole decimal number below UINT_MAX (uid/gid -1 means "unchanged"). */
static bool parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out < UINT_MAX;
}

/* The groups the user database gives NAME, with GID among them. */
static int load_groups(struct run_as *r, const char *name, gid_t gid)
{
	gid_t one;
	int n = 1;

	if (getgrouplist(name, gid, &one, &n) >= 0) {
		r->groups = malloc(sizeof(gid_t));
		if (!r->groups)
			return -ENOMEM;
		r->groups[0] = one;
		r->ngroups = 1;
		return 0;
	}
	/* n now says how many there are; they may change in between: retry once. */
	for (int tries = 0; tries < 2; tries++) {
		int want = n + 8;

		free(r->groups);
		r->groups = malloc((size_t)want * sizeof(gid_t));
		if (!r->groups)
			return -ENOMEM;
		n = want;
		if (getgrouplist(name, gid, r->groups, &n) >= 0) {
			r->ngroups = n;
			return 0;
		}
	}
	return -ENOMEM;
}

static int from_passwd(struct run_as *r, const struct passwd *pw, gid_t gid)
{
	r->switch_user = true;
	r->uid = pw->pw_uid;
	r->gid = gid;
	snprintf(r->name, sizeof(r->name), "%s", pw->pw_name);
	snprintf(r->home, sizeof(r->home), "%s", pw->pw_dir ? pw->pw_dir : "");
	return load_groups(r, pw->pw_name, gid);
}

/*
 * sudo sets SUDO_UID and SUDO_GID to its caller's real ids. They are only
 * believed when we are root: anyone else cannot switch users anyway, and
 * dropping to them is never a gain for whoever set them.
 */
static int from_sudo(struct run_as *r)
{
	unsigned long uid, gid;
	bool have_gid = parse_id(getenv("SUDO_GID"), &gid);
	struct passwd *pw;

	if (getuid() != 0 || !parse_id(getenv("SUDO_UID"), &uid) || uid == 0)
		return 0;
	pw = getpwuid((uid_t)uid);
	if (pw)
		return from_passwd(r, pw, have_gid ? (gid_t)gid : pw->pw_gid);
	if (!have_gid)
		return -ENOENT; /* no group to give the command: let the caller say --user */
	r->switch_user = true;
	r->uid = (uid_t)uid;
	r->gid = (gid_t)gid;
	r->groups = malloc(sizeof(gid_t));
	if (!r->groups)
		return -ENOMEM;
	r->groups[0] = r->gid;
	r->ngroups = 1;
	return 0;
}

int run_as__resolve(struct run_as *r, const char *user)
{
	struct passwd *pw;
	unsigned long id;

	memset(r, 0, sizeof(*r));
	if (!user)
		return from_sudo(r);
	pw = getpwnam(user);
	if (!pw && parse_id(user, &id))
		pw = getpwuid((uid_t)id);
	if (!pw)
		return -ENOENT;
	return from_passwd(r, pw, pw->pw_gid);
}

/*
 * Leaving uid 0 clears every capability (kernel/capability.c, no
 * SECBIT_KEEP_CAPS), but a caller that is not root yet may switch users
 * with CAP_SETUID: clear them ourselves so the command starts with what
 * that user would have, nothing more.
 */
static int drop_all_caps(void)
{
	cap_t none = cap_init();
	int err = 0;

	if (!none || cap_set_proc(none))
		err = -1;
	cap_free(none);
	if (!err && CAP_AMBIENT_SUPPORTED() && cap_reset_ambient())
		err = -1;
	return err;
}

int run_as__become(const struct run_as *r)
{
	if (!r->switch_user)
		return 0;
	if (setgroups((size_t)r->ngroups, r->groups))
		return RUN_AS_SETGROUPS;
	if (setresgid(r->gid, r->gid, r->gid))
		return RUN_AS_SETGID;
	if (setresuid(r->uid, r->uid, r->uid))
		return RUN_AS_SETUID;
	if (r->uid != 0 && drop_all_caps())
		return RUN_AS_DROP_CAPS;
	/* As su(1) does without "-": sudo left root's HOME, the command wants its own. */
	if (r->name[0]) {
		setenv("USER", r->name, 1);
		setenv("LOGNAME", r->name, 1);
	}
	if (r->home[0])
		setenv("HOME", r->home, 1);
	return 0;
}

const char *run_as__step_name(int step)
{
	switch (step) {
	case RUN_AS_SETGROUPS:
		return "setgroups";
	case RUN_AS_SETGID:
		return "setgid";
	case RUN_AS_SETUID:
		return "setuid";
	case RUN_AS_DROP_CAPS:
		return "dropping capabilities";
	}
	return "switching user";
}

void run_as__free(struct run_as *r)
{
	free(r->groups);
	r->groups = NULL;
}
