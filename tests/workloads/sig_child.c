// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Job control and SIGCHLD: the parent (with a SIGCHLD handler, SA_NOCLDSTOP)
 * stops a child with SIGSTOP, continues it with SIGCONT, sends it a second
 * SIGCONT once it sleeps again (it resumes nothing), then lets it exit 3;
 * the kernel sends the parent exactly one SIGCHLD (CLD_EXITED).
 */
#include "workload.h"

static volatile sig_atomic_t chld;

/* Waits until /proc/PID/stat shows the process in state want. */
static void wl_wait_state(pid_t pid, char want)
{
	time_t end = time(NULL) + WL_DEADLINE_S;
	char path[64], buf[256], *close_paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	while (time(NULL) <= end) {
		FILE *f = fopen(path, "r");
		size_t n;

		if (!f)
			wl_die(path);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = 0;
		close_paren = strrchr(buf, ')');
		if (close_paren && close_paren[1] == ' ' && close_paren[2] == want)
			return;
		wl_sleep_ms(1);
	}
	errno = ETIMEDOUT;
	wl_die("waiting for the child's state");
}

static void on_chld(int sig)
{
	(void)sig;
	chld++;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_chld, .sa_flags = SA_NOCLDSTOP | SA_RESTART };
	int go[2], status;
	pid_t child;
	time_t end;

	sigaction(SIGCHLD, &sa, NULL);
	if (pipe(go))
		wl_die("pipe");
	child = wl_fork();
	if (child == 0) {
		wl_wait_byte(go[0]);
		_exit(3);
	}
	printf("parent=%d\nchild=%d\n", getpid(), child);
	fflush(stdout);
	kill(child, SIGSTOP);
	if (waitpid(child, &status, WUNTRACED) != child || !WIFSTOPPED(status))
		wl_die("child did not stop");
	kill(child, SIGCONT);
	if (waitpid(child, &status, WCONTINUED) != child || !WIFCONTINUED(status))
		wl_die("child did not continue");
	/* Back asleep: it has run since; a second SIGCONT resumes nothing. */
	wl_wait_state(child, 'S');
	kill(child, SIGCONT);
	wl_send_byte(go[1]);
	status = wl_reap(child);
	end = time(NULL) + WL_DEADLINE_S;
	while (!chld && time(NULL) < end)
		wl_sleep_ms(1);
	printf("exit=%d\nsigchld=%d\n", WEXITSTATUS(status), (int)chld);
	return 0;
}
