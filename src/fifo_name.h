/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Names for FIFOs opened before tracing: no fifo_open record ever gives
 * their path, so it is read from the fd table of a live process that holds
 * them (/proc/PID/fd/N). The tracer keeps CAP_SYS_PTRACE and
 * CAP_DAC_READ_SEARCH to read other users' fd tables (src/privileges.c).
 */
#ifndef FIFO_NAME_H
#define FIFO_NAME_H

#include <stddef.h>
#include <stdint.h>

/* Most fds of one process looked at when the record gave no fd. */
#define FIFO_NAME_SCAN_MAX 4096

/*
 * Writes into dst (raw: sinks sanitize it) the path of the FIFO (kdev, ino)
 * as process pid's fd `fd` shows it, or with fd < 0 the first of its fds
 * that is that FIFO. " (deleted)" is cut from an unlinked one's name.
 * Returns 0 when named; -ESRCH when the process or the fd is gone (nothing
 * was looked at); another -errno when it looked and did not find it (the
 * fd is now another file, the process does not hold it, the name does not
 * fit).
 */
int fifo_name__from_proc(char *dst, size_t size, const char *procfs, uint32_t pid, int fd,
			 uint32_t kdev, uint64_t ino);

#endif /* FIFO_NAME_H */
