// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loading and attaching needed CAP_BPF + CAP_PERFMON (or root); mounting
 * tracefs needed CAP_SYS_ADMIN; seeding the process table read /proc. After
 * that the run only drains the ring buffer (mmap'ed memory and an epoll fd)
 * and reads or updates maps through fds it holds, which the kernel checks
 * against nothing but the fd (kernel/bpf/syscall.c, since Linux 5.19).
 *
 * What it still does that needs a capability, and therefore keeps:
 *
 *  - CAP_SYS_PTRACE: a FIFO opened by a relative path is made absolute by
 *    readlink(/proc/PID/cwd) or readlink(/proc/PID/fd/DIRFD) (model.c
 *    fifo_path), and a FIFO opened before tracing is named from
 *    /proc/PID/fd/N (fifo_name.c). Those links are checked with ptrace_may_access(READ_FSCREDS)
 *    (fs/proc/base.c proc_fd_access_allowed), which a process of another
 *    user, or one holding capabilities we no longer have, refuses without it.
 *    Naming a handler reads /proc/PID/maps, /proc/PID/stat's startstack and
 *    /proc/PID/exe, and opens /proc/PID/root (code_names.c): the same check.
 *  - CAP_DAC_READ_SEARCH: /proc/PID/fd itself is mode 0500, owned by the
 *    process's user (fs/proc/fd.c proc_fd_permission), so looking up (or
 *    listing) an fd link of another user's process needs it. code_names.c
 *    reads a handler's mapped file (ELF symbols), whoever may read it.
 *  - CAP_KILL, only with -- COMMAND: SIGTERM and SIGHUP are passed on to the
 *    command, which may run as another user (--user, sudo, or its own setuid
 *    programs), and kill(2) across users needs it.
 *  - CAP_BPF, only where bpf() map calls still need it: before 5.19, with
 *    kernel.unprivileged_bpf_disabled set, every bpf() command checked
 *    bpf_capable(). We test it on a map instead of trusting version numbers.
 *
 * Nothing else: the output file is already open, /proc/PID/comm is not read
 * after start (names come from the sched tracepoints), and the report is
 * built from the maps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "diag.h"
#include "privileges.h"
#include "stop_signals.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define MAX_KEPT 4

/* In a throwaway child without any capability: does a bpf() map call work? */
static bool map_fd_needs_cap_bpf(int map_fd)
{
	sigset_t held;
	pid_t pid;
	int status;

	/* The child keeps the stop signals held: our handler is not its to run. */
	stop_signals__hold(&held);
	pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &held, NULL);
	if (pid < 0)
		return true; /* cannot tell: keep it rather than lose the maps */
	if (pid == 0) {
		cap_t none = cap_init();
		__u32 key;

		if (!none || cap_set_proc(none))
			_exit(2);
		_exit(bpf_map_get_next_key(map_fd, NULL, &key) == -EPERM ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return true;
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* A map of our own to ask with: the answer is the kernel's, not the map's. */
bool privileges__map_access_needs_cap_bpf(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ipcscope_probe", sizeof(__u32),
				sizeof(__u32), 1, NULL);
	bool needs;

	if (fd < 0)
		return true; /* cannot tell: keep it rather than lose the maps */
	needs = map_fd_needs_cap_bpf(fd);
	close(fd);
	return needs;
}

static bool in_set(cap_t caps, cap_value_t cap, cap_flag_t set)
{
	cap_flag_value_t v = CAP_CLEAR;

	return cap_get_flag(caps, cap, set, &v) == 0 && v == CAP_SET;
}

/* The capabilities listed at the top of this file that we have at all. */
static int kept_caps(const struct privilege_needs *needs, cap_t now, cap_value_t *kept)
{
	cap_value_t wanted[MAX_KEPT];
	int nwanted = 0, n = 0;

	wanted[nwanted++] = CAP_SYS_PTRACE;
	wanted[nwanted++] = CAP_DAC_READ_SEARCH;
	if (needs->signal_command)
		wanted[nwanted++] = CAP_KILL;
	if (needs->map_access_needs_cap_bpf)
		wanted[nwanted++] = CAP_BPF;
	for (int i = 0; i < nwanted; i++)
		if (in_set(now, wanted[i], CAP_PERMITTED))
			kept[n++] = wanted[i];
	return n;
}

static bool is_kept(cap_value_t cap, const cap_value_t *kept, int nkept)
{
	for (int i = 0; i < nkept; i++)
		if (kept[i] == cap)
			return true;
	return false;
}

/*
 * The bounding set limits what any later exec could gain. Dropping from it
 * needs CAP_SETPCAP, which root has; a binary given only CAP_BPF and
 * CAP_PERFMON (setcap) cannot, and relies on no_new_privs alone.
 */
static int drop_bounding(cap_t now, const cap_value_t *kept, int nkept, bool verbose)
{
	if (!in_set(now, CAP_SETPCAP, CAP_EFFECTIVE)) {
		if (verbose)
			fprintf(stderr, "ipcscope: no CAP_SETPCAP: bounding set left as it is\n");
		return 0;
	}
	for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++) {
		if (is_kept(cap, kept, nkept) || cap_get_bound(cap) != 1)
			continue;
		if (cap_drop_bound(cap))
			return -errno;
	}
	return 0;
}

static void report_kept(void)
{
	cap_t now = cap_get_proc();
	char *text = now ? cap_to_text(now, NULL) : NULL;

	fprintf(stderr, "ipcscope: capabilities dropped, kept: %s; no_new_privs set\n",
		text && strcmp(text, "=") ? text : "none");
	cap_free(text);
	cap_free(now);
}

int privileges__drop(const struct privilege_needs *needs, bool verbose)
{
	cap_value_t kept[MAX_KEPT];
	cap_t now = cap_get_proc(), next = cap_init();
	const char *step = "read capabilities";
	int nkept, err = 0;

	if (!now || !next) {
		err = -errno;
		goto out;
	}
	nkept = kept_caps(needs, now, kept);
	step = "drop from the bounding set";
	if ((err = drop_bounding(now, kept, nkept, verbose)))
		goto out;
	step = "set capabilities";
	if (nkept && (cap_set_flag(next, CAP_PERMITTED, nkept, kept, CAP_SET) ||
		      cap_set_flag(next, CAP_EFFECTIVE, nkept, kept, CAP_SET))) {
		err = -errno;
		goto out;
	}
	if (cap_set_proc(next)) { /* inheritable: cleared, as in cap_init() */
		err = -errno;
		goto out;
	}
	step = "clear ambient capabilities";
	if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient()) {
		err = -errno;
		goto out;
	}
	step = "set no_new_privs";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = -errno;
		goto out;
	}
	if (verbose)
		report_kept();
out:
	if (err)
		diag__error("cannot drop privileges after attaching (%s): %s: "
				"report this with the output of -v", step, strerror(-err));
	cap_free(next);
	cap_free(now);
	return err;
}
