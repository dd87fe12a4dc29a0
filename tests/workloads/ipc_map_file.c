// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One file mapped MAP_SHARED by two processes that share nothing else: the
 * writer creates an 8192-byte file, maps it, writes a message; the reader
 * opens the same path read-only, maps it, reads the message, unmaps (its
 * vma lacks VM_SHARED, mm/mmap.c do_mmap(): a shared mapping all the same).
 * Usage: ipc_map_file DIR. Prints writer, reader, path, ino.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define FILE_SIZE 8192
#define MESSAGE "through the page cache"

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	char path[256], *mem;
	struct wl_sync s;
	struct stat st;
	pid_t reader;
	int fd;

	snprintf(path, sizeof(path), "%s/ipcscope-map-%d", dir, getpid());
	reader = wl_fork_synced(&s);
	if (reader == 0) {
		wl_wait_byte(s.go[0]);
		fd = open(path, O_RDONLY);
		mem = fd < 0 ? MAP_FAILED : mmap(NULL, FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
		if (mem == MAP_FAILED || strcmp(mem, MESSAGE))
			_exit(1);
		_exit(munmap(mem, FILE_SIZE) ? 2 : 0);
	}
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, FILE_SIZE) || fstat(fd, &st))
		wl_die("create");
	mem = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		wl_die("mmap");
	printf("writer=%d\nreader=%d\npath=%s\nino=%lu\n", getpid(), reader, path,
	       (unsigned long)st.st_ino);
	fflush(stdout);
	strcpy(mem, MESSAGE);
	wl_send_byte(s.go[1]);
	if (wl_reap(reader) != 0)
		wl_die("reader failed");
	munmap(mem, FILE_SIZE);
	unlink(path);
	return 0;
}
