/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Every process ipcscope has heard of, keyed by (pid, start time) because
 * pids are reused. Filled from /proc at start and from fork/exec/exit events.
 */
#ifndef PROC_TABLE_H
#define PROC_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "ipcscope.h"

struct proc_signals;
struct proc_ipc;

/*
 * The last signal sent to a process that its default action would kill it
 * with (model.c): when it dies of that signal, who sent it. A signal
 * ignored at generation is not one.
 */
struct proc_killer {
	uint8_t sig; /* 0: none seen */
	bool kernel; /* no process sent it (a fault, the OOM killer, a timer) */
	uint32_t pid;
	char comm[IPCSCOPE_COMM_LEN + 1]; /* the sender's name when it sent it */
};

struct proc {
	uint32_t pid;
	uint32_t ppid;
	uint64_t start_ns; /* leader start_boottime; tick resolution if from /proc */
	char comm[IPCSCOPE_COMM_LEN + 1]; /* the newest name seen (prctl renames too) */
	uint64_t comm_ts_ns; /* when comm was seen: older records do not rename it back */
	bool exited;
	bool gone; /* no exit record (lost), but /proc says it is over (src/retire.c) */
	uint64_t missing_since_ns; /* retire.c: first found missing from /proc (0: not) */
	int exit_status; /* wait(2) status; meaningless when gone */
	uint64_t exit_ts_ns; /* monotonic; when found gone if gone */
	bool late;     /* retire.c: known only from a counter row after it was retired */
	bool pinned;   /* retire.c: an object still names it */
	bool retiring; /* retire.c: leaves the table in this pass */
	bool involved; /* took part in something a report shows */
	bool followed; /* -- COMMAND: a descendant of it (decode.c), matched by identity */
	bool comm_matched; /* -c: carried a listed name once; stays matched (filter.h) */
	/* Pipe and FIFO traffic (src/pipes.h has it per object); EPIPE on any object. */
	uint64_t pipe_write_bytes, pipe_read_bytes, pipe_blocked_ns, epipe;
	/* Shared memory (peak bytes mapped shared or attached), messages, semaphore waits. */
	uint64_t shm_bytes, msgs_sent, msgs_received, sem_waits, sem_wait_ns;
	/* kill() and the like that failed, from the live records (EVENT_SIG_FAILED). */
	uint64_t send_failures;
	struct proc_killer killer;
	struct proc_ipc *ipc; /* live shared mappings: owned by ipc.c */
	struct proc_signals *signals; /* owned by model.c */
	struct proc *next_in_bucket;
	struct proc *next_in_order; /* insertion order, for iteration */
};

/* The process died of the signal its killer record is about: who sent it is known. */
static inline bool proc__killer_known(const struct proc *p)
{
	int sig = p->exit_status & 0x7f;

	return p->exited && !p->gone && sig && p->killer.sig == sig;
}

struct proc_table;

struct proc_table *proc_table__new(void);
void proc_table__free(struct proc_table *t, void (*free_payload)(struct proc *));
/* Adds every process in /proc; returns how many, or -errno. */
int proc_table__seed(struct proc_table *t, const char *procfs);
/* The process with this identity; created (named comm) when new. */
struct proc *proc_table__get(struct proc_table *t, uint32_t pid, uint64_t start_ns,
			     const char *comm);
/* Exact identity lookup, or NULL. */
struct proc *proc_table__find(struct proc_table *t, uint32_t pid, uint64_t start_ns);
/* The newest process that had this pid, or NULL. */
struct proc *proc_table__latest(struct proc_table *t, uint32_t pid);
void proc_table__set_comm(struct proc *p, const char *comm);
/* Iterate in order of first sighting. */
struct proc *proc_table__first(struct proc_table *t);
static inline struct proc *proc_table__next(struct proc *p) { return p->next_in_order; }
unsigned int proc_table__count(struct proc_table *t);
/* Unlinks and frees every process marked retiring; returns how many. */
unsigned int proc_table__remove_retiring(struct proc_table *t,
					 void (*free_payload)(struct proc *));
/* /proc says this process is over: no such pid, or the pid was reused. */
bool proc_table__gone(const char *procfs, uint32_t pid, uint64_t start_ns);
/*
 * The process (thread group) a pid belongs to, by procfs's /PID/status
 * ("Tgid:"): pid itself for a process, its process for a thread's id
 * (gettid(), top -H, ps -L). 0 when it cannot be read.
 */
uint32_t proc_table__tgid(const char *procfs, uint32_t pid);
/* Two start times name the same process (one may be /proc tick resolution). */
bool proc_table__same_start(uint64_t a_ns, uint64_t b_ns);

#endif /* PROC_TABLE_H */
