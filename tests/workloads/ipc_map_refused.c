// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The mmap rules a lab meets, in the kernel: a MAP_SHARED PROT_WRITE
 * mapping of a file opened O_RDONLY fails with EACCES; an offset that is
 * not a page multiple fails with EINVAL (made with syscall(2): glibc's
 * mmap() refuses it itself, without a syscall); then a good read-only
 * shared mapping of one page. Usage: ipc_map_refused DIR. Prints pid, ino.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	char path[256];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/map_refused", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 8192) || close(fd))
		wl_die("create");
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		wl_die("open");
	printf("pid=%d\nino=%lu\n", getpid(), (unsigned long)st.st_ino);
	fflush(stdout);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED || errno != EACCES)
		wl_die("PROT_WRITE on an O_RDONLY fd did not fail with EACCES");
	p = (void *)syscall(SYS_mmap, NULL, 4096, PROT_READ, MAP_SHARED, fd, 100);
	if (p != MAP_FAILED || errno != EINVAL)
		wl_die("offset 100 did not fail with EINVAL");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || munmap(p, 4096))
		wl_die("mmap");
	unlink(path);
	return 0;
}
