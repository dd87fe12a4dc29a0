// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * POSIX IPC: a message queue carrying N messages (priority i % 3, 20 bytes
 * each) from the parent to a child that opens it by name; a shm_open
 * segment and a memfd, each mapped MAP_SHARED by the parent and by the
 * child (the shm segment by name, the memfd inherited). Then unlinks.
 * Usage: ipc_posix N. Prints parent, child, mq, shm.
 */
#include "workload.h"
#include <fcntl.h>
#include <mqueue.h>
#include <sys/mman.h>

#define MSG_SIZE 20
#define SEG 4096

static char *map_fd(int fd)
{
	char *mem = mmap(NULL, SEG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (mem == MAP_FAILED)
		wl_die("mmap");
	return mem;
}

int main(int argc, char **argv)
{
	unsigned long n = wl_arg(argc, argv, 1, 6);
	struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = MSG_SIZE };
	char mq_name[64], shm_name[64], buf[MSG_SIZE] = "posix message";
	struct wl_sync s;
	char *shm, *memfd_mem;
	int shm_fd, memfd;
	pid_t child;
	mqd_t q;

	snprintf(mq_name, sizeof(mq_name), "/ipcscope-mq-%d", getpid());
	snprintf(shm_name, sizeof(shm_name), "/ipcscope-shm-%d", getpid());
	q = mq_open(mq_name, O_CREAT | O_EXCL | O_WRONLY, 0600, &attr);
	shm_fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
	memfd = memfd_create("ipcscope-memfd", 0);
	if (q == (mqd_t)-1 || shm_fd < 0 || memfd < 0 || ftruncate(shm_fd, SEG) ||
	    ftruncate(memfd, SEG))
		wl_die("mq_open/shm_open/memfd_create");
	shm = map_fd(shm_fd);
	memfd_mem = map_fd(memfd);
	child = wl_fork_synced(&s);
	if (child == 0) {
		mqd_t rq = mq_open(mq_name, O_RDONLY);
		int fd = shm_open(shm_name, O_RDWR, 0);
		unsigned int prio;

		if (rq == (mqd_t)-1 || fd < 0)
			_exit(1);
		for (unsigned long i = 0; i < n; i++)
			if (mq_receive(rq, buf, sizeof(buf), &prio) != MSG_SIZE)
				_exit(2);
		wl_wait_byte(s.go[0]);
		if (strcmp(map_fd(fd), "shm") || strcmp(memfd_mem, "memfd"))
			_exit(3);
		_exit(0);
	}
	wl_print_pids(child);
	printf("mq=%s\nshm=%s\n", mq_name, shm_name);
	fflush(stdout);
	for (unsigned long i = 0; i < n; i++)
		if (mq_send(q, buf, MSG_SIZE, i % 3))
			wl_die("mq_send");
	strcpy(shm, "shm");
	strcpy(memfd_mem, "memfd");
	wl_send_byte(s.go[1]);
	if (wl_reap(child) != 0)
		wl_die("child failed");
	mq_unlink(mq_name);
	shm_unlink(shm_name);
	return 0;
}
