// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One standard signal pending for a thread and for its process at once,
 * taken in the ways that once left a delivery untimed (the kernel keeps a
 * pending set per process and one per thread: kernel/signal.c).
 *   mixed: SIGUSR1 blocked everywhere; tgkill() to worker A (A's own set),
 *          T ms later kill() to the process (the shared set); T ms later
 *          worker B takes one with sigwaitinfo (the shared one: pending
 *          >= T ms), T ms later A takes its own (pending >= 3T ms).
 *   exec:  a worker with SIGUSR1 blocked gets one by tgkill(), then execs
 *          this program ("exec2"), which now runs under the process's pid
 *          (de_thread()), waits T ms and unblocks it: the handler runs.
 *   fatal: main sends SIGTERM (default action) to a worker with
 *          pthread_kill(): the process dies of it, whichever thread the
 *          kernel reports it on.
 * Prints pid= (and a= b= for mixed); exits 0 (fatal: killed by SIGTERM).
 * Usage: sig_thread_sets mixed|exec|fatal [T_ms]
 */
#include "workload.h"
#include <pthread.h>
#include <sys/syscall.h>

static volatile pid_t tid_a, tid_b;
static int go_a[2], go_b[2];
static volatile sig_atomic_t handled;
static char *self;
static long t_ms;

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void tgkill_(pid_t tid, int sig)
{
	if (syscall(SYS_tgkill, getpid(), tid, sig))
		wl_die("tgkill");
}

static void block_usr1(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(how, &set, NULL);
}

/* Waits until *tid is set, within the deadline. */
static void wait_tid(volatile pid_t *tid)
{
	time_t end = time(NULL) + WL_DEADLINE_S;

	while (!*tid && time(NULL) < end)
		wl_nap();
	if (!*tid)
		wl_die("worker did not start");
}

/* Takes one SIGUSR1 with sigwaitinfo() once told to (blocked: inherited). */
static void *taker(void *arg)
{
	volatile pid_t *tid = arg == (void *)go_a ? &tid_a : &tid_b;
	int *go = arg;
	struct timespec deadline = { WL_DEADLINE_S, 0 };
	siginfo_t info;
	sigset_t set;

	*tid = gettid_();
	wl_wait_byte(go[0]);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigtimedwait(&set, &info, &deadline) != SIGUSR1)
		wl_die("sigtimedwait");
	return NULL;
}

static int mixed(void)
{
	pthread_t a, b;

	block_usr1(SIG_BLOCK);
	if (pipe(go_a) || pipe(go_b))
		wl_die("pipe");
	if (pthread_create(&a, NULL, taker, go_a) || pthread_create(&b, NULL, taker, go_b))
		wl_die("pthread_create");
	wait_tid(&tid_a);
	wait_tid(&tid_b);
	printf("pid=%d\na=%d\nb=%d\n", getpid(), (int)tid_a, (int)tid_b);
	fflush(stdout);
	tgkill_(tid_a, SIGUSR1);
	wl_sleep_ms(t_ms);
	if (kill(getpid(), SIGUSR1))
		wl_die("kill");
	wl_sleep_ms(t_ms);
	wl_send_byte(go_b[1]);
	pthread_join(b, NULL);
	wl_sleep_ms(t_ms);
	wl_send_byte(go_a[1]);
	pthread_join(a, NULL);
	return 0;
}

static void *execer(void *arg)
{
	char t[24];

	(void)arg;
	block_usr1(SIG_BLOCK);
	tid_a = gettid_();
	wl_wait_byte(go_a[0]); /* SIGUSR1 is pending in this thread's own set */
	snprintf(t, sizeof(t), "%ld", t_ms);
	execl(self, self, "exec2", t, (char *)NULL);
	wl_die("execl");
	return NULL;
}

static int exec1(void)
{
	pthread_t t;

	printf("pid=%d\n", getpid());
	fflush(stdout);
	if (pipe(go_a))
		wl_die("pipe");
	if (pthread_create(&t, NULL, execer, NULL))
		wl_die("pthread_create");
	wait_tid(&tid_a);
	tgkill_(tid_a, SIGUSR1);
	wl_send_byte(go_a[1]);
	wl_sleep_ms(WL_DEADLINE_S * 1000L); /* the exec ends this thread */
	return 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

/* After exec: the old worker, now the only thread, under the process's pid. */
static int exec2(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigaction(SIGUSR1, &sa, NULL);
	wl_sleep_ms(t_ms);
	block_usr1(SIG_UNBLOCK); /* the SIGUSR1 from before exec runs here */
	return handled == 1 ? 0 : 1;
}

static void *sleeper(void *arg)
{
	(void)arg;
	tid_a = gettid_();
	wl_sleep_ms(WL_DEADLINE_S * 1000L);
	return NULL;
}

static int fatal(void)
{
	pthread_t t;

	printf("pid=%d\n", getpid());
	fflush(stdout);
	if (pthread_create(&t, NULL, sleeper, NULL))
		wl_die("pthread_create");
	wait_tid(&tid_a);
	pthread_kill(t, SIGTERM);
	wl_sleep_ms(WL_DEADLINE_S * 1000L);
	return 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	self = argv[0];
	t_ms = (long)wl_arg(argc, argv, 2, 100);
	if (!strcmp(mode, "mixed"))
		return mixed();
	if (!strcmp(mode, "exec"))
		return exec1();
	if (!strcmp(mode, "exec2"))
		return exec2();
	if (!strcmp(mode, "fatal"))
		return fatal();
	fprintf(stderr, "usage: sig_thread_sets mixed|exec|fatal [T_ms]\n");
	return 2;
}
