/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Signal names, default actions, si_code and enum names for every sink. */
#ifndef SIGNALS_H
#define SIGNALS_H

#include <stdbool.h>
#include <stdint.h>

enum default_action {
	DFL_TERM,
	DFL_CORE,
	DFL_STOP,
	DFL_CONT,
	DFL_IGN,
};

/* "SIGUSR1", "SIGRTMIN+3"; "SIG?" outside 1..64. Never NULL. */
const char *sig__name(int sig);
/*
 * Accepts every name sig__name() prints, with or without SIG, and numbers:
 * "SIGUSR1", "usr1", "10", "SIG32", "RTMIN+2", "SIGRTMAX-1". -1 if bad.
 */
int sig__parse(const char *text);
/* Parses a comma-separated list into a mask (bit sig-1); -EINVAL on a bad one. */
int sig__parse_list(const char *text, uint64_t *mask, const char **bad);
enum default_action sig__default_action(int sig);
const char *default_action__name(enum default_action a);
bool sig__is_fatal_default(int sig);

const char *si_code__name(int sig, int code);
bool si_code__carries_pid(int sig, int code);
const char *sig_result__name(unsigned int result);
/* Why an ignored signal was (enum ipcscope_ignored_why): sig_ign, default,
 * exiting, init, kthread; NULL for IGN_WHY_NONE or unknown values. */
const char *ignored_why__name(unsigned int why);
const char *sig_via__name(unsigned int via);
const char *deliver_action__name(unsigned int action);
const char *accept_via__name(unsigned int via);
const char *sigprocmask_how__name(int how);
/*
 * A syscall a handler interrupted (enum ipcscope_interrupted): whether it
 * fails with EINTR or is restarted, and what decided, SA_RESTART or the
 * call's own rule (signal(7) "Interruption of system calls"). NULL for
 * INTR_NONE or an unknown value.
 */
bool interrupted__restarted(int kind);
const char *interrupted__cause(int kind);
/* Name of an x86_64 syscall number a signal came from; NULL for "none". */
const char *syscall__name(int nr);

/* setitimer's which: "ITIMER_REAL", ...; NULL if unknown. */
const char *itimer__name(int which);
/* The signal a timer of that kind sends (SIGALRM, SIGVTALRM, SIGPROF); 0 if unknown. */
int itimer__signal(int which);
/* A timeval as nanoseconds; 0 for a negative or absurd one. */
uint64_t timeval__ns(int64_t sec, int64_t usec);

#endif /* SIGNALS_H */
