// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "cli.h"
#include "signals.h"
#include "sigpipe_doctor.h"

/*
 * A person skims some 20 lines a second, and a lab program's signals, a few
 * to ten a second (COURSE.md), are then never folded: 5 folded those.
 */
#define DEFAULT_TEXT_BURST 20
#define DEFAULT_DOCTOR_TEXT_BURST 5 /* 250 ms windows: 20 a second, as before */
#define DEFAULT_JSON_BURST 1000 /* far above what a person or a lab produces */
#define DEFAULT_WINDOW_MS 1000
#define DEFAULT_MAX_PROCS 16384
#define DEFAULT_KEEP 16384

#define VERSION "ipcscope 0.1"

const char *argp_program_bug_address = "the project's issue tracker";

static const char doc[] =
	/* argp's "Usage: ipcscope [OPTION...] [-- COMMAND [ARG...]]" comes just before. */
	"  or:  ipcscope sigpipe [--threshold RATE] [OPTION...] [-- COMMAND [ARG...]]\n"
	"\n"
	"ipcscope: watch signals, pipes, FIFOs, shared memory and message IPC between "
	"processes as they happen, "
	"system-wide or for one command, and report per process on exit.\n"
	"\n"
	"Every signal is shown with its sender (or the kernel), target, API, the kernel's "
	"result (queued, ignored, already_pending = merged, overflow), how long it stayed "
	"pending and how it was handled; a kill() or sigqueue() that failed shows its error "
	"(ESRCH, EPERM, EINVAL); deaths show the true signal; alarm() and setitimer() "
	"calls show the timer armed and the one replaced. Ctrl-C, SIGTERM or "
	"SIGHUP end the run and print the per-process report.\n"
	"\n"
	"Pipes and FIFOs: creation, opens, the last reader or writer going away, bytes and "
	"calls per (process, pipe), EOF, EAGAIN, time blocked, and every EPIPE/SIGPIPE tied to "
	"the pipe, FIFO or socket written; the report draws writer -> pipe -> reader.\n"
	"\n"
	"System V shm/msg/sem, POSIX message queues, shm_open/shm_unlink, memfd and MAP_SHARED "
	"mappings: creation, attaches and mappings, messages and bytes per queue, process "
	"and message type, semaphore waits, IPC_RMID (and a segment destroyed at its last "
	"detach), and which processes share each object. Objects from before tracing are "
	"named when touched.\n"
	"\n"
	"ipcscope sigpipe (the word comes first) is the SIGPIPE storm doctor: it shows only "
	"what concerns an EPIPE: each writer's first EPIPE, the last reader leaving such an "
	"object (before or after), SIGPIPE deaths and exits of those writers and readers. "
	"It raises an ALERT line when one writer's EPIPEs on one object reach RATE per "
	"second, measured over 2 s by the EPIPEs' own times; the storm ends when that rate "
	"falls below RATE/2 or the writer exits, and if tracing stops first the last ALERT "
	"says the storm is still going. Alerts give the storm's own exact count (\"at least\" "
	"when records were lost), from its "
	"first to its last EPIPE, and its peak. The report gives per (writer, object), the "
	"most EPIPEs first (20 rows; -v: all): exact count, rate, first and last seen, what "
	"the writer does with SIGPIPE, bytes written before the first EPIPE, and the reader "
	"that went away, how and when. A rate over less than 1 s is not given (\"-\"), and bytes before are \"?\" for a writer "
	"started before tracing (its earlier writes were not seen).\n"
	"\n"
	"-p, -c and -- COMMAND select processes (given together, a process must pass "
	"each: -p 1 -c nginx is pid 1 if named nginx); a signal matches when its sender or "
	"its target (see --match) is selected. With --match sender, what a selected process receives "
	"(deliveries, handler returns, accepts, the report's received columns) is left out; "
	"with --match target, what it sends. -c matches a process's current name (prctl "
	"renames included); once matched, a process stays matched for the run. -s selects "
	"signals: records of others are hidden, and so are mask changes touching no selected "
	"signal, exits neither caused by one nor leaving one pending, and pipe, IPC and "
	"mapping records (EPIPE stays "
	"when SIGPIPE is selected); the report keeps the selected processes' rows. Filters "
	"apply to the live stream and to the report.\n"
	"\n"
	"A tracepoint missing on this kernel (by its BTF, or that of --btf) turns off only "
	"what needs it: ipcscope says which features are off on stderr when it starts, marks "
	"them in the report (their counts show - in text, null in JSON) and traces the rest.\n"
	"\n"
	"EXAMPLES:\n"
	"  ipcscope                         # everything, until Ctrl-C\n"
	"  ipcscope -s PIPE,TERM -d 60      # SIGPIPE and SIGTERM for one minute\n"
	"  ipcscope -p 1234 --match target  # signals sent to 1234\n"
	"  ipcscope -c nginx --json -o sig.jsonl   # nginx's, as JSON Lines\n"
	"  ipcscope -- make test            # make and its children; its exit status\n"
	"  sudo ipcscope -- make test       # make runs as you, not root (--user)\n"
	"  ipcscope sigpipe --threshold 1000   # alert on 1000 EPIPE/s or more\n"
	"\n"
	"Privileges: loading needs root or CAP_BPF and CAP_PERFMON. Once attached, ipcscope "
	"drops every capability but CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (to name FIFOs "
	"opened by relative paths) and, with a COMMAND, CAP_KILL, and sets no_new_privs. "
	"COMMAND runs with the caller's credentials: under sudo as the user who ran sudo "
	"(SUDO_UID), otherwise unchanged; --user chooses.\n"
	"\n"
	"Exit status: 0, or the COMMAND's status (128+N if a signal N killed it); 1 when "
	"tracing failed or the output could not be written; 2 for a usage error. Errors are "
	"one line on stderr; with --json also an {\"type\":\"error\"} record. When the "
	"output's reader goes away (ipcscope | head), ipcscope stops quietly with 0 (or the "
	"COMMAND's status).\n"
	"\n"
	"OPTIONS:";

enum {
	OPT_NO_FOLD = 0x100,
	OPT_FOLD_BURST,
	OPT_FOLD_WINDOW,
	OPT_MAX_PROCS,
	OPT_KEEP,
	OPT_BTF,
	OPT_MATCH,
	OPT_THRESHOLD,
	OPT_USER,
	OPT_USAGE,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Selecting what to trace:", 1 },
	{ "pid", 'p', "PID", 0, "Only this process (repeatable; a thread's id selects its "
				  "process); who closes the other end of its pipes is still named", 1 },
	{ "comm", 'c', "COMM", 0, "Only processes named COMM, exactly, now or once this run "
				    "(repeatable)", 1 },
	{ "signal", 's', "SIGS", 0, "Only these signals: names as printed or numbers, "
				      "comma-separated (USR1,SIGTERM,9,RTMIN+1,SIG32; repeatable)", 1 },
	{ "match", OPT_MATCH, "WHO", 0, "Which side -p/-c/COMMAND select: sender, target or "
					  "either (default either)", 1 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS and print the report", 1 },
	{ "user", OPT_USER, "USER", 0, "Run COMMAND as USER (name or uid; default: the user "
				       "who ran sudo, else unchanged)", 1 },
	{ "threshold", OPT_THRESHOLD, "RATE", 0, "ipcscope sigpipe: EPIPE per second from one "
						   "writer on one object, over 2 s, that starts a storm "
						   "(default 100); it ends below RATE/2", 1 },
	{ NULL, 0, NULL, 0, "Output:", 2 },
	{ "json", 'j', NULL, 0, "JSON Lines (schema in docs/json-schema.md)", 2 },
	{ "output", 'o', "FILE", 0, "Write to FILE instead of standard output (- is standard output)", 2 },
	{ "no-fold", OPT_NO_FOLD, NULL, 0, "Never fold repeated events into counted lines", 2 },
	{ "fold-burst", OPT_FOLD_BURST, "N", 0, "Show N identical events per window before "
						  "folding (default 20 text, ipcscope sigpipe 5, 1000 JSON)", 2 },
	{ "fold-window", OPT_FOLD_WINDOW, "MS", 0, "Folding window in ms (default 1000; "
						    "ipcscope sigpipe: 250, at most 2000)", 2 },
	{ "verbose", 'v', NULL, 0, "More detail: fork/exec, every close and exit and every "
				     "doctor row in text (JSON has them always), stderr lines once "
				     "attached (with the capabilities kept); twice: libbpf debug and "
				     "the verifier's instruction count per program", 2 },
	{ NULL, 0, NULL, 0, "Resources:", 3 },
	{ "max-procs", OPT_MAX_PROCS, "N", 0, "Size of the in-kernel counter maps: about N "
					       "processes with signal or IPC activity at once, 4N "
					       "(process, pipe) pairs (default 16384); rows of "
					       "processes over are moved out each second", 3 },
	{ "keep", OPT_KEEP, "N", 0, "Keep at most N exited processes, and N closed objects "
				     "of each kind (and quiet doctor rows of closed ones), by name in "
				     "the report; older ones are retired, their counts merged into "
				     "\"(retired)\" (default 16384)", 3 },
	{ "btf", OPT_BTF, "PATH", 0, "Kernel BTF to use instead of /sys/kernel/btf/vmlinux (for "
				     "CO-RE and to tell which tracepoints exist)", 3 },
	/*
	 * argp's own --help, --usage and --version call exit(); ours (same
	 * text, ARGP_NO_HELP) return, so cli__parse never ends the process.
	 */
	{ NULL, 0, NULL, 0, "Help:", -1 },
	{ "help", '?', NULL, 0, "Give this help list", -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Give a short usage message", -1 },
	{ "version", 'V', NULL, 0, "Print program version", -1 },
	{ 0 },
};

/* One line naming the fix; parse_opt returns the EINVAL, which stops argp quietly. */
static error_t usage_error(const char *fmt, const char *arg)
{
	char what[1024];

	snprintf(what, sizeof(what), fmt, arg);
	diag__error("%s (see ipcscope --help)", what);
	return EINVAL;
}

static error_t parse_ulong(const char *what, const char *arg, unsigned long lo, unsigned long hi,
			   unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < lo || v > hi) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%s must be a whole number from %lu to %lu, not '%%s'",
			 what, lo, hi);
		return usage_error(msg, arg);
	}
	*out = v;
	return 0;
}

/*
 * --help, --usage, --version: print, then stop argp with an error so it takes
 * no further argument. (Moving state->next is not enough inside a cluster
 * like -?p: getopt would hand -p the NULL past the end as its argument.)
 */
static error_t answer(struct argp_state *state, struct cli *c, int key)
{
	if (key == 'V')
		fprintf(state->out_stream, "%s\n", VERSION);
	else /* argp_help: argp_state_help prints nothing under ARGP_NO_ERRS */
		argp_help(state->root_argp, state->out_stream,
			  key == '?' ? ARGP_HELP_STD_HELP : ARGP_HELP_USAGE, "ipcscope");
	c->answered = true;
	return ECANCELED;
}

/* The option a command-line word names: "--match=x", "--mat", "-o" ("-jo": the last). */
static const struct argp_option *option_of(const char *word, bool *has_value, bool *ambiguous)
{
	const struct argp_option *found = NULL;
	size_t len;

	*has_value = *ambiguous = false;
	if (word[0] != '-' || !word[1])
		return NULL;
	if (word[1] != '-') {
		for (const struct argp_option *o = options; o->name || o->doc; o++)
			if (o->key == word[strlen(word) - 1])
				return o;
		return NULL;
	}
	word += 2;
	len = strcspn(word, "=");
	*has_value = word[len] == '=';
	for (const struct argp_option *o = options; o->name || o->doc; o++) {
		if (!o->name || strncmp(o->name, word, len))
			continue;
		if (strlen(o->name) == len)
			return o;
		*ambiguous = found != NULL; /* getopt_long takes a prefix of one option */
		found = o;
	}
	return *ambiguous ? NULL : found;
}

/*
 * getopt's own complaint (ARGP_NO_ERRS silences it and its second "Try ...
 * --help" line): one line like ours, naming the word and the fix.
 */
static void bad_word(const char *word)
{
	bool has_value, ambiguous;
	const struct argp_option *o = option_of(word, &has_value, &ambiguous);

	if (ambiguous)
		usage_error("option '%s' is ambiguous: spell it out", word);
	else if (o && o->arg && !has_value)
		usage_error("option '%s' needs a value", word);
	else if (o && !o->arg && has_value)
		usage_error("option '%s' takes no value", word);
	else
		usage_error("unknown option '%s' (a COMMAND to run goes after --)", word);
}

/*
 * Whether the words before COMMAND ask for --json (-j, --json, a prefix of
 * it, or -j inside a cluster of short options), read before argp parses
 * them: a usage error in a word before --json must be a record too.
 */
static bool json_asked(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		bool has_value, ambiguous;
		const struct argp_option *o;

		if (!strcmp(w, "--"))
			return false;
		if (w[0] != '-' || !w[1])
			return false; /* COMMAND: the words from here are its own */
		if (w[1] == '-') {
			o = option_of(w, &has_value, &ambiguous);
			if (o && o->key == 'j')
				return true;
			if (o && o->arg && !has_value)
				i++; /* its value is the next word */
			continue;
		}
		for (const char *ch = w + 1; *ch; ch++) {
			if (*ch == 'j')
				return true;
			o = option_of((char[]){ '-', *ch, 0 }, &has_value, &ambiguous);
			if (o && o->arg) { /* the rest of the word, or the next, is its value */
				if (!ch[1])
					i++;
				break;
			}
		}
	}
	return false;
}

static error_t parse_opt_checked(int key, char *arg, struct argp_state *state);

/* The options that take one value, named as a user may have typed them. */
static const struct {
	int key;
	const char *name;
} single_options[] = {
	{ 'd', "-d/--duration" },
	{ 'o', "-o/--output" },
	{ OPT_MATCH, "--match" },
	{ OPT_FOLD_BURST, "--fold-burst" },
	{ OPT_FOLD_WINDOW, "--fold-window" },
	{ OPT_THRESHOLD, "--threshold" },
	{ OPT_MAX_PROCS, "--max-procs" },
	{ OPT_KEEP, "--keep" },
	{ OPT_USER, "--user" },
	{ OPT_BTF, "--btf" },
};

/* Index of key in single_options[], or -1. */
static int single_option(int key)
{
	for (size_t i = 0; i < sizeof(single_options) / sizeof(single_options[0]); i++)
		if (single_options[i].key == key)
			return (int)i;
	return -1;
}

/*
 * An option that takes one value, given again: the last would silently
 * win (`-o a.json ... -o b.json` writing only b), so say so instead.
 */
static error_t once(struct cli *c, int key, const char *arg)
{
	int i = single_option(key);
	char msg[128];

	if (i < 0)
		return 0;
	if (c->given & (1U << i)) {
		snprintf(msg, sizeof(msg), "%s given twice (the second is '%%s'): give it once",
			 single_options[i].name);
		return usage_error(msg, arg);
	}
	c->given |= 1U << i;
	return 0;
}

/* Our errors print their line; what getopt refused gets one at ARGP_KEY_ERROR. */
static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct cli *c = state->input;
	error_t err;

	if (key == ARGP_KEY_ERROR) {
		if (!c->error_reported && !c->answered && state->next > 0 &&
		    state->next <= state->argc)
			bad_word(state->argv[state->next - 1]);
		return 0;
	}
	err = parse_opt_checked(key, arg, state);
	if (err && err != ARGP_ERR_UNKNOWN)
		c->error_reported = true;
	return err;
}

static error_t parse_opt_checked(int key, char *arg, struct argp_state *state)
{
	struct cli *c = state->input;
	unsigned long v;
	uint64_t more;
	const char *bad;
	char *end;
	error_t err;

	if (arg && key != ARGP_KEY_ARG)
		c->last_optarg = arg;
	if ((err = once(c, key, arg)))
		return err;
	switch (key) {
	case 'p':
		if ((err = parse_ulong("a pid", arg, 1, INT_MAX, &v)))
			return err;
		if (c->filter.npids >= 64)
			return usage_error("too many -p (at most 64): %s", arg);
		filter__add_pid(&c->filter, (uint32_t)v);
		break;
	case 'c':
		if (!*arg)
			return usage_error("-c needs a command name%s", "");
		if (strlen(arg) > 15) {
			/* The kernel keeps 15 bytes of a name: say which ones match. */
			diag__error("the kernel keeps the first 15 characters of a "
					"command name: give -c '%.15s', not '%s' (see ipcscope "
					"--help)", arg, arg);
			return EINVAL;
		}
		if (c->filter.ncomms >= FILTER_MAX_COMMS)
			return usage_error("too many -c: %s", arg);
		c->filter.comms[c->filter.ncomms++] = arg;
		break;
	case OPT_MATCH:
		if (!strcmp(arg, "sender")) {
			c->filter.match_sender = true;
			c->filter.match_target = false;
		} else if (!strcmp(arg, "target")) {
			c->filter.match_sender = false;
			c->filter.match_target = true;
		} else if (!strcmp(arg, "either")) {
			c->filter.match_sender = c->filter.match_target = true;
		} else {
			return usage_error("--match takes sender, target or either, not '%s'", arg);
		}
		c->match_given = true;
		break;
	case 'd':
		errno = 0;
		c->duration_s = strtod(arg, &end);
		if (errno || end == arg || *end || !(c->duration_s > 0) || c->duration_s > 31536000)
			return usage_error("-d takes seconds, more than 0 and at most a year "
					   "(31536000; e.g. 10 or 0.5), not '%s'", arg);
		break;
	case 'j':
		c->json = true;
		break;
	case 'o':
		if (!*arg)
			return usage_error("-o needs a file name%s", "");
		c->output = arg;
		break;
	case OPT_NO_FOLD:
		c->no_fold = true;
		break;
	case OPT_FOLD_BURST:
		if ((err = parse_ulong("--fold-burst", arg, 1, 1000000, &v)))
			return err;
		c->fold_burst = v;
		break;
	case OPT_FOLD_WINDOW:
		if ((err = parse_ulong("--fold-window", arg, 10, 3600000, &v)))
			return err;
		c->fold_window_ms = v;
		break;
	case OPT_THRESHOLD:
		if (!c->sigpipe_doctor)
			return usage_error("--threshold belongs to the doctor: ipcscope sigpipe "
					   "--threshold %s", arg);
		if ((err = parse_ulong("--threshold", arg, 1, 100000000, &v)))
			return err;
		c->threshold = v;
		break;
	case 's':
		if (c->sigpipe_doctor)
			return usage_error("ipcscope sigpipe watches SIGPIPE only: drop -s %s", arg);
		if (!*arg || arg[0] == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,"))
			return usage_error("-s '%s' has an empty name: give signals separated by "
					   "single commas, like PIPE,TERM", arg);
		if (sig__parse_list(arg, &more, &bad))
			return usage_error("unknown signal '%s': use a name like USR1 or SIGTERM, "
					   "or a number from 1 to 64", bad);
		/* All signals until the first -s; then -s USR1 -s USR2 is -s USR1,USR2. */
		c->filter.sig_mask = (c->filter.sig_only ? c->filter.sig_mask : 0) | more;
		c->filter.sig_only = true;
		break;
	case OPT_MAX_PROCS:
		if ((err = parse_ulong("--max-procs", arg, 64, 4194304, &v)))
			return err;
		c->max_procs = v;
		break;
	case OPT_KEEP:
		if ((err = parse_ulong("--keep", arg, 1, 4194304, &v)))
			return err;
		c->keep = v;
		break;
	case OPT_USER:
		if (!*arg)
			return usage_error("--user needs a user name or uid%s", "");
		c->user = arg;
		break;
	case OPT_BTF:
		if (!*arg)
			return usage_error("--btf needs the path of a BTF file%s", "");
		c->btf_path = arg;
		break;
	case 'v':
		c->verbose++;
		break;
	case '?':
	case OPT_USAGE:
	case 'V':
		return answer(state, c, key);
	case ARGP_KEY_ARG:
		/*
		 * `ipcscope -d 1 sigpipe` means the doctor, not a program named
		 * sigpipe: say where the mode goes. After `--` it is a command.
		 */
		if (!strcmp(arg, "sigpipe") && strcmp(state->argv[state->next - 2], "--"))
			return usage_error("sigpipe is a mode and comes first: ipcscope sigpipe "
					   "[OPTION...]%s (a command named sigpipe: -- sigpipe)", "");
		/*
		 * A COMMAND comes after `--` only: a bare word is more often a
		 * typo (`ipcscope sigpip`, an option's value split off) than a
		 * program, and a command's options would be taken for ours.
		 */
		if (strcmp(state->argv[state->next - 2], "--") ||
		    state->argv[state->next - 2] == c->last_optarg)
			return usage_error("unexpected '%s': a COMMAND to trace goes after --, as in "
					   "ipcscope -- COMMAND [ARG...]", arg);
		/* The first operand starts the command; the rest is its own argv. */
		c->command = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_NO_ARGS:
		/*
		 * A `--` that ends the line promised a COMMAND: tracing the whole
		 * system instead would answer another question. (`-o --` is a file.)
		 */
		if (state->next > 1 && !strcmp(state->argv[state->next - 1], "--") &&
		    state->argv[state->next - 1] != c->last_optarg)
			return usage_error("-- needs a COMMAND after it (or leave -- out to "
					   "trace the whole system)%s", "");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cli__parse(struct cli *c, int argc, char **argv)
{
	static const struct argp argp = {
		.options = options, .parser = parse_opt, .doc = doc,
		.args_doc = "[-- COMMAND [ARG...]]",
	};
	error_t err;

	memset(c, 0, sizeof(*c));
	filter__init(&c->filter);
	/* `ipcscope sigpipe ...`: only as the first word (`-- sigpipe` runs a command). */
	if (argc > 1 && !strcmp(argv[1], "sigpipe")) {
		c->sigpipe_doctor = true;
		c->filter.sig_mask = 1ULL << (SIGPIPE - 1);
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	if (json_asked(argc, argv))
		diag__json_to(stdout); /* usage errors as records too */
	/*
	 * In order: options after COMMAND belong to COMMAND. Errors: one line
	 * each, ours from parse_opt, getopt's from bad_word.
	 */
	err = argp_parse(&argp, argc, argv,
			 ARGP_IN_ORDER | ARGP_NO_EXIT | ARGP_NO_HELP | ARGP_NO_ERRS, NULL, c);
	if (c->answered)
		return 0;
	if (err)
		return EXIT_USAGE;
	if (c->no_fold && (c->fold_burst || c->fold_window_ms)) {
		diag__error("--no-fold leaves nothing to fold: drop %s (see ipcscope --help)",
			    c->fold_burst ? "--fold-burst" : "--fold-window");
		return EXIT_USAGE;
	}
	if (!c->fold_burst) /* the doctor prints one line per story: its records are counts */
		c->fold_burst = c->json ? DEFAULT_JSON_BURST
			      : c->sigpipe_doctor ? DEFAULT_DOCTOR_TEXT_BURST : DEFAULT_TEXT_BURST;
	if (c->sigpipe_doctor && c->fold_window_ms > DOCTOR_SPAN_NS / 1000000) {
		diag__error("ipcscope sigpipe measures rates over %llu ms: give "
				"--fold-window at most that (see ipcscope --help)",
			DOCTOR_SPAN_NS / 1000000);
		return EXIT_USAGE;
	}
	if (!c->fold_window_ms) /* the doctor's rates want folded counts often */
		c->fold_window_ms = c->sigpipe_doctor ? DOCTOR_FOLD_WINDOW_MS : DEFAULT_WINDOW_MS;
	if (!c->max_procs)
		c->max_procs = DEFAULT_MAX_PROCS;
	if (!c->keep)
		c->keep = DEFAULT_KEEP;
	if (c->sigpipe_doctor && !c->threshold)
		c->threshold = DOCTOR_DEFAULT_THRESHOLD;
	if (c->command && c->filter.npids) {
		diag__error("-p and -- COMMAND cannot be combined: trace one or the "
				"other (see ipcscope --help)");
		return EXIT_USAGE;
	}
	/* Without a selection every process is on both sides: --match would do nothing. */
	if (c->match_given && !c->filter.npids && !c->filter.ncomms && !c->command) {
		diag__error("--match says which side -p, -c or -- COMMAND select: "
				"add one of them (see ipcscope --help)");
		return EXIT_USAGE;
	}
	if (c->user && !c->command) {
		diag__error("--user says who runs COMMAND: add -- COMMAND "
				"(see ipcscope --help)");
		return EXIT_USAGE;
	}
	c->filter.follow = c->command != NULL;
	return CLI_RUN;
}
