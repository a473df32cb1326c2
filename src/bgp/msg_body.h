/* Internal: the body of one whole message of an expected type. */
#ifndef PEERING_BGP_MSG_BODY_H
#define PEERING_BGP_MSG_BODY_H

#include "msg.h"

/*
 * Checks the header of msg (which must be exactly one message) and returns
 * its body, the bytes after the header. -1 with err set on a bad header, a
 * length field that disagrees with msg.len, or another type.
 */
int	bgp_msg_body(struct rbuf msg, uint8_t type, size_t max_len,
	    struct rbuf *body, struct bgp_err *err);

#endif
