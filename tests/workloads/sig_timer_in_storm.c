// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Timer signals landing in the middle of the tracer's syscall programs: the
 * process writes to a pipe with no reader (SIGPIPE ignored, EPIPE at once)
 * in a loop while a 50 us ITIMER_REAL sends it SIGALRM from the timer
 * interrupt (kernel/time/itimer.c it_real_fn()), on the same CPU, so the
 * tracer's signal_generate program regularly interrupts its sys_exit
 * program between two updates of the per-CPU state they share.
 * Truth: every SIGALRM queued is delivered to the handler once, and the
 * handler counts them. Usage: sig_timer_in_storm [MS]. Prints pid, alarms
 * (SIGALRM handled), not_timer (those whose siginfo was not the timer's
 * SI_KERNEL: a test that finds one generation short asks where it came
 * from), epipes.
 */
#include "workload.h"
#include <sys/time.h>

static volatile sig_atomic_t alarms, not_timer;

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	alarms++;
	if (si->si_code != SI_KERNEL) /* kernel/time/itimer.c: SEND_SIG_PRIV */
		not_timer++;
}

static unsigned long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	unsigned long ms = wl_arg(argc, argv, 1, 1000), epipes = 0;
	struct itimerval every = { { 0, 50 }, { 0, 50 } }, off = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa = { .sa_sigaction = on_alarm, .sa_flags = SA_RESTART | SA_SIGINFO };
	sigset_t alrm;
	int fd[2];

	if (ms > WL_DEADLINE_S * 1000UL)
		ms = WL_DEADLINE_S * 1000UL;
	if (pipe(fd) || close(fd[0]))
		wl_die("pipe");
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGALRM, &sa, NULL);
	printf("pid=%d\n", getpid());
	fflush(stdout);
	setitimer(ITIMER_REAL, &every, NULL);
	for (unsigned long long end = mono_ms() + ms; mono_ms() < end;)
		for (int i = 0; i < 64; i++, epipes++)
			if (write(fd[1], "x", 1) != -1 || errno != EPIPE)
				wl_die("expected EPIPE");
	/* Stop the timer and take what it left pending: all handled before the count. */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, NULL);
	setitimer(ITIMER_REAL, &off, NULL);
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	printf("alarms=%d\nnot_timer=%d\nepipes=%lu\n", (int)alarms, (int)not_timer, epipes);
	return 0;
}
