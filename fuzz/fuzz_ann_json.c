/*
 * fuzz_ann_json: arbitrary bytes as a JSON announcement file (`peering
 * announce FILE.json`). Properties: the parser never crashes, leaks or
 * reads past the input (copied into a buffer of exactly its size); a
 * refusal returns nothing and says why in at most ANN_JSON_MAX_ERRORS + 2
 * lines of "PATH: message"; an acceptance returns only requests that name
 * a mux of the table (or all), pass the gates, and write a control line
 * that reads back as the same request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "../src/announce/ann_json.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const muxes[] = {
	"amsterdam01", "isi01", "seattle01", "ufmg01", "vtrtokyo",
};

static const char *const allowed_text[] = {
	"184.164.224.0/24", "184.164.236.0/24", "184.164.236.0/23",
	"2804:269c:1::/48", "10.0.0.0/24",
};

static struct prefix	allowed[NELEM(allowed_text)];

static void
init_policy(struct ann_policy *pol)
{
	static int done;
	size_t i;

	if (!done) {
		for (i = 0; i < NELEM(allowed_text); i++)
			CHECK(prefix_parse(allowed_text[i], true,
			    &allowed[i]) == 0);
		done = 1;
	}
	memset(pol, 0, sizeof(*pol));
	pol->allowed = allowed;
	pol->n_allowed = NELEM(allowed);
}

static bool
mux_known(const char *mux)
{
	size_t i;

	if (strcmp(mux, ANN_MUX_ALL) == 0)
		return true;
	for (i = 0; i < NELEM(muxes); i++)
		if (strcmp(mux, muxes[i]) == 0)
			return true;
	return false;
}

/* The control line of r, split into words and read back. */
static void
check_line(const struct ann_request *r)
{
	char line[4096], *words[128], *save = NULL, *w;
	struct ann_request back;
	char why[256];
	int n = 0;

	CHECK(ann_request_to_line(r, line, sizeof(line)) > 0);
	for (w = strtok_r(line, " ", &save); w != NULL && n < 128;
	    w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	CHECK(ann_request_from_words(n, words, &back, why, sizeof(why)) == 0);
	CHECK(back.withdraw == r->withdraw);
	CHECK(prefix_equal(&back.prefix, &r->prefix));
	CHECK(strcmp(back.mux, r->mux) == 0);
	CHECK(r->withdraw || ann_attrs_equal(&back.attrs, &r->attrs));
}

static void
check_accepted(const struct ann_request *r, size_t n,
    const struct ann_policy *pol)
{
	uint32_t path[ANN_MAX_PATH];
	char why[256];
	size_t i;

	CHECK(n <= ANN_JSON_MAX_REQUESTS);
	CHECK(n == 0 || r != NULL);
	for (i = 0; i < n; i++) {
		CHECK(memchr(r[i].mux, '\0', sizeof(r[i].mux)) != NULL);
		CHECK(mux_known(r[i].mux));
		CHECK(ann_check(&r[i], pol, why, sizeof(why)) == 0);
		CHECK(ann_aspath(&r[i].attrs, path, NELEM(path)) <=
		    ANN_GATE_PATH_HOPS);
		CHECK(!r[i].force && !r[i].no_dataplane);
		CHECK(!r[i].attrs.container_nexthop);
		check_line(&r[i]);
	}
}

static void
check_refused(const char *err)
{
	const char *line = err, *nl;
	size_t lines = 0;

	CHECK(err[0] != '\0');
	for (;;) {
		nl = strchr(line, '\n');
		CHECK(nl != line);	/* no empty line */
		CHECK(strstr(line, ": ") != NULL ||
		    strncmp(line, "... and ", 8) == 0);
		lines++;
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	CHECK(lines <= ANN_JSON_MAX_ERRORS + 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_input_copy(data, size), err[8192];
	struct ann_request *r = (struct ann_request *)1;
	struct ann_policy pol;
	size_t n = 1;

	if (buf == NULL)
		return 0;
	init_policy(&pol);
	/* The length picks the origin policy, so both are explored. */
	pol.any_origin = size & 1;
	if (ann_json_parse(buf, size, muxes, NELEM(muxes), &pol, &r, &n, err,
	    sizeof(err)) == 0)
		check_accepted(r, n, &pol);
	else {
		CHECK(r == NULL && n == 0);
		check_refused(err);
	}
	ann_json_free(r);
	free(buf);
	return 0;
}
