/* Session parameters from the two OPENs (RFC 4271 4.2, RFC 5492,
 * RFC 4760 8, RFC 6793, RFC 7911 4, RFC 8654, RFC 4724). */
#include "negotiate.h"

/* RFC 4760 8: a speaker with no multiprotocol capability carries IPv4
 * unicast only. */
static bool
carries(const struct bgp_caps *c, unsigned af)
{
	if (c->n_mp == 0)
		return af == AF_IDX_IPV4;
	return bgp_caps_has_mp(c, af);
}

static void
negotiate_gr(const struct bgp_caps *theirs, unsigned af,
    struct bgp_session_params *p)
{
	p->peer_gr = theirs->graceful_restart;
	p->peer_gr_restarting = theirs->gr_flags & BGP_GR_RESTARTING;
	p->peer_gr_time = theirs->gr_time;
	p->peer_gr_forwarding = false;
	for (size_t i = 0; i < theirs->n_gr; i++)
		if (bgp_af_index(theirs->gr[i].afi, theirs->gr[i].safi) ==
		    (int)af)
			p->peer_gr_forwarding = theirs->gr[i].flags &
			    BGP_GR_AF_FORWARDING;
}

int
bgp_negotiate(const struct bgp_open *ours, const struct bgp_open *theirs,
    const struct bgp_peer_expect *expect, struct bgp_session_params *p,
    struct bgp_err *err)
{
	const struct bgp_caps *oc = &ours->caps, *tc = &theirs->caps;
	unsigned af = expect->af;
	uint8_t our_ap = bgp_caps_addpath(oc, af);
	uint8_t their_ap = bgp_caps_addpath(tc, af);
	bool ext;

	bgp_err_clear(err);
	memset(p, 0, sizeof(*p));
	p->peer_as = bgp_open_peer_as(theirs);
	p->peer_id = theirs->bgp_id;
	if (p->peer_as != expect->peer_as) {
		uint8_t as[2] = { (uint8_t)(theirs->my_as >> 8),
		    (uint8_t)theirs->my_as };
		bgp_err_raise_own(err, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, as, 2,
		    "peer AS is not the configured one");
		return -1;
	}
	p->ibgp = p->peer_as == bgp_open_peer_as(ours);
	/* RFC 6286 2.2: identifiers differ within an AS. */
	if (p->ibgp && theirs->bgp_id == ours->bgp_id) {
		bgp_err_raise_own(err, BGP_ERR_OPEN, BGP_ERR_OPEN_BGPID, NULL,
		    0, "internal peer has our BGP identifier");
		return -1;
	}
	if (!carries(tc, af) || !carries(oc, af)) {
		/* RFC 5492 5: the data is the capability we need. */
		uint8_t mp[6] = { BGP_CAPA_MP, 4, 0, (uint8_t)bgp_af_afi(af), 0,
		    BGP_SAFI_UNICAST };
		bgp_err_raise_own(err, BGP_ERR_OPEN, BGP_ERR_OPEN_CAPA, mp,
		    sizeof(mp), "peer does not carry the session's address "
		    "family");
		return -1;
	}
	/* RFC 4271 4.2: the smaller hold time; zero turns timers off. */
	p->hold_time = ours->hold_time < theirs->hold_time ?
	    ours->hold_time : theirs->hold_time;
	p->keepalive = p->hold_time / 3;
	ext = oc->ext_message && tc->ext_message;
	p->rx.as4 = p->tx.as4 = oc->as4 && tc->as4;
	p->rx.ibgp = p->tx.ibgp = p->ibgp;
	p->rx.max_len = p->tx.max_len = ext ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	/* RFC 7911 4: ids flow where one side sends and the other receives. */
	p->rx.addpath[af] = (our_ap & BGP_ADDPATH_RECEIVE) &&
	    (their_ap & BGP_ADDPATH_SEND);
	p->tx.addpath[af] = (our_ap & BGP_ADDPATH_SEND) &&
	    (their_ap & BGP_ADDPATH_RECEIVE);
	p->route_refresh = tc->route_refresh || tc->enhanced_route_refresh;
	p->enhanced_route_refresh = oc->enhanced_route_refresh &&
	    tc->enhanced_route_refresh;
	negotiate_gr(tc, af, p);
	return 0;
}
