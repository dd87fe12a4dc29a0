// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "diag.h"
#include "feature_map.h"
#include "ipc.h"
#include "pipes.h"
#include "retire.h"
#include "tracer.h" /* before the skeleton: it names our structs */
#include "ipcscope.skel.h"

static int libbpf_verbosity;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && libbpf_verbosity < 2)
		return 0;
	if (level == LIBBPF_INFO && libbpf_verbosity < 1)
		return 0;
	if (level == LIBBPF_WARN && libbpf_verbosity < 1)
		return 0; /* our own one-line messages say what failed */
	return vfprintf(stderr, fmt, args);
}

void tracer__set_verbosity(int verbose)
{
	libbpf_verbosity = verbose;
	libbpf_set_print(print_libbpf);
}

static int on_ring_record(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;

	return t->on_record(t->ctx, data, size);
}

/* The program of each tracepoint (enum ipcscope_tracepoint). */
static struct bpf_program *program_of(struct ipcscope_bpf *skel, unsigned int tp)
{
	switch (tp) {
	case TP_SIGNAL_GENERATE:
		return skel->progs.handle_sig_generate;
	case TP_SIGNAL_DELIVER:
		return skel->progs.handle_sig_deliver;
	case TP_SYS_ENTER:
		return skel->progs.sys_enter;
	case TP_SYS_EXIT:
		return skel->progs.sys_exit;
	case TP_SCHED_PROCESS_FORK:
		return skel->progs.handle_fork;
	case TP_SCHED_PROCESS_EXEC:
		return skel->progs.handle_exec;
	case TP_SCHED_PROCESS_EXIT:
		return skel->progs.handle_exit;
	case TP_SCHED_PREPARE_EXEC:
		return skel->progs.handle_prepare_exec;
	}
	return NULL;
}

/*
 * Programs whose tracepoint this kernel lacks are not loaded (libbpf would
 * fail the whole load looking for their attach target), nor are those that
 * would serve only features already off; what stays is told which halves
 * of a feature are gone (see feature_map.c).
 */
static void leave_out(struct ipcscope_bpf *skel, uint32_t missing)
{
	uint32_t unloaded = tracepoints__unloaded(missing), off = features__off(missing);

	for (unsigned int tp = 0; tp < TP_MAX; tp++)
		if (unloaded & TP_BIT(tp))
			bpf_program__set_autoload(program_of(skel, tp), false);
	skel->rodata->cfg_pending_timing = !(off & FEATURE_BIT(FEATURE_PENDING_TIME));
	skel->rodata->cfg_handler_timing = !(off & FEATURE_BIT(FEATURE_HANDLER_TIME));
	skel->rodata->cfg_syscalls = !(off & FEATURE_BIT(FEATURE_SYSCALLS));
}

/*
 * One thread slot per possible tid (bpf/thread_slots.bpf.h): pid_max
 * rounded up to a power of two, at most THREAD_SLOTS_MAX (above it, threads
 * whose tids collide share a slot and the loser uses task storage).
 * IPCSCOPE_THREAD_SLOTS sets the count instead, so that tests can make
 * every thread collide; it bounds the pending and handler slots too
 * (bpf/signal_slots.bpf.h, at most SIGNAL_SLOTS_MAX).
 */
static int thread_slots__count(uint32_t *count)
{
	const char *forced = getenv("IPCSCOPE_THREAD_SLOTS");
	unsigned long pid_max = THREAD_SLOTS_MAX;
	uint32_t n = 1024;
	FILE *f;

	if (forced) {
		char *end;
		unsigned long v = strtoul(forced, &end, 10);

		if (*forced < '0' || *forced > '9' || *end || !v || v > THREAD_SLOTS_MAX ||
		    (v & (v - 1))) {
			diag__error("IPCSCOPE_THREAD_SLOTS must be a power of two "
					"from 1 to %u; unset it to size from pid_max",
				THREAD_SLOTS_MAX);
			return -EINVAL;
		}
		*count = v;
		return 0;
	}
	f = fopen("/proc/sys/kernel/pid_max", "r");
	if (f) {
		if (fscanf(f, "%lu", &pid_max) != 1)
			pid_max = THREAD_SLOTS_MAX;
		fclose(f);
	}
	while (n < pid_max && n < THREAD_SLOTS_MAX)
		n <<= 1;
	*count = n;
	return 0;
}

static void configure(struct ipcscope_bpf *skel, const struct tracer_opts *o, uint32_t slots)
{
	uint32_t signal_slots;

	skel->rodata->cfg_fold_burst = o->fold_burst;
	skel->rodata->cfg_fold_window_ns = o->fold_window_ns;
	skel->rodata->cfg_sig_mask = o->sig_mask;
	skel->rodata->cfg_filter_pids = o->filter_pids;
	skel->rodata->cfg_match_sender = o->match_sender;
	skel->rodata->cfg_match_target = o->match_target;
	skel->rodata->cfg_exit_group_dead_arg = o->exit_group_dead;
	skel->rodata->cfg_send_failures = o->send_failures;
	skel->rodata->cfg_pipe_io_live = o->pipe_io_live;
	skel->rodata->cfg_self_tgid = (uint32_t)getpid();
	if (o->max_procs) {
		bpf_map__set_max_entries(skel->maps.sig_stats, o->max_procs);
		/* A process uses a few pipes: four rows each. */
		bpf_map__set_max_entries(skel->maps.io_stats, o->max_procs * 4);
		bpf_map__set_max_entries(skel->maps.ipc_stats, o->max_procs);
	}
	bpf_map__set_max_entries(skel->maps.thread_slots, slots);
	skel->rodata->cfg_thread_slot_mask = slots - 1;
	signal_slots = slots < SIGNAL_SLOTS_MAX ? slots : SIGNAL_SLOTS_MAX;
	bpf_map__set_max_entries(skel->maps.pending_slots, signal_slots);
	bpf_map__set_max_entries(skel->maps.handler_slots, signal_slots);
	skel->rodata->cfg_signal_slot_mask = signal_slots - 1;
	skel->rodata->cfg_devshm_dev = ipc__devshm_dev();
	leave_out(skel, o->missing);
}

/*
 * -vv: how much of the verifier's budget each program took (its limit is
 * 1M instructions, BPF_COMPLEXITY_LIMIT_INSNS): a change that nears it is
 * seen before a kernel refuses the programs (tests/integration.py reads it).
 */
static void report_verified(struct ipcscope_bpf *skel)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		fprintf(stderr, "ipcscope: program %s: %u instructions verified\n",
			bpf_program__name(prog), info.verified_insns);
	}
}

static const char *load_hint(int err)
{
	switch (-err) {
	case EPERM:
		return "the kernel refused the programs (lockdown, or missing CAP_BPF/CAP_PERFMON)";
	case EACCES:
	case EINVAL:
		return "the verifier rejected a program: run with -vv and report the log";
	case ENOENT:
	case ESRCH:
		return "a tracepoint or kernel symbol is missing on this kernel (see -vv)";
	case E2BIG: /* a program past the verifier's 1M instructions, or a map too big */
		return "a program too complex for this kernel's verifier or a map too big "
		       "(lower --max-procs; -v shows libbpf's log, which names it)";
	case ENOMEM:
		return "not enough locked memory for the maps (lower --max-procs)";
	}
	return "run with -vv to see the verifier log";
}

int tracer__start(struct tracer *t, const struct tracer_opts *opts, tracer_record_fn fn,
		  void *ctx)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = opts->btf_path);
	uint32_t slots;
	int err, ncpus;

	memset(t, 0, sizeof(*t));
	t->wake_fd = -1;
	t->opts = *opts;
	t->on_record = fn;
	t->ctx = ctx;
	tracer__set_verbosity(opts->verbose);
	err = thread_slots__count(&slots);
	if (err)
		return err;

	/*
	 * First with fd table entries loaded directly (files.bpf.h), which a
	 * kernel older than ours refuses; then with probe reads.
	 */
	for (int direct = 1; direct >= 0; direct--) {
		t->skel = ipcscope_bpf__open_opts(&open_opts);
		if (!t->skel) {
			err = -errno;
			diag__error("cannot open the BPF object: %s",
				strerror(-err));
			return err;
		}
		configure(t->skel, opts, slots);
		t->skel->rodata->cfg_fd_direct_load = direct;
		err = ipcscope_bpf__load(t->skel);
		if (!err || !direct || (err != -EACCES && err != -EINVAL))
			break;
		if (opts->verbose)
			fprintf(stderr, "ipcscope: this kernel refuses direct fd table loads; "
					"using probe reads\n");
		ipcscope_bpf__destroy(t->skel);
		t->skel = NULL;
	}
	if (err) {
		diag__error("cannot load the BPF programs: %s: %s", strerror(-err),
			load_hint(err));
		return err;
	}
	if (opts->verbose >= 2)
		report_verified(t->skel);
	err = ipcscope_bpf__attach(t->skel);
	if (err) {
		diag__error("cannot attach the BPF programs: %s: %s",
			strerror(-err), load_hint(err));
		return err;
	}
	t->attached = true;
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_ring_record, t, NULL);
	if (!t->rb) {
		err = -errno;
		diag__error("cannot map the ring buffer: %s", strerror(-err));
		return err;
	}
	t->wake_fd = epoll_create1(EPOLL_CLOEXEC);
	if (t->wake_fd >= 0) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET };

		if (epoll_ctl(t->wake_fd, EPOLL_CTL_ADD, bpf_map__fd(t->skel->maps.events), &ev)) {
			close(t->wake_fd); /* no early wake-ups: the 10 ms reads go on */
			t->wake_fd = -1;
		}
	}
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	return fold_state__init(&t->fold, ncpus);
}

int tracer__wake_fd(const struct tracer *t)
{
	return t->wake_fd;
}

void tracer__wake_taken(struct tracer *t)
{
	struct epoll_event ev;

	if (t->wake_fd >= 0)
		epoll_wait(t->wake_fd, &ev, 1, 0);
}

int tracer__watch(struct tracer *t, uint32_t pid, uint8_t how)
{
	if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.watch), &pid, &how, BPF_ANY))
		return -errno;
	return 0;
}

/* bpf/pipes.bpf.h struct watched_obj */
struct watched_key {
	uint64_t ino;
	uint32_t dev; /* the kernel's dev_t (src/kdev.h) */
	uint32_t pad;
};

int tracer__watch_fds(struct tracer *t, uint32_t pid)
{
	int map = bpf_map__fd(t->skel->maps.watched_objs), dir_fd, n = 0;
	uint8_t one = 1;
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	if (!(dir = opendir(path)))
		return -errno;
	dir_fd = dirfd(dir);
	while ((d = readdir(dir)) && n < WATCH_FDS_MAX) {
		struct watched_key key = { 0 };
		struct stat st;

		if (d->d_name[0] == '.' || fstatat(dir_fd, d->d_name, &st, 0) ||
		    !S_ISFIFO(st.st_mode))
			continue;
		key.ino = st.st_ino;
		key.dev = (uint32_t)major(st.st_dev) << 20 | minor(st.st_dev);
		if (!bpf_map_update_elem(map, &key, &one, BPF_ANY))
			n++;
	}
	closedir(dir);
	return n;
}

int tracer__drain(struct tracer *t)
{
	return ring_buffer__consume(t->rb);
}

static void emit_swept(void *ctx, const void *rec, size_t size)
{
	struct tracer *t = ctx;

	t->on_record(t->ctx, rec, size);
}

int tracer__sweep_folds(struct tracer *t, uint64_t now_ns, bool final)
{
	if (!t->opts.fold_burst)
		return 0;
	return fold_state__sweep(&t->fold, bpf_map__fd(t->skel->maps.fold_slots), now_ns,
				 t->opts.fold_window_ns, final, emit_swept, t);
}

/*
 * Runs of our programs the kernel skipped because the same program was
 * already running on that CPU (kernel/trace/bpf_trace.c __bpf_trace_run():
 * prog->active, counted in bpf_prog_info.recursion_misses since 5.12): each
 * an event not seen at all. Not expected (signal_generate runs under the
 * irqsave siglock, the rest cannot interrupt themselves), so counted rather
 * than assumed away.
 */
static uint64_t recursion_misses(struct tracer *t)
{
	struct bpf_program *prog;
	uint64_t n = 0;

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			n += info.recursion_misses;
	}
	return n;
}

int tracer__read_losses(struct tracer *t, uint64_t out[LOSS_REASON_MAX])
{
	int ncpus = t->fold.ncpus, fd = bpf_map__fd(t->skel->maps.loss);
	uint64_t *vals = calloc((size_t)ncpus, sizeof(*vals));

	if (!vals)
		return -ENOMEM;
	for (uint32_t r = 0; r < LOSS_REASON_MAX; r++) {
		out[r] = 0;
		if (bpf_map_lookup_elem(fd, &r, vals))
			continue;
		for (int c = 0; c < ncpus; c++)
			out[r] += vals[c];
	}
	free(vals);
	out[LOSS_PROG_RECURSION] += recursion_misses(t);
	return 0;
}

static void settle_into_model(void *ctx, const void *rec, size_t size,
			      const struct fold_acc *acc)
{
	struct model *m = ctx;

	if (model__settle_folded(m, rec, size, acc))
		m->bad_records++; /* out of memory: counted, not hidden */
}

/* The io_stats hash, then what each CPU's write-combining slots still hold. */
static int read_io_stats(struct tracer *t, struct model *m)
{
	int fd = bpf_map__fd(t->skel->maps.io_stats), ncpus = t->fold.ncpus;
	struct io_key key, next;
	struct io_stats val;
	struct io_slot *slots = calloc((size_t)ncpus, sizeof(*slots));
	void *prev = NULL;
	int err = 0;

	if (!slots)
		return -ENOMEM;
	while (!err && bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &val) == 0)
			err = model__add_io_stats(m, &next, &val);
		key = next;
		prev = &key;
	}
	fd = bpf_map__fd(t->skel->maps.io_slots);
	for (uint32_t i = 0; !err && i < IPCSCOPE_IO_SLOTS; i++) {
		if (bpf_map_lookup_elem(fd, &i, slots))
			continue;
		for (int c = 0; !err && c < ncpus; c++)
			if (slots[c].key.pid)
				err = model__add_io_stats(m, &slots[c].key, &slots[c].delta);
	}
	free(slots);
	return err;
}

/*
 * Not atomic: a slot that moves into the hash between the two reads is
 * missed (one slot's worth, rare: only when another (process, object)
 * takes that slot over at that moment).
 */
int tracer__io_counters(struct tracer *t, const struct io_key *key, struct io_stats *out)
{
	struct io_slot *slots = calloc((size_t)t->fold.ncpus, sizeof(*slots));
	uint32_t idx = io_slot__index(key);
	struct io_stats row;
	bool found = false;

	if (!slots)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.io_stats), key, &row) == 0) {
		io_stats__add(out, &row);
		found = true;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.io_slots), &idx, slots) == 0) {
		for (int c = 0; c < t->fold.ncpus; c++) {
			if (memcmp(&slots[c].key, key, sizeof(*key)))
				continue;
			io_stats__add(out, &slots[c].delta);
			found = true;
		}
	}
	free(slots);
	return found ? 0 : -ENOENT;
}

typedef int (*ipc_slot_fn)(void *ctx, const struct ipc_key *key, const struct ipc_stats *delta);

/* Calls fn for what each CPU's IPC write-combining slots hold now. */
static int for_each_ipc_slot(struct tracer *t, ipc_slot_fn fn, void *ctx)
{
	int fd = bpf_map__fd(t->skel->maps.ipc_slots), ncpus = t->fold.ncpus, err = 0;
	struct ipc_slot *slots = calloc((size_t)ncpus, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (uint32_t i = 0; !err && i < IPCSCOPE_IPC_SLOTS; i++) {
		if (bpf_map_lookup_elem(fd, &i, slots))
			continue;
		for (int c = 0; !err && c < ncpus; c++)
			if (slots[c].key.pid)
				err = fn(ctx, &slots[c].key, &slots[c].delta);
	}
	free(slots);
	return err;
}

static int ipc_slot_into_model(void *ctx, const struct ipc_key *key, const struct ipc_stats *delta)
{
	return model__add_ipc_stats(ctx, key, delta);
}

/* Every (process, IPC object, message type) row of the ipc_stats hash, then the slots. */
static int read_ipc_stats(struct tracer *t, struct model *m)
{
	int fd = bpf_map__fd(t->skel->maps.ipc_stats), err = 0;
	struct ipc_key key, next;
	struct ipc_stats val;
	void *prev = NULL;

	while (!err && bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &val) == 0)
			err = model__add_ipc_stats(m, &next, &val);
		key = next;
		prev = &key;
	}
	return err ? err : for_each_ipc_slot(t, ipc_slot_into_model, m);
}

int tracer__read_stats(struct tracer *t, struct model *m)
{
	int fd = bpf_map__fd(t->skel->maps.sig_stats);
	struct sig_stats_key key, next;
	struct sig_stats *val = malloc(sizeof(*val));
	void *prev = NULL;
	int err = 0;

	if (!val)
		return -ENOMEM;
	if (t->opts.fold_burst)
		err = fold_state__settle(&t->fold, bpf_map__fd(t->skel->maps.fold_slots),
					 settle_into_model, m);
	while (!err && bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, val) == 0) {
			err = model__add_sig_stats(m, &next, val);
			if (err)
				break;
		}
		key = next;
		prev = &key;
	}
	free(val);
	if (!err)
		err = read_io_stats(t, m);
	return err ? err : read_ipc_stats(t, m);
}

/* ---- harvest ---- */

#define HARVEST_MAX_ROWS 65536 /* per map and pass: the rest waits for the next */

typedef bool (*row_final_fn)(struct model *m, const void *key, uint64_t before_ns);
typedef int (*row_add_fn)(struct model *m, const void *key, const void *val);

static bool sig_row_final(struct model *m, const void *key, uint64_t before_ns)
{
	const struct sig_stats_key *k = key;

	return retire__rows_final(m, k->pid, k->start_ns, before_ns);
}

static bool io_row_final(struct model *m, const void *key, uint64_t before_ns)
{
	return retire__io_rows_final(m, key, before_ns);
}

static bool ipc_row_final(struct model *m, const void *key, uint64_t before_ns)
{
	const struct ipc_key *k = key;

	return retire__rows_final(m, k->pid, k->start_ns, before_ns);
}

static int sig_row_add(struct model *m, const void *key, const void *val)
{
	return model__add_sig_stats(m, key, val);
}

static int io_row_add(struct model *m, const void *key, const void *val)
{
	return model__add_io_stats(m, key, val);
}

static int ipc_row_add(struct model *m, const void *key, const void *val)
{
	return model__add_ipc_stats(m, key, val);
}

/*
 * Keys are gathered first and deleted after: deleting the key get_next_key
 * stands on restarts a hash walk from the top. Each row leaves with
 * BPF_MAP_LOOKUP_AND_DELETE_ELEM (hash maps, Linux 5.14), so what BPF
 * added up to that instant comes with it; a row is final, so nothing is
 * added after (a rare late add re-creates the row for a later pass).
 */
static int harvest_map(struct bpf_map *map, struct model *m, uint64_t before_ns,
		       row_final_fn final, row_add_fn add)
{
	size_t ksz = bpf_map__key_size(map), n = 0, cap = 0;
	int fd = bpf_map__fd(map), moved = 0, err = 0;
	void *val = malloc(bpf_map__value_size(map)), *prev = NULL;
	char *keys = NULL, *next = malloc(ksz), *cur = malloc(ksz);

	if (!val || !next || !cur) {
		err = -ENOMEM;
		goto out;
	}
	while (n < HARVEST_MAX_ROWS && bpf_map_get_next_key(fd, prev, next) == 0) {
		if (final(m, next, before_ns)) {
			if (n == cap) {
				char *more = realloc(keys, (cap = cap ? cap * 2 : 64) * ksz);

				if (!more) {
					err = -ENOMEM;
					break;
				}
				keys = more;
			}
			memcpy(keys + n++ * ksz, next, ksz);
		}
		memcpy(cur, next, ksz);
		prev = cur;
	}
	for (size_t i = 0; i < n && !err; i++) {
		if (bpf_map_lookup_and_delete_elem(fd, keys + i * ksz, val))
			continue; /* gone meanwhile */
		err = add(m, keys + i * ksz, val);
		moved++;
	}
out:
	free(keys);
	free(next);
	free(cur);
	free(val);
	return err ? err : moved;
}

/*
 * Marks the pipes whose counters a per-CPU write-combining slot still
 * holds: they must not retire yet. Slots cannot be emptied from here (BPF
 * on their CPU writes them without atomics); bpf/pipes.bpf.h empties a slot
 * into the hash when its process closes the pipe on that CPU. IPC slots
 * are not marked: nothing empties them but a takeover, so they would hold
 * objects and processes for as long as nothing else hashes there; their
 * rows come late instead (src/retired_ids.h, ipc.h retired).
 */
static int mark_slot_held(struct tracer *t, struct model *m)
{
	int fd = bpf_map__fd(t->skel->maps.io_slots), ncpus = t->fold.ncpus;
	struct io_slot *slots = calloc((size_t)ncpus, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (struct pipe_obj *o = m->pipes.first; o; o = o->next_in_order)
		o->slot_held = false;
	for (uint32_t i = 0; i < IPCSCOPE_IO_SLOTS; i++) {
		if (bpf_map_lookup_elem(fd, &i, slots))
			continue;
		for (int c = 0; c < ncpus; c++) {
			struct obj_ref ref = { .ino = slots[c].key.ino, .dev = slots[c].key.dev };
			struct pipe_obj *o;

			if (slots[c].key.pid && (o = pipe_table__find(&m->pipes, &ref)))
				o->slot_held = true;
		}
	}
	free(slots);
	return 0;
}

int tracer__harvest(struct tracer *t, struct model *m, uint64_t before_ns)
{
	int a, b, c, err;

	if ((err = mark_slot_held(t, m)))
		return err;
	a = harvest_map(t->skel->maps.sig_stats, m, before_ns, sig_row_final, sig_row_add);
	b = harvest_map(t->skel->maps.io_stats, m, before_ns, io_row_final, io_row_add);
	c = harvest_map(t->skel->maps.ipc_stats, m, before_ns, ipc_row_final, ipc_row_add);
	if (a < 0 || b < 0 || c < 0)
		return a < 0 ? a : b < 0 ? b : c;
	m->retired.rows += (uint64_t)(a + b + c);
	return a + b + c;
}

void tracer__detach(struct tracer *t)
{
	if (t->skel && t->attached) {
		ipcscope_bpf__detach(t->skel);
		t->attached = false;
	}
}

void tracer__destroy(struct tracer *t)
{
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	t->wake_fd = -1;
	ring_buffer__free(t->rb);
	t->rb = NULL;
	ipcscope_bpf__destroy(t->skel);
	t->skel = NULL;
	fold_state__free(&t->fold);
}
