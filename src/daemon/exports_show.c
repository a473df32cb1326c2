/*
 * `adv NAME [ipv4|ipv6] [json]` (`peering bgp adv`, `bgp6 adv`, `show
 * route export`): for each announcement a session of NAME is to hear,
 * what it was really sent (the Adj-RIB-Out: the AS path with what we
 * prepend, the next hop, LOCAL_PREF on iBGP), or why nothing was.
 */
#include "exports.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "adj_out.h"
#include "bgpd.h"
#include "export_attrs.h"
#include "exports_int.h"
#include "../announce/ann_store.h"
#include "../bgp/fsm.h"

/* The record of what s was sent of e's prefix; NULL when nothing is in
 * force there (a session that is not up has been sent nothing). */
static const struct adj_out_route *
sent_route(const struct bgpd *d, const struct session *s,
    const struct ann_entry *e)
{
	if (s->fsm.state != BGP_STATE_ESTABLISHED)
		return NULL;
	return adj_out_find(&d->adj_out, s->conf.name, &e->prefix);
}

static void
text_aspath(struct strbuf *reply, const uint32_t *as, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_printf(reply, "%s%u", i ? " " : "", as[i]);
}

/* birdc's "[AS3356 47065i]", or "[i]" for an empty path. */
static void
text_aspath_brackets(struct strbuf *reply, const uint32_t *as, size_t n)
{
	strbuf_printf(reply, "[%s", n > 0 ? "AS" : "");
	text_aspath(reply, as, n);
	strbuf_printf(reply, "i]");
}

static void
text_communities(struct strbuf *reply, const struct ann_attrs *a)
{
	if (a->n_communities > 0) {
		strbuf_printf(reply, "\tBGP.community:");
		for (size_t i = 0; i < a->n_communities; i++)
			strbuf_printf(reply, " (%u,%u)", a->communities[i] >> 16,
			    a->communities[i] & 0xffff);
		strbuf_printf(reply, "\n");
	}
	if (a->n_large > 0) {
		strbuf_printf(reply, "\tBGP.large_community:");
		for (size_t i = 0; i < a->n_large; i++)
			strbuf_printf(reply, " (%u, %u, %u)", a->large[i][0],
			    a->large[i][1], a->large[i][2]);
		strbuf_printf(reply, "\n");
	}
}

/* birdc's `show route export X all`, near enough: the route, then its
 * attributes as the session got them. */
static void
show_text(struct strbuf *reply, const struct session *s,
    const struct ann_entry *e, const struct adj_out_route *r)
{
	uint32_t as[ANN_MAX_PATH + 1];
	char pfx[PREFIX_STRLEN], nh[PREFIX_STRLEN];
	size_t n;

	prefix_format(&e->prefix, pfx, sizeof(pfx));
	if (r == NULL) {
		n = ann_aspath(&e->attrs, as, ANN_MAX_PATH);
		strbuf_printf(reply, "%-20s not sent (session %s) ", pfx,
		    s->fsm.state == BGP_STATE_ESTABLISHED ? "has no next hop "
		    "for it: see the log" : bgp_state_name(s->fsm.state));
		text_aspath_brackets(reply, as, n);
		strbuf_printf(reply, " (mux %s)\n", e->mux[0] ? e->mux :
		    "all");
		return;
	}
	n = export_aspath(&r->attrs, &r->peer, as, ANN_MAX_PATH + 1);
	addr_format(r->nexthop.af, r->nexthop.addr, nh, sizeof(nh));
	strbuf_printf(reply, "%-20s via %s ", pfx, nh);
	text_aspath_brackets(reply, as, n);
	strbuf_printf(reply, " (mux %s)%s\n", e->mux[0] ? e->mux : "all",
	    r->attrs.container_nexthop ? " via container" : "");
	strbuf_printf(reply, "\tBGP.origin: IGP\n\tBGP.as_path: ");
	text_aspath(reply, as, n);
	strbuf_printf(reply, "\n\tBGP.next_hop: %s\n", nh);
	if (r->peer.ibgp)
		strbuf_printf(reply, "\tBGP.local_pref: %u\n",
		    EXPORT_LOCAL_PREF);
	text_communities(reply, &r->attrs);
}

static cJSON *
numbers_json(const uint32_t *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(v[i]));
	return arr;
}

static cJSON *
communities_json(const struct ann_attrs *a, cJSON *o)
{
	cJSON *arr = cJSON_AddArrayToObject(o, "communities");

	for (size_t i = 0; i < a->n_communities; i++) {
		uint32_t c[2] = { a->communities[i] >> 16,
		    a->communities[i] & 0xffff };

		cJSON_AddItemToArray(arr, numbers_json(c, 2));
	}
	arr = cJSON_AddArrayToObject(o, "large_communities");
	for (size_t i = 0; i < a->n_large; i++)
		cJSON_AddItemToArray(arr, numbers_json(a->large[i], 3));
	return o;
}

/* What the session got: null when nothing. */
static cJSON *
sent_json(const struct adj_out_route *r)
{
	uint32_t as[ANN_MAX_PATH + 1];
	char nh[PREFIX_STRLEN];
	cJSON *o;

	if (r == NULL)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "next_hop", addr_format(r->nexthop.af,
	    r->nexthop.addr, nh, sizeof(nh)));
	cJSON_AddItemToObject(o, "as_path", numbers_json(as,
	    export_aspath(&r->attrs, &r->peer, as, ANN_MAX_PATH + 1)));
	if (r->peer.ibgp)
		cJSON_AddNumberToObject(o, "local_pref", EXPORT_LOCAL_PREF);
	communities_json(&r->attrs, o);
	cJSON_AddNumberToObject(o, "at", (double)r->sent);
	return o;
}

/* The announcement as it is wanted (as_path: before the session's own
 * prepending), and "sent". */
static cJSON *
entry_json(const struct session *s, const struct ann_entry *e,
    const struct adj_out_route *r)
{
	cJSON *o = cJSON_CreateObject();
	uint32_t as[ANN_MAX_PATH];
	char pfx[PREFIX_STRLEN];

	cJSON_AddStringToObject(o, "prefix", prefix_format(&e->prefix, pfx,
	    sizeof(pfx)));
	cJSON_AddStringToObject(o, "af", session_af_name(s));
	cJSON_AddStringToObject(o, "mux", e->mux[0] ? e->mux : "all");
	cJSON_AddItemToObject(o, "as_path", numbers_json(as,
	    ann_aspath(&e->attrs, as, ANN_MAX_PATH)));
	communities_json(&e->attrs, o);
	cJSON_AddBoolToObject(o, "container_nexthop",
	    e->attrs.container_nexthop);
	cJSON_AddBoolToObject(o, "dataplane", !e->no_dataplane);
	cJSON_AddNumberToObject(o, "last_change", (double)e->last_change);
	cJSON_AddItemToObject(o, "sent", sent_json(r));
	return o;
}

static void
show_session(struct bgpd *d, const struct session *s, cJSON *arr,
    struct strbuf *reply)
{
	for (size_t i = 0; i < d->ann.n; i++) {
		const struct ann_entry *e = &d->ann.e[i];
		const struct adj_out_route *r;

		if (e->prefix.af != s->conf.af || ann_store_effective(&d->ann,
		    &e->prefix, s->conf.name, exports_hears_all(d, s)) != e)
			continue;
		r = sent_route(d, s, e);
		if (arr != NULL)
			cJSON_AddItemToArray(arr, entry_json(s, e, r));
		else
			show_text(reply, s, e, r);
	}
}

void
exports_show(struct bgpd *d, const char *name, int af, bool json,
    struct strbuf *reply)
{
	cJSON *root, *arr;
	char *text;

	if (!exports_session_named(d, name)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "mux unknown: %s\n",
		    name);
		return;
	}
	root = json ? cJSON_CreateObject() : NULL;
	arr = root != NULL ? cJSON_AddArrayToObject(root, "exported") : NULL;
	for (unsigned i = 0; i < d->n_sessions; i++) {
		const struct session *s = d->sessions[i];

		if (strcmp(s->conf.name, name) == 0 &&
		    (af < 0 || (int)s->conf.af == af))
			show_session(d, s, arr, reply);
	}
	if (root == NULL)
		return;
	text = cJSON_PrintUnformatted(root);
	if (text != NULL)
		strbuf_printf(reply, "%s\n", text);
	cJSON_free(text);
	cJSON_Delete(root);
}
