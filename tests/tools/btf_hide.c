// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Makes tracepoints look missing, for tests on a kernel that has them all:
 *   btf_hide IN OUT TRACEPOINT...
 * writes the BTF of IN (e.g. /sys/kernel/btf/vmlinux) to OUT with the
 * typedef btf_trace_TRACEPOINT of each TRACEPOINT renamed to
 * hidden_trace_TRACEPOINT. A tp_btf program finds its target by that
 * typedef (libbpf find_attach_btf_id(), "btf_trace_" prefix), so with
 * `ipcscope --btf OUT` those tracepoints are missing as far as ipcscope can
 * tell. Only names change: every type keeps its id, so CO-RE relocations
 * against OUT (libbpf's btf_custom_path) give the running kernel's ids,
 * which bpf_core_type_id_kernel() users need; the attach itself still uses
 * the running kernel's BTF. Exit status: 0, or 1 with a message.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

static int fail(const char *what, const char *arg, int err)
{
	fprintf(stderr, "btf_hide: %s %s: %s\n", what, arg, strerror(err));
	return 1;
}

/* Points the typedef btf_trace_<tp> at a new name; -errno. */
static int hide(struct btf *btf, const char *tp)
{
	char name[128], hidden[128];
	struct btf_type *t;
	int id, off;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	snprintf(hidden, sizeof(hidden), "hidden_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return id;
	/* Adding the string first makes the BTF writable; only then take the type. */
	off = btf__add_str(btf, hidden);
	if (off < 0)
		return off;
	t = (struct btf_type *)btf__type_by_id(btf, id);
	if (!t)
		return -ENOENT;
	t->name_off = off;
	return 0;
}

int main(int argc, char **argv)
{
	const void *raw;
	struct btf *btf;
	__u32 size;
	FILE *out;
	int err;

	if (argc < 4) {
		fprintf(stderr, "usage: btf_hide IN OUT TRACEPOINT...\n");
		return 1;
	}
	btf = btf__parse(argv[1], NULL);
	if (!btf)
		return fail("cannot parse BTF", argv[1], errno);
	for (int i = 3; i < argc; i++)
		if ((err = hide(btf, argv[i])))
			return fail("no tracepoint typedef for", argv[i], -err);
	raw = btf__raw_data(btf, &size);
	if (!raw)
		return fail("cannot encode BTF for", argv[2], errno);
	out = fopen(argv[2], "we");
	if (!out)
		return fail("cannot create", argv[2], errno);
	if (fwrite(raw, 1, size, out) != size || fclose(out))
		return fail("cannot write", argv[2], errno);
	btf__free(btf);
	return 0;
}
