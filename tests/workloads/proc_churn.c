// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Processes created and destroyed continuously, each doing a known amount
 * of IPC before it exits with status 3: one pipe carrying BYTES through
 * itself (written, read back, both ends closed), one SIGUSR1 raised to its
 * own handler, one System V message queue carrying one 8-byte message
 * (created, sent, received, removed), one shared anonymous page mapped and
 * unmapped. Children are forked BATCH at a time every GAP_MS; after the
 * last one the parent stays IDLE_MS, so a tracer can retire what is over.
 * Usage: proc_churn N BATCH GAP_MS BYTES IDLE_MS; prints parent and
 * children=N once all have been reaped.
 */
#include "workload.h"
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void child_work(unsigned long bytes)
{
	static char buf[1 << 16];
	struct { long mtype; char text[8]; } msg = { 1, "churn" };
	unsigned long moved = 0;
	int fd[2], q;
	void *page;

	if (pipe(fd))
		wl_die("pipe");
	memset(buf, 'c', sizeof(buf));
	while (moved < bytes) {
		size_t chunk = bytes - moved < sizeof(buf) ? bytes - moved : sizeof(buf);

		if (write(fd[1], buf, chunk) != (ssize_t)chunk || read(fd[0], buf, chunk) !=
		    (ssize_t)chunk)
			wl_die("pipe through itself");
		moved += chunk;
	}
	close(fd[0]);
	close(fd[1]);
	raise(SIGUSR1);
	if (handled != 1)
		_exit(97);
	if ((q = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) < 0 ||
	    msgsnd(q, &msg, sizeof(msg.text), 0) || msgrcv(q, &msg, sizeof(msg.text), 0, 0) < 0 ||
	    msgctl(q, IPC_RMID, NULL))
		wl_die("message queue");
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || munmap(page, 4096))
		wl_die("shared page");
	_exit(3);
}

int main(int argc, char **argv)
{
	unsigned long n = wl_arg(argc, argv, 1, 100), batch = wl_arg(argc, argv, 2, 10);
	unsigned long gap_ms = wl_arg(argc, argv, 3, 50), bytes = wl_arg(argc, argv, 4, 1000);
	unsigned long idle_ms = wl_arg(argc, argv, 5, 0), done = 0;
	struct sigaction sa = { .sa_handler = on_usr1 };

	if (!batch)
		wl_die("BATCH must be at least 1");
	if (sigaction(SIGUSR1, &sa, NULL))
		wl_die("sigaction");
	wl_print_pids(0);
	while (done < n) {
		unsigned long k = n - done < batch ? n - done : batch;
		pid_t pids[256];

		if (k > 256)
			k = 256;
		for (unsigned long i = 0; i < k; i++) {
			pids[i] = wl_fork();
			if (pids[i] == 0)
				child_work(bytes);
		}
		for (unsigned long i = 0; i < k; i++) {
			int status = wl_reap(pids[i]);

			if (!WIFEXITED(status) || WEXITSTATUS(status) != 3)
				wl_die("a child failed its work");
		}
		done += k;
		wl_sleep_ms((long)gap_ms);
	}
	printf("children=%lu\n", done);
	fflush(stdout);
	wl_sleep_ms((long)idle_ms);
	return 0;
}
