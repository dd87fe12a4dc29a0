// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * More (process, queue, type) counters than ipcscope's per-CPU slots hold
 * (IPCSCOPE_IPC_SLOTS, 256), so rows leave the slots for the hash while the
 * traffic goes on. The parent sends R rounds of one message of each type
 * 1..T (type t carries t % 64 + 1 bytes); the child receives the first
 * round asking for each type by number, the others with msgtyp 0 (any).
 * Usage: ipc_msg_types T R. Prints parent, child, msqid.
 */
#include "workload.h"
#include <sys/ipc.h>
#include <sys/msg.h>

struct msg {
	long mtype;
	char text[64];
};

static size_t size_of_type(long type)
{
	return (size_t)(type % 64) + 1;
}

int main(int argc, char **argv)
{
	unsigned long types = wl_arg(argc, argv, 1, 600), rounds = wl_arg(argc, argv, 2, 2);
	struct msg m = { 0 };
	pid_t child;
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	if (id < 0)
		wl_die("msgget");
	child = wl_fork();
	if (child == 0) {
		for (unsigned long r = 0; r < rounds; r++) {
			for (unsigned long t = 1; t <= types; t++) {
				long want = r == 0 ? (long)t : 0;

				if (msgrcv(id, &m, sizeof(m.text), want, 0) !=
					    (ssize_t)size_of_type((long)t) ||
				    m.mtype != (long)t)
					_exit(1);
			}
		}
		_exit(0);
	}
	wl_print_pids(child);
	printf("msqid=%d\n", id);
	fflush(stdout);
	for (unsigned long r = 0; r < rounds; r++) {
		for (unsigned long t = 1; t <= types; t++) {
			m.mtype = (long)t;
			if (msgsnd(id, &m, size_of_type(m.mtype), 0))
				wl_die("msgsnd");
		}
	}
	if (wl_reap(child) != 0)
		wl_die("receiver failed");
	if (msgctl(id, IPC_RMID, NULL))
		wl_die("IPC_RMID");
	return 0;
}
