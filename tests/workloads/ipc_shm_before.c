// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A System V segment attached before tracing starts, removed while still
 * attached: the holder creates an ftok segment and attaches it, says
 * "ready=1" and waits for a byte on stdin (the test starts the tracer
 * first); then the other process (forked before the attach, so it inherits
 * nothing) attaches, detaches and removes it, and the holder detaches
 * DELAY_MS later: the segment is destroyed then, by the holder.
 * Usage: ipc_shm_before DIR [DELAY_MS]. Prints holder, other, shmid, key, ready.
 */
#include "workload.h"
#include <sys/ipc.h>
#include <sys/shm.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	long delay_ms = (long)wl_arg(argc, argv, 2, 150);
	struct wl_sync s;
	pid_t other;
	key_t key;
	char *mem;
	int id;

	if ((key = ftok(dir, 'B')) == -1)
		wl_die("ftok");
	other = wl_fork_synced(&s);
	if (other == 0) {
		wl_wait_byte(s.go[0]);
		id = shmget(key, 0, 0);
		mem = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
		if (mem == (void *)-1 || shmdt(mem) || shmctl(id, IPC_RMID, NULL))
			_exit(1);
		_exit(0);
	}
	id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0 || (mem = shmat(id, NULL, 0)) == (void *)-1)
		wl_die("shmget/shmat");
	printf("holder=%d\nother=%d\nshmid=%d\nkey=0x%08x\nready=1\n", getpid(), other, id,
	       (unsigned int)key);
	fflush(stdout);
	wl_wait_byte(0); /* the tracer is attached */
	wl_send_byte(s.go[1]);
	if (wl_reap(other) != 0)
		wl_die("the other process failed");
	wl_sleep_ms(delay_ms);
	mem[0] = 'h'; /* still mapped: removal waits for the last detach */
	return shmdt(mem) ? 1 : 0;
}
