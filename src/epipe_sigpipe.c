// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "epipe_sigpipe.h"

#define SIGPIPE 13
#define SI_USER 0

/* arch/x86/entry/syscalls/syscall_64.tbl: sendto(fd, buf, len, flags, ...),
 * sendmsg(fd, msg, flags), sendmmsg(fd, vec, vlen, flags) */
#define NR_sendto 44
#define NR_sendmsg 46
#define NR_sendmmsg 307

void epipe__settle_action(struct epipe_event *e)
{
	bool nosignal = e->syscall_nr == NR_sendmsg ? e->send_bits & EPIPE_DX_NOSIGNAL
			: e->syscall_nr == NR_sendto || e->syscall_nr == NR_sendmmsg
				? e->send_bits & EPIPE_R10_NOSIGNAL
				: false;

	if (nosignal)
		e->sigpipe_action = SIGPIPE_NOSIGNAL;
}

bool epipe_sigpipe__split(const struct epipe_event *e, struct sig_generate_event *sig)
{
	if (!(e->hdr.flags & EVENT_F_WITH_SIGPIPE))
		return false;
	memset(sig, 0, sizeof(*sig));
	/* Same time, count and fold window: one SIGPIPE per failed write. */
	sig->hdr = e->hdr;
	sig->hdr.type = EVENT_SIG_GENERATE;
	sig->hdr.flags = (sig->hdr.flags & ~EVENT_F_WITH_SIGPIPE) | EVENT_F_FROM_EPIPE;
	/*
	 * What signal_generate would have recorded for fs/pipe.c's
	 * send_sig(SIGPIPE, current, 0): SEND_SIG_NOINFO (si_code SI_USER),
	 * the writer's own thread, raised by the kernel inside its write.
	 */
	sig->target = e->task;
	sig->context = e->task;
	sig->sig = SIGPIPE;
	sig->code = SI_USER;
	sig->info_kind = INFO_NOINFO;
	sig->syscall_nr = (__s32)e->syscall_nr;
	sig->via = VIA_KERNEL;
	sig->result = e->sigpipe_result;
	/* A writer's own SIGPIPE is ignored only by its SIG_IGN (SIGPIPE's default kills). */
	sig->ignored_why = sig->result == SIG_RESULT_IGNORED ? IGN_WHY_HANDLER : IGN_WHY_NONE;
	sig->blocked = e->sigpipe_blocked;
	sig->object = e->object;
	return true;
}
