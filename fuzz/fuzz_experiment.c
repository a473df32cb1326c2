/*
 * fuzz_experiment: arbitrary bytes as an experiment file (`peering
 * experiment submit FILE`) or, when the first byte is 'T', as the REST
 * API token file. Properties: neither parser crashes, leaks or reads past
 * the input (a copy of exactly its size); an experiment refused returns
 * nothing and says why; one accepted has 1..ANN_EXP_MAX_ROUNDS rounds
 * whose request ranges tile the requests, a variable only 1..4 (its
 * prefix zero), every named prefix in the allocation and every mux known,
 * and a JSON text that parses again to the same experiment; a token
 * accepted is non-empty printable ASCII without spaces (it becomes an
 * HTTP header).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "../src/announce/ann_json.h"
#include "../src/cli/api_token.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const muxes[] = {
	"amsterdam01", "isi01", "seattle01", "ufmg01", "vtrtokyo",
};

static char err[ANN_JSON_MAX_ERRORS * 1024];

static void
check_token(const char *buf, size_t len)
{
	char out[API_TOKEN_MAX + 1];
	size_t n;

	if (api_token_parse(buf, len, out, err, sizeof(err)) == -1) {
		CHECK(err[0] != '\0');
		return;
	}
	n = strlen(out);
	CHECK(n > 0 && n <= API_TOKEN_MAX);
	for (size_t i = 0; i < n; i++)
		CHECK(out[i] > 0x20 && out[i] < 0x7f);
}

static bool
mux_known(const char *mux)
{
	if (mux[0] == '\0')	/* all */
		return true;
	for (size_t i = 0; i < NELEM(muxes); i++)
		if (strcmp(mux, muxes[i]) == 0)
			return true;
	return false;
}

static void
check_experiment(const char *buf, size_t len)
{
	struct prefix alloc[ANN_EXP_ALLOCATION_MAX];
	struct ann_policy pol = { alloc, 0, false };
	struct ann_exp e, again;
	size_t i, r;

	pol.n_allowed = ann_exp_allocation(alloc, ANN_EXP_ALLOCATION_MAX);
	if (ann_json_parse_experiment(buf, len, muxes, NELEM(muxes), &pol,
	    &e, err, sizeof(err)) == -1) {
		CHECK(err[0] != '\0');
		CHECK(e.req == NULL && e.json == NULL && e.n_rounds == 0);
		return;
	}
	CHECK(e.n_rounds >= 1 && e.n_rounds <= ANN_EXP_MAX_ROUNDS);
	CHECK(e.round_first[0] == 0 && e.round_first[e.n_rounds] == e.n_req);
	for (r = 0; r < e.n_rounds; r++)
		CHECK(e.round_first[r] <= e.round_first[r + 1]);
	for (i = 0; i < e.n_req; i++) {
		CHECK(mux_known(e.req[i].mux));
		CHECK(e.var[i] <= ANN_EXP_VARS);
		if (e.var[i] != 0)
			CHECK(e.req[i].prefix.len == 0);
		else {
			bool in = false;

			for (size_t k = 0; k < pol.n_allowed; k++)
				in = in || prefix_equal(&e.req[i].prefix,
				    &alloc[k]);
			CHECK(in);
		}
	}
	/* What would be sent reads back as the same experiment. */
	CHECK(e.json != NULL);
	CHECK(ann_json_parse_experiment(e.json, strlen(e.json), muxes,
	    NELEM(muxes), &pol, &again, err, sizeof(err)) == 0);
	CHECK(again.n_rounds == e.n_rounds && again.n_req == e.n_req);
	CHECK(strcmp(again.json, e.json) == 0);
	ann_exp_free(&again);
	ann_exp_free(&e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;

	if (size > 0 && data[0] == 'T') {
		if ((buf = fuzz_input_copy(data + 1, size - 1)) != NULL)
			check_token(buf, size - 1);
	} else if ((buf = fuzz_input_copy(data, size)) != NULL)
		check_experiment(buf, size);
	free(buf);
	return 0;
}
