// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Signal-sending calls that fail, so that no signal is generated (run as
 * root; every target is this workload's own process or a child it reaped):
 *   kill(gone, SIGTERM)             ESRCH  (gone: a child already reaped)
 *   kill(gone, 0)                   ESRCH  (the existence probe)
 *   kill(self, 70)                  EINVAL (no such signal)
 *   tgkill(self, gone, SIGUSR2)     ESRCH  (no such thread in the group)
 *   pidfd_send_signal(gone2's pidfd, SIGTERM)  ESRCH (it exited, reaped)
 *   a child turned nobody: kill(parent, SIGUSR1)  EPERM
 * and one kill(self, 0) that succeeds (no record). Prints main, gone,
 * gone2, pidfd, nobody. Exits 0 only if each call failed as listed.
 */
#include "workload.h"
#include <sys/syscall.h>

#define NOBODY 65534

static int check(long ret, int err, const char *what)
{
	if (ret == -1 && errno == err)
		return 0;
	fprintf(stderr, "sig_send_failed: %s returned %ld (errno %d), not errno %d\n", what, ret,
		errno, err);
	return 1;
}

static pid_t reaped_child(void)
{
	pid_t pid = fork();

	if (pid < 0)
		wl_die("fork");
	if (pid == 0)
		_exit(0);
	wl_reap(pid);
	return pid;
}

int main(void)
{
	pid_t self = getpid(), gone = reaped_child(), gone2, nobody;
	int bad = 0, pidfd, status;

	gone2 = fork();
	if (gone2 < 0)
		wl_die("fork");
	if (gone2 == 0) {
		wl_sleep_ms(50);
		_exit(0);
	}
	pidfd = (int)syscall(SYS_pidfd_open, gone2, 0);
	if (pidfd < 0)
		wl_die("pidfd_open");
	wl_reap(gone2);

	bad |= check(kill(gone, SIGTERM), ESRCH, "kill(gone, SIGTERM)");
	bad |= check(kill(gone, 0), ESRCH, "kill(gone, 0)");
	bad |= check(kill(self, 70), EINVAL, "kill(self, 70)");
	bad |= check(syscall(SYS_tgkill, self, gone, SIGUSR2), ESRCH, "tgkill(self, gone)");
	bad |= check(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0), ESRCH,
		     "pidfd_send_signal(gone2)");
	if (kill(self, 0))
		bad = 1;

	nobody = fork();
	if (nobody < 0)
		wl_die("fork");
	if (nobody == 0) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(2);
		_exit(check(kill(self, SIGUSR1), EPERM, "kill(parent) as nobody"));
	}
	status = wl_reap(nobody);
	bad |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	printf("main=%d\ngone=%d\ngone2=%d\npidfd=%d\nnobody=%d\n", self, gone, gone2, pidfd,
	       nobody);
	return bad;
}
