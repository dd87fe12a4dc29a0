// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * 32-bit (compat) syscalls from a 64-bit process, through int 0x80: their
 * numbers are syscall_32.tbl's, not x86-64's (kill is 37, x86-64's alarm;
 * read is 3, x86-64's close). The child sends itself SIGUSR1 (ignored) K
 * times with a compat kill, then reads a pipe: 4 bytes with a compat read,
 * the other 6 with a normal one, and exits without closing it.
 * Truth: K SIGUSR1 sent by the child through kill; the pipe carries 10
 * bytes in one write, of which the one x86-64 read the child made took 6,
 * and its last reader went away by exiting, never by a close; exactly one
 * compat syscall ipcscope does not follow (the read).
 * Usage: sig_compat_int80 [K]. Prints parent, child, sent (K).
 */
#include <stdbool.h>
#include <sys/mman.h>
#include "workload.h"

#define NR32_kill 37 /* arch/x86/entry/syscalls/syscall_32.tbl */
#define NR32_read 3
#define NR32_getuid 24 /* x86-64's 24 is sched_yield, which ipcscope does not follow */

/* int 0x80 returns with r8-r15 zeroed (arch/x86/entry/entry_64_compat.S). */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c)
		     : "memory", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
	return ret;
}

static void child_main(int rfd, unsigned long k)
{
	/* A compat call takes 32-bit pointers: a buffer below 4 GiB. */
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	char rest[6];
	unsigned long i;

	if (low == MAP_FAILED)
		wl_die("mmap MAP_32BIT");
	signal(SIGUSR1, SIG_IGN);
	for (i = 0; i < k; i++)
		if (int80(NR32_kill, getpid(), SIGUSR1, 0))
			wl_die("int 0x80 kill");
	wl_wait_readable(rfd);
	if (int80(NR32_read, rfd, (long)low, 4) != 4)
		wl_die("int 0x80 read");
	if (read(rfd, rest, sizeof(rest)) != sizeof(rest))
		wl_die("read");
	_exit(0); /* rfd still open: the last reader leaves by exiting */
}

/*
 * Whether this kernel takes int 0x80 at all: with IA32 emulation off
 * (ia32_emulation=false, or a kernel that refuses it) the call is a
 * SIGSEGV. Probed in a child, on a call ipcscope neither follows nor counts.
 */
static bool int80_works(void)
{
	pid_t probe = wl_fork();
	int status;

	if (probe == 0)
		_exit(int80(NR32_getuid, 0, 0, 0) == (long)getuid() ? 0 : 1);
	status = wl_reap(probe);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	unsigned long k = wl_arg(argc, argv, 1, 10);
	int p[2], status;
	pid_t child;

	if (!int80_works()) {
		printf("int80=0\n");
		return 0;
	}
	printf("int80=1\n");
	if (pipe(p))
		wl_die("pipe");
	child = wl_fork();
	if (child == 0) {
		close(p[1]);
		child_main(p[0], k);
	}
	close(p[0]);
	printf("parent=%d\nchild=%d\nsent=%lu\n", getpid(), child, k);
	fflush(stdout);
	if (write(p[1], "0123456789", 10) != 10)
		wl_die("write");
	status = wl_reap(child);
	close(p[1]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
