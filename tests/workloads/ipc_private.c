// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * IPC_PRIVATE without IPC_CREAT: shmget, msgget and semget with key 0 make
 * a new object all the same (ipc/util.c ipcget()). Removes all three.
 * Usage: ipc_private. Prints pid, shmid, msqid, semid.
 */
#include "workload.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

int main(void)
{
	int shmid = shmget(IPC_PRIVATE, 4096, 0600);
	int msqid = msgget(IPC_PRIVATE, 0600);
	int semid = semget(IPC_PRIVATE, 2, 0600);

	if (shmid < 0 || msqid < 0 || semid < 0)
		wl_die("get");
	printf("pid=%d\nshmid=%d\nmsqid=%d\nsemid=%d\n", getpid(), shmid, msqid, semid);
	fflush(stdout);
	if (shmctl(shmid, IPC_RMID, NULL) || msgctl(msqid, IPC_RMID, NULL) ||
	    semctl(semid, 0, IPC_RMID))
		wl_die("IPC_RMID");
	return 0;
}
