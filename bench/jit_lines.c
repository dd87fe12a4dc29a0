// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * jit_lines PROG_ID: the loaded program's source lines at their JITed
 * addresses, one "ADDRESS FILE:LINE SOURCE" per line, from the kernel's
 * line info (bpf_prog_info jited_line_info + line_info, names from the
 * program's BTF). For bench/line_profile.py, which maps perf samples taken
 * inside BPF programs to the line that ran: Debian's bpftool and perf are
 * built without libbfd here and cannot annotate a JITed program.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), lines, records;
	struct bpf_line_info *line_info;
	__u64 *addresses;
	struct btf *btf;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: jit_lines PROG_ID\n");
		return 2;
	}
	fd = bpf_prog_get_fd_by_id(atoi(argv[1]));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "jit_lines: program %s: %s (run as root)\n", argv[1], strerror(errno));
		return 1;
	}
	lines = info.nr_jited_line_info;
	records = info.nr_line_info;
	if (!lines || lines != records || !info.btf_id) {
		fprintf(stderr, "jit_lines: program %s has no line info\n", argv[1]);
		return 1;
	}
	addresses = calloc(lines, sizeof(*addresses));
	line_info = calloc(records, sizeof(*line_info));
	if (!addresses || !line_info)
		return 1;
	memset(&info, 0, sizeof(info));
	info.nr_jited_line_info = lines;
	info.jited_line_info_rec_size = sizeof(*addresses);
	info.jited_line_info = (__u64)(unsigned long)addresses;
	info.nr_line_info = records;
	info.line_info_rec_size = sizeof(*line_info);
	info.line_info = (__u64)(unsigned long)line_info;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "jit_lines: program %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (!addresses[0]) { /* kernel.kptr_restrict keeps JITed addresses from us */
		fprintf(stderr, "jit_lines: program %s: no JITed addresses (kptr_restrict?)\n",
			argv[1]);
		return 1;
	}
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf) {
		fprintf(stderr, "jit_lines: program %s: no BTF\n", argv[1]);
		return 1;
	}
	for (__u32 i = 0; i < lines; i++) {
		const char *file = btf__name_by_offset(btf, line_info[i].file_name_off);
		const char *source = btf__name_by_offset(btf, line_info[i].line_off);
		const char *base = file ? strrchr(file, '/') : NULL;

		printf("%llx %s:%u %s\n", (unsigned long long)addresses[i],
		       base ? base + 1 : file ? file : "?", BPF_LINE_INFO_LINE_NUM(line_info[i].line_col),
		       source ? source : "");
	}
	btf__free(btf);
	return 0;
}
