// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _GNU_SOURCE /* memrchr */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "output_fault.h"

void output_fault__remember_start(struct output_fault *f, int fd)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	f->regular_file = true;
	f->start_size = st.st_size;
}

/*
 * Where the last newline in [floor, end) ends, or floor. The output fd is
 * usually write-only (fopen "w", a shell's `>`), so the file is opened
 * again for reading through /proc/self/fd; without /proc we cut at floor.
 */
static off_t end_of_last_line(int fd, off_t floor, off_t end)
{
	char path[64], buf[4096];
	off_t pos = end, found = floor;
	int rfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	if (rfd < 0)
		return floor;
	while (pos > floor) {
		size_t n = pos - floor < (off_t)sizeof(buf) ? (size_t)(pos - floor) : sizeof(buf);
		char *nl;

		if (pread(rfd, buf, n, pos - (off_t)n) != (ssize_t)n)
			break;
		nl = memrchr(buf, '\n', n);
		if (nl) {
			found = pos - (off_t)n + (nl - buf) + 1;
			break;
		}
		pos -= (off_t)n;
	}
	close(rfd);
	return found;
}

void output_fault__cut_partial_line(const struct output_fault *f, int fd)
{
	struct stat st;
	off_t keep;

	if (!f->regular_file || fstat(fd, &st) || st.st_size <= f->start_size)
		return;
	keep = end_of_last_line(fd, f->start_size, st.st_size);
	/* A failure leaves the partial line: the write error is reported anyway. */
	if (keep < st.st_size && ftruncate(fd, keep) < 0)
		return;
}

int output_fault__hangup_fd(int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return -1;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ? fd : -1;
}
