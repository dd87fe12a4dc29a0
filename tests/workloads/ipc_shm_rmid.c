// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * IPC_RMID while attached: the parent creates and attaches a private
 * segment, forks (the child inherits the attach), removes the segment while
 * both are attached and detaches; the segment lives on until the child
 * detaches after DELAY_MS (with "exit": exits still attached, no shmdt).
 * With "spawn" the parent first runs /bin/true by posix_spawn (CLONE_VM:
 * the spawned child shares its mm and inherits no attach), and prints its
 * pid as spawned.
 * Usage: ipc_shm_rmid [DELAY_MS [exit|spawn]].
 * Prints parent, child, shmid.
 */
#include "workload.h"
#include <spawn.h>
#include <sys/ipc.h>
#include <sys/shm.h>

extern char **environ;

int main(int argc, char **argv)
{
	long delay_ms = (long)wl_arg(argc, argv, 1, 100);
	int by_exit = argc > 2 && !strcmp(argv[2], "exit");
	int spawn = argc > 2 && !strcmp(argv[2], "spawn");
	char *true_argv[] = { "true", NULL };
	pid_t spawned = 0;
	struct wl_sync s;
	pid_t child;
	char *mem;
	int id;

	id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
	if (id < 0 || (mem = shmat(id, NULL, 0)) == (void *)-1)
		wl_die("shmget/shmat");
	if (spawn && (posix_spawn(&spawned, "/bin/true", NULL, NULL, true_argv, environ) ||
		      wl_reap(spawned)))
		wl_die("posix_spawn /bin/true");
	child = wl_fork_synced(&s);
	if (child == 0) {
		wl_wait_byte(s.go[0]); /* removed, parent detached */
		wl_sleep_ms(delay_ms);
		mem[0] = 'c'; /* still mapped: removal waits for the last detach */
		_exit(!by_exit && shmdt(mem) ? 1 : 0);
	}
	wl_print_pids(child);
	printf("shmid=%d\nspawned=%d\n", id, (int)spawned);
	fflush(stdout);
	if (shmctl(id, IPC_RMID, NULL) || shmdt(mem))
		wl_die("IPC_RMID/shmdt");
	wl_send_byte(s.go[1]);
	return wl_reap(child) == 0 ? 0 : 1;
}
