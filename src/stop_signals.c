// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>
#include "stop_signals.h"

static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOPS (sizeof(stops) / sizeof(stops[0]))

static struct sigaction given[NSTOPS]; /* as ipcscope was started */
static bool caught[NSTOPS];
static int pipe_fds[2] = { -1, -1 };
static volatile sig_atomic_t seen;

/*
 * Every stop signal is blocked while this runs (sa_mask), so `seen` has
 * one writer. The first is told to the loop: its number, and whether the
 * terminal sent it (SI_KERNEL: Ctrl-C, a hangup), which the kernel sends
 * to the whole foreground process group, COMMAND included. The second is
 * re-raised with its default action: it stays pending until this returns,
 * then ends the process.
 */
static void on_stop(int sig, siginfo_t *info, void *uc)
{
	int saved = errno;
	unsigned char b[2] = { (unsigned char)sig, info && info->si_code == SI_KERNEL };

	(void)uc;
	if (seen) {
		signal(sig, SIG_DFL);
		raise(sig);
	} else {
		seen = 1;
		/* Two bytes: one atomic pipe write (pipe(7), under PIPE_BUF). */
		if (write(pipe_fds[1], b, sizeof(b)) < 0) {
			/* cannot fail: empty, and written once */
		}
	}
	errno = saved;
}

int stop_signals__install(void)
{
	struct sigaction sa = { .sa_sigaction = on_stop, .sa_flags = SA_RESTART | SA_SIGINFO };

	if (pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC))
		return -errno;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSTOPS; i++)
		sigaddset(&sa.sa_mask, stops[i]);
	for (size_t i = 0; i < NSTOPS; i++) {
		if (sigaction(stops[i], NULL, &given[i]))
			return -errno;
		/*
		 * nohup's ignored SIGHUP stays ignored. An ignored SIGINT is
		 * caught all the same: a script's background job inherits
		 * it ignored (bash), and its `kill -INT $!` must still stop it.
		 */
		if (given[i].sa_handler == SIG_IGN && stops[i] == SIGHUP)
			continue;
		if (sigaction(stops[i], &sa, NULL))
			return -errno;
		caught[i] = true;
	}
	return 0;
}

int stop_signals__fd(void)
{
	return pipe_fds[0];
}

int stop_signals__take(bool *from_terminal)
{
	unsigned char b[2];

	if (read(pipe_fds[0], b, sizeof(b)) != sizeof(b))
		return 0;
	*from_terminal = b[1];
	return b[0];
}

void stop_signals__hold(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < NSTOPS; i++)
		sigaddset(&set, stops[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

void stop_signals__restore(void)
{
	for (size_t i = 0; i < NSTOPS; i++)
		if (caught[i])
			sigaction(stops[i], &given[i], NULL);
}

void stop_signals__ending(void)
{
	seen = 1;
}
