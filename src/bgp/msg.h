/*
 * BGP messages other than UPDATE: header, KEEPALIVE, NOTIFICATION,
 * ROUTE-REFRESH and OPEN with capabilities. Pure functions over buffers.
 *
 * Decoders take the whole message (header included) as sent by the peer and
 * return 0, or -1 with `err` filled in with the NOTIFICATION to send.
 * Encoders append one whole message to a wbuf; check w->overflow after.
 */
#ifndef PEERING_BGP_MSG_H
#define PEERING_BGP_MSG_H

#include "bgp.h"
#include "../lib/rbuf.h"
#include "../lib/wbuf.h"

/* ---- header (RFC 4271 4.1) ---- */

struct bgp_header {
	uint16_t	len;	/* whole message, header included */
	uint8_t		type;
};

/*
 * Check the first 19 bytes of a message. max_len is 4096, or 65535 once
 * the extended message capability is negotiated (RFC 8654; OPEN and
 * KEEPALIVE stay within 4096 regardless).
 */
int	bgp_header_decode(struct rbuf msg, size_t max_len,
	    struct bgp_header *h, struct bgp_err *err);
/* Starts a message; bgp_msg_finish() writes its length. */
size_t	bgp_msg_start(struct wbuf *w, uint8_t type);
void	bgp_msg_finish(struct wbuf *w, size_t start);

/* ---- KEEPALIVE ---- */

void	bgp_keepalive_encode(struct wbuf *w);

/* ---- NOTIFICATION (RFC 4271 4.5, RFC 9003 shutdown communication) ---- */

struct bgp_notification {
	uint8_t		 code;
	uint8_t		 subcode;
	struct rbuf	 data;		/* points into the message */
	/* Cease/Administrative Shutdown or Reset with a valid RFC 9003
	 * communication: the UTF-8 text, not NUL-terminated. */
	bool		 has_shutdown_text;
	struct rbuf	 shutdown_text;
};

int	bgp_notification_decode(struct rbuf msg,
	    struct bgp_notification *n, struct bgp_err *err);
void	bgp_notification_encode(struct wbuf *w, uint8_t code, uint8_t subcode,
	    const uint8_t *data, size_t data_len);
/* Cease with an RFC 9003 shutdown communication; text is cut to 255
 * bytes at a UTF-8 character boundary. */
void	bgp_shutdown_encode(struct wbuf *w, uint8_t subcode, const char *text);
/* The NOTIFICATION for a decoder's session-reset error. */
void	bgp_notification_from_err(struct wbuf *w, const struct bgp_err *err);
/* A Cease "Maximum Number of Prefixes Reached" for family af (enum
 * afi_index) with its data (RFC 4486 4: AFI, SAFI, the upper bound) as
 * err; reason is static text for logs. */
void	bgp_max_prefix_err(struct bgp_err *err, unsigned af, uint32_t limit,
	    const char *reason);

/* ---- ROUTE-REFRESH (RFC 2918, RFC 7313) ---- */

enum bgp_refresh_subtype {
	BGP_REFRESH_NORMAL = 0,
	BGP_REFRESH_BORR = 1,	/* beginning of route refresh */
	BGP_REFRESH_EORR = 2,	/* end of route refresh */
};

struct bgp_route_refresh {
	uint16_t	afi;
	uint8_t		subtype;
	uint8_t		safi;
};

int	bgp_route_refresh_decode(struct rbuf msg,
	    struct bgp_route_refresh *rr, struct bgp_err *err);
void	bgp_route_refresh_encode(struct wbuf *w,
	    const struct bgp_route_refresh *rr);

/* ---- OPEN and capabilities (RFC 4271 4.2, RFC 5492, RFC 9072) ---- */

enum bgp_capa_code {
	BGP_CAPA_MP = 1,		/* RFC 4760 */
	BGP_CAPA_ROUTE_REFRESH = 2,	/* RFC 2918 */
	BGP_CAPA_EXT_MESSAGE = 6,	/* RFC 8654 */
	BGP_CAPA_GRACEFUL_RESTART = 64,	/* RFC 4724 */
	BGP_CAPA_AS4 = 65,		/* RFC 6793 */
	BGP_CAPA_ADD_PATH = 69,		/* RFC 7911 */
	BGP_CAPA_ENHANCED_RR = 70,	/* RFC 7313 */
};

/* ADD-PATH Send/Receive field (RFC 7911 4). */
#define BGP_ADDPATH_RECEIVE	1
#define BGP_ADDPATH_SEND	2

/* Graceful restart flags (RFC 4724 3, RFC 8538). */
#define BGP_GR_RESTARTING	0x8	/* R bit, in the top 4 bits */
#define BGP_GR_NOTIFICATION	0x4	/* N bit */
#define BGP_GR_AF_FORWARDING	0x80	/* per-AF F bit */

#define BGP_CAPA_MAX_AFS	16
#define BGP_CAPA_MAX_UNKNOWN	16

struct bgp_afi_safi {
	uint16_t	afi;
	uint8_t		safi;
	uint8_t		flags;	/* ADD-PATH send/receive, or GR per-AF flags */
};

struct bgp_capa_raw {
	uint8_t		 code;
	struct rbuf	 value;	/* points into the message */
};

/* Capabilities as announced by one side, one field per capability. */
struct bgp_caps {
	uint8_t			n_mp;
	struct bgp_afi_safi	mp[BGP_CAPA_MAX_AFS];
	bool			route_refresh;
	bool			enhanced_route_refresh;
	bool			ext_message;
	bool			as4;
	uint32_t		as4_number;
	uint8_t			n_addpath;
	struct bgp_afi_safi	addpath[BGP_CAPA_MAX_AFS];
	bool			graceful_restart;
	uint8_t			gr_flags;	/* top 4 bits of the field */
	uint16_t		gr_time;	/* 12-bit restart time, seconds */
	uint8_t			n_gr;
	struct bgp_afi_safi	gr[BGP_CAPA_MAX_AFS];
	uint8_t			n_unknown;
	struct bgp_capa_raw	unknown[BGP_CAPA_MAX_UNKNOWN];
};

struct bgp_open {
	uint8_t		version;
	uint16_t	my_as;		/* AS_TRANS when the real one is 4-byte */
	uint16_t	hold_time;
	uint32_t	bgp_id;		/* host byte order */
	struct bgp_caps	caps;
};

/*
 * Checks the version, hold time (0 or >= 3) and BGP identifier (non-zero);
 * the peer AS and our own policy are the session's to check.
 */
int	bgp_open_decode(struct rbuf msg, struct bgp_open *o,
	    struct bgp_err *err);
void	bgp_open_encode(struct wbuf *w, const struct bgp_open *o);
/* The peer's real AS: the 4-octet AS capability's if present. */
uint32_t bgp_open_peer_as(const struct bgp_open *o);
/* The ADD-PATH flags announced for an address family index, 0 if none. */
uint8_t	bgp_caps_addpath(const struct bgp_caps *c, unsigned af);
bool	bgp_caps_has_mp(const struct bgp_caps *c, unsigned af);
const char *bgp_capa_name(unsigned code);

#endif
