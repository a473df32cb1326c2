/*
 * Reading a control reply fed in pieces of some size: what the unit tests
 * (test_control.c) and the fuzz target (fuzz/fuzz_control.c) both ask of
 * the reader, with its body collected.
 */
#ifndef PEERING_TH_CONTROL_H
#define PEERING_TH_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "../../src/ctl/control.h"

struct th_reply {
	int			 rc;	/* of the last feed */
	size_t			 used;	/* over all feeds */
	bool			 done;
	enum control_status	 status;
	enum ctl_code		 code;
	struct strbuf		 body;	/* strbuf_free() it */
	const char		*why;
	bool			 sane;	/* the reader's counts agree */
};

/* Feeds wire[0..len) in pieces of at most step bytes (0: all at once)
 * until the reader stops. */
static inline void
th_read_reply(const char *wire, size_t len, size_t step, struct th_reply *t)
{
	struct control_reader r;
	size_t off = 0, used;

	strbuf_init(&t->body);
	control_reader_init(&r, control_sink_strbuf, &t->body);
	t->rc = 0;
	t->used = 0;
	t->sane = true;
	while (t->rc == 0 && off < len) {
		size_t n = step == 0 || len - off < step ? len - off : step;

		t->rc = control_reader_feed(&r, wire + off, n, &used);
		t->sane &= used <= n && (t->rc != 0 || used == n);
		t->used += used;
		off += n;
	}
	t->done = control_reader_done(&r);
	t->status = r.status;
	t->code = r.code;
	t->why = r.why;
	t->sane &= r.body_len == t->body.len && r.fed == t->used &&
	    t->done == (t->rc == 1) && (t->rc != -1 || r.why != NULL);
}

#endif
