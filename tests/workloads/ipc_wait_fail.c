// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Calls that sleep and then fail: a receiver asleep in msgrcv on an empty
 * queue and a sender asleep in msgsnd on a full one (msg_qbytes lowered to
 * one message) until the parent removes both queues DELAY_MS after they
 * went to sleep (both get EIDRM), and a mq_timedreceive on an empty POSIX
 * queue that times out after DELAY_MS (ETIMEDOUT).
 * Usage: ipc_wait_fail [DELAY_MS].
 * Prints parent, receiver, sender, mq_receiver, rcv_msqid, snd_msqid, mq.
 */
#include "workload.h"
#include <fcntl.h>
#include <mqueue.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>

#define MSG_BYTES 64

struct msg {
	long mtype;
	char text[MSG_BYTES];
};

/* A child that makes one call expected to sleep, then fail with errno `want`. */
static pid_t sleeper(int (*call)(int, long), int arg, long delay_ms, int want)
{
	pid_t pid = wl_fork();

	if (pid == 0)
		_exit(call(arg, delay_ms) == -1 && errno == want ? 0 : 1);
	return pid;
}

static int receive(int msqid, long delay_ms)
{
	struct msg m;

	(void)delay_ms;
	return (int)msgrcv(msqid, &m, sizeof(m.text), 0, 0);
}

static int send_one(int msqid, long delay_ms)
{
	struct msg m = { .mtype = 1 };

	(void)delay_ms;
	return msgsnd(msqid, &m, sizeof(m.text), 0);
}

static int mq_receive_timed(int mqd, long delay_ms)
{
	struct timespec until;
	char buf[MSG_BYTES];

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += delay_ms / 1000;
	until.tv_nsec += (delay_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return (int)mq_timedreceive(mqd, buf, sizeof(buf), NULL, &until);
}

int main(int argc, char **argv)
{
	long delay_ms = (long)wl_arg(argc, argv, 1, 200);
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = MSG_BYTES };
	struct msg full = { .mtype = 1 };
	pid_t receiver, sender, mq_receiver;
	struct msqid_ds ds;
	int rcv_q, snd_q;
	char name[64];
	mqd_t mqd;

	snprintf(name, sizeof(name), "/ipcscope-wait-fail-%d", getpid());
	rcv_q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	snd_q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	mqd = mq_open(name, O_CREAT | O_EXCL | O_RDONLY, 0600, &attr);
	if (rcv_q < 0 || snd_q < 0 || mqd == (mqd_t)-1 || msgctl(snd_q, IPC_STAT, &ds))
		wl_die("msgget/mq_open");
	ds.msg_qbytes = MSG_BYTES; /* one message fills it */
	if (msgctl(snd_q, IPC_SET, &ds) || msgsnd(snd_q, &full, MSG_BYTES, 0))
		wl_die("fill the queue");
	receiver = sleeper(receive, rcv_q, delay_ms, EIDRM);
	sender = sleeper(send_one, snd_q, delay_ms, EIDRM);
	mq_receiver = sleeper(mq_receive_timed, mqd, delay_ms, ETIMEDOUT);
	printf("parent=%d\nreceiver=%d\nsender=%d\nmq_receiver=%d\n", getpid(), receiver, sender,
	       mq_receiver);
	printf("rcv_msqid=%d\nsnd_msqid=%d\nmq=%s\n", rcv_q, snd_q, name);
	fflush(stdout);
	wl_wait_asleep_in(receiver, SYS_msgrcv, SYS_msgrcv);
	wl_wait_asleep_in(sender, SYS_msgsnd, SYS_msgsnd);
	wl_sleep_ms(delay_ms);
	if (msgctl(rcv_q, IPC_RMID, NULL) || msgctl(snd_q, IPC_RMID, NULL))
		wl_die("IPC_RMID");
	mq_unlink(name);
	if (wl_reap(receiver) || wl_reap(sender) || wl_reap(mq_receiver))
		wl_die("a sleeper did not fail as expected");
	return 0;
}
