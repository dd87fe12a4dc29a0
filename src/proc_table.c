// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proc_table.h"
#include "sanitize.h"

#define BUCKETS 4096

struct proc_table {
	struct proc *bucket[BUCKETS];
	struct proc *first, *last;
	unsigned int count;
	uint64_t tick_ns;
};

static uint64_t tick_ns_now(void)
{
	long hz = sysconf(_SC_CLK_TCK);

	return hz > 0 ? 1000000000ULL / (uint64_t)hz : 10000000ULL;
}

static uint64_t g_tick_ns = 10000000ULL;

bool proc_table__same_start(uint64_t a_ns, uint64_t b_ns)
{
	/* /proc/PID/stat has start_boottime in clock ticks (fs/proc/array.c). */
	return a_ns / g_tick_ns == b_ns / g_tick_ns;
}

struct proc_table *proc_table__new(void)
{
	struct proc_table *t = calloc(1, sizeof(*t));

	if (t)
		t->tick_ns = g_tick_ns = tick_ns_now();
	return t;
}

void proc_table__free(struct proc_table *t, void (*free_payload)(struct proc *))
{
	struct proc *p, *next;

	if (!t)
		return;
	for (p = t->first; p; p = next) {
		next = p->next_in_order;
		if (free_payload)
			free_payload(p);
		free(p);
	}
	free(t);
}

void proc_table__set_comm(struct proc *p, const char *comm)
{
	size_t len = sanitize__strnlen(comm, IPCSCOPE_COMM_LEN);

	memcpy(p->comm, comm, len);
	p->comm[len] = '\0';
}

struct proc *proc_table__find(struct proc_table *t, uint32_t pid, uint64_t start_ns)
{
	for (struct proc *p = t->bucket[pid % BUCKETS]; p; p = p->next_in_bucket)
		if (p->pid == pid && proc_table__same_start(p->start_ns, start_ns))
			return p;
	return NULL;
}

struct proc *proc_table__latest(struct proc_table *t, uint32_t pid)
{
	/* Newest first: get() pushes new processes at the head of the bucket. */
	for (struct proc *p = t->bucket[pid % BUCKETS]; p; p = p->next_in_bucket)
		if (p->pid == pid)
			return p;
	return NULL;
}

struct proc *proc_table__get(struct proc_table *t, uint32_t pid, uint64_t start_ns,
			     const char *comm)
{
	struct proc *p = proc_table__find(t, pid, start_ns);

	if (p) {
		/* Prefer the precise time from BPF over /proc's tick resolution. */
		if (start_ns % t->tick_ns)
			p->start_ns = start_ns;
		return p;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->start_ns = start_ns;
	if (comm)
		proc_table__set_comm(p, comm);
	p->next_in_bucket = t->bucket[pid % BUCKETS];
	t->bucket[pid % BUCKETS] = p;
	if (t->last)
		t->last->next_in_order = p;
	else
		t->first = p;
	t->last = p;
	t->count++;
	return p;
}

struct proc *proc_table__first(struct proc_table *t)
{
	return t->first;
}

unsigned int proc_table__count(struct proc_table *t)
{
	return t->count;
}

static void unlink_from_bucket(struct proc_table *t, struct proc *p)
{
	struct proc **pp = &t->bucket[p->pid % BUCKETS];

	while (*pp && *pp != p)
		pp = &(*pp)->next_in_bucket;
	if (*pp)
		*pp = p->next_in_bucket;
}

unsigned int proc_table__remove_retiring(struct proc_table *t,
					 void (*free_payload)(struct proc *))
{
	struct proc *p = t->first, *prev = NULL, *next;
	unsigned int n = 0;

	for (; p; p = next) {
		next = p->next_in_order;
		if (!p->retiring) {
			prev = p;
			continue;
		}
		unlink_from_bucket(t, p);
		if (prev)
			prev->next_in_order = next;
		else
			t->first = next;
		if (t->last == p)
			t->last = prev;
		if (free_payload)
			free_payload(p);
		free(p);
		t->count--;
		n++;
	}
	return n;
}

/* Fields of /proc/PID/stat after "pid (comm) ": state is field 3. */
static int parse_stat(const char *buf, char *comm, size_t comm_size, uint32_t *ppid,
		      uint64_t *start_ticks)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	unsigned long long start;
	int field = 3, pp;
	const char *s;
	size_t len;

	if (!open || !close || close < open)
		return -EINVAL;
	len = (size_t)(close - open - 1);
	if (len >= comm_size)
		len = comm_size - 1;
	memcpy(comm, open + 1, len);
	comm[len] = '\0';
	s = close + 2;
	if (sscanf(s, "%*c %d", &pp) != 1)
		return -EINVAL;
	*ppid = (uint32_t)pp;
	while (*s && field < 22) {
		if (*s++ == ' ')
			field++;
	}
	if (field != 22 || sscanf(s, "%llu", &start) != 1)
		return -EINVAL;
	*start_ticks = start;
	return 0;
}

/* /proc/PID/stat of one process; 0, or -errno (-ENOENT: no such process now). */
static int read_stat(const char *procfs, const char *pid, char *comm, size_t comm_size,
		     uint32_t *ppid, uint64_t *start_ticks)
{
	char path[512], buf[1024];
	size_t got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/stat", procfs, pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	got = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[got] = '\0';
	return parse_stat(buf, comm, comm_size, ppid, start_ticks);
}

bool proc_table__gone(const char *procfs, uint32_t pid, uint64_t start_ns)
{
	char name[16], comm[IPCSCOPE_COMM_LEN + 1];
	uint64_t start_ticks;
	uint32_t ppid;
	int err;

	snprintf(name, sizeof(name), "%u", pid);
	err = read_stat(procfs, name, comm, sizeof(comm), &ppid, &start_ticks);
	if (err == -ENOENT || err == -ESRCH)
		return true;
	/* The pid was reused: the process we knew is over. */
	return !err && !proc_table__same_start(start_ticks * g_tick_ns, start_ns);
}

uint32_t proc_table__tgid(const char *procfs, uint32_t pid)
{
	char path[64], line[128];
	unsigned int tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/status", procfs, pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %u", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

int proc_table__seed(struct proc_table *t, const char *procfs)
{
	DIR *dir = opendir(procfs);
	struct dirent *de;
	int n = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char comm[IPCSCOPE_COMM_LEN + 1];
		uint64_t start_ticks;
		uint32_t ppid;
		struct proc *p;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (read_stat(procfs, de->d_name, comm, sizeof(comm), &ppid, &start_ticks))
			continue; /* exited meanwhile */
		p = proc_table__get(t, (uint32_t)strtoul(de->d_name, NULL, 10),
				    start_ticks * t->tick_ns, comm);
		if (!p)
			break;
		p->ppid = ppid;
		n++;
	}
	closedir(dir);
	return n;
}
