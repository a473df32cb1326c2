/* Internal: the capabilities optional parameter (RFC 5492). */
#ifndef PEERING_BGP_CAPA_H
#define PEERING_BGP_CAPA_H

#include "msg.h"

/* Adds the capabilities of one parameter value to caps. */
int	bgp_caps_decode(struct rbuf value, struct bgp_caps *caps,
	    struct bgp_err *err);
/* All capabilities, each as (code, length, value), canonical order. */
void	bgp_caps_encode(struct wbuf *w, const struct bgp_caps *caps);

#endif
