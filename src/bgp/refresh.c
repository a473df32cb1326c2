/* ROUTE-REFRESH (RFC 2918) with the subtypes of RFC 7313. */
#include "msg_body.h"

int
bgp_route_refresh_decode(struct rbuf msg, struct bgp_route_refresh *rr,
    struct bgp_err *err)
{
	struct rbuf body;

	if (bgp_msg_body(msg, BGP_ROUTE_REFRESH, BGP_EXT_MAX_LEN, &body,
	    err) == -1)
		return -1;
	/* RFC 7313 5: a bad length is a ROUTE-REFRESH Message Error with the
	 * whole message as data. */
	if (body.len != 4) {
		bgp_err_raise(err, BGP_ACT_SESSION_RESET, BGP_ERR_REFRESH,
		    BGP_ERR_REFRESH_LEN, 0, msg.p, msg.len,
		    "ROUTE-REFRESH length is not 23");
		return -1;
	}
	rbuf_get_u16(&body, &rr->afi);
	rbuf_get_u8(&body, &rr->subtype);
	rbuf_get_u8(&body, &rr->safi);
	return 0;
}

void
bgp_route_refresh_encode(struct wbuf *w, const struct bgp_route_refresh *rr)
{
	size_t start = bgp_msg_start(w, BGP_ROUTE_REFRESH);

	wbuf_put_u16(w, rr->afi);
	wbuf_put_u8(w, rr->subtype);
	wbuf_put_u8(w, rr->safi);
	bgp_msg_finish(w, start);
}
