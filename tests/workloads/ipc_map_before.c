// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A file mapped MAP_SHARED before tracing starts, unmapped while traced:
 * the process creates an 8192-byte file and maps it, says "ready=1" and
 * waits for a byte on stdin (the test starts the tracer first), then
 * unmaps the first page and, 50 ms later, the second.
 * Usage: ipc_map_before DIR. Prints pid, path, ino, ready.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define FILE_SIZE 8192
#define PAGE 4096

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	char path[256], *mem;
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/ipcscope-before-%d", dir, getpid());
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, FILE_SIZE) || fstat(fd, &st))
		wl_die("create");
	mem = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		wl_die("mmap");
	close(fd);
	printf("pid=%d\npath=%s\nino=%lu\nready=1\n", getpid(), path, (unsigned long)st.st_ino);
	fflush(stdout);
	wl_wait_byte(0); /* the tracer is attached */
	mem[0] = 'x';
	if (munmap(mem, PAGE))
		wl_die("munmap");
	wl_sleep_ms(50);
	mem[PAGE] = 'y';
	if (munmap(mem + PAGE, PAGE))
		wl_die("munmap");
	unlink(path);
	return 0;
}
