// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Handlers left with siglongjmp never return through rt_sigreturn, as the
 * course's SIGSEGV handlers do. N segfaults, each handler jumping back out;
 * then M raise(SIGUSR2) whose handler returns, and M raise(SIGUSR1) whose
 * handler raises SIGUSR2 inside itself (nested) and returns: 2M SIGUSR2
 * and M SIGUSR1 handler returns. With "altstack", the SIGSEGV and SIGUSR2
 * handlers run on an alternate signal stack (SA_ONSTACK); "autodisarm" the
 * same with SS_AUTODISARM, which zeroes the task's alternate stack while a
 * handler runs on it (restored by rt_sigreturn; re-armed by hand after the
 * longjmps, which never return through it).
 * Usage: sig_longjmp N M [altstack|autodisarm]; prints pid.
 */
#include "workload.h"
#include <setjmp.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31) /* include/uapi/linux/signal.h */
#endif

static sigjmp_buf back;
static volatile sig_atomic_t usr1, usr2;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(back, 1);
}

static void on_usr2(int sig)
{
	(void)sig;
	usr2++;
}

static void on_usr1(int sig)
{
	(void)sig;
	raise(SIGUSR2); /* delivered here, before this handler returns */
	usr1++;
}

static void install(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		wl_die("sigaction");
}

int main(int argc, char **argv)
{
	/* volatile: live across the siglongjmps */
	volatile unsigned long n = wl_arg(argc, argv, 1, 5), m = wl_arg(argc, argv, 2, 3);
	int autodisarm = argc > 3 && !strcmp(argv[3], "autodisarm");
	volatile int altstack = autodisarm || (argc > 3 && !strcmp(argv[3], "altstack"));
	static char alt[1 << 16];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt),
		       .ss_flags = autodisarm ? (int)SS_AUTODISARM : 0 };
	volatile unsigned long faults = 0;

	if (altstack && sigaltstack(&ss, NULL))
		wl_die("sigaltstack");
	printf("pid=%d\n", getpid());
	fflush(stdout);
	install(SIGSEGV, on_segv, altstack ? SA_ONSTACK : 0);
	install(SIGUSR1, on_usr1, 0);
	install(SIGUSR2, on_usr2, altstack ? SA_ONSTACK : 0);
	for (unsigned long i = 0; i < n; i++) {
		if (sigsetjmp(back, 1) == 0)
			*(volatile int *)0 = 1;
		faults++;
	}
	if (altstack && sigaltstack(&ss, NULL)) /* a longjmp left it disarmed */
		wl_die("sigaltstack again");
	for (unsigned long i = 0; i < m; i++)
		raise(SIGUSR2);
	for (unsigned long i = 0; i < m; i++)
		raise(SIGUSR1);
	return faults == n && (unsigned long)usr2 == 2 * m && (unsigned long)usr1 == m ? 0 : 1;
}
