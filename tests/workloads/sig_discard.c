// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pending signals the kernel discards, never delivered (kernel/signal.c):
 *   sig_discard ignore K: the child blocks SIGUSR1, the parent sends it K
 *     times (1 queued, K-1 already_pending); the child sets SIG_IGN, which
 *     discards it (do_sigaction()), then a handler, unblocks it, and the
 *     parent sends one more: delivered to the handler.
 *   sig_discard rt K: the same with SIGRTMIN, which queues: K queued, all K
 *     discarded, then one delivered.
 *   sig_discard cont: the child blocks SIGCONT and SIGTSTP, with handlers.
 *     The parent sends SIGCONT (queued), SIGTSTP (queued: it discards the
 *     pending SIGCONT, prepare_signal()), SIGCONT again (queued: it
 *     discards the pending SIGTSTP). The child unblocks both: one SIGCONT
 *     reaches its handler, SIGTSTP none.
 * The child exits 0 only if its handlers ran exactly as said.
 */
#include "workload.h"
#include <stdbool.h>
#include <string.h>

static volatile sig_atomic_t usr1, cont, tstp;

static void on_signal(int sig)
{
	if (sig == SIGUSR1 || sig == SIGRTMIN)
		usr1++;
	else if (sig == SIGCONT)
		cont++;
	else if (sig == SIGTSTP)
		tstp++;
}

static void handle(int sig)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (sigaction(sig, &sa, NULL))
		wl_die("sigaction");
}

static void mask(int how, int a, int b)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, a);
	if (b)
		sigaddset(&set, b);
	if (sigprocmask(how, &set, NULL))
		wl_die("sigprocmask");
}

static int child_ignore(struct wl_sync *s, int sig)
{
	mask(SIG_BLOCK, sig, 0);
	wl_send_byte(s->ready[1]);
	wl_wait_byte(s->go[0]); /* all K sent: pending once (SIGRTMIN: K times) */
	signal(sig, SIG_IGN); /* discards it */
	handle(sig);
	mask(SIG_UNBLOCK, sig, 0);
	wl_send_byte(s->ready[1]);
	wl_wait_byte(s->go[0]); /* the last one was sent: its handler has run */
	return usr1 == 1 ? 0 : 1;
}

static int child_cont(struct wl_sync *s)
{
	handle(SIGCONT);
	handle(SIGTSTP);
	mask(SIG_BLOCK, SIGCONT, SIGTSTP);
	wl_send_byte(s->ready[1]);
	wl_wait_byte(s->go[0]);
	mask(SIG_UNBLOCK, SIGCONT, SIGTSTP); /* what is still pending runs here */
	return cont == 1 && tstp == 0 ? 0 : 1;
}

static void send(pid_t child, int sig)
{
	if (kill(child, sig))
		wl_die("kill");
}

int main(int argc, char **argv)
{
	bool rt = argc > 1 && !strcmp(argv[1], "rt");
	bool ignore = rt || (argc > 1 && !strcmp(argv[1], "ignore"));
	int sig = rt ? SIGRTMIN : SIGUSR1;
	unsigned long k = wl_arg(argc, argv, 2, 3);
	struct wl_sync sync;
	pid_t child;

	if (argc < 2 || (!ignore && strcmp(argv[1], "cont")))
		wl_die("usage: sig_discard ignore K | rt K | cont");
	child = wl_fork_synced(&sync);
	if (child == 0)
		_exit(ignore ? child_ignore(&sync, sig) : child_cont(&sync));
	wl_print_pids(child);
	printf("k=%lu\n", k);
	fflush(stdout);
	wl_wait_byte(sync.ready[0]);
	if (ignore) {
		for (unsigned long i = 0; i < k; i++)
			send(child, sig);
		wl_send_byte(sync.go[1]);
		wl_wait_byte(sync.ready[0]); /* SIG_IGN, then the handler, unblocked */
		send(child, sig);	     /* pending before "go": its handler runs first */
	} else {
		send(child, SIGCONT);
		send(child, SIGTSTP);
		send(child, SIGCONT);
	}
	wl_send_byte(sync.go[1]);
	return WEXITSTATUS(wl_reap(child));
}
