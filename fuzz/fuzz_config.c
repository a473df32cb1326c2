/*
 * fuzz_config: arbitrary bytes as the daemon's config file and as an
 * OpenVPN config. Properties: no parser crashes or reads past the input
 * (it is copied into a buffer of exactly its size, so ASan sees any
 * over-read); a refused config says "FILE:LINE: ..." with a line that
 * exists; an accepted one holds only values in range; an accepted tap is
 * 1..63 and every formula works for it; every path `peering openvpn`
 * takes from an OpenVPN config is a non-empty word of the input, within
 * the length limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "../src/conf/config.h"
#include "../src/vpn/mux.h"
#include "../src/vpn/ovpn_conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned
count_lines(const char *buf, size_t len)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			n++;
	return n + (len > 0 && buf[len - 1] != '\n');
}

static void
check_session(const struct config_session *s)
{
	unsigned i;

	CHECK(s->hold_time == 0 || s->hold_time >= 3);
	CHECK(s->import.mode <= IMPORT_PREFIX_LIST);
	CHECK(s->import.n_prefixes <= IMPORT_MAX_PREFIXES);
	CHECK((s->import.mode == IMPORT_PREFIX_LIST) ==
	    (s->import.n_prefixes > 0));
	for (i = 0; i < s->import.n_prefixes; i++)
		CHECK(s->import.prefixes[i].len <=
		    af_max_bits(s->import.prefixes[i].af));
	CHECK(s->max_paths.max >= 1);
	CHECK(s->max_paths.action <= CONFIG_LIMIT_CEASE);
	CHECK(s->max_prefix_paths.max >= 1 &&
	    s->max_prefix_paths.max <= CONFIG_MAX_PREFIX_PATHS);
	CHECK(s->max_prefix_paths.action <= CONFIG_LIMIT_CEASE);
	CHECK(config_limits_equal(s, s));
}

static void
check_accepted(const struct config *c)
{
	unsigned i;

	CHECK(c->local_as != 0);
	CHECK(c->connect_retry >= 1 && c->connect_retry <= 3600);
	CHECK(c->gr_time <= 4095);
	CHECK(c->n_muxes <= CONFIG_MAX_MUXES);
	CHECK(c->n_neighbors <= CONFIG_MAX_NEIGHBORS);
	check_session(&c->defaults);
	for (i = 0; i < c->n_muxes; i++) {
		CHECK(mux_name_valid(c->muxes[i].name));
		CHECK(config_find_mux(c, c->muxes[i].name) == &c->muxes[i]);
		check_session(&c->muxes[i].s);
	}
	for (i = 0; i < c->n_neighbors; i++) {
		const struct config_neighbor *n = &c->neighbors[i];

		CHECK(mux_name_valid(n->name));
		CHECK(n->remote_as != 0);
		CHECK(config_find_neighbor(c, n->name) == n);
		CHECK(n->local.len == 0 || n->local.af == n->addr.af);
		CHECK(config_neighbor_equal(n, n));
		check_session(&n->s);
	}
}

static void
fuzz_config(const char *buf, size_t len)
{
	static struct config c;
	char err[256], *colon;
	unsigned long line;

	if (config_parse(buf, len, "f", &c, err, sizeof(err)) == 0) {
		check_accepted(&c);
		return;
	}
	CHECK(strncmp(err, "f:", 2) == 0);
	line = strtoul(err + 2, &colon, 10);
	CHECK(*colon == ':');
	CHECK(line >= 1 && line <= count_lines(buf, len));
	CHECK(c.n_muxes == 0 && c.n_neighbors == 0);
}

static void
fuzz_dev(const char *buf, size_t len)
{
	struct prefix p;
	const char *why;
	unsigned tap, line;

	if (mux_conf_parse_dev(buf, len, &tap, &line, &why) == -1) {
		CHECK(why != NULL);
		CHECK(line <= count_lines(buf, len));
		return;
	}
	CHECK(tap >= MUX_TAP_MIN && tap <= MUX_TAP_MAX);
	CHECK(line >= 1 && line <= count_lines(buf, len));
	CHECK(mux_neighbor_v4(tap, &p) == 0);
	CHECK(mux_neighbor_v6(tap, &p) == 0);
	CHECK(mux_upstream_nexthop_v4(tap, 0, &p) == 0);
	CHECK(mux_container_nexthop_v4(tap, 0, &p) == (tap <= 31 ? 0 : -1));
}

/* "" (absent), or a word found in the input. */
static void
check_path(const char *path, const char *buf, size_t len)
{
	size_t n = strlen(path);

	CHECK(n <= OVPN_CONF_PATH_MAX);
	if (n > 0)
		CHECK(memmem(buf, len, path, n) != NULL);
}

static void
fuzz_ovpn_conf(const char *buf, size_t len)
{
	struct ovpn_conf conf;
	const char *why;
	unsigned line;
	int i;

	if (ovpn_conf_parse(buf, len, &conf, &line, &why) == -1) {
		CHECK(why != NULL && why[0] != '\0');
		CHECK(line >= 1 && line <= count_lines(buf, len));
		CHECK(conf.mgmt[0] == '\0' && !conf.daemon);
		return;
	}
	CHECK(why == NULL);
	for (i = 0; i < OVPN_CRED_COUNT; i++)
		check_path(conf.cred[i], buf, len);
	check_path(conf.mgmt, buf, len);
	check_path(conf.log, buf, len);
	check_path(conf.pidfile, buf, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_input_copy(data, size);

	if (buf == NULL)
		return 0;
	fuzz_config(buf, size);
	fuzz_dev(buf, size);
	fuzz_ovpn_conf(buf, size);
	free(buf);
	return 0;
}
