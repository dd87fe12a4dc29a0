// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * MAP_SHARED|MAP_ANONYMOUS before fork: three pages the child inherits and
 * writes to, the parent reads after it exits. Usage: ipc_map_anon.
 * Prints parent, child, bytes.
 */
#include "workload.h"
#include <sys/mman.h>

#define BYTES (3 * 4096)

int main(void)
{
	char *mem = mmap(NULL, BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t child;

	if (mem == MAP_FAILED)
		wl_die("mmap");
	child = wl_fork();
	if (child == 0) {
		strcpy(mem, "from the child");
		_exit(0);
	}
	wl_print_pids(child);
	printf("bytes=%d\n", BYTES);
	fflush(stdout);
	if (wl_reap(child) != 0 || strcmp(mem, "from the child"))
		wl_die("child's write not seen");
	return munmap(mem, BYTES) ? 1 : 0;
}
