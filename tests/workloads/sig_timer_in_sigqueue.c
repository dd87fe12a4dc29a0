// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A timer signal raised while the process is inside a signal-sending
 * syscall: the process queues SIGUSR1 (ignored) to itself with
 * rt_sigqueueinfo in a loop while a 50 us POSIX timer sends it SIGUSR2
 * from the timer interrupt (kernel/time/posix-timers.c posix_timer_fn(),
 * hard interrupt context). Many expiries land inside rt_sigqueueinfo, so
 * "current is in rt_sigqueueinfo" is no proof that current sent the signal.
 * Truth: exactly N SIGUSR1 sent by the process through rt_sigqueueinfo;
 * every SIGUSR2 comes from the kernel (si_code SI_TIMER), and each one the
 * kernel queued is handled once, except one still pending when the timer
 * is disarmed: since 6.13 the kernel drops a signal of a timer reprogrammed
 * after it was queued, at dequeue, without delivering it
 * (kernel/signal.c posixtimer_deliver_signal()).
 *
 * With "cpu", the timer counts the process's CPU time instead
 * (CLOCK_PROCESS_CPUTIME_ID): the tick only notices the expiry and queues
 * task work, which raises the signal on the process's own stack on its way
 * back to user mode (kernel/time/posix-cpu-timers.c, with
 * CONFIG_POSIX_CPU_TIMERS_TASK_WORK) -- after a syscall the tick
 * interrupted, that is still "inside rt_sigqueueinfo", in task context.
 *
 * Usage: sig_timer_in_sigqueue [N] [cpu]. Prints pid, sigqueued (N),
 * timer_signals (SIGUSR2 handled), dropped (0 or 1: the one pending at
 * disarm, if the kernel did not deliver it).
 */
#include "workload.h"
#include <sys/syscall.h>

static volatile sig_atomic_t timer_signals;

static void on_timer(int sig)
{
	(void)sig;
	timer_signals++;
}

int main(int argc, char **argv)
{
	unsigned long n = wl_arg(argc, argv, 1, 200000), sent;
	struct sigaction sa = { .sa_handler = on_timer, .sa_flags = SA_RESTART };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	struct itimerspec every = { { 0, 50000 }, { 0, 50000 } }, off = { { 0, 0 }, { 0, 0 } };
	time_t deadline = time(NULL) + WL_DEADLINE_S;
	siginfo_t info = { .si_signo = SIGUSR1, .si_code = SI_QUEUE };
	sigset_t usr2, pending;
	timer_t timer;
	int was_pending, before, dropped;
	clockid_t clock = argc > 2 && !strcmp(argv[2], "cpu") ? CLOCK_PROCESS_CPUTIME_ID
								: CLOCK_MONOTONIC;

	info.si_pid = getpid();
	info.si_uid = getuid();
	signal(SIGUSR1, SIG_IGN);
	sigaction(SIGUSR2, &sa, NULL);
	if (timer_create(clock, &sev, &timer))
		wl_die("timer_create");
	printf("pid=%d\n", getpid());
	fflush(stdout);
	if (timer_settime(timer, 0, &every, NULL))
		wl_die("timer_settime");
	for (sent = 0; sent < n && time(NULL) < deadline; sent++)
		if (syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &info))
			wl_die("rt_sigqueueinfo");
	/*
	 * Stop the timer with SIGUSR2 blocked, so that no expiry comes after
	 * and at most one is pending; unblocking delivers it, if the kernel
	 * still does, before sigprocmask() returns to us.
	 */
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	if (timer_settime(timer, 0, &off, NULL))
		wl_die("timer_settime");
	if (sigpending(&pending))
		wl_die("sigpending");
	was_pending = sigismember(&pending, SIGUSR2);
	before = timer_signals;
	sigprocmask(SIG_UNBLOCK, &usr2, NULL);
	dropped = was_pending && timer_signals == before;
	printf("sigqueued=%lu\ntimer_signals=%d\ndropped=%d\n", sent, (int)timer_signals, dropped);
	return 0;
}
