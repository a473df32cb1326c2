/*
 * Announcements: what a researcher asks a mux (or all) to hear about one
 * prefix, checked against the safety gates, and the attributes it turns
 * into on the wire. Pure: no sockets, no files (announce_io.c reads the
 * user's prefix lists). The daemon keeps the accepted ones as desired
 * state; `peering prefix` and `peering announce FILE` both produce these.
 */
#ifndef PEERING_ANNOUNCE_H
#define PEERING_ANNOUNCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../lib/prefix.h"

#define ANN_AS_PEERING		47065
#define ANN_MAX_POISONS		16
#define ANN_MAX_COMMUNITIES	64	/* the gate allows 20 (REFERENCE.md) */
#define ANN_MAX_LARGE		64
#define ANN_MAX_PREPEND		4	/* -P 1..4 (REFERENCE.md) */
#define ANN_MAX_PATH		64	/* AS numbers of the built path */
#define ANN_GATE_PATH_HOPS	5	/* guidelines: at most 5 AS hops */
#define ANN_GATE_SET_SIZE	5	/* at most 5 AS numbers in an AS_SET */
#define ANN_GATE_COMMUNITIES	20	/* muxes drop them all past 20 */
#define ANN_CHANGE_INTERVAL	600	/* seconds between changes */
#define ANN_MUX_ALL		""	/* the mux name meaning every mux */

/* The attributes of one announcement as the user gave them. */
struct ann_attrs {
	uint32_t	origin;		/* default ANN_AS_PEERING */
	uint8_t		prepend;	/* -P: 0 = not given */
	uint8_t		n_poisons;
	uint32_t	poisons[ANN_MAX_POISONS];	/* in -p order */
	uint8_t		n_communities;
	uint32_t	communities[ANN_MAX_COMMUNITIES]; /* asn << 16 | value */
	uint8_t		n_large;
	uint32_t	large[ANN_MAX_LARGE][3];
	bool		container_nexthop;	/* -M */
	bool		json_rule;	/* the AS path rule of JSON files */
};

struct ann_request {
	bool		withdraw;
	struct prefix	prefix;
	char		mux[32];	/* ANN_MUX_ALL for every mux */
	struct ann_attrs attrs;		/* announce only */
	bool		no_dataplane;	/* -R */
	bool		force;		/* past the change-rate gate */
	bool		check;		/* only run the gates: apply nothing */
	/* The change-rate interval in seconds; 0: ANN_CHANGE_INTERVAL.
	 * Never read from the control socket: only the experiments' test
	 * schedule sets it (docs/experiment.md), and the plan honours a
	 * shorter one on configured neighbours only, never on a PEERING mux
	 * (ann_plan.h). */
	unsigned	rate_interval;
};

/* The default attributes: origin 47065, nothing else. */
void	ann_attrs_init(struct ann_attrs *a);
bool	ann_attrs_equal(const struct ann_attrs *a, const struct ann_attrs *b);

/*
 * The AS path sent to the mux, by one of two rules. Both: the origin
 * repeated P times (P = -P, or 1 when poisons are given or the origin is
 * not 47065, else 0), then each poison prepended in order. `peering
 * prefix` (REFERENCE.md) then prepends the origin once more when it is
 * not 47065 and differs from the last poison (-o 61574 -p 3356: 61574
 * 3356 61574); with json_rule, as the old client's BIRD template did for
 * JSON files, it does not (3356 61574). Returns the count written (at
 * most max), left to right as on the wire.
 */
size_t	ann_aspath(const struct ann_attrs *a, uint32_t *out, size_t max);

/* What the gates check against. */
struct ann_policy {
	const struct prefix	*allowed;	/* prefixes.txt + prefixes6.txt */
	size_t			 n_allowed;
	bool			 any_origin;	/* configured: origin not only
						 * a PEERING ASN */
};

/*
 * The safety gates (docs/announce.md): prefix in the user's lists and in
 * the PEERING space, valid ASNs, a PEERING origin unless any_origin, at
 * most 5 AS hops, at most 20 communities and 16-bit community parts.
 * Returns 0, or -1 with a one-line error in err saying what to change.
 * A withdraw passes only the prefix checks.
 */
int	ann_check(const struct ann_request *r, const struct ann_policy *pol,
	    char *err, size_t errlen);
/* Inside the PEERING address space (REFERENCE.md, with its lengths). */
bool	ann_in_peering_space(const struct prefix *p);
bool	ann_is_peering_asn(uint32_t as);

/*
 * The next hop of an announcement on one session: our own tunnel address
 * on the mux's tap ("self"), or with -M (container_nexthop) on an IPv4
 * session the user's container at that mux, 100.125.(N*8).(ctxid*4+2)
 * (mux_container_nexthop_v4). -M has no IPv6 form: an IPv6 session
 * always gets "self". The caller gathers what the decision needs (the
 * daemon: the session's socket, the mux table, container.txt, and the
 * last only when ann_nexthop_container says so); the decision is pure.
 */
#define ANN_NH_NO_CTXID	(-1)	/* container.txt missing or not valid */

struct ann_nh_input {
	unsigned		 af;	/* the session's family, AF_IDX_* */
	const struct prefix	*local;	/* our tunnel address on the tap;
					 * NULL: none yet (session down) */
	const char		*mux;	/* the mux's name, for errors */
	unsigned		 tap;	/* its tapN; 0: not in the mux table */
	long			 ctxid;	/* container.txt, or ANN_NH_NO_CTXID */
};

/* Whether a's next hop on a session of family af is the container's. */
bool	ann_nexthop_container(const struct ann_attrs *a, unsigned af);
/* The next hop into *nh (a /32 or /128 of family in->af); -1 with a
 * one-line err saying why there is none. */
int	ann_nexthop(const struct ann_attrs *a, const struct ann_nh_input *in,
	    struct prefix *nh, char *err, size_t errlen);
/* The -M next hop alone, with `peering prefix`'s error for a tap without
 * container space; both the daemon and the command use it. */
int	ann_container_nexthop(const char *mux, unsigned tap, long ctxid,
	    struct prefix *nh, char *err, size_t errlen);

/*
 * The control request carrying an announcement: words
 * "announce|withdraw PREFIX [mux NAME] [origin N] [prepend N] [jsonrule]
 * [poison N]... [community A:B]... [large A:B:C]... [container] [nodp]
 * [force]". The value of poison, community and large may also be a
 * comma-separated list ("community 47065:1,47065:2"), which is what
 * to_line writes: one word per list, so 20 communities fit the control
 * socket's CONTROL_MAX_WORDS. jsonrule is json_rule; to_line writes it
 * only where it changes the path. A withdraw carries only mux, nodp and
 * force. to_line writes the line (no newline) and returns its length, or -1
 * when it does not fit size; from_words reads it back strictly (-1 with
 * err): unknown word, missing value, bad number, a single-valued key
 * given twice, an announce-only key on a withdraw.
 */
int	ann_request_to_line(const struct ann_request *r, char *buf,
	    size_t size);
int	ann_request_from_words(int argc, char **argv, struct ann_request *r,
	    char *err, size_t errlen);

#endif
