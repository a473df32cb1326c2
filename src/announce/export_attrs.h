/*
 * The path attributes of one announcement on one session: pure, so what
 * each kind of session hears is tested without a session.
 *
 * iBGP (a PEERING mux: AS 47065 on both sides): the AS path as the user's
 * flags build it (ann_aspath; the mux puts 47065 in front when it
 * exports) and LOCAL_PREF 100. eBGP (a `neighbor` with another AS): our
 * AS in front of that path (RFC 4271 5.1.2) and no LOCAL_PREF (5.1.5).
 * Both: ORIGIN IGP, the communities and large communities given, and the
 * next hop decided for the session (ann_nexthop: our own address on the
 * link, "next hop self", or the container's).
 */
#ifndef PEERING_ANNOUNCE_EXPORT_ATTRS_H
#define PEERING_ANNOUNCE_EXPORT_ATTRS_H

#include <stdbool.h>
#include <stdint.h>

#include "announce.h"
#include "../bgp/update.h"

#define EXPORT_LOCAL_PREF	100	/* iBGP only */

/* What the session is, for its attributes. */
struct export_peer {
	unsigned	af;		/* AF_IDX_*: NEXT_HOP or MP_REACH */
	bool		ibgp;
	uint32_t	local_as;	/* prepended on eBGP */
};

/* The bytes the attributes point into; one per UPDATE being built. */
struct export_bufs {
	uint8_t	path[4 * (ANN_MAX_PATH + 1) + 8];
	uint8_t	comm[4 * ANN_MAX_COMMUNITIES];
	uint8_t	large[12 * ANN_MAX_LARGE];
};

/* The AS path the session hears, left to right: our AS first on eBGP.
 * Returns the count written (at most max). */
size_t	export_aspath(const struct ann_attrs *a, const struct export_peer *peer,
	    uint32_t *out, size_t max);
/* Every attribute of a on that session with next hop nh (a /32 or /128
 * of peer->af), into *out; its variable parts point into *b. */
void	export_attrs(const struct ann_attrs *a, const struct export_peer *peer,
	    const struct prefix *nh, struct export_bufs *b,
	    struct bgp_attrs *out);

#endif
