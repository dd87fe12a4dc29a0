// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The text sink's "action" lines (rt_sigaction). A thread that sets many
 * signals to SIG_DFL one after another gets one line: glibc's posix_spawn()
 * (and so system() and popen()) resets every signal that is not ignored in
 * the child before its exec, some sixty calls, which buried a lab's own
 * handler installs. The run is held until a record that does not join it,
 * the end of a read of the ring buffer (text_sigaction_flush), or the report.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include "format.h"
#include "signals.h"
#include "sink_text.h"

static void sigaction_line(struct output *o, const struct event_header *hdr,
			   const struct sigaction_event *e)
{
	char who[96], buf[512], buf2[512];

	line_begin(o, hdr, "action", sig__name(e->sig));
	fprintf(o->f, "%s ", task_str(who, sizeof(who), &e->task));
	if (e->handler == 0)
		fputs("default", o->f);
	else if (e->handler == 1)
		fputs("ignore", o->f);
	else
		text_handler(o, &e->task, e->image, e->handler);
	fprintf(o->f, " flags %s mask %s", format__sa_flags(buf, sizeof(buf), e->sa_flags),
		format__sigset(buf2, sizeof(buf2), e->sa_mask));
	if (e->err)
		fprintf(o->f, ": %s, not installed%s", format__errno(buf, sizeof(buf), e->err),
			e->err == -EINVAL && (e->sig == SIGKILL || e->sig == SIGSTOP) ?
				" (SIGKILL and SIGSTOP cannot be caught or ignored)" : "");
	if (e->discarded > 1)
		fprintf(o->f, ": discarded %u pending %s, never delivered",
			(unsigned int)e->discarded, sig__name(e->sig));
	else if (e->discarded)
		fprintf(o->f, ": discarded the pending %s, never delivered", sig__name(e->sig));
	line_end(o, hdr);
}

/* A plain reset to SIG_DFL: one that may join a run. */
static bool plain_reset(const struct event_header *hdr, const struct sigaction_event *e)
{
	return e->handler == 0 && !e->err && !e->discarded && hdr->count == 1 &&
	       !(hdr->flags & EVENT_F_FOLDED) && e->sig >= 1 && e->sig <= IPCSCOPE_NSIG;
}

static bool joins(const struct text_resets *run, const struct sigaction_event *e)
{
	const struct sigaction_event *first = &run->first;

	return run->n && first->task.tid == e->task.tid && first->task.pid == e->task.pid &&
	       first->task.start_ns == e->task.start_ns && first->sa_flags == e->sa_flags &&
	       first->sa_mask == e->sa_mask && !(run->sigs & (1ULL << (e->sig - 1)));
}

void text_sigaction_flush(struct output *o)
{
	struct text_resets *run = &o->resets;
	char who[96], sigs[512], flags[256], mask[512];

	if (!run->n)
		return;
	if (run->n == 1) {
		sigaction_line(o, &run->first.hdr, &run->first);
	} else {
		line_begin(o, &run->first.hdr, "action", "-");
		fprintf(o->f, "%s default for %u signals: %s (flags %s mask %s)",
			task_str(who, sizeof(who), &run->first.task), run->n,
			format__sigset(sigs, sizeof(sigs), run->sigs),
			format__sa_flags(flags, sizeof(flags), run->first.sa_flags),
			format__sigset(mask, sizeof(mask), run->first.sa_mask));
		line_end(o, &run->first.hdr);
	}
	run->n = 0;
	run->sigs = 0;
}

void text_sigaction(struct output *o, const struct event_header *hdr,
		    const struct sigaction_event *e)
{
	struct text_resets *run = &o->resets;

	if (!plain_reset(hdr, e)) {
		text_sigaction_flush(o);
		sigaction_line(o, hdr, e);
		return;
	}
	if (!joins(run, e)) {
		text_sigaction_flush(o);
		run->first = *e;
	}
	run->sigs |= 1ULL << (e->sig - 1);
	run->n++;
}
