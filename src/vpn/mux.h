/*
 * mux: the PEERING muxes this client can reach, and the address formulas
 * of the old client (REFERENCE.md, "Muxes and addressing").
 *
 * The table comes from configs/openvpn/<mux>.conf: the file name is the
 * mux name and its `dev tapN` line the tap, from which every address
 * follows. Taps are 1..63 so that 100.(64+N) stays inside 100.64.0.0/10;
 * taps are unique, so the table never holds more than 63 muxes.
 */
#ifndef PEERING_VPN_MUX_H
#define PEERING_VPN_MUX_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/prefix.h"

#define MUX_NAME_MAX		31	/* characters, without the NUL */
#define MUX_TAP_MIN		1
#define MUX_TAP_MAX		63
#define MUX_MAX			MUX_TAP_MAX
/* The mux configs, in the client directory. */
#define MUX_CONF_DIR		"configs/openvpn"
#define MUX_CONF_MAX_BYTES	(1024 * 1024)	/* an OpenVPN config file */
#define MUX_PEERID_MAX		65535
#define MUX_CTXID_MAX		511	/* 8 /24s of /30s per mux */

struct mux {
	char		name[MUX_NAME_MAX + 1];
	char		dev[8];		/* "tapN" */
	unsigned	tap;
};

struct mux_table {
	unsigned	n;
	struct mux	mux[MUX_MAX];	/* sorted by name */
};

/* [a-z0-9_-]+, at most MUX_NAME_MAX characters. */
bool	mux_name_valid(const char *name);

void	mux_table_init(struct mux_table *t);
/* Adds one mux in name order; -1 with a message on a bad name or tap, a
 * name or tap already in the table, or a full table. */
int	mux_table_add(struct mux_table *t, const char *name, unsigned tap,
	    char *err, size_t errlen);
/* Reads every <client_dir>/configs/openvpn/<name>.conf into t (emptied
 * first; other files are ignored).
 * Errors name the file relative to client_dir, with the line when there
 * is one: "configs/openvpn/x.conf:3: ...". A missing directory is an
 * error. */
int	mux_table_load(const char *client_dir, struct mux_table *t,
	    char *errbuf, size_t errlen);

const struct mux	*mux_find(const struct mux_table *t, const char *name);
const struct mux	*mux_find_by_tap(const struct mux_table *t,
			    unsigned tap);

/*
 * The tap of one OpenVPN config, from its `dev tapN` line. buf need not be
 * NUL-terminated. The file is read as OpenVPN reads it (ovpn_conf.h). On
 * error returns -1, *why says what is wrong and *line where (0 when no
 * line is to blame: no dev line at all).
 */
int	mux_conf_parse_dev(const char *buf, size_t len, unsigned *tap,
	    unsigned *line, const char **why);

/* The formulas; each returns -1 for an argument out of range, else fills
 * *out with a /32 or /128 address. */
/* BGP neighbours on tapN: 100.(64+N).128.1, 2804:269c:ff00:<N hex>:1::1. */
int	mux_neighbor_v4(unsigned tap, struct prefix *out);
int	mux_neighbor_v6(unsigned tap, struct prefix *out);
/* Egress through upstream peerid: 100.(64+N).<peerid/256>.<peerid%256>. */
/* The other way: the upstream peer id a next hop 100.(64+N).X.Y names
 * (N a tap), or -1 when it is not of that form. */
long	mux_upstream_peerid_v4(const uint8_t nexthop[4]);
int	mux_upstream_nexthop_v4(unsigned tap, unsigned peerid,
	    struct prefix *out);
/* Into container ctxid at the mux: 100.125.(N*8).(ctxid*4+2), carried
 * into the third byte past ctxid 63 as the container subnet formula
 * does. Only taps 1..31 have container space (N*8 must fit a byte). */
int	mux_container_nexthop_v4(unsigned tap, unsigned ctxid,
	    struct prefix *out);

/* The proxy for container ctxid (REFERENCE.md): its subnet
 * 100.125.(N*8 + ctxid*4/256).(ctxid*4 % 256)/30 (taps 1..31, as above)
 * and 2804:269c:ff03:<N hex>:<ctxid in decimal digits>::/80 (as the old
 * script wrote it); TinyProxy's port 88NN. */
int	mux_container_subnet_v4(unsigned tap, unsigned ctxid,
	    struct prefix *out);
int	mux_container_subnet_v6(unsigned tap, unsigned ctxid,
	    struct prefix *out);
#define MUX_PROXY_PORT_BASE	8800
unsigned	mux_proxy_port(unsigned tap);

#endif
