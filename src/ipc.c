// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "ipc.h"
#include "sysvipc.h"
#include "user_list.h"

/* include/uapi/linux/ipc.h, mman.h, magic.h */
#define IPC_PRIVATE 0
#define IPC_RMID 0
#define MAP_ANONYMOUS 0x20
#define SHMEM_MAGIC 0x01021994
#define PAGE_SIZE 4096ULL

/* A System V segment's mappings: the object is named (sentinel dev, shmid). */
#define SYSV_MAP_DEV UINT32_MAX

static unsigned int bucket_of(uint64_t a, uint64_t b)
{
	return (unsigned int)(ipcscope_mix(a, b) % IPC_TABLE_BUCKETS);
}

uint32_t ipc__devshm_dev(void)
{
	struct stat st;

	if (stat("/dev/shm", &st) || !S_ISDIR(st.st_mode))
		return 0;
	return (uint32_t)major(st.st_dev) << 20 | minor(st.st_dev);
}

void ipc_table__init(struct ipc_table *t, const char *procfs, struct proc_table *procs)
{
	memset(t, 0, sizeof(*t));
	t->procfs = procfs ? procfs : "/proc";
	t->procs = procs;
	t->devshm_dev = ipc__devshm_dev();
}

static void ipc_obj__free(struct ipc_obj *o);
static void map_obj__free(struct map_obj *o);

void ipc_table__note_existing(struct ipc_table *t)
{
	for (unsigned int kind = IPC_KIND_SHM; kind <= IPC_KIND_SEM; kind++) {
		free(t->existing[kind]);
		t->existing_n[kind] = sysvipc__rows(t->procfs, kind, &t->existing[kind]);
	}
}

void ipc_table__free(struct ipc_table *t)
{
	for (struct ipc_obj *o = t->first, *next; o; o = next) {
		next = o->next_in_order;
		ipc_obj__free(o);
	}
	for (struct map_obj *o = t->map_first, *next; o; o = next) {
		next = o->next_in_order;
		map_obj__free(o);
	}
	for (unsigned int kind = 0; kind < IPC_KIND_MAX; kind++)
		free(t->existing[kind]);
	ipc_table__init(t, t->procfs, t->procs);
}

void proc_ipc__free(struct proc *p)
{
	if (!p->ipc)
		return;
	free(p->ipc->maps);
	free(p->ipc);
	p->ipc = NULL;
}

struct ipc_obj *ipc_table__find(const struct ipc_table *t, unsigned int kind, uint64_t id)
{
	struct ipc_obj *o = t->buckets[bucket_of(kind, id)];

	while (o && (o->kind != kind || o->id != id))
		o = o->next_in_bucket;
	return o;
}

/* Listed in /proc/sysvipc when tracing began (ipc_table__note_existing), or NULL. */
static const struct sysvipc_row *ipc_obj__existing(const struct ipc_table *t,
						   const struct ipc_obj *o)
{
	if (o->kind >= IPC_KIND_MAX)
		return NULL;
	return sysvipc__rows_find(t->existing[o->kind], t->existing_n[o->kind], o->id);
}

/*
 * An object seen for the first time: /proc/sysvipc names one that exists
 * now, else the list made when tracing began one that existed then (and
 * has been removed since: the record is read after the fact).
 */
static void ipc_obj__describe(struct ipc_table *t, struct ipc_obj *o)
{
	const struct sysvipc_row *before = ipc_obj__existing(t, o);
	struct sysvipc_row now;

	o->before_tracing = before != NULL;
	if (sysvipc__lookup(t->procfs, o->kind, o->id, &now))
		before = &now;
	if (!before)
		return;
	o->key = before->key;
	o->key_known = true;
	if (o->kind != IPC_KIND_MSG)
		o->size = before->size;
}

struct ipc_obj *ipc_table__get(struct ipc_table *t, unsigned int kind, uint64_t id)
{
	unsigned int b = bucket_of(kind, id);
	struct ipc_obj *o = ipc_table__find(t, kind, id);

	if (o)
		return o;
	if (!(o = calloc(1, sizeof(*o))))
		return NULL;
	o->kind = kind;
	o->id = id;
	o->next_in_bucket = t->buckets[b];
	t->buckets[b] = o;
	if (t->last)
		t->last->next_in_order = o;
	else
		t->first = o;
	t->last = o;
	ipc_obj__describe(t, o);
	return o;
}

struct ipc_user *ipc_obj__user(struct ipc_obj *o, struct proc *p)
{
	struct ipc_user *u, **tail = &o->users;

	for (u = o->users; u; u = u->next) {
		if (u->proc == p)
			return u;
		tail = &u->next;
	}
	if (!(u = calloc(1, sizeof(*u))))
		return NULL;
	u->proc = p;
	*tail = u; /* first use first: creators lead */
	return u;
}

/* ---- mapped objects ---- */

static struct map_obj *map_table__get(struct ipc_table *t, unsigned int kind, uint32_t dev,
				      uint64_t ino)
{
	unsigned int b = bucket_of(dev, ino);
	struct map_obj *o = t->map_buckets[b];

	while (o && (o->dev != dev || o->ino != ino))
		o = o->next_in_bucket;
	if (o)
		return o;
	if (!(o = calloc(1, sizeof(*o))))
		return NULL;
	o->kind = kind;
	o->dev = dev;
	o->ino = ino;
	o->next_in_bucket = t->map_buckets[b];
	t->map_buckets[b] = o;
	if (t->map_last)
		t->map_last->next_in_order = o;
	else
		t->map_first = o;
	t->map_last = o;
	return o;
}

static struct map_user *map_obj__user(struct map_obj *o, struct proc *p)
{
	struct map_user *u, **tail = &o->users;

	for (u = o->users; u; u = u->next) {
		if (u->proc == p)
			return u;
		tail = &u->next;
	}
	if (!(u = calloc(1, sizeof(*u))))
		return NULL;
	u->proc = p;
	*tail = u;
	return u;
}

bool map_obj__read_only_file(const struct map_obj *o)
{
	return o->kind == MAP_KIND_FILE && !o->writable;
}

unsigned int map_kind__of(const struct map_event *e, uint32_t devshm_dev)
{
	char name[IPCSCOPE_MAP_NAME_LEN + 1];

	snprintf(name, sizeof(name), "%.*s", IPCSCOPE_MAP_NAME_LEN, e->name);
	/* mm/memfd.c names the file "memfd:NAME"; mm/shmem.c shmem_zero_setup "dev/zero". */
	if (!strncmp(name, "memfd:", 6))
		return MAP_KIND_MEMFD;
	if ((e->op == MAP_OP_MMAP && (e->flags & MAP_ANONYMOUS)) ||
	    (e->magic == SHMEM_MAGIC && !strcmp(name, "dev/zero")))
		return MAP_KIND_ANON;
	if (devshm_dev && e->dev == devshm_dev)
		return MAP_KIND_POSIX_SHM;
	if (e->magic == SHMEM_MAGIC && !strncmp(name, "SYSV", 4))
		return MAP_KIND_SYSV;
	return MAP_KIND_FILE;
}

/* A line of /proc/PID/maps (fs/proc/task_mmu.c show_map_vma()). */
struct maps_line {
	unsigned long long start;
	uint32_t dev; /* the kernel's encoding: MAJOR is s_dev >> 20 (include/linux/kdev_t.h) */
	unsigned long long ino;
};

/* The path of the first line of /proc/PID/maps that match() takes; false if none. */
static bool maps_find(const char *procfs, uint32_t pid,
		      bool (*match)(const struct maps_line *l, const void *want), const void *want,
		      char *out, size_t size)
{
	char path[64], line[IPC_NAME_MAX + 128];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/maps", procfs, pid);
	if (!(f = fopen(path, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		struct maps_line l;
		unsigned int major, minor;
		int off = 0;

		if (sscanf(line, "%llx-%*x %*s %*x %x:%x %llu %n", &l.start, &major, &minor, &l.ino,
			   &off) < 4 || !off)
			continue;
		l.dev = major << 20 | (minor & 0xfffff);
		if (!match(&l, want))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(out, size, "%s", line + off);
		found = out[0] != 0;
	}
	fclose(f);
	return found;
}

static bool maps_line__starts_at(const struct maps_line *l, const void *want)
{
	return l->start == *(const uint64_t *)want;
}

static bool maps_line__maps(const struct maps_line *l, const void *want)
{
	const struct maps_line *file = want;

	return l->ino == file->ino && l->dev == file->dev;
}

/* The mapping's path as /proc/PID/maps shows it now; false if gone. */
static bool maps_path(const char *procfs, uint32_t pid, uint64_t addr, char *out, size_t size)
{
	return maps_find(procfs, pid, maps_line__starts_at, &addr, out, size);
}

/*
 * The path /proc/PID/maps shows now for another mapping of the same file
 * (dev, ino), such as the rest of one partly unmapped; false if none.
 */
static bool maps_path_of(const char *procfs, uint32_t pid, uint32_t dev, uint64_t ino, char *out,
			 size_t size)
{
	struct maps_line file = { .dev = dev, .ino = ino };

	return maps_find(procfs, pid, maps_line__maps, &file, out, size);
}

static uint64_t page_round(uint64_t len)
{
	return (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static struct proc_ipc *proc_ipc__get(struct proc *p)
{
	if (!p->ipc)
		p->ipc = calloc(1, sizeof(*p->ipc));
	return p->ipc;
}

static void proc__map_added(struct proc *p, uint64_t len)
{
	p->ipc->shared_now += len;
	if (p->ipc->shared_now > p->shm_bytes)
		p->shm_bytes = p->ipc->shared_now;
}

/* Appends without accounting (a split piece of a mapping already counted). */
static bool proc__append_live(struct proc *p, uint64_t addr, uint64_t len, struct map_obj *obj,
			      struct ipc_obj *segment)
{
	struct proc_ipc *pi = proc_ipc__get(p);

	if (!pi)
		return false;
	if (pi->n == pi->cap) {
		unsigned int cap = pi->cap ? pi->cap * 2 : 8;
		struct live_map *m = realloc(pi->maps, cap * sizeof(*m));

		if (!m)
			return false;
		pi->maps = m;
		pi->cap = cap;
	}
	pi->maps[pi->n++] =
		(struct live_map){ .addr = addr, .len = len, .obj = obj, .segment = segment };
	return true;
}

static bool proc__add_live(struct proc *p, uint64_t addr, uint64_t len, struct map_obj *obj,
			   struct ipc_obj *segment)
{
	if (!proc__append_live(p, addr, len, obj, segment))
		return false;
	proc__map_added(p, len);
	return true;
}

/*
 * A System V attach left: the segment is destroyed if it was removed and this
 * was the last. An attach from before tracing is in seg->attached only once
 * IPC_RMID brought in the kernel's count (segment__removed).
 */
static void segment__detached(struct ipc_table *t, struct ipc_obj *seg, struct proc *p,
			      uint64_t ts_ns, bool before)
{
	struct sysvipc_row row;

	if ((!before || seg->removed) && seg->attached > 0)
		seg->attached--;
	if (!seg->removed || seg->attached > 0 || seg->destroyed_ns)
		return;
	/* Attaches from before tracing are not counted: the kernel's list decides. */
	if (sysvipc__lookup(t->procfs, IPC_KIND_SHM, seg->id, &row))
		return;
	seg->destroyed_ns = ts_ns;
	seg->last_detacher = p;
}

static void proc__drop_live(struct ipc_table *t, struct proc *p, unsigned int i, uint64_t ts_ns)
{
	struct proc_ipc *pi = p->ipc;
	struct live_map m = pi->maps[i];
	struct map_user *u;

	pi->shared_now -= pi->shared_now >= m.len ? m.len : pi->shared_now;
	if ((u = map_obj__user(m.obj, p)))
		u->unmaps++;
	if (m.segment)
		segment__detached(t, m.segment, p, ts_ns, m.before);
	pi->maps[i] = pi->maps[--pi->n];
}

/* munmap(addr, len): drop what it covers, trim what it overlaps (mm/mmap.c semantics). */
static void proc__unmap(struct ipc_table *t, struct proc *p, uint64_t addr, uint64_t len,
			uint64_t ts_ns)
{
	struct proc_ipc *pi = p->ipc;
	uint64_t end = addr + page_round(len);

	for (unsigned int i = 0; pi && i < pi->n;) {
		struct live_map *m = &pi->maps[i];
		uint64_t mend = m->addr + m->len;

		if (mend <= addr || m->addr >= end) {
			i++;
			continue;
		}
		if (addr <= m->addr && end >= mend) {
			proc__drop_live(t, p, i, ts_ns);
			continue; /* the last entry moved into i */
		}
		/* Partial: keep the larger piece outside the range (a hole splits in two). */
		if (addr > m->addr && end < mend) {
			uint64_t tail = mend - end;

			struct map_obj *obj = m->obj;

			pi->shared_now -= end - addr;
			m->len = addr - m->addr;
			proc__append_live(p, end, tail, obj, NULL); /* may move the array */
		} else if (addr <= m->addr) {
			pi->shared_now -= end - m->addr;
			m->len = mend - end;
			m->addr = end;
		} else {
			pi->shared_now -= mend - addr;
			m->len = addr - m->addr;
		}
		i++;
	}
}

static struct live_map *proc__live_at(struct proc *p, uint64_t addr)
{
	for (unsigned int i = 0; p->ipc && i < p->ipc->n; i++)
		if (p->ipc->maps[i].addr == addr)
			return &p->ipc->maps[i];
	return NULL;
}

static bool proc__maps_addr(const struct proc *p, uint64_t addr)
{
	for (unsigned int i = 0; p->ipc && i < p->ipc->n; i++) {
		const struct live_map *m = &p->ipc->maps[i];

		if (m->addr <= addr && addr < m->addr + m->len)
			return true;
	}
	return false;
}

/* A System V segment's mapped object: named (sentinel dev, shmid) like its shmat. */
static struct map_obj *segment__map_obj(struct ipc_table *t, const struct ipc_obj *seg)
{
	struct map_obj *mo = map_table__get(t, MAP_KIND_SYSV, SYSV_MAP_DEV, seg->id);

	if (mo && !mo->path[0] && seg->key_known)
		snprintf(mo->path, sizeof(mo->path), "SYSV%08x", seg->key);
	return mo;
}

/*
 * A mapping p had before tracing started, found when p touched it: from
 * then on it is live like one seen made (later munmaps trim it, fork copies
 * it, exit drops it) and p is listed among the object's users. Accounted
 * (shared_now, the shm_bytes peak): p had it mapped up to this moment.
 */
static struct live_map *proc__found_mapped(struct proc *p, uint64_t addr, uint64_t len,
					   struct map_obj *o, struct ipc_obj *segment)
{
	struct map_user *u = map_obj__user(o, p);

	if (!u || !proc__add_live(p, addr, len, o, segment))
		return NULL;
	u->before = true;
	u->bytes += len;
	p->ipc->maps[p->ipc->n - 1].before = true;
	return &p->ipc->maps[p->ipc->n - 1];
}

/*
 * shmdt of an attach made before tracing (none known at the address): its
 * segment came from the vma at entry (bpf/ipc.bpf.h), its size from the
 * segment (do_shmdt() unmaps the whole attach, ipc/shm.c). NULL when the
 * size is unknown (the segment left /proc/sysvipc before it was first seen).
 */
static struct live_map *proc__found_attached(struct ipc_table *t, struct proc *p,
					     struct ipc_obj *seg, uint64_t addr)
{
	struct map_obj *mo;

	if (!seg->size || !(mo = segment__map_obj(t, seg)))
		return NULL;
	return proc__found_mapped(p, addr, page_round(seg->size), mo, seg);
}

/*
 * The mapped object of a munmap/mremap whose shared vma BPF described at the
 * call's entry; by the time the record is read munmap has removed it from
 * /proc/PID/maps, so its path is another mapping's of the same file, else
 * the dentry name BPF read.
 */
static struct map_obj *map_obj__of_vma(struct ipc_table *t, const struct map_event *e,
				       struct ipc_obj **segment)
{
	unsigned int kind = map_kind__of(e, t->devshm_dev);
	struct map_obj *o;

	*segment = NULL;
	if (kind == MAP_KIND_SYSV) {
		/* ipc/shm.c newseg(): the segment's inode number is its shmid. */
		*segment = ipc_table__get(t, IPC_KIND_SHM, e->ino);
		return *segment ? segment__map_obj(t, *segment) : NULL;
	}
	if (!(o = map_table__get(t, kind, e->dev, e->ino)))
		return NULL;
	o->writable = true; /* mapped before tracing: its prot is not known */
	if (!o->path[0] && kind != MAP_KIND_ANON &&
	    !maps_path_of(t->procfs, e->task.pid, e->dev, e->ino, o->path, sizeof(o->path)))
		snprintf(o->path, sizeof(o->path), "%.*s", IPCSCOPE_MAP_NAME_LEN, e->name);
	return o;
}

/* munmap/mremap at an address no known mapping covers: one from before tracing. */
static void proc__found_vma(struct ipc_table *t, struct proc *p, const struct map_event *e)
{
	struct ipc_obj *segment;
	struct map_obj *o;

	if (proc__maps_addr(p, e->addr) || e->vm_end <= e->vm_start || (!e->ino && !e->dev))
		return; /* known, or not described (a record from an older BPF object) */
	if (!(o = map_obj__of_vma(t, e, &segment)))
		return;
	if (segment)
		ipc_obj__user(segment, p);
	proc__found_mapped(p, e->vm_start, e->vm_end - e->vm_start, o, segment);
}

static void on_map(struct ipc_table *t, const struct event_header *hdr, const struct map_event *e,
		   struct proc *p)
{
	struct live_map *live;
	struct map_obj *o;
	struct map_user *u;
	unsigned int kind;

	switch (e->op) {
	case MAP_OP_MMAP:
		kind = map_kind__of(e, t->devshm_dev);
		if (!(o = map_table__get(t, kind, e->dev, e->ino)))
			return;
		if (!o->path[0] && kind != MAP_KIND_ANON) {
			if (!maps_path(t->procfs, e->task.pid, e->addr, o->path, sizeof(o->path)))
				snprintf(o->path, sizeof(o->path), "%.*s", IPCSCOPE_MAP_NAME_LEN,
					 e->name);
		}
		if (kind == MAP_KIND_ANON && !o->creator)
			o->creator = p;
		o->writable |= (e->prot & PROT_WRITE) != 0;
		if (!(u = map_obj__user(o, p)))
			return;
		u->maps++;
		u->bytes += page_round(e->len);
		proc__add_live(p, e->addr, page_round(e->len), o, NULL);
		return;
	case MAP_OP_MUNMAP:
		proc__found_vma(t, p, e);
		proc__unmap(t, p, e->addr, e->len, hdr->ts_ns);
		return;
	case MAP_OP_MREMAP:
		proc__found_vma(t, p, e);
		if (!(live = proc__live_at(p, e->addr)))
			return;
		if (page_round(e->new_len) > live->len) {
			if ((u = map_obj__user(live->obj, p)))
				u->bytes += page_round(e->new_len) - live->len;
			proc__map_added(p, page_round(e->new_len) - live->len);
		} else {
			p->ipc->shared_now -= live->len - page_round(e->new_len);
		}
		live->addr = e->new_addr;
		live->len = page_round(e->new_len);
		return;
	}
}

/* ---- System V and POSIX mq calls ---- */

unsigned int ipc_op__kind(unsigned int op)
{
	switch (op) {
	case IPC_OP_SHMGET:
	case IPC_OP_SHMAT:
	case IPC_OP_SHMDT:
	case IPC_OP_SHMCTL:
		return IPC_KIND_SHM;
	case IPC_OP_MSGGET:
	case IPC_OP_MSGSND:
	case IPC_OP_MSGRCV:
	case IPC_OP_MSGCTL:
		return IPC_KIND_MSG;
	case IPC_OP_SEMGET:
	case IPC_OP_SEMOP:
	case IPC_OP_SEMCTL:
		return IPC_KIND_SEM;
	}
	return IPC_KIND_MQ;
}

/*
 * Who created it: /proc/sysvipc/shm names the creator; otherwise the first
 * get that could create it: with IPC_CREAT, or with IPC_PRIVATE, which
 * always makes a new object (ipc/util.c ipcget() -> ipcget_new()) -- unless
 * the object was there when tracing began: then IPC_CREAT found it, and
 * its creator is unknown (msg and sem files name none).
 */
static void ipc_obj__on_get(struct ipc_table *t, struct ipc_obj *o, const struct ipc_event *e,
			    const struct event_header *hdr, struct proc *p)
{
	struct sysvipc_row row;

	o->key = (uint32_t)e->key;
	o->key_known = true;
	if (e->op != IPC_OP_MSGGET && e->size && !o->size)
		o->size = e->size;
	if (ipc_obj__existing(t, o))
		o->before_tracing = true;
	if (o->creator)
		return;
	if (o->kind == IPC_KIND_SHM && sysvipc__lookup(t->procfs, o->kind, o->id, &row) &&
	    row.cpid) {
		o->creator = row.cpid == p->pid ? p : proc_table__latest(t->procs, row.cpid);
		/* Its creator, but this get made it only if it was not there before. */
		o->created_ns = o->creator == p && !o->before_tracing ? hdr->ts_ns : 0;
		if (o->creator)
			return;
	}
	if (!o->before_tracing && ((e->flags & IPC_CREAT) || o->key == IPC_PRIVATE)) {
		o->creator = p;
		o->created_ns = hdr->ts_ns;
	}
}

/*
 * IPC_RMID of a segment: destroyed now if nothing has it attached, else at
 * the last detach (ipc/shm.c do_shm_rmid()). The kernel's count, which BPF
 * read as the call returned, has the attaches made before tracing too; ours
 * is the fallback.
 */
static void segment__removed(struct ipc_obj *seg, const struct ipc_event *e, uint64_t ts_ns)
{
	if (e->flags & IPC_F_SHM_NATTCH)
		seg->attached = (int)e->size;
	seg->attached_at_removal = seg->attached;
	if (seg->attached <= 0)
		seg->destroyed_ns = ts_ns;
}

static void on_ipc(struct ipc_table *t, const struct event_header *hdr, const struct ipc_event *e,
		   struct proc *p)
{
	struct ipc_obj *o;
	struct map_obj *mo;
	struct map_user *mu;
	struct live_map *live;

	if (e->err)
		return; /* failures are counted in ipc_stats; nothing changed */
	if (!(o = ipc_table__get(t, ipc_op__kind(e->op), e->id)))
		return;
	if (o->kind == IPC_KIND_MQ && e->dev)
		o->dev = e->dev;
	ipc_obj__user(o, p);
	switch (e->op) {
	case IPC_OP_SHMGET:
	case IPC_OP_MSGGET:
	case IPC_OP_SEMGET:
		ipc_obj__on_get(t, o, e, hdr, p);
		return;
	case IPC_OP_SHMAT:
		o->attached++;
		if (!(mo = segment__map_obj(t, o)))
			return;
		if (!(mu = map_obj__user(mo, p)))
			return;
		mu->maps++;
		mu->bytes += page_round(o->size);
		proc__add_live(p, e->addr, page_round(o->size), mo, o);
		return;
	case IPC_OP_SHMDT:
		if (!(live = proc__live_at(p, e->addr)) || !live->segment)
			live = proc__found_attached(t, p, o, e->addr);
		if (live)
			proc__drop_live(t, p, (unsigned int)(live - p->ipc->maps), hdr->ts_ns);
		else
			segment__detached(t, o, p, hdr->ts_ns, true);
		return;
	case IPC_OP_SHMCTL:
	case IPC_OP_MSGCTL:
	case IPC_OP_SEMCTL:
		if (e->key != IPC_RMID || o->removed)
			return;
		o->removed = true;
		o->removed_ns = hdr->ts_ns;
		o->remover = p;
		if (o->kind == IPC_KIND_SHM)
			segment__removed(o, e, hdr->ts_ns);
		return;
	case IPC_OP_MQ_NOTIFY:
		o->notify_calls++;
		return;
	}
}

/* ---- named objects: POSIX queues, memfds, /dev/shm files ---- */

static struct ipc_obj *mq_by_name(struct ipc_table *t, const char *name)
{
	for (struct ipc_obj *o = t->first; o; o = o->next_in_order)
		if (o->kind == IPC_KIND_MQ && !o->removed && !strcmp(o->name, name))
			return o;
	return NULL;
}

/* The POSIX shm segment a live name stands for ("/dev/shm/NAME", as shm_open gave it). */
static struct map_obj *posix_shm_by_path(struct ipc_table *t, const char *path)
{
	for (struct map_obj *m = t->map_first; m; m = m->next_in_order)
		if (m->kind == MAP_KIND_POSIX_SHM && !m->unlinked_ns && !strcmp(m->path, path))
			return m;
	return NULL;
}

static void on_open(struct ipc_table *t, const struct event_header *hdr,
		    const struct ipc_open_event *e, struct proc *p)
{
	char name[IPCSCOPE_PATH_LEN + 2];
	struct ipc_obj *o;
	struct map_obj *mo;

	if (e->ret < 0)
		return;
	/* glibc passes mq names without their leading '/' (mq_open(3)). */
	snprintf(name, sizeof(name), "%s%.*s",
		 e->op == IPC_OPEN_MQ_OPEN || e->op == IPC_OPEN_MQ_UNLINK ? "/" : "",
		 IPCSCOPE_PATH_LEN, e->name);
	switch (e->op) {
	case IPC_OPEN_MQ_OPEN:
		if (!(o = ipc_table__get(t, IPC_KIND_MQ, e->ino)))
			return;
		o->dev = e->dev;
		snprintf(o->name, sizeof(o->name), "%s", name);
		if (!o->creator && (e->flags & 0100 /* O_CREAT */)) {
			o->creator = p;
			o->created_ns = hdr->ts_ns;
		}
		ipc_obj__user(o, p);
		return;
	case IPC_OPEN_MQ_UNLINK:
		if (!(o = mq_by_name(t, name)))
			return;
		o->removed = true;
		o->removed_ns = hdr->ts_ns;
		o->remover = p;
		return;
	case IPC_OPEN_SHM_UNLINK:
		/* The segment lives on while mapped (tmpfs): only its name goes. */
		if ((mo = posix_shm_by_path(t, name)))
			mo->unlinked_ns = hdr->ts_ns;
		return;
	case IPC_OPEN_MEMFD_CREATE:
	case IPC_OPEN_SHM_OPEN:
		mo = map_table__get(t, e->op == IPC_OPEN_MEMFD_CREATE ? MAP_KIND_MEMFD
								     : MAP_KIND_POSIX_SHM,
				    e->dev, e->ino);
		if (!mo)
			return;
		if (!mo->path[0])
			snprintf(mo->path, sizeof(mo->path), "%s%s",
				 e->op == IPC_OPEN_MEMFD_CREATE ? "memfd:" : "", name);
		if (!mo->creator &&
		    (e->op == IPC_OPEN_MEMFD_CREATE || (e->flags & 0100 /* O_CREAT */)))
			mo->creator = p;
		return;
	}
}

void ipc_table__on_record(struct ipc_table *t, const struct event_header *hdr, const void *rec,
			  struct proc *p)
{
	switch (hdr->type) {
	case EVENT_IPC:
		on_ipc(t, hdr, rec, p);
		break;
	case EVENT_MAP:
		if (!map_event__failed(rec)) /* a refused mmap mapped nothing */
			on_map(t, hdr, rec, p);
		break;
	case EVENT_IPC_OPEN:
		on_open(t, hdr, rec, p);
		break;
	}
}

void ipc_table__on_fork(struct ipc_table *t, struct proc *parent, struct proc *child)
{
	(void)t;
	/* MAP_SHARED mappings and System V attaches are copied (kernel/fork.c dup_mmap). */
	for (unsigned int i = 0; parent->ipc && i < parent->ipc->n; i++) {
		struct live_map m = parent->ipc->maps[i];
		struct map_user *u = map_obj__user(m.obj, child);

		if (u) {
			u->inherited = true;
			u->bytes += m.len;
		}
		if (m.segment) {
			m.segment->attached++;
			ipc_obj__user(m.segment, child);
		}
		if (!proc__add_live(child, m.addr, m.len, m.obj, m.segment))
			return;
	}
}

void ipc_table__on_drop_all(struct ipc_table *t, struct proc *p, uint64_t ts_ns)
{
	while (p->ipc && p->ipc->n) {
		struct ipc_obj *seg = p->ipc->maps[p->ipc->n - 1].segment;
		struct ipc_user *u = seg ? ipc_obj__user(seg, p) : NULL;

		if (u)
			u->dropped++;
		proc__drop_live(t, p, p->ipc->n - 1, ts_ns);
	}
}

static int ipc_user__add_type(struct ipc_user *u, const struct ipc_key *key,
			      const struct ipc_stats *s)
{
	struct ipc_type_count *c, **tail = &u->types;

	if (!s->sends && !s->receives)
		return 0;
	/* Kept in type order: the map's rows come in hash order. */
	for (c = u->types; c && c->type < key->sub; c = c->next)
		tail = &c->next;
	if (!c || c->type != key->sub) {
		struct ipc_type_count *n = calloc(1, sizeof(*n));

		if (!n)
			return -1;
		n->type = key->sub;
		n->next = c;
		*tail = c = n;
	}
	c->sends += s->sends;
	c->send_bytes += s->send_bytes;
	c->receives += s->receives;
	c->recv_bytes += s->recv_bytes;
	return 0;
}

static bool retired_lately(const struct ipc_table *t, unsigned int kind, uint64_t id)
{
	for (unsigned int i = 0; i < t->retired_n; i++)
		if (t->retired[i].kind == kind && t->retired[i].id == id)
			return true;
	return false;
}

static void remember_retired(struct ipc_table *t, const struct ipc_obj *o)
{
	t->retired[t->retired_next] = (struct ipc_retired_id){ .kind = o->kind, .id = o->id };
	t->retired_next = (t->retired_next + 1) % IPC_RETIRED_RECENT;
	if (t->retired_n < IPC_RETIRED_RECENT)
		t->retired_n++;
}

/* What a row adds to its process's own totals. */
static void proc__add_ipc(struct proc *p, const struct ipc_key *key, const struct ipc_stats *s)
{
	if (key->kind == IPC_KIND_MSG || key->kind == IPC_KIND_MQ) {
		p->msgs_sent += s->sends;
		p->msgs_received += s->receives;
	}
	if (key->kind == IPC_KIND_SEM) {
		p->sem_waits += s->waits;
		p->sem_wait_ns += s->wait_ns;
	}
	p->involved = true;
}

int ipc_table__add_stats(struct ipc_table *t, struct proc *p, const struct ipc_key *key,
			 const struct ipc_stats *s)
{
	const __u64 *src = (const __u64 *)s;
	struct ipc_obj *o;
	struct ipc_user *u;
	__u64 *dst;

	if (key->kind < IPC_KIND_SHM || key->kind >= IPC_KIND_MAX)
		return 0;
	o = ipc_table__find(t, key->kind, key->id);
	if (!o && retired_lately(t, key->kind, key->id)) {
		proc__add_ipc(p, key, s); /* a late row: its object's record is gone */
		return 0;
	}
	if (!(o = o ? o : ipc_table__get(t, key->kind, key->id)) || !(u = ipc_obj__user(o, p)))
		return -1;
	dst = (__u64 *)&u->st;
	for (size_t i = 0; i < sizeof(*s) / sizeof(__u64); i++)
		dst[i] += src[i];
	proc__add_ipc(p, key, s);
	return ipc_user__add_type(u, key, s);
}

/* ---- retiring (src/retire.c) ---- */

static bool proc__over(const struct proc *p, uint64_t before_ns)
{
	return (p->exited || p->gone) && p->exit_ts_ns <= before_ns;
}

static bool users_over(const struct ipc_user *u, uint64_t before_ns)
{
	for (; u; u = u->next)
		if (!proc__over(u->proc, before_ns))
			return false;
	return true;
}

static bool map_users_over(const struct map_user *u, uint64_t before_ns)
{
	for (; u; u = u->next)
		if (!proc__over(u->proc, before_ns))
			return false;
	return true;
}

/* Marks what a live mapping points at: those objects stay. */
static void pin_mapped(struct ipc_table *t)
{
	for (struct ipc_obj *o = t->first; o; o = o->next_in_order)
		o->pinned = false;
	for (struct map_obj *o = t->map_first; o; o = o->next_in_order)
		o->pinned = false;
	for (struct proc *p = proc_table__first(t->procs); p; p = proc_table__next(p)) {
		for (unsigned int i = 0; p->ipc && i < p->ipc->n; i++) {
			p->ipc->maps[i].obj->pinned = true;
			if (p->ipc->maps[i].segment)
				p->ipc->maps[i].segment->pinned = true;
		}
	}
}

/*
 * Over for good since `before_ns` (the rows harvested by then, retire.h):
 * System V objects once IPC_RMID took the id (a segment once its last
 * attach left, ipc/shm.c), a POSIX queue once unlinked and left by every
 * process that used it; a mapped object once nothing maps it and every
 * process that did is over.
 */
static bool ipc_obj__retirable(const struct ipc_obj *o, uint64_t before_ns)
{
	if (o->pinned || !o->removed || o->removed_ns > before_ns)
		return false;
	if (o->kind == IPC_KIND_SHM)
		return o->attached <= 0 && o->destroyed_ns <= before_ns;
	return o->kind != IPC_KIND_MQ || users_over(o->users, before_ns);
}

static bool map_obj__retirable(const struct map_obj *o, uint64_t before_ns)
{
	return !o->pinned && map_users_over(o->users, before_ns);
}

static void ipc_obj__free(struct ipc_obj *o)
{
	for (struct ipc_user *u = o->users, *un; u; u = un) {
		for (struct ipc_type_count *c = u->types, *cn; c; c = cn) {
			cn = c->next;
			free(c);
		}
		un = u->next;
		free(u);
	}
	free(o);
}

static void map_obj__free(struct map_obj *o)
{
	for (struct map_user *u = o->users, *un; u; u = un) {
		un = u->next;
		free(u);
	}
	free(o);
}

static unsigned int retire_objects(struct ipc_table *t, unsigned int keep, uint64_t before_ns)
{
	struct ipc_obj *o, *prev = NULL, *next, **pp;
	unsigned int over = 0, n = 0;

	for (o = t->first; o; o = o->next_in_order)
		over += ipc_obj__retirable(o, before_ns);
	for (o = t->first; o && over > keep && n < over - keep; o = next) {
		next = o->next_in_order;
		if (!ipc_obj__retirable(o, before_ns)) {
			prev = o;
			continue;
		}
		for (pp = &t->buckets[bucket_of(o->kind, o->id)]; *pp && *pp != o;)
			pp = &(*pp)->next_in_bucket;
		if (*pp)
			*pp = o->next_in_bucket;
		if (prev)
			prev->next_in_order = next;
		else
			t->first = next;
		if (t->last == o)
			t->last = prev;
		remember_retired(t, o);
		ipc_obj__free(o);
		n++;
	}
	return n;
}

static unsigned int retire_mapped(struct ipc_table *t, unsigned int keep, uint64_t before_ns)
{
	struct map_obj *o, *prev = NULL, *next, **pp;
	unsigned int over = 0, n = 0;

	for (o = t->map_first; o; o = o->next_in_order)
		over += map_obj__retirable(o, before_ns);
	for (o = t->map_first; o && over > keep && n < over - keep; o = next) {
		next = o->next_in_order;
		if (!map_obj__retirable(o, before_ns)) {
			prev = o;
			continue;
		}
		for (pp = &t->map_buckets[bucket_of(o->dev, o->ino)]; *pp && *pp != o;)
			pp = &(*pp)->next_in_bucket;
		if (*pp)
			*pp = o->next_in_bucket;
		if (prev)
			prev->next_in_order = next;
		else
			t->map_first = next;
		if (t->map_last == o)
			t->map_last = prev;
		map_obj__free(o);
		n++;
	}
	return n;
}

void ipc_table__retire(struct ipc_table *t, unsigned int keep, uint64_t before_ns,
		       uint64_t *objects, uint64_t *mapped)
{
	pin_mapped(t);
	*objects += retire_objects(t, keep, before_ns);
	*mapped += retire_mapped(t, keep, before_ns);
}

void ipc_table__pin(const struct ipc_table *t)
{
	for (const struct ipc_obj *o = t->first; o; o = o->next_in_order) {
		if (o->creator)
			o->creator->pinned = true;
		if (o->remover)
			o->remover->pinned = true;
		if (o->last_detacher)
			o->last_detacher->pinned = true;
	}
	for (const struct map_obj *o = t->map_first; o; o = o->next_in_order)
		if (o->creator)
			o->creator->pinned = true;
}

static int ipc_user__merge(struct ipc_user *dst, const struct ipc_user *u)
{
	const __u64 *src = (const __u64 *)&u->st;
	__u64 *d = (__u64 *)&dst->st;

	for (size_t i = 0; i < sizeof(u->st) / sizeof(__u64); i++)
		d[i] += src[i];
	dst->dropped += u->dropped;
	for (const struct ipc_type_count *c = u->types; c; c = c->next) {
		struct ipc_key key = { .sub = c->type };
		struct ipc_stats s = { .sends = c->sends, .send_bytes = c->send_bytes,
				       .receives = c->receives, .recv_bytes = c->recv_bytes };

		if (ipc_user__add_type(dst, &key, &s))
			return -1;
	}
	return 0;
}

static void ipc_user__free(struct ipc_user *u)
{
	for (struct ipc_type_count *c = u->types, *cn; c; c = cn) {
		cn = c->next;
		free(c);
	}
	free(u);
}

static int map_user__merge(struct map_user *dst, const struct map_user *u)
{
	dst->bytes += u->bytes;
	dst->maps += u->maps;
	dst->unmaps += u->unmaps;
	dst->inherited |= u->inherited;
	return 0;
}

int ipc_table__merge_retiring(struct ipc_table *t, struct proc *into)
{
	for (struct ipc_obj *o = t->first; o; o = o->next_in_order)
		if (user_list__merge_retiring(o, users, into, ipc_obj__user, ipc_user__merge,
					      ipc_user__free))
			return -1;
	for (struct map_obj *o = t->map_first; o; o = o->next_in_order)
		if (user_list__merge_retiring(o, users, into, map_obj__user, map_user__merge, free))
			return -1;
	return 0;
}

const char *ipc_kind__name(unsigned int kind)
{
	static const char *const names[IPC_KIND_MAX] = { "?", "shm", "msgq", "sem", "mq" };

	return kind < IPC_KIND_MAX ? names[kind] : "?";
}

const char *ipc_op__name(unsigned int op)
{
	static const char *const names[IPC_OP_MAX] = {
		"?",	  "shmget", "shmat",  "shmdt",	"shmctl",  "msgget",	 "msgsnd",
		"msgrcv", "msgctl", "semget", "semop",	"semctl",  "mq_send", "mq_receive",
		"mq_notify",
	};

	return op < IPC_OP_MAX ? names[op] : "?";
}

/*
 * A semop record's operations as BPF read them (src/ipcscope.h
 * IPC_SEMOP_OP): fills num[] and op[] (IPC_SEMOP_OPS_SEEN each) and returns
 * how many it holds, 0 when they could not be read.
 */
unsigned int ipc_event__semops(const struct ipc_event *e, uint16_t *num, int16_t *op)
{
	unsigned int n, i;

	if (e->op != IPC_OP_SEMOP || !(e->flags & IPC_F_SEM_OPS))
		return 0;
	n = e->size < IPC_SEMOP_OPS_SEEN ? (unsigned int)e->size : IPC_SEMOP_OPS_SEEN;
	for (i = 0; i < n; i++) {
		uint32_t packed = (uint32_t)((i < 2 ? e->key : e->addr) >> (32 * (i & 1)));

		num[i] = (uint16_t)(packed >> 16);
		op[i] = (int16_t)(packed & 0xffff);
	}
	return n;
}

const char *map_kind__name(unsigned int kind)
{
	static const char *const names[MAP_KIND_MAX] = { "file", "anon", "sysv", "posix_shm",
							 "memfd" };

	return kind < MAP_KIND_MAX ? names[kind] : "file";
}

const char *ipc_open_op__name(unsigned int op)
{
	switch (op) {
	case IPC_OPEN_MQ_OPEN:
		return "mq_open";
	case IPC_OPEN_MQ_UNLINK:
		return "mq_unlink";
	case IPC_OPEN_MEMFD_CREATE:
		return "memfd_create";
	case IPC_OPEN_SHM_OPEN:
		return "shm_open";
	case IPC_OPEN_SHM_UNLINK:
		return "shm_unlink";
	}
	return "?";
}
