// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ipcscope's lifecycle: parse, check, load, (fork the command, held), drop
 * the privileges loading needed, (let the command exec), stream until told
 * to stop, then detach, drain, and print the report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "diag.h"
#include "cli.h"
#include "code_names.h"
#include "decode.h"
#include "feature_map.h"
#include "model.h"
#include "output.h"
#include "preflight.h"
#include "privileges.h"
#include "retire.h"
#include "run_as.h"
#include "sanitize.h"
#include "signals.h"
#include "stop_signals.h"
#include "tracer.h"

#define POLL_INTERVAL_MS 10  /* ring buffer is drained this often (no wakeups) */
#define HOUSEKEEP_NS DOCTOR_TICK_NS /* sweeps, losses, the doctor's rates */
#define COMMAND_GRACE_NS 2000000000ULL /* after Ctrl-C, wait this long for COMMAND */
#define RETIRE_EVERY_NS 1000000000ULL /* harvest BPF rows and retire this often */
/* A process retires this long after its end at the earliest: its last rows settle. */
#define RETIRE_GRACE_NS 1000000000ULL
#define GONE_CHECK_EVERY_NS 10000000000ULL /* /proc pass for lost exit records */

struct command {
	pid_t pid;
	int go_fd; /* write end: closing it lets the child exec */
	bool exited;
	int status;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Why the child did not become COMMAND: a run_as_step, or 0 for exec itself. */
struct command_failure {
	int step;
	int err;
};

/*
 * Forks COMMAND stopped on a pipe: it execs only once its pid is in the
 * watch map, so not one of its events is missed. It gets the signal mask
 * and dispositions a shell would give it, not ours, and the credentials
 * run_as chose; it is forked before we drop our own capabilities and set
 * no_new_privs, so it starts from the caller's, not from what we keep.
 */
static int command__spawn(struct command *cmd, char **argv, const sigset_t *orig_mask,
			  const struct run_as *as)
{
	int go[2], err_pipe[2];
	sigset_t held;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
		return -errno;
	stop_signals__hold(&held);
	pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &held, NULL);
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct command_failure f = { 0, 0 };
		char c;

		close(go[1]);
		close(err_pipe[0]);
		signal(SIGPIPE, SIG_DFL);
		stop_signals__restore(); /* before they are unblocked */
		sigprocmask(SIG_SETMASK, orig_mask, NULL);
		/* Become the chosen user before waiting; a failure is told after go. */
		f.step = run_as__become(as);
		/* Only a byte means go: EOF means we gave up on it. */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		if (!f.step)
			execvp(argv[0], argv);
		f.err = errno;
		if (write(err_pipe[1], &f, sizeof(f)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(err_pipe[1]);
	cmd->pid = pid;
	cmd->go_fd = go[1];
	cmd->exited = false;
	/* Remember the error pipe in go_fd's place after go: see command__go. */
	return err_pipe[0];
}

/* Lets the child exec; true, with what failed, if it could not. */
static bool command__go(struct command *cmd, int err_fd, struct command_failure *f)
{
	ssize_t n;

	if (write(cmd->go_fd, "g", 1) != 1) {
		f->step = 0;
		f->err = errno;
		close(cmd->go_fd);
		close(err_fd);
		cmd->go_fd = -1;
		return true;
	}
	close(cmd->go_fd);
	cmd->go_fd = -1;
	n = read(err_fd, f, sizeof(*f)); /* EOF (0) when exec succeeded: CLOEXEC */
	close(err_fd);
	return n == sizeof(*f);
}

/* Gives up on a child still waiting for go: EOF on its pipe makes it exit. */
static void command__abandon(struct command *cmd, int err_fd)
{
	close(cmd->go_fd);
	cmd->go_fd = -1;
	close(err_fd);
	waitpid(cmd->pid, NULL, 0);
}

static int exit_status_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_RUNTIME;
}

struct app {
	struct cli cli;
	struct model model;
	struct output out;
	struct tracer tracer;
	struct decoder decoder;
	struct command cmd;
	struct run_as run_as; /* who COMMAND runs as */
	struct sigpipe_doctor doctor; /* used in `ipcscope sigpipe` */
	uint64_t loss_reported[LOSS_REASON_MAX];
	uint64_t next_retire_ns, next_gone_check_ns;
	int sig_fd;
	bool stop;
	uint64_t stop_requested_ns;
	int stop_signo; /* the signal that asked to stop, 0 if none */
};

/*
 * How the command's pid is watched: from its exec on (our set-up of its
 * process left out), or, when no program sees that exec, from now on.
 */
static uint8_t command_watch(const struct app *a)
{
	if (a->model.tracepoints_missing & TP_BIT(TP_SCHED_PROCESS_EXEC))
		return WATCH_FOLLOW;
	return WATCH_AT_EXEC;
}

static void report_new_losses(struct app *a)
{
	uint64_t now[LOSS_REASON_MAX];

	if (tracer__read_losses(&a->tracer, now))
		return;
	for (unsigned int r = 0; r < LOSS_REASON_MAX; r++) {
		if (now[r] > a->loss_reported[r])
			output__lost(&a->out, r, now[r] - a->loss_reported[r], now[r]);
		a->loss_reported[r] = now[r];
		a->model.loss[r] = now[r];
	}
	a->doctor.records_lost = now[LOSS_RINGBUF] + now[LOSS_PROG_RECURSION];
}

static bool report_shows(const struct proc *p, void *ctx)
{
	return report__wants(ctx, p);
}

/*
 * Keeps memory bounded over long runs (src/retire.h): rows of processes
 * over for the grace period move out of the BPF maps into the model, then
 * the oldest over processes and closed objects past --keep are freed.
 */
static struct retire_policy retire_policy(struct app *a)
{
	return (struct retire_policy){ .keep = a->cli.keep, .grace_ns = RETIRE_GRACE_NS,
				       .shown = report_shows, .ctx = &a->cli.filter };
}

static void retire_what_is_over(struct app *a, uint64_t now)
{
	struct retire_policy pol = retire_policy(a);

	if (now < a->next_retire_ns)
		return;
	a->next_retire_ns = now + RETIRE_EVERY_NS;
	if (now >= a->next_gone_check_ns) {
		retire__find_gone(&a->model, now);
		a->next_gone_check_ns = now + GONE_CHECK_EVERY_NS;
	}
	if (now < RETIRE_GRACE_NS || tracer__harvest(&a->tracer, &a->model, now - RETIRE_GRACE_NS) < 0)
		return; /* rows not moved: nothing may retire before them */
	if (a->cli.sigpipe_doctor) /* first: its rows hold their objects */
		doctor__retire(&a->doctor, a->cli.keep, now - RETIRE_GRACE_NS);
	retire__run(&a->model, &pol, now);
}

/* Asked to stop while COMMAND runs, and it had its time to end. */
static bool grace_over(const struct app *a, uint64_t now)
{
	return a->stop_requested_ns && now - a->stop_requested_ns > COMMAND_GRACE_NS;
}

static void handle_signals(struct app *a)
{
	struct signalfd_siginfo si;
	bool from_terminal;
	int signo;

	while (read(a->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		int status;

		/* SIGCHLD: COMMAND may have ended. */
		while (a->cmd.pid > 0 && !a->cmd.exited &&
		       waitpid(a->cmd.pid, &status, WNOHANG) == a->cmd.pid) {
			a->cmd.exited = true;
			a->cmd.status = status;
			a->stop = true;
		}
	}
	/*
	 * SIGINT, SIGTERM, SIGHUP (stop_signals.h): finish. With a command,
	 * let it end first, for COMMAND_GRACE_NS; a second one ends ipcscope.
	 */
	while ((signo = stop_signals__take(&from_terminal))) {
		a->stop_signo = signo;
		if (a->cmd.pid > 0 && !a->cmd.exited) {
			if (!from_terminal) /* Ctrl-C already reached its group */
				kill(a->cmd.pid, signo);
			if (!a->stop_requested_ns)
				a->stop_requested_ns = now_ns();
		} else {
			a->stop = true;
		}
	}
}

static int run_loop(struct app *a)
{
	uint64_t deadline = a->cli.duration_s > 0 ? now_ns() + (uint64_t)(a->cli.duration_s * 1e9)
						  : 0;
	uint64_t next_housekeeping = now_ns() + HOUSEKEEP_NS;
	/* No events asked of the output: POLLERR/POLLHUP say its reader left. */
	struct pollfd pfd[4] = { { .fd = a->sig_fd, .events = POLLIN },
				 { .fd = output__hangup_fd(&a->out) },
				 { .fd = stop_signals__fd(), .events = POLLIN },
				 { .fd = tracer__wake_fd(&a->tracer), .events = POLLIN } };

	while (!a->stop) {
		int n = poll(pfd, 4, POLL_INTERVAL_MS);
		uint64_t now;

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && pfd[3].revents)
			tracer__wake_taken(&a->tracer); /* the drain below reads what woke us */
		if (n > 0 && (pfd[0].revents || pfd[2].revents))
			handle_signals(a);
		if (n > 0 && (pfd[1].revents & (POLLERR | POLLHUP))) {
			output__reader_gone(&a->out);
			return a->out.err;
		}
		if (tracer__drain(&a->tracer) < 0)
			return -EIO;
		now = now_ns();
		if (now >= next_housekeeping) {
			tracer__sweep_folds(&a->tracer, now, false);
			report_new_losses(a);
			if (a->cli.sigpipe_doctor)
				doctor__tick(&a->doctor, now);
			retire_what_is_over(a, now);
			/* A steady beat: the doctor's buckets are ticks of it. */
			next_housekeeping += HOUSEKEEP_NS;
			if (next_housekeeping <= now)
				next_housekeeping = now + HOUSEKEEP_NS;
		}
		if (output__flush(&a->out))
			return a->out.err;
		if (deadline && now >= deadline)
			a->stop = true;
		if (grace_over(a, now))
			a->stop = true;
	}
	return 0;
}

/* Detach first so the counters are final, then drain and report. */
static int finish(struct app *a)
{
	tracer__detach(&a->tracer);
	tracer__drain(&a->tracer);
	tracer__sweep_folds(&a->tracer, now_ns(), true);
	report_new_losses(a);
	a->model.end_mono_ns = now_ns();
	if (a->cli.sigpipe_doctor)
		doctor__finish(&a->doctor, a->model.end_mono_ns);
	if (tracer__read_stats(&a->tracer, &a->model))
		fprintf(stderr, "ipcscope: could not read all signal counters\n");
	else
		a->doctor.counters_exact = !a->model.loss[LOSS_IO_STATS_FULL];
	/* Rows that came late for processes retired already go where they belong. */
	if (a->model.retired.processes) {
		struct retire_policy pol = retire_policy(a);

		retire__run(&a->model, &pol, a->model.end_mono_ns);
	}
	output__report(&a->out);
	return output__flush(&a->out);
}

/*
 * The signals BPF reports. The doctor shows only SIGPIPE, but a reader that
 * went away killed by a signal is named with who sent it (proc_killer):
 * it also takes the signals people kill with, hidden from its output.
 * Timer and fault signals are left out (a profiler's SIGPROF would be a
 * storm of records nobody sees).
 */
static uint64_t traced_signals(const struct cli *c)
{
	static const int killers[] = { SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGKILL,
				       SIGUSR1, SIGUSR2, SIGTERM };
	uint64_t mask = c->filter.sig_mask;

	if (c->sigpipe_doctor)
		for (size_t i = 0; i < sizeof(killers) / sizeof(killers[0]); i++)
			mask |= 1ULL << (killers[i] - 1);
	return mask;
}

/*
 * Attached: a process started from now on has all its writes counted (its
 * bytes before the first EPIPE are known), and a bucket's folded records
 * come within DOCTOR_SETTLE_NS.
 */
static void doctor_traced_from_now(struct sigpipe_doctor *d, unsigned int fold_window_ms)
{
	struct timespec ts;

	if (!clock_gettime(CLOCK_BOOTTIME, &ts))
		d->traced_since_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	else
		d->traced_since_ns = UINT64_MAX; /* cannot tell: unknown for everyone */
	d->traced_since_mono_ns = now_ns();
	d->settle_ns = DOCTOR_SETTLE_NS((uint64_t)fold_window_ms);
}

static void on_alert(void *ctx, const struct storm_alert *alert)
{
	output__alert(ctx, alert);
}

static int doctor_io(void *ctx, const struct io_key *key, struct io_stats *out)
{
	return tracer__io_counters(ctx, key, out);
}

/* COMMAND's name for a stderr line: what the user typed, sanitized. */
static const char *command_name(const struct app *a, char *buf, size_t size)
{
	sanitize__terminal(buf, size, a->cli.command[0], strlen(a->cli.command[0]));
	return buf;
}

/*
 * COMMAND ended, but processes it started run on (a daemon, a `cmd &`):
 * tracing ended with COMMAND, so what they do next is not seen. Say so
 * once, naming one of them.
 */
static void descendants_left_running(struct app *a)
{
	struct proc *first = NULL;
	unsigned int n = 0;
	char name[64], cmd[256];

	for (struct proc *p = proc_table__first(a->model.procs); p; p = proc_table__next(p)) {
		if (!p->followed || p->exited || p->gone || (pid_t)p->pid == a->cmd.pid)
			continue;
		if (proc_table__gone("/proc", p->pid, p->start_ns)) /* its start time: not a reuse */
			continue;
		if (!n++)
			first = p;
	}
	if (!n)
		return;
	sanitize__terminal(name, sizeof(name), first->comm, strlen(first->comm));
	fprintf(stderr, "ipcscope: %u %s started by %s still %s (%s[%u]%s): not traced "
			"after it ended\n", n, n == 1 ? "process" : "processes",
		command_name(a, cmd, sizeof(cmd)), n == 1 ? "runs" : "run", name, first->pid,
		n > 1 ? ", ..." : "");
}

static void command_left_running(const struct app *a, int ret)
{
	char name[256], why[64];

	command_name(a, name, sizeof(name));
	if (a->stop_signo)
		snprintf(why, sizeof(why), "by %s", sig__name(a->stop_signo));
	else
		snprintf(why, sizeof(why), "after -d %g s", a->cli.duration_s);
	fprintf(stderr, "ipcscope: stopped %s; %s (pid %d) is still running, untraced: "
			"exit status %d is not its own\n", why, name, a->cmd.pid, ret);
}

/*
 * The output's reader went away while COMMAND runs: nothing can be shown any
 * more, so stop tracing now, but still end with COMMAND's status (it shares
 * the broken pipe and usually ends soon of its own SIGPIPE). Stop signals
 * are passed on to it as before, with the same grace.
 */
static void wait_for_command(struct app *a)
{
	struct pollfd pfd[2] = { { .fd = a->sig_fd, .events = POLLIN },
				 { .fd = stop_signals__fd(), .events = POLLIN } };

	tracer__detach(&a->tracer);
	while (!a->cmd.exited) {
		if (grace_over(a, now_ns()))
			break;
		if (poll(pfd, 2, 100) < 0 && errno != EINTR)
			break;
		handle_signals(a);
	}
}

/* -o FILE given, not "-" (standard output). */
static bool output_is_a_file(const struct app *a)
{
	return a->cli.output && strcmp(a->cli.output, "-");
}

/* ENXIO from open(2) is also a socket file's, or a device's without hardware. */
static bool output_is_fifo(const char *path)
{
	struct stat st;

	return path && !stat(path, &st) && S_ISFIFO(st.st_mode);
}

static void print_output_error(struct app *a, int err)
{
	if (err == -EPIPE)
		return; /* the reader went away (ipcscope | head): nothing to say */
	if (output_is_a_file(a))
		diag__error("cannot write to %s: %s: check the disk and the path given to -o",
			a->cli.output, strerror(-err));
	else
		diag__error("cannot write to standard output: %s: check where it goes (or "
				"give -o FILE)", strerror(-err));
}

/*
 * -p names a process. A thread's id (gettid(), top -H) passes kill(id, 0)
 * but no record is about it (events carry their thread group's id), so it
 * would trace nothing: follow the thread's process instead, and say so.
 */
static int check_pid(uint32_t *pid)
{
	uint32_t tgid;

	if (kill((pid_t)*pid, 0) && errno == ESRCH) {
		diag__error("no process with pid %u: check it with ps -p %u", *pid,
			*pid);
		return -ESRCH;
	}
	tgid = proc_table__tgid("/proc", *pid);
	if (tgid && tgid != *pid) {
		fprintf(stderr, "ipcscope: -p %u is a thread of process %u: following process %u\n",
			*pid, tgid, tgid);
		*pid = tgid;
	}
	return 0;
}

/* --user, or sudo's SUDO_UID, named nobody we can run COMMAND as. */
static int report_run_as_error(struct app *a, int err)
{
	if (err != -ENOENT) {
		diag__error("cannot look up who runs %s: %s", a->cli.command[0],
			strerror(-err));
		return EXIT_RUNTIME;
	}
	if (a->cli.user)
		diag__error("unknown user '%s': give a user name or uid that "
				"'getent passwd' lists (see ipcscope --help)", a->cli.user);
	else
		diag__error("SUDO_UID=%s has no passwd entry and SUDO_GID is unset: "
				"choose who runs %s with --user", getenv("SUDO_UID"),
			a->cli.command[0]);
	return EXIT_USAGE;
}

/* Says why COMMAND did not start; returns the exit status to give. */
static int report_command_failure(struct app *a, const struct command_failure *f)
{
	const struct run_as *as = &a->run_as;
	char who[80];

	if (as->name[0])
		snprintf(who, sizeof(who), "%s", as->name);
	else
		snprintf(who, sizeof(who), "uid %u", (unsigned int)as->uid);
	if (f->step) {
		diag__error("cannot run %s as %s (%s): %s: only root may choose "
				"--user", a->cli.command[0], who, run_as__step_name(f->step),
			strerror(f->err));
		return EXIT_RUNTIME;
	}
	if (as->switch_user)
		diag__error("cannot run %s as %s: %s: check the command name, PATH "
				"and that %s may run it", a->cli.command[0], who, strerror(f->err),
			who);
	else if (f->err == EACCES)
		diag__error("cannot run %s: %s: make it executable (chmod +x) or check the "
				"command name and PATH", a->cli.command[0], strerror(f->err));
	else
		diag__error("cannot run %s: %s: check the command name and PATH",
			a->cli.command[0], strerror(f->err));
	return f->err == ENOENT ? 127 : 126;
}

int main(int argc, char **argv)
{
	static struct app app;
	struct app *a = &app;
	sigset_t mask, orig_mask;
	int err, err_fd = -1, ret = EXIT_RUNTIME;
	bool map_needs_cap_bpf;

	ret = cli__parse(&a->cli, argc, argv);
	if (ret != CLI_RUN)
		return ret;
	tracer__set_verbosity(a->cli.verbose);
	ret = EXIT_RUNTIME;
	if (a->cli.command && (err = run_as__resolve(&a->run_as, a->cli.user)))
		return report_run_as_error(a, err);
	/*
	 * SIGINT, SIGTERM and SIGHUP end a run with the report, even one that
	 * comes while the programs load (stop_signals.h). SIGCHLD is COMMAND's
	 * end: held here, read from a signalfd once tracing runs.
	 */
	if ((err = stop_signals__install())) {
		diag__error("cannot catch stop signals: %s", strerror(-err));
		return EXIT_RUNTIME;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &orig_mask);
	/* Before -p's check: a host pid is not found in a child namespace. */
	if (preflight__pid_namespace())
		return EXIT_RUNTIME;
	for (unsigned int i = 0; i < a->cli.filter.npids; i++)
		if (check_pid(&a->cli.filter.pids[i]))
			return EXIT_USAGE;
	/* Our output's reader may go away: get EPIPE, not a silent death. */
	signal(SIGPIPE, SIG_IGN);

	if (model__init(&a->model)) {
		diag__error("out of memory");
		return EXIT_RUNTIME;
	}
	err = output__open(&a->out, a->cli.output, a->cli.json, &a->model, &a->cli.filter);
	if (err == -EBADF && !output_is_a_file(a)) {
		diag__error("standard output is closed or read-only: redirect it to "
				"a file or give -o FILE");
		goto free_model;
	} else if (err == -ENXIO && output_is_fifo(a->cli.output)) {
		diag__error("no process has the FIFO %s open for reading: start its reader "
				"first, or give -o a file", a->cli.output);
		goto free_model;
	} else if (err) {
		diag__error("cannot open %s for writing: %s: choose a writable path "
				"for -o", a->cli.output ? a->cli.output : "standard output",
			strerror(-err));
		goto free_model;
	}
	a->out.code_names = code_names__new("/proc"); /* NULL: addresses stay bare */
	if (a->cli.json) /* with -o FILE, the run's records and its errors go there */
		diag__json_to(a->out.f);
	a->out.verbose = a->cli.verbose > 0;
	a->out.lazy_header = a->cli.command != NULL;
	if (preflight__run(a->cli.btf_path, a->cli.verbose > 0))
		goto close_output;
	if (preflight__tracepoints(a->cli.btf_path, &a->model.tracepoints_missing,
				   &a->model.exit_group_dead))
		goto close_output;
	a->model.features_off = features__off(a->model.tracepoints_missing);

	proc_table__seed(a->model.procs, "/proc");
	a->decoder = (struct decoder){ &a->model, &a->out, &a->tracer.fold, &a->cli.filter, NULL };
	if (a->cli.sigpipe_doctor) {
		doctor__init(&a->doctor, a->cli.threshold);
		a->doctor.alert = on_alert;
		a->doctor.alert_ctx = &a->out;
		a->doctor.io = doctor_io;
		a->doctor.io_ctx = &a->tracer;
		a->decoder.doctor = &a->doctor;
		a->out.doctor = &a->doctor;
	}
	{
		struct tracer_opts topts = {
			.fold_burst = a->cli.no_fold ? 0 : a->cli.fold_burst,
			.fold_window_ns = (uint64_t)a->cli.fold_window_ms * 1000000ULL,
			.sig_mask = traced_signals(&a->cli),
			.filter_pids = a->cli.filter.npids > 0 || a->cli.command,
			.match_sender = a->cli.filter.match_sender,
			.match_target = a->cli.filter.match_target,
			/* the doctor's story has no failed sends */
			.send_failures = !a->cli.sigpipe_doctor,
			.pipe_io_live = !a->cli.sigpipe_doctor,
			.max_procs = a->cli.max_procs,
			.btf_path = a->cli.btf_path,
			.missing = a->model.tracepoints_missing,
			.exit_group_dead = a->model.exit_group_dead,
			.verbose = a->cli.verbose,
		};
		/* Before attaching, so that its throwaway child is not traced. */
		map_needs_cap_bpf = privileges__map_access_needs_cap_bpf();
		if (tracer__start(&a->tracer, &topts, decode__record, &a->decoder))
			goto destroy_tracer;
	}
	a->decoder.fold = &a->tracer.fold; /* tracer__start initialised it */
	ipc_table__note_existing(&a->model.ipc);
	if (a->cli.sigpipe_doctor)
		doctor_traced_from_now(&a->doctor, a->cli.fold_window_ms);
	for (unsigned int i = 0; i < a->cli.filter.npids; i++) {
		tracer__watch(&a->tracer, a->cli.filter.pids[i], WATCH_PID);
		tracer__watch_fds(&a->tracer, a->cli.filter.pids[i]); /* gone already: nothing */
	}

	a->sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->sig_fd < 0) {
		diag__error("signalfd: %s", strerror(errno));
		goto destroy_tracer;
	}

	a->model.start_mono_ns = now_ns();
	output__start(&a->out);
	/* The command is forked before the drop: it starts from the caller's credentials. */
	if (a->cli.command) {
		err_fd = command__spawn(&a->cmd, a->cli.command, &orig_mask, &a->run_as);
		if (err_fd < 0) {
			diag__error("cannot start %s: %s", a->cli.command[0],
				strerror(-err_fd));
			goto close_sigfd;
		}
		filter__add_pid(&a->cli.filter, (uint32_t)a->cmd.pid);
		if ((err = tracer__watch(&a->tracer, (uint32_t)a->cmd.pid, command_watch(a)))) {
			diag__error("cannot follow pid %d: %s", a->cmd.pid,
				strerror(-err));
			command__abandon(&a->cmd, err_fd);
			goto close_sigfd;
		}
	}
	{
		struct privilege_needs needs = {
			.signal_command = a->cli.command != NULL,
			.map_access_needs_cap_bpf = map_needs_cap_bpf,
		};

		if (privileges__drop(&needs, a->cli.verbose > 0)) {
			if (a->cli.command)
				command__abandon(&a->cmd, err_fd);
			goto close_sigfd;
		}
	}
	if (a->cli.verbose)
		fprintf(stderr, "ipcscope: programs attached, tracing\n");
	if (a->cli.command) {
		struct command_failure failure;
		bool from_terminal;
		int early = stop_signals__take(&from_terminal);

		/*
		 * Asked to stop while the programs loaded: COMMAND never runs
		 * (nothing would pass the signal on to it), the empty report
		 * follows, and the status is the signal's.
		 */
		if (early) {
			char name[256];

			command__abandon(&a->cmd, err_fd);
			a->cmd.pid = -1;
			a->stop_signo = early;
			a->stop = true;
			fprintf(stderr, "ipcscope: stopped by %s while loading: %s was not run\n",
				sig__name(early), command_name(a, name, sizeof(name)));
		} else if (command__go(&a->cmd, err_fd, &failure)) {
			ret = report_command_failure(a, &failure);
			waitpid(a->cmd.pid, NULL, 0);
			goto close_sigfd;
		}
	}

	err = run_loop(a);
	if (!err) {
		stop_signals__ending(); /* a stop signal now ends it at once, report or not */
		err = finish(a);
	}
	if (err == -EPIPE && a->cmd.pid > 0)
		wait_for_command(a);
	if (err && err != -EPIPE) {
		print_output_error(a, err);
		ret = EXIT_RUNTIME;
	} else if (a->cmd.pid > 0) {
		if (!a->cmd.exited && waitpid(a->cmd.pid, &a->cmd.status, WNOHANG) == a->cmd.pid)
			a->cmd.exited = true;
		ret = a->cmd.exited ? exit_status_of(a->cmd.status) : 0;
		/*
		 * -d or a stop signal ended the run first: the status is not
		 * COMMAND's, say so. A signal's is 128 + its number, as a shell's.
		 */
		if (!a->cmd.exited && a->stop_signo)
			ret = 128 + a->stop_signo;
		if (!a->cmd.exited)
			command_left_running(a, ret);
		else
			descendants_left_running(a);
	} else {
		ret = a->cli.command && a->stop_signo ? 128 + a->stop_signo : 0;
	}

close_sigfd:
	close(a->sig_fd);
destroy_tracer:
	tracer__destroy(&a->tracer);
close_output:
	diag__json_to(NULL); /* a failed close is told on stderr only */
	err = output__close(&a->out);
	if (err && ret == 0 && err != -EPIPE) {
		print_output_error(a, err);
		ret = EXIT_RUNTIME;
	}
free_model:
	run_as__free(&a->run_as);
	doctor__free(&a->doctor);
	model__free(&a->model);
	return ret;
}
