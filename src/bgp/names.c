/* Names of protocol numbers, for logs, JSON and the decode tool. */
#include "attr.h"
#include "bgp.h"
#include "msg.h"

#include <stddef.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *
name_at(const char *const *names, size_t n, unsigned i)
{
	return i < n ? names[i] : NULL;
}

const char *
bgp_action_name(enum bgp_action a)
{
	static const char *const names[] = {
		"accept", "attribute-discard", "treat-as-withdraw",
		"session-reset",
	};
	const char *s = name_at(names, NELEM(names), a);
	return s ? s : "?";
}

const char *
bgp_msg_type_name(unsigned type)
{
	static const char *const names[] = {
		NULL, "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE",
		"ROUTE-REFRESH",
	};
	const char *s = name_at(names, NELEM(names), type);
	return s ? s : "unknown";
}

const char *
bgp_err_code_name(unsigned code)
{
	static const char *const names[] = {
		NULL,
		"Message Header Error",
		"OPEN Message Error",
		"UPDATE Message Error",
		"Hold Timer Expired",
		"Finite State Machine Error",
		"Cease",
		"ROUTE-REFRESH Message Error",
	};
	const char *s = name_at(names, NELEM(names), code);
	return s ? s : "unknown";
}

/* RFC 4271 4.5 and 6, RFC 5492, RFC 6608, RFC 4486, RFC 8538, RFC 7313,
 * RFC 9234. */
const char *
bgp_err_subcode_name(unsigned code, unsigned subcode)
{
	static const char *const header[] = {
		"Unspecific", "Connection Not Synchronized",
		"Bad Message Length", "Bad Message Type",
	};
	static const char *const open[] = {
		"Unspecific", "Unsupported Version Number", "Bad Peer AS",
		"Bad BGP Identifier", "Unsupported Optional Parameter",
		NULL, "Unacceptable Hold Time", "Unsupported Capability",
		NULL, NULL, NULL, "Role Mismatch",
	};
	static const char *const update[] = {
		"Unspecific", "Malformed Attribute List",
		"Unrecognized Well-known Attribute",
		"Missing Well-known Attribute", "Attribute Flags Error",
		"Attribute Length Error", "Invalid ORIGIN Attribute", NULL,
		"Invalid NEXT_HOP Attribute", "Optional Attribute Error",
		"Invalid Network Field", "Malformed AS_PATH",
	};
	static const char *const fsm[] = {
		"Unspecified Error",
		"Receive Unexpected Message in OpenSent State",
		"Receive Unexpected Message in OpenConfirm State",
		"Receive Unexpected Message in Established State",
	};
	static const char *const cease[] = {
		"Unspecific",
		"Maximum Number of Prefixes Reached",
		"Administrative Shutdown", "Peer De-configured",
		"Administrative Reset", "Connection Rejected",
		"Other Configuration Change",
		"Connection Collision Resolution", "Out of Resources",
		"Hard Reset", "BFD Down",
	};
	static const char *const refresh[] = {
		"Unspecific", "Invalid Message Length",
	};

	switch (code) {
	case BGP_ERR_HEADER:
		return name_at(header, NELEM(header), subcode);
	case BGP_ERR_OPEN:
		return name_at(open, NELEM(open), subcode);
	case BGP_ERR_UPDATE:
		return name_at(update, NELEM(update), subcode);
	case BGP_ERR_HOLD:
		return subcode == 0 ? "Unspecific" : NULL;
	case BGP_ERR_FSM:
		return name_at(fsm, NELEM(fsm), subcode);
	case BGP_ERR_CEASE:
		return name_at(cease, NELEM(cease), subcode);
	case BGP_ERR_REFRESH:
		return name_at(refresh, NELEM(refresh), subcode);
	}
	return NULL;
}

/* The name in the attribute table (attr.c), the one place it is kept. */
const char *
bgp_attr_type_name(unsigned type)
{
	const struct attr_def *d = attr_def_get(type);

	return d != NULL ? d->name : "unknown";
}

const char *
bgp_capa_name(unsigned code)
{
	switch (code) {
	case BGP_CAPA_MP:
		return "multiprotocol";
	case BGP_CAPA_ROUTE_REFRESH:
		return "route-refresh";
	case BGP_CAPA_EXT_MESSAGE:
		return "extended-message";
	case BGP_CAPA_GRACEFUL_RESTART:
		return "graceful-restart";
	case BGP_CAPA_AS4:
		return "4-octet-as";
	case BGP_CAPA_ADD_PATH:
		return "add-path";
	case BGP_CAPA_ENHANCED_RR:
		return "enhanced-route-refresh";
	}
	return "unknown";
}
