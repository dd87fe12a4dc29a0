// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Signals inside a PID namespace (what `unshare --pid --fork` makes for a
 * container): the pids a siginfo names are the namespace's, the records'
 * are the host's. The workload unshares its PID namespace and forks the
 * namespace's init (pid 1 in it), which forks a child (pid 2 in it). The
 * child sends the init SIGUSR1 with kill() (si_pid 2), then SIGUSR2 with
 * rt_sigqueueinfo() claiming si_pid 77 (a number nobody has), and exits 3:
 * the init gets SIGCHLD naming child 2. This process, outside, sends the
 * init SIGHUP: the kernel zeroes si_pid for a sender the namespace cannot
 * see. The child's tgkill(1, 9, SIGUSR2) fails with ESRCH: the namespace has
 * no thread 9, and 1 is its init, not the host's. The init exits 0; the workload gets SIGCHLD naming the init by its
 * host pid.
 * Prints the host pids: parent= (this process), init=, child= (read from
 * /proc/INIT/task/INIT/children, the host's view), and the child's pid in
 * the namespace as ns_child=.
 */
#include "workload.h"
#include <sched.h>
#include <sys/syscall.h>

static volatile sig_atomic_t usr1, usr2, hup;

static void on_usr(int sig)
{
	if (sig == SIGUSR1)
		usr1++;
	else if (sig == SIGUSR2)
		usr2++;
	else
		hup++;
}

/* The namespace's init: forks the child, waits for its two signals and its end. */
static int ns_init(struct wl_sync *s)
{
	struct sigaction sa = { .sa_handler = on_usr };
	time_t end = time(NULL) + WL_DEADLINE_S;
	pid_t child;

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	child = wl_fork();
	if (child == 0) {
		siginfo_t si = { .si_signo = SIGUSR2, .si_code = SI_QUEUE };

		wl_wait_byte(s->go[0]);
		kill(1, SIGUSR1);
		si.si_pid = 77; /* a claim: nobody in the namespace has it */
		si.si_uid = getuid();
		if (syscall(SYS_rt_sigqueueinfo, 1, SIGUSR2, &si))
			wl_die("rt_sigqueueinfo");
		if (syscall(SYS_tgkill, 1, 9, SIGUSR2) != -1 || errno != ESRCH)
			_exit(4);
		_exit(3);
	}
	printf("ns_child=%d\n", child);
	fflush(stdout);
	wl_send_byte(s->ready[1]);
	while ((!usr1 || !usr2 || !hup) && time(NULL) < end)
		wl_nap();
	return WEXITSTATUS(wl_reap(child)) == 3 && usr1 == 1 && usr2 == 1 && hup == 1 ? 0 : 1;
}

int main(void)
{
	char path[64], line[64];
	struct wl_sync s;
	pid_t init;
	FILE *f;

	if (pipe(s.ready) || pipe(s.go))
		wl_die("pipe");
	if (unshare(CLONE_NEWPID))
		wl_die("unshare(CLONE_NEWPID)");
	init = fork(); /* not wl_fork(): the init's parent is outside, getppid() is 0 */
	if (init < 0)
		wl_die("fork");
	if (init == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(ns_init(&s));
	}
	wl_wait_byte(s.ready[0]);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", init, init);
	f = fopen(path, "r");
	if (!f || !fgets(line, sizeof(line), f))
		wl_die(path);
	fclose(f);
	printf("parent=%d\ninit=%d\nchild=%d\n", getpid(), init, atoi(line));
	fflush(stdout);
	wl_send_byte(s.go[1]);
	kill(init, SIGHUP); /* from outside: the init's siginfo says pid 0 */
	printf("init_exit=%d\n", WEXITSTATUS(wl_reap(init)));
	return 0;
}
