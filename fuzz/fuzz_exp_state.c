/*
 * fuzz_exp_state: the outside bytes an experiment run reads back. The
 * first byte picks the parser: 'J' the journal (its resume point), 'R'
 * the words of an `experiment run` control request (split as the control
 * socket splits them), anything else the run state file
 * (var/experiments/ID/state.json). Properties: no crash, leak or read
 * past the input (a copy of exactly its size); a state accepted has a
 * valid id, rounds 1..ANN_EXP_MAX_ROUNDS, next_round within them, a short
 * change interval only with the test schedule, and formats to a text that
 * parses to the same state; a resume point is within the rounds; a run
 * request accepted has an absolute path and rounds of a valid length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "../src/ctl/control.h"
#include "../src/exp/exp_state.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char err[1024];

static void
check_state(const char *buf, size_t len)
{
	struct exp_state a, b;
	char *text;

	if (exp_state_parse(buf, len, &a, err, sizeof(err)) == -1) {
		CHECK(err[0] != '\0');
		return;
	}
	CHECK(exp_id_valid(a.id));
	CHECK(a.n_rounds >= 1 && a.n_rounds <= ANN_EXP_MAX_ROUNDS);
	CHECK(a.next_round <= a.n_rounds);
	CHECK(a.rate_interval == 0 || a.fast);
	CHECK(a.round_seconds >= EXP_FAST_MIN);
	text = exp_state_format(&a);
	CHECK(text != NULL);
	CHECK(exp_state_parse(text, strlen(text), &b, err, sizeof(err)) == 0);
	CHECK(strcmp(a.id, b.id) == 0 && strcmp(a.file, b.file) == 0);
	CHECK(a.next_round == b.next_round && a.status == b.status);
	for (unsigned v = 0; v < ANN_EXP_VARS; v++)
		CHECK(a.b.bound[v] == b.b.bound[v] &&
		    (!a.b.bound[v] || prefix_equal(&a.b.prefix[v],
		    &b.b.prefix[v])));
	free(text);
}

static void
check_journal(const char *buf, size_t len)
{
	uint32_t r, q;

	if (exp_journal_last(buf, len, &r, &q) == 1)
		CHECK(r < ANN_EXP_MAX_ROUNDS);
}

static void
check_run_words(char *buf, size_t len)
{
	char *words[CONTROL_MAX_WORDS];
	struct exp_run_args a;
	const char *why;
	int n;

	if ((n = control_parse_request(buf, len, words, CONTROL_MAX_WORDS,
	    &why)) <= 0)
		return;
	if (exp_run_args_parse(n, words, &a, err, sizeof(err)) == -1) {
		CHECK(err[0] != '\0');
		return;
	}
	CHECK(a.path[0] == '/');
	CHECK(a.round_seconds == 0 || (a.round_seconds >= EXP_FAST_MIN &&
	    a.round_seconds <= EXP_ROUND_MAX));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = NULL;

	if (size > 0 && (data[0] == 'J' || data[0] == 'R')) {
		if ((buf = fuzz_input_copy(data + 1, size - 1)) == NULL)
			return 0;
		if (data[0] == 'J')
			check_journal(buf, size - 1);
		else
			check_run_words(buf, size - 1);
	} else if ((buf = fuzz_input_copy(data, size)) != NULL)
		check_state(buf, size);
	free(buf);
	return 0;
}
