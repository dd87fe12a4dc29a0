// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The course's semaphore and message-queue labs, with known operations.
 *
 * Semaphores: a set of 2, sem 0 set to 1 with SETVAL; parent and child each
 * do N rounds of P (sem 0 -1, SEM_UNDO) then V (sem 0 +1, SEM_UNDO) around
 * a short critical section; then the parent does one semop of 5 operations
 * (sem 1 +1, sem 1 +1, sem 1 -1, sem 1 -1, sem 1 0) and one IPC_NOWAIT P on
 * sem 1 (value 0: EAGAIN).
 *
 * Messages: the parent sends types 1, 2, 2, 3, 3, 3 and receives asking
 * type 3, then -2 (lowest type <= 2: gets 1), then 0 (first: gets 2), then
 * 2 with MSG_EXCEPT (first not of type 2: gets 3), then 5 with IPC_NOWAIT
 * (ENOMSG). Usage: ipc_pv_types [N]. Prints parent, child, semid, msqid, rounds.
 */
#include "workload.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

union semun {
	int val;
};

struct msg {
	long mtype;
	char text[8];
};

static void pv(int id, unsigned long rounds)
{
	struct sembuf p = { 0, -1, SEM_UNDO }, v = { 0, 1, SEM_UNDO };

	for (unsigned long i = 0; i < rounds; i++) {
		if (semop(id, &p, 1))
			wl_die("P");
		wl_sleep_ms(2);
		if (semop(id, &v, 1))
			wl_die("V");
	}
}

static long receive(int q, long asked, int flags)
{
	struct msg m = { 0 };

	if (msgrcv(q, &m, sizeof(m.text), asked, flags) < 0)
		return -errno;
	return m.mtype;
}

int main(int argc, char **argv)
{
	unsigned long rounds = wl_arg(argc, argv, 1, 4);
	struct sembuf five[5] = { { 1, 1, 0 }, { 1, 1, 0 }, { 1, -1, 0 }, { 1, -1, 0 }, { 1, 0, 0 } };
	struct sembuf nowait = { 1, -1, IPC_NOWAIT };
	static const long sent[] = { 1, 2, 2, 3, 3, 3 };
	struct msg m = { 0 };
	pid_t child;
	int id, q;

	id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id < 0 || q < 0 || semctl(id, 0, SETVAL, (union semun){ .val = 1 }))
		wl_die("semget/msgget/SETVAL");
	child = wl_fork();
	if (child == 0) {
		pv(id, rounds);
		_exit(0);
	}
	wl_print_pids(child);
	printf("semid=%d\nmsqid=%d\nrounds=%lu\n", id, q, rounds);
	fflush(stdout);
	pv(id, rounds);
	if (wl_reap(child) != 0)
		wl_die("child failed");
	if (semop(id, five, 5))
		wl_die("five operations");
	if (semop(id, &nowait, 1) == 0 || errno != EAGAIN)
		wl_die("IPC_NOWAIT P on a zero semaphore did not fail with EAGAIN");

	for (size_t i = 0; i < sizeof(sent) / sizeof(sent[0]); i++) {
		m.mtype = sent[i];
		if (msgsnd(q, &m, sizeof(m.text), 0))
			wl_die("msgsnd");
	}
	if (receive(q, 3, 0) != 3 || receive(q, -2, 0) != 1 || receive(q, 0, 0) != 2 ||
	    receive(q, 2, MSG_EXCEPT) != 3 || receive(q, 5, IPC_NOWAIT) != -ENOMSG)
		wl_die("a msgrcv got another type than msgrcv(2) says");
	return semctl(id, 0, IPC_RMID) || msgctl(q, IPC_RMID, NULL) ? 1 : 0;
}
