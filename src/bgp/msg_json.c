/*
 * One BGP message, or one set of path attributes, as JSON: for `peering
 * decode` (its frames and MRT records), the daemon's `show route json`
 * and the experiment log. The codec does all the judging; this file only
 * walks what it decoded and names it. Key order is fixed, so the output
 * is deterministic.
 */
#include "msg_json.h"

#include <stdlib.h>
#include <string.h>

#include "aspath.h"
#include "attr.h"
#include "format.h"
#include "msg.h"
#include "nlri.h"
#include "../lib/hex.h"
#include "../lib/prefix.h"


typedef size_t	json_fmt_fn(struct rbuf, char *, size_t);

void
bgp_json_opts(struct bgp_codec_opts *o, bool as4, bool addpath, bool ext)
{
	memset(o, 0, sizeof(*o));
	o->as4 = as4;
	o->ibgp = true;
	o->addpath[AF_IDX_IPV4] = addpath;
	o->addpath[AF_IDX_IPV6] = addpath;
	o->max_len = ext ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
}

/* ---- small helpers ---- */

static void
json_add_hex(cJSON *obj, const char *key, const uint8_t *p, size_t len)
{
	char *s;

	if ((s = malloc(2 * len + 1)) == NULL)
		return;
	cJSON_AddStringToObject(obj, key, hex_encode(p, len, s));
	free(s);
}

static void
json_add_addr(cJSON *obj, const char *key, unsigned af, const uint8_t *addr)
{
	char buf[ADDR_STRLEN];

	cJSON_AddStringToObject(obj, key, addr_format(af, addr, buf,
	    sizeof(buf)));
}

/* A 32-bit identifier (BGP ID, ORIGINATOR_ID) in host order, dotted. */
static cJSON *
json_id(uint32_t id)
{
	uint8_t b[4] = { (uint8_t)(id >> 24), (uint8_t)(id >> 16),
	    (uint8_t)(id >> 8), (uint8_t)id };
	char buf[ADDR_STRLEN];

	return cJSON_CreateString(addr_format(AF_IDX_IPV4, b, buf,
	    sizeof(buf)));
}

/* Text from one of the codec's snprintf-like formatters, any length. */
static void
json_add_text(cJSON *obj, const char *key, json_fmt_fn *fmt, struct rbuf v)
{
	char small[256], *big;
	size_t n;

	if ((n = fmt(v, small, sizeof(small))) < sizeof(small)) {
		cJSON_AddStringToObject(obj, key, small);
		return;
	}
	if ((big = malloc(n + 1)) == NULL)
		return;
	fmt(v, big, n + 1);
	cJSON_AddStringToObject(obj, key, big);
	free(big);
}

/* Peer-supplied text, which may hold NUL bytes; those become U+FFFD
 * (the exact bytes are in the hex data next to it). */
static void
json_add_utf8(cJSON *obj, const char *key, struct rbuf t)
{
	char *s, *o;
	size_t i;

	if ((s = malloc(3 * t.len + 1)) == NULL)
		return;
	for (o = s, i = 0; i < t.len; i++) {
		if (t.p[i] != '\0') {
			*o++ = (char)t.p[i];
			continue;
		}
		memcpy(o, "\xef\xbf\xbd", 3);
		o += 3;
	}
	*o = '\0';
	cJSON_AddStringToObject(obj, key, s);
	free(s);
}

static void
json_add_error(cJSON *obj, const struct bgp_err *err)
{
	cJSON *e = cJSON_AddObjectToObject(obj, "error");
	const char *sub = bgp_err_subcode_name(err->code, err->subcode);
	const uint8_t *data;
	size_t len;

	cJSON_AddStringToObject(e, "action", bgp_action_name(err->action));
	cJSON_AddNumberToObject(e, "code", err->code);
	cJSON_AddNumberToObject(e, "subcode", err->subcode);
	cJSON_AddStringToObject(e, "code_name", bgp_err_code_name(err->code));
	if (sub != NULL)
		cJSON_AddStringToObject(e, "subcode_name", sub);
	if (err->attr_type != 0)
		cJSON_AddNumberToObject(e, "attr_type", err->attr_type);
	if (err->reason != NULL)
		cJSON_AddStringToObject(e, "reason", err->reason);
	data = bgp_err_data(err, &len);
	json_add_hex(e, "data", data, data != NULL ? len : 0);
}

/* ---- NLRI ---- */

static cJSON *
json_prefixes(struct rbuf nlri, unsigned af, bool addpath)
{
	cJSON *arr = cJSON_CreateArray(), *item;
	struct nlri_iter it;
	struct prefix p;
	uint32_t path_id;
	char buf[PREFIX_STRLEN];
	int rc;

	nlri_iter_init(&it, nlri, af, addpath);
	while ((rc = nlri_iter_next(&it, &p, &path_id)) == 1) {
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "prefix",
		    prefix_format(&p, buf, sizeof(buf)));
		if (addpath)
			cJSON_AddNumberToObject(item, "path_id", path_id);
		cJSON_AddItemToArray(arr, item);
	}
	if (rc == -1) {
		/* The codec validates NLRI first; this would be its bug. */
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "error", "malformed NLRI");
		json_add_hex(item, "hex", it.b.p, it.b.len);
		cJSON_AddItemToArray(arr, item);
	}
	return arr;
}

/* ---- path attributes: each type's own writer, named in its row
 * (attr.c) ---- */

void
attr_json_origin(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)o;
	cJSON_AddStringToObject(j, "origin", bgp_origin_name(a->origin));
}

static cJSON *
json_aspath_segments(struct rbuf path4)
{
	cJSON *arr = cJSON_CreateArray(), *seg, *asns;
	struct aspath_iter it;
	struct aspath_seg s;
	unsigned i;

	aspath_iter_init(&it, path4);
	while (aspath_iter_next(&it, &s) == 1) {
		seg = cJSON_CreateObject();
		cJSON_AddStringToObject(seg, "type",
		    bgp_aspath_seg_name(s.type));
		asns = cJSON_AddArrayToObject(seg, "asns");
		for (i = 0; i < s.count; i++)
			cJSON_AddItemToArray(asns,
			    cJSON_CreateNumber(aspath_seg_as(&s, i)));
		cJSON_AddItemToArray(arr, seg);
	}
	return arr;
}

void
attr_json_as_path(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)o;
	json_add_text(j, "as_path", bgp_format_aspath, a->as_path);
	cJSON_AddItemToObject(j, "as_path_segments",
	    json_aspath_segments(a->as_path));
}

void
attr_json_next_hop(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)o;
	json_add_addr(j, "next_hop", AF_IDX_IPV4, a->next_hop);
}

void
attr_json_med(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)o;
	cJSON_AddNumberToObject(j, "med", a->med);
}

void
attr_json_local_pref(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)o;
	cJSON_AddNumberToObject(j, "local_pref", a->local_pref);
}

void
attr_json_atomic_aggregate(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)a;
	(void)o;
	cJSON_AddTrueToObject(j, "atomic_aggregate");
}

void
attr_json_aggregator(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	cJSON *agg = cJSON_AddObjectToObject(j, "aggregator");

	(void)o;
	cJSON_AddNumberToObject(agg, "as", a->aggregator_as);
	json_add_addr(agg, "address", AF_IDX_IPV4, a->aggregator_addr);
}

/* A list of fixed-size values as arrays of numbers of `width` bytes. */
static cJSON *
json_number_tuples(struct rbuf v, size_t size, size_t width)
{
	cJSON *arr = cJSON_CreateArray(), *t;
	size_t i, k;

	for (i = 0; i + size <= v.len; i += size) {
		t = cJSON_CreateArray();
		for (k = 0; k < size; k += width)
			cJSON_AddItemToArray(t, cJSON_CreateNumber(width == 2 ?
			    load_u16(v.p + i + k) : load_u32(v.p + i + k)));
		cJSON_AddItemToArray(arr, t);
	}
	return arr;
}

void
attr_json_communities(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)o;
	cJSON_AddItemToObject(j, "communities",
	    json_number_tuples(a->communities, 4, 2));
	json_add_text(j, "communities_text", bgp_format_communities,
	    a->communities);
}

void
attr_json_large_communities(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)o;
	cJSON_AddItemToObject(j, "large_communities",
	    json_number_tuples(a->large_communities, 12, 4));
	json_add_text(j, "large_communities_text",
	    bgp_format_large_communities, a->large_communities);
}

void
attr_json_ext_communities(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	cJSON *arr = cJSON_AddArrayToObject(j, "extended_communities");
	struct rbuf v = a->ext_communities;
	char buf[17];
	size_t i;

	(void)o;
	for (i = 0; i + 8 <= v.len; i += 8)
		cJSON_AddItemToArray(arr,
		    cJSON_CreateString(hex_encode(v.p + i, 8, buf)));
	json_add_text(j, "extended_communities_text",
	    bgp_format_ext_communities, v);
}

void
attr_json_originator_id(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)o;
	cJSON_AddItemToObject(j, "originator_id", json_id(a->originator_id));
}

void
attr_json_cluster_list(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	cJSON *arr = cJSON_AddArrayToObject(j, "cluster_list");
	struct rbuf v = a->cluster_list;
	size_t i;

	(void)o;
	for (i = 0; i + 4 <= v.len; i += 4)
		cJSON_AddItemToArray(arr, json_id(load_u32(v.p + i)));
}

/* The next hop as its length says; raw hex for families not ours. */
static void
json_mp_next_hop(cJSON *mp, const struct bgp_mp_nlri *m)
{
	if (m->af >= 0 && m->nh_len == 4) {
		json_add_addr(mp, "next_hop", AF_IDX_IPV4, m->nexthop);
		return;
	}
	if (m->af >= 0 && (m->nh_len == 16 || m->nh_len == 32)) {
		json_add_addr(mp, "next_hop", AF_IDX_IPV6, m->nexthop);
		if (m->nh_len == 32)
			json_add_addr(mp, "next_hop_link_local", AF_IDX_IPV6,
			    m->nexthop_ll);
		return;
	}
	json_add_hex(mp, "next_hop", m->nh_raw.p, m->nh_raw.len);
}

static void
json_mp(cJSON *j, const char *key, const struct bgp_mp_nlri *m,
    const struct bgp_codec_opts *o, bool reach)
{
	cJSON *mp = cJSON_AddObjectToObject(j, key);
	const char *list = reach ? "nlri" : "withdrawn";

	cJSON_AddNumberToObject(mp, "afi", m->afi);
	cJSON_AddNumberToObject(mp, "safi", m->safi);
	if (reach)
		json_mp_next_hop(mp, m);
	if (m->af >= 0 && m->af < AF_IDX_COUNT)
		cJSON_AddItemToObject(mp, list, json_prefixes(m->nlri,
		    (unsigned)m->af, o->addpath[m->af]));
	else
		json_add_hex(mp, list, m->nlri.p, m->nlri.len);
}

void
attr_json_mp_reach(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	json_mp(j, "mp_reach", &a->mp_reach, o, true);
}

void
attr_json_mp_unreach(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	json_mp(j, "mp_unreach", &a->mp_unreach, o, false);
}

/* The codec merges AS4_PATH into the path and clears its presence bit;
 * the view stays set (NULL when none came) for tools like this one. */
void
attr_json_as4_path(cJSON *j, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	(void)o;
	if (a->as4_path.p != NULL)
		json_add_text(j, "as4_path", bgp_format_aspath, a->as4_path);
}

static void
json_attrs_unknown(cJSON *j, const struct bgp_attrs *a)
{
	cJSON *arr, *u;
	const struct bgp_attr_raw *r;
	size_t i;

	if (a->n_unknown == 0)
		return;
	arr = cJSON_AddArrayToObject(j, "unknown");
	for (i = 0; i < a->n_unknown && i < BGP_MAX_UNKNOWN_ATTRS; i++) {
		r = &a->unknown[i];
		u = cJSON_CreateObject();
		cJSON_AddNumberToObject(u, "flags", r->flags);
		cJSON_AddNumberToObject(u, "type", r->type);
		cJSON_AddBoolToObject(u, "partial",
		    (r->flags & BGP_ATTR_FLAG_PARTIAL) != 0);
		cJSON_AddBoolToObject(u, "transitive",
		    (r->flags & BGP_ATTR_FLAG_TRANSITIVE) != 0);
		json_add_hex(u, "hex", r->value.p, r->value.len);
		cJSON_AddItemToArray(arr, u);
	}
}

cJSON *
bgp_json_attrs(const struct bgp_attrs *a, const struct bgp_codec_opts *o)
{
	cJSON *j = cJSON_CreateObject();
	uint8_t types[BGP_ATTR_SHOW_MAX];
	size_t i, n = attrs_show_order(a, types);

	for (i = 0; i < n; i++) {
		const struct attr_def *d = attr_def_get(types[i]);

		if (d->json != NULL)
			d->json(j, a, o);
	}
	json_attrs_unknown(j, a);
	return j;
}

static void
json_attrs(cJSON *obj, const struct bgp_attrs *a,
    const struct bgp_codec_opts *o)
{
	cJSON_AddItemToObject(obj, "attributes", bgp_json_attrs(a, o));
}

static void
json_discarded(cJSON *obj, const struct bgp_attrs *a)
{
	cJSON *arr, *d;
	size_t i;

	if (a->n_notes == 0)
		return;
	arr = cJSON_AddArrayToObject(obj, "discarded");
	for (i = 0; i < a->n_notes && i < BGP_MAX_NOTES; i++) {
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "type", a->notes[i].type);
		cJSON_AddStringToObject(d, "name",
		    bgp_attr_type_name(a->notes[i].type));
		cJSON_AddStringToObject(d, "action",
		    bgp_action_name(a->notes[i].action));
		if (a->notes[i].reason != NULL)
			cJSON_AddStringToObject(d, "reason",
			    a->notes[i].reason);
		cJSON_AddItemToArray(arr, d);
	}
}

/* ---- messages ---- */

static void
json_update(cJSON *obj, struct rbuf msg, const struct bgp_codec_opts *o,
    struct bgp_scratch *scratch)
{
	struct bgp_update u;
	struct bgp_err err;
	enum bgp_action act;
	int eor;

	bgp_err_clear(&err);
	act = bgp_update_decode(msg, o, &u, scratch, &err);
	cJSON_AddStringToObject(obj, "action", bgp_action_name(act));
	if (act != BGP_ACT_ACCEPT)
		json_add_error(obj, &err);
	if (act == BGP_ACT_SESSION_RESET)
		return;
	cJSON_AddItemToObject(obj, "withdrawn", json_prefixes(u.withdrawn,
	    AF_IDX_IPV4, o->addpath[AF_IDX_IPV4]));
	cJSON_AddItemToObject(obj, "nlri", json_prefixes(u.nlri,
	    AF_IDX_IPV4, o->addpath[AF_IDX_IPV4]));
	json_attrs(obj, &u.attrs, o);
	json_discarded(obj, &u.attrs);
	if ((eor = bgp_update_eor(&u)) >= 0)
		cJSON_AddStringToObject(obj, "end_of_rib",
		    eor == AF_IDX_IPV4 ? "ipv4" : "ipv6");
}

static void
json_afi_safi(cJSON *arr, const struct bgp_afi_safi *as, size_t n,
    uint8_t code)
{
	cJSON *e;
	size_t i;

	for (i = 0; i < n && i < BGP_CAPA_MAX_AFS; i++) {
		e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "afi", as[i].afi);
		cJSON_AddNumberToObject(e, "safi", as[i].safi);
		if (code == BGP_CAPA_ADD_PATH) {
			cJSON_AddBoolToObject(e, "send",
			    (as[i].flags & BGP_ADDPATH_SEND) != 0);
			cJSON_AddBoolToObject(e, "receive",
			    (as[i].flags & BGP_ADDPATH_RECEIVE) != 0);
		} else if (code == BGP_CAPA_GRACEFUL_RESTART)
			cJSON_AddBoolToObject(e, "forwarding",
			    (as[i].flags & BGP_GR_AF_FORWARDING) != 0);
		cJSON_AddItemToArray(arr, e);
	}
}

/* One capability entry: code and name, the rest up to the caller. */
static cJSON *
json_capa(cJSON *arr, uint8_t code)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddNumberToObject(c, "code", code);
	cJSON_AddStringToObject(c, "name", bgp_capa_name(code));
	cJSON_AddItemToArray(arr, c);
	return c;
}

static void
json_capa_gr(cJSON *arr, const struct bgp_caps *caps)
{
	cJSON *c = json_capa(arr, BGP_CAPA_GRACEFUL_RESTART);

	cJSON_AddNumberToObject(c, "restart_flags", caps->gr_flags);
	cJSON_AddBoolToObject(c, "restarting",
	    (caps->gr_flags & BGP_GR_RESTARTING) != 0);
	cJSON_AddBoolToObject(c, "notification",
	    (caps->gr_flags & BGP_GR_NOTIFICATION) != 0);
	cJSON_AddNumberToObject(c, "restart_time", caps->gr_time);
	json_afi_safi(cJSON_AddArrayToObject(c, "afi_safi"), caps->gr,
	    caps->n_gr, BGP_CAPA_GRACEFUL_RESTART);
}

/* Known capabilities by code, then the others in the order received. */
static cJSON *
json_caps(const struct bgp_caps *caps)
{
	cJSON *arr = cJSON_CreateArray(), *c;
	size_t i;

	if (caps->n_mp > 0)
		json_afi_safi(cJSON_AddArrayToObject(json_capa(arr,
		    BGP_CAPA_MP), "afi_safi"), caps->mp, caps->n_mp,
		    BGP_CAPA_MP);
	if (caps->route_refresh)
		json_capa(arr, BGP_CAPA_ROUTE_REFRESH);
	if (caps->ext_message)
		json_capa(arr, BGP_CAPA_EXT_MESSAGE);
	if (caps->graceful_restart)
		json_capa_gr(arr, caps);
	if (caps->as4)
		cJSON_AddNumberToObject(json_capa(arr, BGP_CAPA_AS4), "as4",
		    caps->as4_number);
	if (caps->n_addpath > 0)
		json_afi_safi(cJSON_AddArrayToObject(json_capa(arr,
		    BGP_CAPA_ADD_PATH), "afi_safi"), caps->addpath,
		    caps->n_addpath, BGP_CAPA_ADD_PATH);
	if (caps->enhanced_route_refresh)
		json_capa(arr, BGP_CAPA_ENHANCED_RR);
	for (i = 0; i < caps->n_unknown && i < BGP_CAPA_MAX_UNKNOWN; i++) {
		c = json_capa(arr, caps->unknown[i].code);
		json_add_hex(c, "hex", caps->unknown[i].value.p,
		    caps->unknown[i].value.len);
	}
	return arr;
}

static void
json_open(cJSON *obj, struct rbuf msg)
{
	struct bgp_open op;
	struct bgp_err err;

	bgp_err_clear(&err);
	memset(&op, 0, sizeof(op));
	if (bgp_open_decode(msg, &op, &err) == -1) {
		json_add_error(obj, &err);
		return;
	}
	cJSON_AddNumberToObject(obj, "version", op.version);
	cJSON_AddNumberToObject(obj, "my_as", op.my_as);
	cJSON_AddNumberToObject(obj, "hold_time", op.hold_time);
	cJSON_AddItemToObject(obj, "bgp_id", json_id(op.bgp_id));
	cJSON_AddNumberToObject(obj, "peer_as", bgp_open_peer_as(&op));
	cJSON_AddItemToObject(obj, "capabilities", json_caps(&op.caps));
}

static void
json_notification(cJSON *obj, struct rbuf msg)
{
	struct bgp_notification n;
	struct bgp_err err;
	const char *sub;

	bgp_err_clear(&err);
	if (bgp_notification_decode(msg, &n, &err) == -1) {
		json_add_error(obj, &err);
		return;
	}
	cJSON_AddNumberToObject(obj, "code", n.code);
	cJSON_AddNumberToObject(obj, "subcode", n.subcode);
	cJSON_AddStringToObject(obj, "code_name", bgp_err_code_name(n.code));
	if ((sub = bgp_err_subcode_name(n.code, n.subcode)) != NULL)
		cJSON_AddStringToObject(obj, "subcode_name", sub);
	json_add_hex(obj, "data", n.data.p, n.data.len);
	if (n.has_shutdown_text)
		json_add_utf8(obj, "shutdown_communication", n.shutdown_text);
}

static const char *
json_refresh_subtype(uint8_t subtype)
{
	switch (subtype) {
	case BGP_REFRESH_NORMAL:
		return "normal";
	case BGP_REFRESH_BORR:
		return "BoRR";
	case BGP_REFRESH_EORR:
		return "EoRR";
	}
	return "unknown";
}

static void
json_route_refresh(cJSON *obj, struct rbuf msg)
{
	struct bgp_route_refresh rr;
	struct bgp_err err;

	bgp_err_clear(&err);
	if (bgp_route_refresh_decode(msg, &rr, &err) == -1) {
		json_add_error(obj, &err);
		return;
	}
	cJSON_AddNumberToObject(obj, "afi", rr.afi);
	cJSON_AddNumberToObject(obj, "safi", rr.safi);
	cJSON_AddStringToObject(obj, "subtype",
	    json_refresh_subtype(rr.subtype));
	cJSON_AddNumberToObject(obj, "subtype_code", rr.subtype);
}

static void
json_message(cJSON *obj, struct rbuf msg, const struct bgp_codec_opts *o,
    struct bgp_scratch *scratch)
{
	struct bgp_header h;
	struct bgp_err err;

	cJSON_AddStringToObject(obj, "type",
	    bgp_msg_type_name(msg.p[BGP_HEADER_LEN - 1]));
	cJSON_AddNumberToObject(obj, "length", msg.len);
	bgp_err_clear(&err);
	if (bgp_header_decode(msg, o->max_len, &h, &err) == -1) {
		json_add_error(obj, &err);
		return;
	}
	switch (h.type) {
	case BGP_OPEN:
		json_open(obj, msg);
		break;
	case BGP_UPDATE:
		json_update(obj, msg, o, scratch);
		break;
	case BGP_NOTIFICATION:
		json_notification(obj, msg);
		break;
	case BGP_ROUTE_REFRESH:
		json_route_refresh(obj, msg);
		break;
	}
}

void
bgp_json_message(cJSON *obj, struct rbuf msg,
    const struct bgp_codec_opts *o, struct bgp_scratch *scratch)
{
	if (msg.len < BGP_HEADER_LEN) {
		cJSON_AddStringToObject(obj, "error",
		    "message shorter than a header");
		cJSON_AddNumberToObject(obj, "bytes", msg.len);
		return;
	}
	json_message(obj, msg, o, scratch);
}

cJSON *
bgp_json_id(uint32_t id)
{
	return json_id(id);
}

void
bgp_json_addr(cJSON *obj, const char *key, unsigned af,
    const uint8_t *addr)
{
	json_add_addr(obj, key, af, addr);
}
