/*
 * What a session runs with once both OPENs are known: hold and keepalive
 * times, the family it carries, and the codec options for each direction.
 * Pure: the OPENs in, the parameters or the NOTIFICATION to send out.
 */
#ifndef PEERING_BGP_NEGOTIATE_H
#define PEERING_BGP_NEGOTIATE_H

#include "msg.h"
#include "update.h"

/* What we expect of the peer, beyond what our own OPEN says. */
struct bgp_peer_expect {
	uint32_t	peer_as;
	unsigned	af;		/* the family this session carries */
};

struct bgp_session_params {
	uint16_t		hold_time;	/* 0: no hold timer */
	uint16_t		keepalive;	/* hold_time / 3 */
	uint32_t		peer_as;
	uint32_t		peer_id;
	bool			ibgp;
	bool			route_refresh;	/* the peer accepts ours */
	bool			enhanced_route_refresh;
	bool			peer_gr;	/* peer is a GR speaker */
	bool			peer_gr_restarting;
	uint16_t		peer_gr_time;
	bool			peer_gr_forwarding; /* kept state for af */
	struct bgp_codec_opts	rx;		/* how to read its UPDATEs */
	struct bgp_codec_opts	tx;		/* how to write ours */
};

/*
 * RFC 4271 6.2 and the capability RFCs: 2/2 when the peer's AS is not the
 * expected one, 2/3 when an internal peer has our identifier, 2/7 (with our
 * multiprotocol capability as data) when the peer does not carry the
 * session's family. Returns 0 or -1 with err set.
 */
int	bgp_negotiate(const struct bgp_open *ours, const struct bgp_open *theirs,
	    const struct bgp_peer_expect *expect,
	    struct bgp_session_params *out, struct bgp_err *err);

#endif
