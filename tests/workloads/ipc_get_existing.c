// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A get with IPC_CREAT finds what exists: before tracing, a message queue
 * and a semaphore set are made with an ftok key; it says "ready=1" and
 * waits for a byte on stdin (the test starts the tracer first). Then
 * msgget and semget with IPC_CREAT find them (ipc/util.c ipcget_public()
 * returns the existing object), both are removed, and a msgget with
 * IPC_CREAT makes a new queue under the same key, removed in turn.
 * Usage: ipc_get_existing DIR. Prints pid, key, then msqid_old, semid,
 * msqid_new.
 */
#include "workload.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	int q_old, sem, q_found, sem_found, q_new;
	key_t key;

	if ((key = ftok(dir, 'E')) == -1)
		wl_die("ftok");
	q_old = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	sem = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600);
	if (q_old < 0 || sem < 0)
		wl_die("msgget/semget IPC_EXCL (left over from an earlier run? ipcrm it)");
	printf("pid=%d\nkey=0x%08x\nready=1\n", getpid(), (unsigned int)key);
	fflush(stdout);
	wl_wait_byte(0);
	q_found = msgget(key, IPC_CREAT | 0600);
	sem_found = semget(key, 1, IPC_CREAT | 0600);
	if (q_found != q_old || sem_found != sem || msgctl(q_old, IPC_RMID, NULL) ||
	    semctl(sem, 0, IPC_RMID))
		wl_die("msgget/semget did not find the existing ones");
	if ((q_new = msgget(key, IPC_CREAT | 0600)) < 0 || msgctl(q_new, IPC_RMID, NULL))
		wl_die("msgget of a new queue");
	printf("msqid_old=%d\nsemid=%d\nmsqid_new=%d\n", q_old, sem, q_new);
	return 0;
}
