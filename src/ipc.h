/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * System V shared memory, message queues and semaphores, POSIX message
 * queues, and shared mappings (file, anonymous, System V, /dev/shm, memfd)
 * as ipcscope saw them: who created, used, mapped and removed each object.
 * Counters come from the BPF ipc_stats map and its per-CPU slots (exact); lifecycles and mappings
 * from EVENT_IPC, EVENT_MAP and EVENT_IPC_OPEN records. Part of the model.
 */
#ifndef IPC_H
#define IPC_H

#include <stdbool.h>
#include <stdint.h>
#include "ipcscope.h"
#include "proc_table.h"

#define IPC_NAME_MAX 512
#define IPC_TABLE_BUCKETS 256

/* Messages of one type (System V) or priority (POSIX) one process moved. */
struct ipc_type_count {
	int64_t type;
	uint64_t sends, send_bytes, receives, recv_bytes;
	struct ipc_type_count *next;
};

/* include/uapi/linux/ipc.h: a get's flags */
#define IPC_CREAT 01000
#define IPC_EXCL 02000

/* One process's use of one object. */
struct ipc_user {
	struct proc *proc;
	struct ipc_stats st; /* summed over types */
	/*
	 * shm: attaches its exit or exec dropped, no shmdt called (the model's
	 * count: BPF sees no call). An inherited attach counts here too.
	 */
	uint64_t dropped;
	struct ipc_type_count *types;
	struct ipc_user *next;
};

struct ipc_obj {
	uint8_t kind;  /* enum ipcscope_ipc_kind */
	uint64_t id;   /* shmid, msqid, semid; POSIX mq: inode */
	uint32_t dev;  /* POSIX mq: the mqueue superblock */
	uint32_t key;  /* System V key (0: IPC_PRIVATE) */
	bool key_known;
	uint64_t size; /* shm: bytes; sem: semaphores in the set */
	char name[IPC_NAME_MAX]; /* POSIX mq: "/name", raw: sinks sanitize */
	struct proc *creator;
	uint64_t created_ns;
	bool before_tracing; /* System V: listed in /proc/sysvipc when tracing began */
	bool removed; /* IPC_RMID or mq_unlink seen */
	uint64_t removed_ns;
	struct proc *remover;
	/*
	 * shm: attachments known now: those made while traced, and from
	 * IPC_RMID on the kernel's count, which has those from before too.
	 */
	int attached;
	int attached_at_removal;  /* shm: attachments when IPC_RMID came (the kernel's count) */
	uint64_t destroyed_ns;	  /* shm removed while attached: when the last one left */
	struct proc *last_detacher;
	uint64_t notify_calls;	  /* POSIX mq: mq_notify */
	bool pinned;		  /* retiring: a live mapping points here */
	struct ipc_user *users;
	struct ipc_obj *next_in_bucket, *next_in_order;
};

enum map_kind {
	MAP_KIND_FILE = 0,
	MAP_KIND_ANON, /* MAP_SHARED|MAP_ANONYMOUS: shared with children forked after */
	MAP_KIND_SYSV, /* a System V segment (shmat) */
	MAP_KIND_POSIX_SHM, /* a file on /dev/shm (shm_open) */
	MAP_KIND_MEMFD,
	MAP_KIND_MAX,
};

/* One process's shared mappings of one object. */
struct map_user {
	struct proc *proc;
	uint64_t bytes; /* mapped (or inherited) in total while traced */
	uint64_t maps, unmaps;
	bool inherited; /* got it from its parent at fork */
	bool before;	/* had it mapped before tracing: found when it unmapped or moved it */
	struct map_user *next;
};

/* A mapped object: a file, a shmem inode, a System V segment. */
struct map_obj;
/* A file mapped MAP_SHARED but never writable: the text output leaves it out unless -v. */
bool map_obj__read_only_file(const struct map_obj *o);

struct map_obj {
	uint8_t kind; /* enum map_kind */
	uint32_t dev;
	uint64_t ino; /* System V: the shmid (its inode number, ipc/shm.c newseg) */
	char path[IPC_NAME_MAX]; /* raw: sinks sanitize; empty for anonymous */
	struct proc *creator; /* memfd_create, shm_open with O_CREAT, mmap of anon */
	uint64_t unlinked_ns; /* POSIX shm: when shm_unlink removed its name; 0 not seen */
	/*
	 * Some mapping of it could write (PROT_WRITE, or one from before tracing,
	 * whose prot is unknown). A file only ever mapped read-only carries no
	 * traffic between its users: glibc maps gconv-modules.cache MAP_SHARED
	 * read-only in every program that converts characters.
	 */
	bool writable;
	bool pinned; /* retiring: a live mapping points here */
	struct map_user *users;
	struct map_obj *next_in_bucket, *next_in_order;
};

/* A live shared mapping in a process: for munmap, fork and exit. */
struct live_map {
	uint64_t addr, len;
	struct map_obj *obj;
	struct ipc_obj *segment; /* System V attach: its segment */
	bool before; /* mapped before tracing; an attach is in segment->attached from IPC_RMID */
};

/* Per-process IPC state: its live shared mappings. Owned by ipc.c. */
struct proc_ipc {
	struct live_map *maps;
	unsigned int n, cap;
	uint64_t shared_now; /* bytes mapped shared now */
};

/* The last IPC_RETIRED_RECENT objects retired, oldest overwritten first. */
#define IPC_RETIRED_RECENT 4096

struct ipc_retired_id {
	uint8_t kind;
	uint64_t id;
};

struct ipc_table {
	struct ipc_obj *buckets[IPC_TABLE_BUCKETS];
	struct ipc_obj *first, *last;
	struct map_obj *map_buckets[IPC_TABLE_BUCKETS];
	struct map_obj *map_first, *map_last;
	uint32_t devshm_dev; /* s_dev of /dev/shm, to tell shm_open files */
	const char *procfs;  /* "/proc": for names of objects that existed before */
	struct proc_table *procs; /* to name a creator /proc/sysvipc gives by pid */
	/*
	 * Counters a BPF per-CPU slot still held when their object retired come
	 * later (src/tracer.c): they then go to the process only, instead of
	 * bringing the object back with no name. Searched only for a row whose
	 * object is unknown.
	 */
	struct ipc_retired_id retired[IPC_RETIRED_RECENT];
	unsigned int retired_next, retired_n;
	/*
	 * System V objects listed in /proc/sysvipc when tracing began, by kind
	 * (ipc_table__note_existing): a get that finds one did not create it,
	 * IPC_CREAT or not (ipc/util.c ipcget_public() returns the existing);
	 * and one first seen by a shmat, shmdt or msgsnd after it was removed
	 * (user space reads records after the fact) still has its key and size.
	 */
	struct sysvipc_row *existing[IPC_KIND_MAX];
	size_t existing_n[IPC_KIND_MAX];
};

/*
 * The /dev/shm tmpfs as the kernel writes a superblock's s_dev (MAJOR << 20 |
 * MINOR, include/linux/kdev_t.h), which is not stat(2)'s encoding. 0: none.
 */
uint32_t ipc__devshm_dev(void);
void ipc_table__init(struct ipc_table *t, const char *procfs, struct proc_table *procs);
void ipc_table__free(struct ipc_table *t);
/* Lists the System V objects that exist now: call once tracing is attached. */
void ipc_table__note_existing(struct ipc_table *t);
void proc_ipc__free(struct proc *p);

struct ipc_obj *ipc_table__get(struct ipc_table *t, unsigned int kind, uint64_t id);
struct ipc_obj *ipc_table__find(const struct ipc_table *t, unsigned int kind, uint64_t id);
struct ipc_user *ipc_obj__user(struct ipc_obj *o, struct proc *p);

/* Records: EVENT_IPC, EVENT_MAP, EVENT_IPC_OPEN from process p. */
void ipc_table__on_record(struct ipc_table *t, const struct event_header *hdr, const void *rec,
			  struct proc *p);
/* The child inherits the parent's shared mappings and System V attaches. */
void ipc_table__on_fork(struct ipc_table *t, struct proc *parent, struct proc *child);
/* exec and exit drop every mapping and attach (ts: when). */
void ipc_table__on_drop_all(struct ipc_table *t, struct proc *p, uint64_t ts_ns);
/* Adds one row of the BPF ipc_stats map. */
int ipc_table__add_stats(struct ipc_table *t, struct proc *p, const struct ipc_key *key,
			 const struct ipc_stats *s);

/*
 * Retiring (src/retire.c): frees the oldest objects over for good since
 * `before_ns` past `keep` of each table (IPC objects, mapped objects),
 * adding how many.
 */
void ipc_table__retire(struct ipc_table *t, unsigned int keep, uint64_t before_ns,
		       uint64_t *objects, uint64_t *mapped);
/* Sets ->pinned on every process an object names by pointer, not as a user. */
void ipc_table__pin(const struct ipc_table *t);
/* Folds the users of processes marked retiring into `into`'s, object by object. */
int ipc_table__merge_retiring(struct ipc_table *t, struct proc *into);
const char *ipc_kind__name(unsigned int kind);
/* The kind of object an op works on. */
unsigned int ipc_op__kind(unsigned int op);
const char *ipc_op__name(unsigned int op);
unsigned int ipc_event__semops(const struct ipc_event *e, uint16_t *num, int16_t *op);
const char *map_kind__name(unsigned int kind);
const char *ipc_open_op__name(unsigned int op);
/* The kind of a MAP_SHARED mapping from what BPF read of its file. */
unsigned int map_kind__of(const struct map_event *e, uint32_t devshm_dev);

#endif /* IPC_H */
