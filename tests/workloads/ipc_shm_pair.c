// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The course's System V shared memory pair: two processes that share
 * nothing but a path each turn into the same key with ftok(); the writer
 * creates a 4096-byte segment and writes a message, the reader finds the
 * segment by key, attaches, reads it, detaches; then the writer detaches
 * and removes it. Usage: ipc_shm_pair DIR. Prints writer, reader, key, shmid.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define SEG_SIZE 4096
#define MESSAGE "hello from the writer"

static int find_segment(key_t key)
{
	time_t end = time(NULL) + WL_DEADLINE_S;
	int id;

	while ((id = shmget(key, 0, 0)) < 0) {
		if (errno != ENOENT || time(NULL) > end)
			wl_die("shmget (reader)");
		wl_sleep_ms(5);
	}
	return id;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	char path[256];
	struct wl_sync s;
	pid_t reader;
	key_t key;
	char *mem;
	int id, fd;

	snprintf(path, sizeof(path), "%s/ipcscope-shm-%d", dir, getpid());
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd < 0 || close(fd) || (key = ftok(path, 'A')) == -1)
		wl_die("ftok");
	reader = wl_fork_synced(&s);
	if (reader == 0) {
		wl_wait_byte(s.go[0]); /* the message is written */
		id = find_segment(ftok(path, 'A'));
		mem = shmat(id, NULL, SHM_RDONLY);
		if (mem == (void *)-1 || strcmp(mem, MESSAGE))
			_exit(1);
		if (shmdt(mem))
			_exit(2);
		_exit(0);
	}
	id = shmget(key, SEG_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		wl_die("shmget");
	printf("writer=%d\nreader=%d\nkey=0x%08x\nshmid=%d\n", getpid(), reader, (unsigned int)key,
	       id);
	fflush(stdout);
	mem = shmat(id, NULL, 0);
	if (mem == (void *)-1)
		wl_die("shmat");
	strcpy(mem, MESSAGE);
	wl_send_byte(s.go[1]);
	if (wl_reap(reader) != 0)
		wl_die("reader failed");
	if (shmdt(mem) || shmctl(id, IPC_RMID, NULL))
		wl_die("shmdt/IPC_RMID");
	unlink(path);
	return 0;
}
