/*
 * libFuzzer: the announcement parsers over arbitrary bytes. The same input
 * is read as a prefix list (prefixes.txt), as container.txt, and as a
 * control request carrying an announcement, split into words as the
 * control server splits them and, past that server's checks, at spaces
 * only. A request that reads must write back (to_line) and read again to
 * the same request; the gates run over it with the list as the policy.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ann.h"
#include "../src/announce/announce.h"
#include "../src/announce/announce_io.h"
#include "../src/ctl/control.h"

#define RAW_MAX_WORDS	64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
req_same(const struct ann_request *a, const struct ann_request *b)
{
	return a->withdraw == b->withdraw &&
	    prefix_equal(&a->prefix, &b->prefix) &&
	    strcmp(a->mux, b->mux) == 0 && a->no_dataplane == b->no_dataplane &&
	    (a->withdraw || a->force == b->force) &&
	    (a->withdraw || fuzz_ann_attrs_same(&a->attrs, &b->attrs));
}

static void
one_line(const char *err)
{
	if (strchr(err, '\n') != NULL)
		__builtin_trap();
}

/* What a request that reads must satisfy. */
static void
request_check(const struct ann_request *r, const struct ann_policy *pol)
{
	static char line[2 * CONTROL_MAX_REQUEST + 2];
	char *words[CONTROL_MAX_WORDS], err[512];
	struct ann_request back;
	uint32_t path[ANN_MAX_PATH];
	const char *why;
	int len, n;

	len = ann_request_to_line(r, line, sizeof(line) - 1);
	if (len < 0 || len >= CONTROL_MAX_REQUEST)
		__builtin_trap();
	line[len] = '\n';
	n = control_parse_request(line, (size_t)len + 1, words,
	    CONTROL_MAX_WORDS, &why);
	if (n < 0 || ann_request_from_words(n, words, &back, err,
	    sizeof(err)) == -1 || !req_same(r, &back))
		__builtin_trap();
	if (!ann_attrs_equal(&r->attrs, &back.attrs))
		__builtin_trap();
	if (ann_aspath(&r->attrs, path, ANN_MAX_PATH) > ANN_MAX_PATH)
		__builtin_trap();
	err[0] = '\0';
	if (ann_check(r, pol, err, sizeof(err)) == -1)
		one_line(err);
}

static void
fuzz_request(char **words, int n, const struct ann_policy *pol)
{
	struct ann_request r;
	char err[512] = "";

	if (ann_request_from_words(n, words, &r, err, sizeof(err)) == 0)
		request_check(&r, pol);
	else
		one_line(err);
}

/* The control server's split: printable ASCII ended by '\n'. */
static void
fuzz_control_words(const uint8_t *data, size_t size,
    const struct ann_policy *pol)
{
	char *buf, *words[CONTROL_MAX_WORDS];
	const char *why;
	int n;

	if ((buf = malloc(size + 1)) == NULL)
		return;
	memcpy(buf, data, size);
	buf[size] = '\n';
	n = control_parse_request(buf, size + 1, words, CONTROL_MAX_WORDS,
	    &why);
	if (n > 0)
		fuzz_request(words, n, pol);
	free(buf);
}

/* Spaces only: from_words must stand any bytes another caller gives. */
static void
fuzz_raw_words(const uint8_t *data, size_t size,
    const struct ann_policy *pol)
{
	char *buf, *words[RAW_MAX_WORDS];
	int n = 0;

	if ((buf = malloc(size + 1)) == NULL)
		return;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *s = buf, *end = buf + strlen(buf); s < end && n <
	    RAW_MAX_WORDS;) {
		char *sp = strchr(s, ' ');

		if (sp != NULL)
			*sp = '\0';
		if (*s != '\0')
			words[n++] = s;
		s += strlen(s) + 1;
	}
	fuzz_request(words, n, pol);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ann_policy pol = { NULL, 0, false };
	struct prefix *list = NULL;
	char *buf, err[512] = "";
	unsigned id;
	size_t n = 0;

	if (size > 64 * 1024)
		return 0;
	/* Exactly size bytes, so a read past the end is caught. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	if (announce_parse_prefixes("prefixes.txt", buf, size, &list, &n, err,
	    sizeof(err)) == 0) {
		for (size_t i = 0; i < n; i++)
			if (list[i].af >= AF_IDX_COUNT ||
			    list[i].len > af_max_bits(list[i].af))
				__builtin_trap();
		pol.allowed = list;
		pol.n_allowed = n;
	} else
		one_line(err);
	if (announce_parse_container(buf, size, &id, err, sizeof(err)) == 0 &&
	    id > 511)
		__builtin_trap();
	pol.any_origin = size > 0 && (data[0] & 1);
	fuzz_control_words(data, size, &pol);
	fuzz_raw_words(data, size, &pol);
	free(list);
	free(buf);
	return 0;
}
