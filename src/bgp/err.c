/* The decoders' verdicts: recording the strongest, and their data. */
#include "bgp.h"

#include <string.h>

void
bgp_err_clear(struct bgp_err *e)
{
	e->action = BGP_ACT_ACCEPT;
	e->code = e->subcode = e->attr_type = 0;
	e->data_own = false;
	e->data = NULL;
	e->data_len = 0;
	e->reason = NULL;
}

void
bgp_err_raise(struct bgp_err *e, enum bgp_action action, uint8_t code,
    uint8_t subcode, uint8_t attr_type, const uint8_t *data, size_t data_len,
    const char *reason)
{
	/* RFC 7606 3(i): the strongest action wins; the first error of that
	 * strength is the one reported. */
	if (action <= e->action)
		return;
	e->action = action;
	e->code = code;
	e->subcode = subcode;
	e->attr_type = attr_type;
	e->data_own = false;
	e->data = data;
	e->data_len = data_len;
	e->reason = reason;
}

void
bgp_err_raise_own(struct bgp_err *e, uint8_t code, uint8_t subcode,
    const uint8_t *data, size_t data_len, const char *reason)
{
	if (e->action == BGP_ACT_SESSION_RESET)
		return;
	if (data_len > sizeof(e->own))
		data_len = sizeof(e->own);
	bgp_err_raise(e, BGP_ACT_SESSION_RESET, code, subcode, 0, NULL, 0,
	    reason);
	if (data_len > 0)
		memcpy(e->own, data, data_len);
	e->data_own = true;
	e->data_len = data_len;
}

const uint8_t *
bgp_err_data(const struct bgp_err *e, size_t *len)
{
	*len = e->data_len;
	return e->data_own ? e->own : e->data;
}

int
bgp_af_index(uint16_t afi, uint8_t safi)
{
	if (safi != BGP_SAFI_UNICAST)
		return -1;
	if (afi == BGP_AFI_IPV4)
		return AF_IDX_IPV4;
	if (afi == BGP_AFI_IPV6)
		return AF_IDX_IPV6;
	return -1;
}

uint16_t
bgp_af_afi(unsigned af)
{
	return af == AF_IDX_IPV4 ? BGP_AFI_IPV4 : BGP_AFI_IPV6;
}
