/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The pipes, FIFOs and sockets ipcscope saw, keyed by (dev, ino), with each
 * process's use of them (its "end"): traffic from the BPF io_stats map,
 * EPIPEs, and who closed the last read or write end. Part of the model.
 */
#ifndef PIPES_H
#define PIPES_H

#include <stdbool.h>
#include <stdint.h>
#include "ipcscope.h"
#include "proc_table.h"

#define PIPE_PATH_MAX 512 /* cwd + the path the process gave, truncated */

struct pipe_end {
	struct proc *proc;
	struct io_stats io;
	uint8_t open_mode;	/* FMODE_READ 1 | FMODE_WRITE 2 seen at open/create */
	uint8_t sigpipe_action; /* at its last EPIPE */
	uint64_t epipe_first_ns, epipe_last_ns; /* live EPIPE records */
	uint64_t epipe_seen; /* EPIPEs the live records stand for (folded counts included) */
	uint64_t bytes_before_epipe; /* written to this object (while traced) by the first EPIPE */
	bool bytes_before_known;
	unsigned int doctor_row; /* ipcscope sigpipe: its row in the doctor + 1; 0: none */
	struct pipe_end *next;
};

/* A read or write side going away: by close() or by its process exiting. */
struct pipe_departure {
	struct proc *proc;
	uint64_t ts_ns;
	uint8_t how; /* enum ipcscope_close_how */
};

struct pipe_obj {
	uint64_t ino;
	uint32_t dev;
	uint8_t kind; /* enum ipcscope_obj_kind */
	char path[PIPE_PATH_MAX]; /* FIFO, raw: sinks sanitize */
	uint8_t path_tries; /* /proc lookups that found no name (model.c name_fifo) */
	struct proc *creator;
	/* Its name when it created the pipe: pipe, fork, exec ("ps aux | grep") renames it. */
	char creator_comm[IPCSCOPE_COMM_LEN + 1];
	uint64_t created_ns;
	struct pipe_end *ends;
	struct inet_ends inet; /* TCP/UDP: addresses from its last EPIPE record */
	struct pipe_departure last_reader; /* proc NULL: none seen */
	struct pipe_departure last_writer;
	/* Retiring: a BPF write-combining slot still holds counters for it (tracer__harvest). */
	bool slot_held;
	struct pipe_obj *next_in_bucket;
	struct pipe_obj *next_in_order;
};

#define PIPE_TABLE_BUCKETS 1024

struct pipe_table {
	struct pipe_obj *buckets[PIPE_TABLE_BUCKETS];
	struct pipe_obj *first, *last;
	unsigned int count;
};

void pipe_table__free(struct pipe_table *t);
/* The object (created if new, kind set when known); NULL only on ENOMEM. */
struct pipe_obj *pipe_table__get(struct pipe_table *t, const struct obj_ref *ref);
/* The name to show for o's creator: its name when it created o, unless it retired since. */
const char *pipe_obj__creator_comm(const struct pipe_obj *o);
/* The object if already seen, else NULL (for sinks: they never add to the model). */
struct pipe_obj *pipe_table__find(const struct pipe_table *t, const struct obj_ref *ref);
/*
 * A FIFO's path if the model knows it, else NULL: what sinks print for any
 * record naming an object, so that every line about one FIFO names it alike.
 */
const char *pipe_table__path(const struct pipe_table *t, const struct obj_ref *ref);
/* A TCP/UDP socket's ends as its last EPIPE record gave them, else NULL. */
const struct inet_ends *pipe_table__inet(const struct pipe_table *t, const struct obj_ref *ref);
struct pipe_end *pipe_obj__end(struct pipe_obj *o, struct proc *p);
/* The process's end if it has one (for sinks: they never add to the model). */
const struct pipe_end *pipe_obj__find_end(const struct pipe_obj *o, const struct proc *p);
/* "read", "write" or "read_write" for FMODE_READ 1 | FMODE_WRITE 2. */
const char *pipe_side__name(unsigned int mode);
/* "close", "exit", "dup2", "close_range": enum ipcscope_close_how (JSON "by", live lines). */
const char *close_how__name(unsigned int how);

/*
 * This close drops the pipe's last reader (writers get EPIPE next) or last
 * writer (readers get EOF next): no other open file has that side, and no
 * other fd or process shares this one.
 */
static inline bool pipe_close__last_reader(const struct pipe_close_event *e)
{
	return (e->mode & 1) && e->readers <= 1 && e->last_ref;
}

static inline bool pipe_close__last_writer(const struct pipe_close_event *e)
{
	return (e->mode & 2) && e->writers <= 1 && e->last_ref;
}
/*
 * Nothing can use it any more since `before_ns`: a pipe or FIFO closed on
 * both sides for the last time, a socket left by every process seen using it.
 */
bool pipe_obj__closed(const struct pipe_obj *o, uint64_t before_ns);
/*
 * Retiring (src/retire.c). An object is retirable when it is closed since
 * `before_ns` (both sides closed for the last time, or every process that
 * used it over), `ipcscope sigpipe` holds no row of it and no BPF slot
 * holds counters for it (they would bring it back as a new object).
 */
bool pipe_obj__retirable(const struct pipe_obj *o, uint64_t before_ns);
/* Frees the oldest retirable objects past `keep` of them; adds their bytes written. */
unsigned int pipe_table__retire(struct pipe_table *t, unsigned int keep, uint64_t before_ns,
				uint64_t *bytes);
/* Sets ->pinned on every process an object names by pointer, not as an end. */
void pipe_table__pin(const struct pipe_table *t);
/* Folds the ends of processes marked retiring into `into`'s end of the same object. */
int pipe_table__merge_retiring(struct pipe_table *t, struct proc *into);
const char *obj_kind__name(unsigned int kind);
/* dst += s, counter by counter (kind taken from s). */
void io_stats__add(struct io_stats *dst, const struct io_stats *s);
static inline bool obj_kind__is_pipe(unsigned int kind)
{
	return kind == OBJ_PIPE || kind == OBJ_FIFO;
}

#endif /* PIPES_H */
