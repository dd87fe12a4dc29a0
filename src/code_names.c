// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "code_names.h"
#include "proc_table.h"

#define ANSWERS 256	 /* (process, address) answers kept, oldest replaced */
#define FILES 32	 /* symbol tables kept, least recently used replaced */
#define LOAD_SEGMENTS 16 /* PT_LOAD headers read per file */

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
	uint64_t start_ns, addr;
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
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
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

/*
 * The file mapping of pid holding addr, from /proc/PID/maps: its path and
 * the file offset of addr. Only executable mappings of files hold code.
 */
static bool mapping_of(const char *procfs, uint32_t pid, uint64_t addr, char *path,
		       size_t path_size, uint64_t *file_offset)
{
	char maps[64], line[4608];
	bool found = false;
	FILE *f;

	snprintf(maps, sizeof(maps), "%s/%u/maps", procfs, pid);
	if (!(f = fopen(maps, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, offset;
		char perms[8];
		int at = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*u %n", &start, &end, perms, &offset,
			   &at) != 4 || !at)
			continue;
		if (addr < start || addr >= end || !strchr(perms, 'x') || line[at] != '/')
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, path_size, "%s", line + at);
		*file_offset = addr - start + offset;
		found = true;
	}
	fclose(f);
	return found;
}

/* A name cut to fit (C++ and Rust symbols run long): the start tells the most. */
static void copy_truncated(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Looks addr up in the live process; false when it cannot be named. */
static bool name_live(struct code_names *c, uint32_t pid, uint64_t start_ns, uint64_t addr,
		      struct code_name *out)
{
	char path[4096], file[4200];
	const struct func_sym *s = NULL;
	const char *base;
	uint64_t off, vaddr = 0;
	struct stat st;
	int fd;

	if (!mapping_of(c->procfs, pid, addr, path, sizeof(path), &off))
		return false;
	/* read after the maps: the same process still, not one that got its pid since */
	if (proc_table__gone(c->procfs, pid, start_ns))
		return false;
	memset(out, 0, sizeof(*out));
	base = strrchr(path, '/');
	copy_truncated(out->object, sizeof(out->object), base ? base + 1 : path);
	out->file_offset = off;
	/*
	 * Through the process's root: its mount namespace (a container's
	 * files). Regular files only: opening a device or a FIFO can act or
	 * block; checked before the open and again on what was opened.
	 */
	snprintf(file, sizeof(file), "%s/%u/root%s", c->procfs, pid, path);
	if (stat(file, &st) || !S_ISREG(st.st_mode))
		return true;
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0) {
		struct file_syms *f = file_syms__of(c, fd);

		s = f ? file_syms__find(f, off, &vaddr) : NULL;
		if (s) {
			copy_truncated(out->func, sizeof(out->func), s->name);
			out->func_offset = vaddr - s->start;
		}
		close(fd);
	}
	return true;
}

bool code_names__find(struct code_names *c, uint32_t pid, uint64_t start_ns, uint64_t addr,
		      struct code_name *out)
{
	struct answer *a;

	if (!c)
		return false;
	for (unsigned int i = 0; i < ANSWERS; i++) {
		a = &c->answers[i];
		if (a->valid && a->pid == pid && a->addr == addr &&
		    proc_table__same_start(a->start_ns, start_ns)) {
			if (a->found)
				*out = a->name;
			return a->found;
		}
	}
	a = &c->answers[c->next_answer++ % ANSWERS];
	memset(a, 0, sizeof(*a));
	a->found = name_live(c, pid, start_ns, addr, &a->name);
	/* a process already gone is not asked again: its answer stays "unknown" */
	a->valid = true;
	a->pid = pid;
	a->start_ns = start_ns;
	a->addr = addr;
	if (a->found)
		*out = a->name;
	return a->found;
}
