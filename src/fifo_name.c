// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fifo_name.h"
#include "kdev.h"

#define DELETED_SUFFIX " (deleted)" /* fs/d_path.c d_path() on an unlinked dentry */

/* The record's FIFO: (dev, ino) with the kernel's dev converted as stat(2) reports it. */
static bool is_the_fifo(const struct stat *st, uint32_t kdev, uint64_t ino)
{
	return S_ISFIFO(st->st_mode) && st->st_ino == ino && st->st_dev == kdev__to_user(kdev);
}

/* Cuts d_path()'s " (deleted)" off a FIFO unlinked since it was opened. */
static void strip_deleted(char *path)
{
	size_t len = strlen(path), suffix = strlen(DELETED_SUFFIX);

	if (len > suffix && !strcmp(path + len - suffix, DELETED_SUFFIX))
		path[len - suffix] = '\0';
}

/*
 * The fd's path, checked to be the FIFO's. The fd is opened O_PATH (which
 * never opens the FIFO itself, so never blocks) and both the inode and the
 * name are read from that one open file: the process may close or reuse the
 * fd meanwhile, and a name read from the fd table after a check made on it
 * could be another file's.
 */
static int name_of_fd(char *dst, size_t size, const char *procfs, int fd_dir, const char *fd_name,
		      uint32_t kdev, uint64_t ino)
{
	char self[64], target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int h, err = -ENOENT;

	h = openat(fd_dir, fd_name, O_PATH | O_CLOEXEC);
	if (h < 0)
		return -ESRCH;
	snprintf(self, sizeof(self), "%s/self/fd/%d", procfs, h);
	if (fstat(h, &st) || !is_the_fifo(&st, kdev, ino))
		goto out;
	n = readlink(self, target, sizeof(target) - 1);
	if (n >= (ssize_t)sizeof(target) - 1) {
		err = -ENAMETOOLONG; /* maybe cut: a cut path would name another file */
		goto out;
	}
	if (n <= 0 || target[0] != '/')
		goto out; /* not a path: another mount namespace's detached mount, ... */
	target[n] = '\0';
	strip_deleted(target);
	if (strlen(target) >= size) {
		err = -ENAMETOOLONG; /* a cut path would name another file */
		goto out;
	}
	strcpy(dst, target);
	err = 0;
out:
	close(h);
	return err;
}

/*
 * The inode number /proc/PID/fdinfo/N shows (fs/proc/fd.c seq_show(), Linux
 * 5.14+): read without asking the file's filesystem anything, where a
 * stat() through the fd link would call its getattr, which a stopped FUSE
 * daemon or a hard NFS mount can block for good.
 */
static bool fdinfo_ino(int fdinfo_dir, const char *fd_name, uint64_t *ino)
{
	char buf[512];
	int h = openat(fdinfo_dir, fd_name, O_RDONLY | O_CLOEXEC);
	const char *at;
	ssize_t n;

	if (h < 0)
		return false;
	n = read(h, buf, sizeof(buf) - 1);
	close(h);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	at = strstr(buf, "\nino:");
	return at && sscanf(at + 5, "%" SCNu64, ino) == 1;
}

/*
 * The first fd of the process that is the FIFO: candidates by the inode
 * number fdinfo shows, then name_of_fd() checks the one that matches; at
 * most FIFO_NAME_SCAN_MAX fds.
 */
static int name_by_scan(char *dst, size_t size, const char *procfs, int fd_dir, int fdinfo_dir,
			uint32_t kdev, uint64_t ino)
{
	int dup_fd = dup(fd_dir), err = -ENOENT;
	unsigned int seen = 0;
	struct dirent *de;
	uint64_t fd_ino;
	DIR *dir;

	if (dup_fd < 0)
		return -errno;
	dir = fdopendir(dup_fd);
	if (!dir) {
		close(dup_fd);
		return -ENOMEM;
	}
	while ((de = readdir(dir)) && seen++ < FIFO_NAME_SCAN_MAX) {
		if (de->d_name[0] == '.' || !fdinfo_ino(fdinfo_dir, de->d_name, &fd_ino) ||
		    fd_ino != ino)
			continue;
		err = name_of_fd(dst, size, procfs, fd_dir, de->d_name, kdev, ino);
		if (err != -ESRCH)
			break; /* named, or found and not nameable: another fd would say the same */
	}
	closedir(dir);
	return err;
}

int fifo_name__from_proc(char *dst, size_t size, const char *procfs, uint32_t pid, int fd,
			 uint32_t kdev, uint64_t ino)
{
	char path[64], fd_name[16];
	int fd_dir, fdinfo_dir, err;

	snprintf(path, sizeof(path), "%s/%u/fd", procfs, pid);
	fd_dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd_dir < 0)
		return -ESRCH; /* exited (or never ours to read) */
	if (fd >= 0) {
		snprintf(fd_name, sizeof(fd_name), "%d", fd);
		err = name_of_fd(dst, size, procfs, fd_dir, fd_name, kdev, ino);
	} else {
		snprintf(path, sizeof(path), "%s/%u/fdinfo", procfs, pid);
		fdinfo_dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		err = fdinfo_dir < 0 ? -ESRCH
				     : name_by_scan(dst, size, procfs, fd_dir, fdinfo_dir, kdev, ino);
		if (fdinfo_dir >= 0)
			close(fdinfo_dir);
	}
	close(fd_dir);
	return err;
}
