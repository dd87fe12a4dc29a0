/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Device numbers as BPF reads them (a superblock's s_dev) are the kernel's
 * internal dev_t: include/linux/kdev_t.h, MINORBITS 20, MAJOR = dev >> 20,
 * MINOR = dev & 0xfffff. stat(2) reports st_dev in the userspace encoding
 * (glibc makedev()), so /dev/vda1 is 266338304 inside and 65024 outside.
 * The model keeps the kernel's (BPF keys match it); output converts, so a
 * script can compare a record's "dev" with os.stat().st_dev.
 */
#ifndef KDEV_H
#define KDEV_H

#include <stdint.h>
#include <sys/sysmacros.h>

static inline uint64_t kdev__to_user(uint32_t kdev)
{
	return makedev(kdev >> 20, kdev & 0xfffff);
}

#endif /* KDEV_H */
