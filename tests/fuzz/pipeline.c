// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "feature_map.h"
#include "output_check.h"
#include "pipeline.h"

#define FOLLOWED_PID 1000 /* the "command" of PIPELINE_PID_FILTER */

static void on_alert(void *ctx, const struct storm_alert *a)
{
	output__alert(ctx, a);
}

/* tracer__io_counters stand-in: some traffic, so bytes-before has a value to show. */
static int fake_io(void *ctx, const struct io_key *key, struct io_stats *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	out->write_calls = key->pid & 0xff;
	out->write_bytes = key->ino;
	return key->pid & 1 ? -2 /* -ENOENT: the row is gone */ : 0;
}

/* Everything the sink wrote since the last check must keep the promise. */
static void check_new_output(struct pipeline *p)
{
	struct check_error err;
	const char *s;
	size_t len;

	if (fflush(p->out.f))
		abort();
	s = p->text + p->checked;
	len = p->size - p->checked;
	if (p->json ? !output_check__json_lines(s, len, &err)
		    : !output_check__terminal(s, len, true, &err))
		output_check__fail(p->json ? "JSON sink" : "text sink", s, len, &err);
	p->checked = p->size;
}

void pipeline__open(struct pipeline *p, unsigned int config)
{
	memset(p, 0, sizeof(*p));
	p->json = config & PIPELINE_JSON;
	filter__init(&p->filter);
	if (config & PIPELINE_PID_FILTER) {
		p->filter.follow = true;
		filter__add_pid(&p->filter, FOLLOWED_PID);
	}
	if (config & PIPELINE_COMM_FILTER) {
		p->filter.comms[p->filter.ncomms++] = "cat";
		p->filter.comms[p->filter.ncomms++] = "yes";
	}
	if (config & PIPELINE_SIG_FILTER)
		p->filter.sig_mask = 1ULL << (SIGPIPE - 1) | 1ULL << (SIGUSR1 - 1) | 1ULL << 34;
	if (model__init(&p->model) || fold_state__init(&p->fold, 4) ||
	    output__open(&p->out, "/dev/null", p->json, &p->model, &p->filter))
		abort();
	/* The sink writes to memory instead; output__close closes it. */
	fclose(p->out.f);
	p->out.f = open_memstream(&p->text, &p->size);
	if (!p->out.f)
		abort();
	/* A fixed boot time (late 2023), so the same input prints the same text. */
	p->out.mono_to_real_ns = 1700000000LL * 1000000000LL;
	p->out.verbose = config & PIPELINE_VERBOSE;
	p->decoder = (struct decoder){ &p->model, &p->out, &p->fold, &p->filter, NULL };
	if (config & PIPELINE_FEATURES_OFF) {
		p->model.tracepoints_missing = TP_BIT(TP_SIGNAL_DELIVER) | TP_BIT(TP_SYS_ENTER);
		p->model.features_off = features__off(p->model.tracepoints_missing);
	}
	if (config & PIPELINE_DOCTOR) {
		doctor__init(&p->doctor, 10);
		p->doctor.alert = on_alert;
		p->doctor.alert_ctx = &p->out;
		p->doctor.io = fake_io;
		p->decoder.doctor = &p->doctor;
		p->out.doctor = &p->doctor;
	}
	output__start(&p->out);
	check_new_output(p);
}

void pipeline__record(struct pipeline *p, const void *data, size_t size)
{
	decode__record(&p->decoder, data, size);
	check_new_output(p);
}

void pipeline__sig_stats(struct pipeline *p, const struct sig_stats_key *key,
			 const struct sig_stats *s)
{
	model__add_sig_stats(&p->model, key, s);
}

void pipeline__io_stats(struct pipeline *p, const struct io_key *key, const struct io_stats *s)
{
	model__add_io_stats(&p->model, key, s);
}

void pipeline__settle(struct pipeline *p, const void *rec, size_t size, const struct fold_acc *acc)
{
	model__settle_folded(&p->model, rec, size, acc);
}

void pipeline__tick(struct pipeline *p)
{
	p->now_ns += DOCTOR_TICK_NS;
	if (p->decoder.doctor)
		doctor__tick(&p->doctor, p->now_ns);
	check_new_output(p);
}

void pipeline__close(struct pipeline *p)
{
	p->model.end_mono_ns = p->now_ns;
	if (p->decoder.doctor)
		doctor__finish(&p->doctor, p->now_ns);
	output__report(&p->out);
	check_new_output(p);
	if (output__close(&p->out))
		abort();
	free(p->text);
	doctor__free(&p->doctor);
	fold_state__free(&p->fold);
	model__free(&p->model);
}
