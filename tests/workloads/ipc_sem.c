// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Semaphore P/V: a one-semaphore set initialised to 0 with SETVAL; the
 * child's P (with SEM_UNDO) waits until the parent's V, which comes after
 * WAIT_MS counted from when the child sleeps in it. Usage: ipc_sem [WAIT_MS]. Prints parent, child, semid, wait_ms.
 */
#include "workload.h"
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/syscall.h>

union semun {
	int val;
};

int main(int argc, char **argv)
{
	long wait_ms = (long)wl_arg(argc, argv, 1, 200);
	struct sembuf p = { 0, -1, SEM_UNDO }, v = { 0, 1, 0 };
	struct wl_sync s;
	pid_t child;
	int id;

	id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	if (id < 0 || semctl(id, 0, SETVAL, (union semun){ .val = 0 }))
		wl_die("semget/SETVAL");
	child = wl_fork_synced(&s);
	if (child == 0) {
		wl_send_byte(s.ready[1]);
		_exit(semop(id, &p, 1) ? 1 : 0);
	}
	wl_print_pids(child);
	printf("semid=%d\nwait_ms=%ld\n", id, wait_ms);
	fflush(stdout);
	wl_wait_byte(s.ready[0]);
	/* glibc's semop() may issue semtimedop (no timeout) instead. */
	wl_wait_asleep_in(child, SYS_semop, SYS_semtimedop);
	wl_sleep_ms(wait_ms);
	if (semop(id, &v, 1))
		wl_die("V");
	if (wl_reap(child) != 0)
		wl_die("child failed");
	return semctl(id, 0, IPC_RMID) ? 1 : 0;
}
