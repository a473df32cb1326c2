/* Announcement requests for the unit tests, from control lines. */
#ifndef PEERING_TH_ANN_H
#define PEERING_TH_ANN_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../../src/announce/announce.h"
#include "../../src/ctl/control.h"

/* The request a control line carries, split as the control server
 * splits it; fails the test when it does not read. */
static inline struct ann_request
th_ann_request(const char *line)
{
	static char buf[CONTROL_MAX_REQUEST + 2];
	char *w[CONTROL_MAX_WORDS], err[256];
	struct ann_request r;
	const char *why;
	int n;

	ck_assert_uint_lt(strlen(line) + 1, sizeof(buf));
	n = snprintf(buf, sizeof(buf), "%s\n", line);
	n = control_parse_request(buf, (size_t)n, w, CONTROL_MAX_WORDS, &why);
	ck_assert_msg(n > 0, "%s: %s", line, why);
	ck_assert_msg(ann_request_from_words(n, w, &r, err, sizeof(err)) == 0,
	    "%s: %s", line, err);
	return r;
}

#endif
