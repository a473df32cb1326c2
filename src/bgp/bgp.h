/*
 * Protocol constants for BGP-4 and the extensions we speak, and the verdict
 * every decoder returns. Numbers are from the RFCs named beside them.
 */
#ifndef PEERING_BGP_H
#define PEERING_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/prefix.h"

#define BGP_HEADER_LEN		19
#define BGP_MARKER_LEN		16
#define BGP_MAX_LEN		4096	/* RFC 4271 */
#define BGP_EXT_MAX_LEN		65535	/* RFC 8654 */
#define BGP_OPEN_MIN_LEN	29
#define BGP_UPDATE_MIN_LEN	23
#define BGP_NOTIFICATION_MIN_LEN 21
#define BGP_KEEPALIVE_LEN	19
#define BGP_ROUTE_REFRESH_LEN	23
#define BGP_VERSION		4
#define BGP_AS_TRANS		23456	/* RFC 6793 */
#define BGP_SHUTDOWN_MAX	255	/* RFC 9003 */

enum bgp_msg_type {
	BGP_OPEN = 1,
	BGP_UPDATE = 2,
	BGP_NOTIFICATION = 3,
	BGP_KEEPALIVE = 4,
	BGP_ROUTE_REFRESH = 5,		/* RFC 2918 */
};

/* NOTIFICATION error codes (RFC 4271 4.5, RFC 6608, RFC 7313). */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_REFRESH = 7,
};

enum bgp_err_header_sub {
	BGP_ERR_HDR_SYNC = 1,
	BGP_ERR_HDR_LEN = 2,
	BGP_ERR_HDR_TYPE = 3,
};

enum bgp_err_open_sub {
	BGP_ERR_OPEN_UNSPEC = 0,
	BGP_ERR_OPEN_VERSION = 1,
	BGP_ERR_OPEN_PEER_AS = 2,
	BGP_ERR_OPEN_BGPID = 3,
	BGP_ERR_OPEN_OPT = 4,
	BGP_ERR_OPEN_HOLD = 6,
	BGP_ERR_OPEN_CAPA = 7,		/* RFC 5492 */
	BGP_ERR_OPEN_ROLE = 11,		/* RFC 9234 */
};

enum bgp_err_update_sub {
	BGP_ERR_UPD_ATTRLIST = 1,
	BGP_ERR_UPD_UNKNOWN_WK = 2,
	BGP_ERR_UPD_MISSING_WK = 3,
	BGP_ERR_UPD_FLAGS = 4,
	BGP_ERR_UPD_LENGTH = 5,
	BGP_ERR_UPD_ORIGIN = 6,
	BGP_ERR_UPD_NEXTHOP = 8,
	BGP_ERR_UPD_OPTATTR = 9,
	BGP_ERR_UPD_NETWORK = 10,
	BGP_ERR_UPD_ASPATH = 11,
};

enum bgp_err_cease_sub {
	BGP_CEASE_MAX_PREFIX = 1,	/* RFC 4486 */
	BGP_CEASE_ADMIN_SHUTDOWN = 2,
	BGP_CEASE_PEER_DECONF = 3,
	BGP_CEASE_ADMIN_RESET = 4,
	BGP_CEASE_REJECTED = 5,
	BGP_CEASE_CONFIG_CHANGE = 6,
	BGP_CEASE_COLLISION = 7,
	BGP_CEASE_RESOURCES = 8,
	BGP_CEASE_HARD_RESET = 9,	/* RFC 8538 */
	BGP_CEASE_BFD_DOWN = 10,	/* RFC 9384 */
};

enum bgp_err_refresh_sub {
	BGP_ERR_REFRESH_LEN = 1,	/* RFC 7313 */
};

/* Path attribute type codes. */
enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,	/* RFC 1997 */
	BGP_ATTR_ORIGINATOR_ID = 9,	/* RFC 4456 */
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH = 14,		/* RFC 4760 */
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_EXT_COMMUNITIES = 16,	/* RFC 4360 */
	BGP_ATTR_AS4_PATH = 17,		/* RFC 6793 */
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_LARGE_COMMUNITIES = 32,/* RFC 8092 */
};

#define BGP_ATTR_FLAG_OPTIONAL	0x80
#define BGP_ATTR_FLAG_TRANSITIVE 0x40
#define BGP_ATTR_FLAG_PARTIAL	0x20
#define BGP_ATTR_FLAG_EXTLEN	0x10

enum bgp_origin {
	BGP_ORIGIN_IGP = 0,
	BGP_ORIGIN_EGP = 1,
	BGP_ORIGIN_INCOMPLETE = 2,
};

enum bgp_aspath_seg_type {
	BGP_AS_SET = 1,
	BGP_AS_SEQUENCE = 2,
	BGP_AS_CONFED_SEQUENCE = 3,	/* RFC 5065 */
	BGP_AS_CONFED_SET = 4,
};

/* Address families on the wire. */
#define BGP_AFI_IPV4	1
#define BGP_AFI_IPV6	2
#define BGP_SAFI_UNICAST 1

/* (AFI, SAFI) of the families we route; -1 for any other. */
int	bgp_af_index(uint16_t afi, uint8_t safi);
uint16_t bgp_af_afi(unsigned af);

/*
 * The verdict of a decoder, strongest last. RFC 7606 section 2 names the
 * approaches; "accept" is the absence of an error.
 */
enum bgp_action {
	BGP_ACT_ACCEPT = 0,
	BGP_ACT_ATTR_DISCARD = 1,
	BGP_ACT_TREAT_AS_WITHDRAW = 2,
	BGP_ACT_SESSION_RESET = 3,
};

/*
 * What went wrong and what to do. For a session reset, code/subcode/data
 * are the NOTIFICATION to send. Data usually points into the message being
 * decoded (the offending attribute or length field); short data made up by
 * the decoder lives in own[] and data points there (see bgp_err_data()).
 */
struct bgp_err {
	enum bgp_action	 action;
	uint8_t		 code;
	uint8_t		 subcode;
	uint8_t		 attr_type;	/* attribute at fault, 0 if none */
	bool		 data_own;
	const uint8_t	*data;
	size_t		 data_len;
	uint8_t		 own[8];
	const char	*reason;	/* static text for logs and tools */
};

void	bgp_err_clear(struct bgp_err *e);
/* Record an error if it is stronger than the one already held
 * (RFC 7606 3(i): the strongest action wins). */
void	bgp_err_raise(struct bgp_err *e, enum bgp_action action, uint8_t code,
	    uint8_t subcode, uint8_t attr_type, const uint8_t *data,
	    size_t data_len, const char *reason);
/* Same, with up to 8 bytes of data copied into the error itself. */
void	bgp_err_raise_own(struct bgp_err *e, uint8_t code, uint8_t subcode,
	    const uint8_t *data, size_t data_len, const char *reason);
const uint8_t *bgp_err_data(const struct bgp_err *e, size_t *len);

const char *bgp_action_name(enum bgp_action a);
const char *bgp_msg_type_name(unsigned type);
const char *bgp_err_code_name(unsigned code);
/* NULL for a subcode with no registered name. */
const char *bgp_err_subcode_name(unsigned code, unsigned subcode);
const char *bgp_attr_type_name(unsigned type);

#endif
