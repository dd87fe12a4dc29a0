// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <linux/openat2.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "code_names.h"
#include "proc_table.h"

#define ANSWERS 256	 /* (process, address) answers kept, oldest replaced */
#define FILES 32	 /* symbol tables kept, least recently used replaced */
#define LOAD_SEGMENTS 16 /* PT_LOAD headers read per file */
#define FILE_SIZE_MAX (1ULL << 30) /* larger files are not parsed */
#define SYMS_MAX 1000000	   /* functions kept per file */

struct func_sym {
	uint64_t start, size;
	char *name;
};

struct load_segment {
	uint64_t offset, filesz, vaddr;
};

/* One ELF file's functions, sorted by address, and how its offsets map to addresses. */
struct file_syms {
	dev_t dev;
	ino_t ino;
	struct func_sym *syms;
	size_t nsyms;
	struct load_segment load[LOAD_SEGMENTS];
	unsigned int nload;
	uint64_t used; /* clock of the last lookup */
	bool valid;
};

struct answer {
	uint32_t pid;
	bool valid, found;
	uint64_t start_ns, image, addr;
	struct code_name name;
};

struct code_names {
	char *procfs;
	struct answer answers[ANSWERS];
	unsigned int next_answer;
	struct file_syms files[FILES];
	uint64_t clock;
};

struct code_names *code_names__new(const char *procfs)
{
	struct code_names *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->procfs = strdup(procfs);
	if (!c->procfs || elf_version(EV_CURRENT) == EV_NONE) {
		free(c->procfs);
		free(c);
		return NULL;
	}
	return c;
}

static void file_syms__clear(struct file_syms *f)
{
	for (size_t i = 0; i < f->nsyms; i++)
		free(f->syms[i].name);
	free(f->syms);
	memset(f, 0, sizeof(*f));
}

void code_names__free(struct code_names *c)
{
	if (!c)
		return;
	for (unsigned int i = 0; i < FILES; i++)
		file_syms__clear(&c->files[i]);
	free(c->procfs);
	free(c);
}

void code_names__forget(struct code_names *c, uint32_t pid)
{
	if (!c)
		return;
	for (unsigned int i = 0; i < ANSWERS; i++)
		if (c->answers[i].valid && c->answers[i].pid == pid)
			c->answers[i].valid = false;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct func_sym *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The functions of one symbol table section (.symtab or .dynsym). */
static int read_symbols(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct file_syms *f,
			size_t *cap)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	for (size_t i = 0; data && i < n; i++) {
		GElf_Sym sym;
		const char *name;
		int type;

		if (!gelf_getsym(data, (int)i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    !sym.st_value)
			continue;
		name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		if (f->nsyms == SYMS_MAX)
			break;
		if (f->nsyms == *cap) {
			size_t grown = *cap ? *cap * 2 : 256;
			struct func_sym *more = realloc(f->syms, grown * sizeof(*more));

			if (!more)
				return -ENOMEM;
			f->syms = more;
			*cap = grown;
		}
		f->syms[f->nsyms].start = sym.st_value;
		f->syms[f->nsyms].size = sym.st_size;
		if (!(f->syms[f->nsyms].name = strdup(name)))
			return -ENOMEM;
		f->nsyms++;
	}
	return 0;
}

/* Loads fd's ELF functions and PT_LOAD segments into f; 0 or -errno. */
static int file_syms__load(struct file_syms *f, int fd)
{
	/* read, not mapped: a file truncated under us would raise SIGBUS */
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	size_t cap = 0, nphdr = 0;
	int err = 0;

	if (!e)
		return -EINVAL;
	if (elf_kind(e) != ELF_K_ELF || elf_getphdrnum(e, &nphdr)) {
		elf_end(e);
		return -EINVAL;
	}
	for (size_t i = 0; i < nphdr && f->nload < LOAD_SEGMENTS; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD)
			f->load[f->nload++] = (struct load_segment){ ph.p_offset, ph.p_filesz,
								     ph.p_vaddr };
	}
	/* Both tables: a stripped file keeps only .dynsym, a static function only .symtab. */
	while (!err && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM))
			err = read_symbols(e, scn, &sh, f, &cap);
	}
	elf_end(e);
	if (f->nsyms)
		qsort(f->syms, f->nsyms, sizeof(*f->syms), cmp_sym);
	return err;
}

/* The symbol table of the file open at fd, loaded once per (dev, inode). */
static struct file_syms *file_syms__of(struct code_names *c, int fd)
{
	struct file_syms *f, *oldest = &c->files[0];
	struct stat st;

	if (fstat(fd, &st))
		return NULL;
	for (unsigned int i = 0; i < FILES; i++) {
		f = &c->files[i];
		if (f->valid && f->dev == st.st_dev && f->ino == st.st_ino) {
			f->used = ++c->clock;
			return f;
		}
		if (!f->valid || f->used < oldest->used)
			oldest = f;
	}
	f = oldest;
	file_syms__clear(f);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->used = ++c->clock;
	f->valid = true;
	if (file_syms__load(f, fd)) {
		file_syms__clear(f); /* a file that is not ELF, or no memory: no names */
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		f->used = c->clock;
		f->valid = true;
	}
	return f;
}

/* The function covering file offset off, as the file's segments place it (at *at). */
static const struct func_sym *file_syms__find(const struct file_syms *f, uint64_t off,
					      uint64_t *at)
{
	uint64_t vaddr = 0;
	bool placed = false;
	size_t lo = 0, hi = f->nsyms;
	const struct func_sym *s;

	for (unsigned int i = 0; i < f->nload && !placed; i++) {
		if (off >= f->load[i].offset && off - f->load[i].offset < f->load[i].filesz) {
			vaddr = off - f->load[i].offset + f->load[i].vaddr;
			placed = true;
		}
	}
	if (!placed)
		return NULL;
	while (lo < hi) { /* the last symbol starting at or below vaddr */
		size_t mid = lo + (hi - lo) / 2;

		if (f->syms[mid].start <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &f->syms[lo - 1];
	*at = vaddr;
	return vaddr - s->start < (s->size ? s->size : 1) ? s : NULL;
}

/* Where addr is mapped from: the file's path as maps shows it, its inode, the file offset. */
struct mapping {
	char path[4096];
	uint64_t ino;
	uint64_t file_offset;
};

/*
 * The file mapping of pid holding addr, from /proc/PID/maps. Only
 * executable mappings of files hold code; a file deleted since it was
 * mapped (" (deleted)") is not looked for by its old path.
 */
static bool mapping_of(const char *procfs, uint32_t pid, uint64_t addr, struct mapping *m)
{
	char maps[64], *line = NULL;
	size_t cap = 0;
	bool found = false;
	ssize_t len;
	FILE *f;

	snprintf(maps, sizeof(maps), "%s/%u/maps", procfs, pid);
	if (!(f = fopen(maps, "re")))
		return false;
	/* getline: a path of any length is one line (maps escapes newlines in names) */
	while (!found && (len = getline(&line, &cap, f)) > 0) {
		unsigned long long start, end, offset, ino;
		char perms[8];
		int at = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %*x:%*x %llu %n", &start, &end, perms, &offset,
			   &ino, &at) != 5 || !at)
			continue;
		if (addr < start || addr >= end || !strchr(perms, 'x') || line[at] != '/')
			continue;
		line[strcspn(line, "\n")] = '\0';
		len = (ssize_t)strlen(line + at);
		if ((size_t)len >= sizeof(m->path) ||
		    (len > 10 && !strcmp(line + at + len - 10, " (deleted)")))
			break;
		memcpy(m->path, line + at, (size_t)len + 1);
		m->ino = ino;
		m->file_offset = addr - start + offset;
		found = true;
	}
	free(line);
	fclose(f);
	return found;
}

/*
 * The image id bpf/ipcscope.bpf.h task__image_id() computes, from /proc:
 * startstack (the 28th field of /proc/PID/stat) and the executable's inode.
 */
static bool image_id_of(const char *procfs, uint32_t pid, uint64_t *id)
{
	char path[64], buf[2048], *p;
	unsigned long long start_stack;
	struct stat st;
	size_t got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/exe", procfs, pid);
	if (stat(path, &st))
		return false;
	snprintf(path, sizeof(path), "%s/%u/stat", procfs, pid);
	if (!(f = fopen(path, "re")))
		return false;
	got = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[got] = '\0';
	p = strrchr(buf, ')'); /* the comm may hold spaces and parentheses */
	for (int field = 3; p && field <= 28; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &start_stack) != 1)
		return false;
	*id = start_stack ^ ((uint64_t)st.st_ino << 1);
	return true;
}

/* A name cut to fit (C++ and Rust symbols run long): the start tells the most. */
static void copy_truncated(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * Opens the mapped file as the process sees it: below its root
 * (RESOLVE_IN_ROOT: a symlink on the way cannot lead out of a container),
 * no magic links, the last component not a symlink, and only the regular
 * file maps names (its inode; the device is not compared, as overlayfs
 * shows the layer's there). -1 when any of it fails.
 */
static int open_mapped(const char *procfs, uint32_t pid, const struct mapping *m)
{
	/* O_PATH first: a FIFO or device is never opened for real */
	struct open_how how = { .flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	char root[64];
	struct stat st;
	int dir, fd;

	snprintf(root, sizeof(root), "%s/%u/root", procfs, pid);
	dir = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	fd = (int)syscall(SYS_openat2, dir, m->path, &how, sizeof(how));
	if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_ino != m->ino ||
			(uint64_t)st.st_size > FILE_SIZE_MAX)) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0) {
		char again[64];
		int opened;

		/* reopen the very inode for reading, not the path again */
		snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
		opened = open(again, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		close(fd);
		fd = opened;
	}
	close(dir);
	return fd;
}

/* Looks addr up in the live process; false when it cannot be named. */
static bool name_live(struct code_names *c, uint32_t pid, uint64_t start_ns, uint64_t image,
		      uint64_t addr, struct code_name *out)
{
	struct mapping *m = malloc(sizeof(*m));
	const struct func_sym *s = NULL;
	uint64_t vaddr = 0, live_image;
	const char *base;
	bool named = false;
	int fd;

	if (!m || !mapping_of(c->procfs, pid, addr, m))
		goto out;
	/*
	 * Read after the maps: the same process still, not one that got its
	 * pid since, and the same program (no exec since the record).
	 */
	if (proc_table__gone(c->procfs, pid, start_ns) ||
	    (image && (!image_id_of(c->procfs, pid, &live_image) || live_image != image)))
		goto out;
	memset(out, 0, sizeof(*out));
	base = strrchr(m->path, '/');
	copy_truncated(out->object, sizeof(out->object), base ? base + 1 : m->path);
	out->file_offset = m->file_offset;
	named = true;
	fd = open_mapped(c->procfs, pid, m);
	if (fd >= 0) {
		struct file_syms *f = file_syms__of(c, fd);

		s = f ? file_syms__find(f, m->file_offset, &vaddr) : NULL;
		if (s) {
			copy_truncated(out->func, sizeof(out->func), s->name);
			out->func_offset = vaddr - s->start;
		}
		close(fd);
	}
out:
	free(m);
	return named;
}

bool code_names__find(struct code_names *c, uint32_t pid, uint64_t start_ns, uint64_t image,
		      uint64_t addr, struct code_name *out)
{
	struct answer *a;

	if (!c)
		return false;
	for (unsigned int i = 0; i < ANSWERS; i++) {
		a = &c->answers[i];
		if (a->valid && a->pid == pid && a->addr == addr && a->image == image &&
		    proc_table__same_start(a->start_ns, start_ns)) {
			if (a->found)
				*out = a->name;
			return a->found;
		}
	}
	a = &c->answers[c->next_answer++ % ANSWERS];
	memset(a, 0, sizeof(*a));
	a->found = name_live(c, pid, start_ns, image, addr, &a->name);
	/* a process already gone is not asked again: its answer stays "unknown" */
	a->valid = true;
	a->pid = pid;
	a->start_ns = start_ns;
	a->image = image;
	a->addr = addr;
	if (a->found)
		*out = a->name;
	return a->found;
}
