/*
 * libFuzzer: the route filters' parsers (rib/rfilter.h) over arbitrary
 * bytes, as a control client sends them: the first byte picks words
 * (the rest split at spaces, as a request's words) or a JSON object.
 * What a parse accepts must be a filter in range; a filter is then asked
 * about a path of a small RIB (its verdict must not depend on the cache).
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "../src/rib/rfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rib rib;
static const struct rib_path *path;
static bool ready;

static void
setup(void)
{
	struct bgp_attrs a;
	struct prefix p, addr;
	uint8_t as[] = { 2, 2, 0, 0, 0x0d, 0x1c, 0, 0, 0x3b, 0x41 };
	uint8_t comm[] = { 0xb7, 0xd9, 0, 1 };
	uint8_t nh[4] = { 100, 65, 1, 7 };
	struct rattrs *ra;
	int peer;

	rib_init(&rib, NULL, NULL);
	addr_parse("100.65.128.1", &addr);
	peer = rib_peer_add(&rib, "seattle01", AF_IDX_IPV4, &addr, 47065,
	    true);
	bgp_attrs_init(&a);
	a.as_path = rbuf_make(as, sizeof(as));
	bgp_attr_set(&a, BGP_ATTR_AS_PATH);
	a.communities = rbuf_make(comm, sizeof(comm));
	bgp_attr_set(&a, BGP_ATTR_COMMUNITIES);
	ra = rattrs_get(&rib.attrs, &a, AF_IDX_IPV4, nh, NULL);
	prefix_parse("10.1.0.0/16", true, &p);
	rib_update(&rib, peer, &p, 1, ra);
	path = rib_lookup(&rib, &p, NULL);
	ready = true;
}

static void
check(struct rfilter *f)
{
	struct rib_cursor c;
	bool a, b;

	CHECK(f->af <= AF_IDX_COUNT);
	CHECK(f->range <= RFILTER_IN);
	CHECK(memchr(f->mux, '\0', sizeof(f->mux)) != NULL);
	CHECK(f->upstream >= -1 && f->upstream <= 65535);
	CHECK(f->range == RFILTER_ALL ||
	    f->pfx.len <= af_max_bits(f->pfx.af));
	a = rfilter_path(f, &rib, path, true);
	rfilter_reset(f);
	b = rfilter_path(f, &rib, path, true);
	CHECK(a == b);
	rfilter_cursor(f, &rib, &c);
	CHECK(c.af <= c.af_end && c.af_end <= AF_IDX_COUNT);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfilter f;
	char err[128];

	if (!ready)
		setup();
	if (size < 1 || size > 4096)
		return 0;
	rfilter_init(&f);
	if (data[0] & 1) {
		cJSON *o = cJSON_ParseWithLength((const char *)data + 1,
		    size - 1);

		if (o != NULL && rfilter_json(&f, o, err, sizeof(err)) == 0)
			check(&f);
		cJSON_Delete(o);
		return 0;
	}
	{
		char *buf = malloc(size), *argv[32], *save = NULL;
		int argc = 0, i = 0, k;

		if (buf == NULL)
			return 0;
		memcpy(buf, data + 1, size - 1);
		buf[size - 1] = '\0';
		for (char *t = strtok_r(buf, " ", &save); t != NULL &&
		    argc < 32; t = strtok_r(NULL, " ", &save))
			argv[argc++] = t;
		while (i < argc) {
			k = rfilter_word(&f, argc, argv, i, err, sizeof(err));
			CHECK(k >= -1 && k <= 2);
			if (k <= 0)
				break;
			i += k;
		}
		if (i == argc)
			check(&f);
		free(buf);
	}
	return 0;
}
