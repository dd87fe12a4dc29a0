// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A System V message queue carrying K messages of type 1 (32 bytes each)
 * and L of type 2 (48 bytes each). The receiver, which finds the queue by
 * its key, takes every type-2 message first, then the type-1 ones, then
 * tries once more with IPC_NOWAIT and gets ENOMSG. Usage: ipc_msgq DIR K L.
 * Prints sender, receiver, key, msqid.
 */
#include "workload.h"
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/msg.h>

struct msg {
	long mtype;
	char text[48];
};

static void receive(int id, long type, size_t size, unsigned long n)
{
	struct msg m;

	for (unsigned long i = 0; i < n; i++)
		if (msgrcv(id, &m, sizeof(m.text), type, 0) != (ssize_t)size || m.mtype != type)
			_exit(1);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	unsigned long k = wl_arg(argc, argv, 2, 5), l = wl_arg(argc, argv, 3, 3);
	unsigned long limit = 16384; /* the default msgmnb */
	struct msg m = { 0 };
	struct wl_sync s;
	FILE *mnb;
	char path[256];
	pid_t receiver;
	key_t key;
	int id, fd;

	/*
	 * Everything is queued before the receiver starts: more than the
	 * queue holds (kernel.msgmnb bytes) would leave msgsnd asleep.
	 */
	mnb = fopen("/proc/sys/kernel/msgmnb", "r");
	if (mnb) {
		if (fscanf(mnb, "%lu", &limit) != 1)
			limit = 16384;
		fclose(mnb);
	}
	if (k * 32 + l * 48 > limit) {
		fprintf(stderr, "ipc_msgq: %lu*32 + %lu*48 bytes exceed msgmnb (%lu)\n", k, l, limit);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/ipcscope-msg-%d", dir, getpid());
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd < 0 || close(fd) || (key = ftok(path, 'M')) == -1)
		wl_die("ftok");
	id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		wl_die("msgget");
	receiver = wl_fork_synced(&s);
	if (receiver == 0) {
		wl_wait_byte(s.go[0]); /* everything is queued */
		id = msgget(ftok(path, 'M'), 0);
		receive(id, 2, 48, l);
		receive(id, 1, 32, k);
		if (msgrcv(id, &m, sizeof(m.text), 0, IPC_NOWAIT) != -1 || errno != ENOMSG)
			_exit(2);
		_exit(0);
	}
	printf("sender=%d\nreceiver=%d\nkey=0x%08x\nmsqid=%d\n", getpid(), receiver,
	       (unsigned int)key, id);
	fflush(stdout);
	/* Interleaved, so only msgrcv's type selection puts type 2 first. */
	for (unsigned long i = 0, sent2 = 0; i < k + l; i++) {
		m.mtype = sent2 < l && (i % 2 || i - sent2 == k) ? 2 : 1;
		sent2 += m.mtype == 2;
		if (msgsnd(id, &m, m.mtype == 2 ? 48 : 32, 0))
			wl_die("msgsnd");
	}
	wl_send_byte(s.go[1]);
	if (wl_reap(receiver) != 0)
		wl_die("receiver failed");
	if (msgctl(id, IPC_RMID, NULL))
		wl_die("IPC_RMID");
	unlink(path);
	return 0;
}
