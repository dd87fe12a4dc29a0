// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "diag.h"
#include "feature_map.h"
#include "preflight.h"

#define TRACEFS_MAGIC 0x74726163
#define TRACEFS_PATH "/sys/kernel/tracing"
#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct data[2], int cap)
{
	return data[cap / 32].effective & (1U << (cap % 32));
}

/* Loading tracing programs needs CAP_BPF + CAP_PERFMON (or CAP_SYS_ADMIN). */
static int check_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data)) {
		int err = -errno;

		diag__error("cannot read capabilities: %s", strerror(-err));
		return err;
	}
	if (has_cap(data, CAP_SYS_ADMIN) || (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON)))
		return 0;
	diag__error("loading BPF programs needs root or CAP_BPF and CAP_PERFMON: "
			"run it with sudo");
	return -EPERM;
}

static int check_btf(const char *btf_path)
{
	const char *path = btf_path ? btf_path : VMLINUX_BTF;
	struct stat st;

	if (btf_path && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		diag__error("--btf %s is a directory: pass a vmlinux BTF file "
				"(like %s)", path, VMLINUX_BTF);
		return -EISDIR;
	}
	if (access(path, R_OK) == 0)
		return 0;
	if (btf_path)
		diag__error("cannot read BTF file %s: %s: pass a readable vmlinux "
				"BTF with --btf", path, strerror(errno));
	else
		diag__error("kernel BTF %s is missing (%s): use a kernel built with "
				"CONFIG_DEBUG_INFO_BTF=y or pass --btf PATH", path, strerror(errno));
	return -ENOENT;
}

static int check_ringbuf(void)
{
	int ret = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);

	if (ret > 0)
		return 0;
	diag__error("this kernel has no BPF ring buffer (%s): Linux 5.8 or newer "
			"with CONFIG_BPF_SYSCALL is needed",
		ret < 0 ? strerror(-ret) : "not supported");
	return ret < 0 ? ret : -EOPNOTSUPP;
}

/* "signal_deliver is", "sys_enter and sys_exit are": the missing ones a feature needs. */
static void print_missing(uint32_t tps)
{
	unsigned int n = 0, total = __builtin_popcount(tps);

	for (unsigned int tp = 0; tp < TP_MAX; tp++) {
		if (!(tps & TP_BIT(tp)))
			continue;
		n++;
		fprintf(stderr, "%s%s", n == 1 ? "" : n == total ? " and " : ", ",
			tracepoint__name(tp));
	}
	fprintf(stderr, " %s", total > 1 ? "are" : "is");
}

/*
 * A tp_btf program attaches to tracepoint X through the BTF typedef
 * btf_trace_X: the kernel defines one per event (include/trace/bpf_probe.h,
 * __DEFINE_EVENT), and libbpf's find_attach_btf_id() looks the target up by
 * that name. So the typedef is there iff the tracepoint is,
 * and checking before load lets the rest load when one is not.
 */
/*
 * Whether sched_process_exit passes group_dead beside the task: its
 * btf_trace_ typedef points to a prototype (void *data, task, bool) then,
 * (void *data, task) before. bpf/proc.bpf.c reads it when there.
 */
static bool exit_passes_group_dead(const struct btf *btf)
{
	int id = btf__find_by_name_kind(btf, "btf_trace_sched_process_exit", BTF_KIND_TYPEDEF);
	const struct btf_type *t = id < 0 ? NULL : btf__type_by_id(btf, id);

	if (t)
		t = btf__type_by_id(btf, t->type); /* the pointer */
	if (t && btf_is_ptr(t))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) && btf_vlen(t) == 3;
}

int preflight__tracepoints(const char *btf_path, uint32_t *missing, bool *exit_group_dead)
{
	const char *path = btf_path ? btf_path : VMLINUX_BTF;
	struct btf *btf = btf__parse(path, NULL);
	char name[64];
	int err;

	*missing = 0;
	*exit_group_dead = false;
	if (!btf) {
		char why[128];

		err = errno ? -errno : -EINVAL;
		/* libbpf's own codes (LIBBPF_ERRNO__*) are not errno values. */
		if (err == -LIBBPF_ERRNO__FORMAT)
			snprintf(why, sizeof(why), "neither raw BTF nor ELF");
		else if (-err >= __LIBBPF_ERRNO__START)
			libbpf_strerror(err, why, sizeof(why));
		else if (err == -ENOENT) /* the file is there (check_btf): its section is not */
			snprintf(why, sizeof(why), "an ELF file without a .BTF section");
		else if (err == -EIO)
			snprintf(why, sizeof(why), "empty or truncated");
		else
			snprintf(why, sizeof(why), "%s", strerror(-err));
		if (btf_path)
			diag__error("%s is not a BTF file (%s): pass a vmlinux BTF "
					"(raw like %s, or an ELF with .BTF) with --btf",
				path, why, VMLINUX_BTF);
		else
			diag__error("cannot parse BTF %s: %s: the kernel's BTF is "
					"unusable; pass one with --btf PATH", path, why);
		return err;
	}
	for (unsigned int tp = 0; tp < TP_MAX; tp++) {
		snprintf(name, sizeof(name), "btf_trace_%s", tracepoint__name(tp));
		if (btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) < 0)
			*missing |= TP_BIT(tp);
	}
	*exit_group_dead = exit_passes_group_dead(btf);
	btf__free(btf);
	if (tracepoints__unloaded(*missing) == TP_ALL) {
		diag__error("the BTF of %s lacks the tracepoints ipcscope uses "
				"(signal_generate, signal_deliver, sys_enter, sys_exit, "
				"sched_process_*): nothing to trace; %s", path,
			btf_path ? "check that --btf names this kernel's vmlinux BTF" :
				   "a kernel with BTF tracepoints (5.5 or newer) is needed");
		return -ENOENT;
	}
	for (unsigned int f = 0; f < FEATURE_MAX; f++) {
		uint32_t gone = feature__needs(f) & *missing;

		if (!gone)
			continue;
		fprintf(stderr, "ipcscope: ");
		print_missing(gone);
		fprintf(stderr, " missing on this kernel: %s is off\n", feature__text(f));
	}
	return 0;
}

/* include/linux/proc_ns.h: the initial PID namespace's inode number, fixed since 3.8. */
#define PROC_PID_INIT_INO 0xEFFFFFFCU

int preflight__pid_namespace(void)
{
	struct stat st;

	/* Unreadable (no /proc, or another namespace's /proc): cannot tell, go on. */
	if (stat("/proc/self/ns/pid", &st) || st.st_ino == PROC_PID_INIT_INO)
		return 0;
	diag__error("runs in a child PID namespace (a container without the host's "
			"pids), where its own pid, -p, -- COMMAND and /proc do not match the host "
			"pids the kernel reports: run it in the host's (docker run --pid=host, "
			"nsenter -t 1 -p -m)");
	return -EPERM;
}

int preflight__ensure_tracefs(bool verbose)
{
	struct statfs st;

	if (statfs(TRACEFS_PATH, &st) == 0 && st.f_type == TRACEFS_MAGIC)
		return 0;
	if (mount("nodev", TRACEFS_PATH, "tracefs", 0, NULL)) {
		int err = -errno;

		if (verbose)
			diag__error("cannot mount tracefs on %s: %s", TRACEFS_PATH,
				strerror(errno));
		return err;
	}
	if (verbose)
		fprintf(stderr, "ipcscope: mounted tracefs on %s\n", TRACEFS_PATH);
	return 0;
}

int preflight__run(const char *btf_path, bool verbose)
{
	int err;

	if ((err = check_privileges()))
		return err;
	if ((err = check_btf(btf_path)))
		return err;
	if ((err = check_ringbuf()))
		return err;
	/*
	 * Our programs are BTF tracepoints (tp_btf), which attach without
	 * tracefs; mount it anyway so classic tracepoints and the tracefs
	 * error messages of libbpf work on a fresh machine. Not fatal.
	 */
	preflight__ensure_tracefs(verbose);
	return 0;
}
