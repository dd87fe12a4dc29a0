// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Parent -> child through one pipe: exactly W writes of B/W bytes (B a
 * multiple of W). The child reads until EOF (one read returns 0).
 * Usage: pipe_transfer BYTES WRITES; prints parent, child, ino.
 */
#include "workload.h"
#include <sys/stat.h>

int main(int argc, char **argv)
{
	unsigned long bytes = wl_arg(argc, argv, 1, 4096), writes = wl_arg(argc, argv, 2, 4);
	unsigned long chunk = writes ? bytes / writes : 0;
	static char buf[1 << 16];
	struct stat st;
	int fd[2];
	pid_t child;

	if (!writes || chunk * writes != bytes || chunk > sizeof(buf))
		wl_die("BYTES must be WRITES x (at most 64 KiB)");
	if (pipe(fd) || fstat(fd[0], &st))
		wl_die("pipe");
	child = wl_fork();
	if (child == 0) {
		close(fd[1]);
		while (read(fd[0], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(fd[0]);
	wl_print_pids(child);
	printf("ino=%lu\n", (unsigned long)st.st_ino);
	fflush(stdout);
	memset(buf, 'p', chunk);
	for (unsigned long i = 0; i < writes; i++)
		if (write(fd[1], buf, chunk) != (ssize_t)chunk)
			wl_die("write");
	close(fd[1]);
	return WEXITSTATUS(wl_reap(child));
}
