/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * SIGINT, SIGTERM and SIGHUP end a run with its report. They are caught by
 * a handler that only writes the signal's number to a pipe the loop polls,
 * not held for a signalfd: a loop stuck writing to a reader that stopped
 * reading (`| less` left open) never reads a signalfd, so a second one
 * ends ipcscope at once, as the signal's default action, the way a second
 * Ctrl-C ends perf or strace. One that arrives while the programs load
 * waits in the pipe. A SIGHUP ignored when ipcscope started (nohup)
 * stays ignored.
 */
#ifndef STOP_SIGNALS_H
#define STOP_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/* 0, or -errno. */
int stop_signals__install(void);
/* The pipe's read end, for poll(): readable once a stop signal came. */
int stop_signals__fd(void);
/*
 * The next stop signal's number, 0 if none waits; *from_terminal: the
 * terminal sent it to the whole foreground process group (Ctrl-C).
 */
int stop_signals__take(bool *from_terminal);
/*
 * Blocks them (the old mask in *old) around a fork: the child must not run
 * the handler, which writes to our pipe, before it restores or exits.
 */
void stop_signals__hold(sigset_t *old);
/* In COMMAND's child, before exec: the dispositions ipcscope was started with. */
void stop_signals__restore(void);
/* The run is over (the report is being written): the next one ends ipcscope at once. */
void stop_signals__ending(void);

#endif /* STOP_SIGNALS_H */
