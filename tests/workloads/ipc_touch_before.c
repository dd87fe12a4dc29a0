// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * System V objects made before tracing and touched while traced by calls
 * other than a get, then removed at once: a message queue gets one msgsnd
 * and IPC_RMID, a segment attached before tracing gets IPC_RMID and its
 * shmdt (which destroys it). By the time ipcscope reads those records the
 * objects have left /proc/sysvipc: their key and size come from what it
 * listed when tracing began. Says "ready=1" once set up and waits for a
 * byte on stdin (the test starts the tracer first).
 * Usage: ipc_touch_before DIR. Prints pid, shmid, msqid, shm_key, msg_key, ready.
 */
#include "workload.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>

#define SEGMENT_BYTES 8192

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	struct {
		long mtype;
		char text[4];
	} msg = { 1, "hi" };
	key_t shm_key = ftok(dir, 'T'), msg_key = ftok(dir, 'U');
	int shmid, msqid;
	char *mem;

	if (shm_key == -1 || msg_key == -1)
		wl_die("ftok");
	shmid = shmget(shm_key, SEGMENT_BYTES, IPC_CREAT | IPC_EXCL | 0600);
	msqid = msgget(msg_key, IPC_CREAT | IPC_EXCL | 0600);
	if (shmid < 0 || msqid < 0 || (mem = shmat(shmid, NULL, 0)) == (void *)-1)
		wl_die("shmget/msgget/shmat");
	printf("pid=%d\nshmid=%d\nmsqid=%d\nshm_key=0x%08x\nmsg_key=0x%08x\nready=1\n", getpid(),
	       shmid, msqid, (unsigned int)shm_key, (unsigned int)msg_key);
	fflush(stdout);
	wl_wait_byte(0); /* the tracer is attached */
	if (msgsnd(msqid, &msg, sizeof(msg.text), 0) || msgctl(msqid, IPC_RMID, NULL) ||
	    shmctl(shmid, IPC_RMID, NULL) || shmdt(mem))
		wl_die("msgsnd/IPC_RMID/shmdt");
	return 0;
}
