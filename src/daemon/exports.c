/*
 * Announcements out. The desired state lives in d->ann (persisted); what a
 * session exports is, for each prefix of its family, the entry for its mux
 * or else the "all" entry. A change is sent to the sessions whose
 * effective entry it changes, and to no other.
 */
#include "exports.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgpd.h"
#include "export_attrs.h"
#include "../announce/ann_store.h"
#include "../announce/announce_io.h"
#include "../bgp/aspath.h"
#include "../bgp/format.h"
#include "../lib/log.h"
#include "../netns/dataplane.h"
#include "../vpn/mux.h"

/* The next hop of an entry on a session (ann_nexthop decides): what it
 * needs is gathered here, container.txt read only for -M. */
static int
export_nexthop(struct bgpd *d, const struct session *s,
    const struct ann_entry *e, struct prefix *nh, char *err, size_t errlen)
{
	struct ann_nh_input in = { s->conf.af, NULL, s->conf.name, 0,
	    ANN_NH_NO_CTXID };
	const struct mux *m = mux_find(&d->muxes, s->conf.name);
	struct prefix local;
	unsigned ctxid;

	if (session_local_addr(s, &local) == 0)
		in.local = &local;
	if (m != NULL)
		in.tap = m->tap;
	if (ann_nexthop_container(&e->attrs, s->conf.af) &&
	    announce_read_container(d->paths.client_dir, &ctxid, NULL, 0) == 0)
		in.ctxid = ctxid;
	return ann_nexthop(&e->attrs, &in, nh, err, errlen);
}

/* One UPDATE announcing e on s (export_attrs: what iBGP and eBGP hear),
 * or withdrawing e->prefix when e is NULL. */
static void
export_send(struct bgpd *d, struct session *s, const struct prefix *p,
    const struct ann_entry *e)
{
	static uint8_t msg[BGP_EXT_MAX_LEN];
	static struct export_bufs bufs;
	struct export_peer peer = { s->conf.af, s->params.ibgp,
	    s->conf.local_as };
	struct bgp_packer pk;
	struct bgp_attrs a;
	struct prefix nh;
	struct wbuf w;
	char why[256];

	/* A session that is not up gets its whole export when it comes up
	 * (exports_session_up); it has no next hop before. */
	if (s->fsm.state != BGP_STATE_ESTABLISHED)
		return;
	wbuf_init(&w, msg, sizeof(msg));
	if (e == NULL) {
		bgp_packer_init(&pk, &s->params.tx, s->conf.af, NULL);
		bgp_packer_add(&pk, p, 0, &w);
		bgp_packer_flush(&pk, &w);
		session_send(s, &w);
		return;
	}
	if (export_nexthop(d, s, e, &nh, why, sizeof(why)) == -1) {
		char pfx[PREFIX_STRLEN];

		log_warn("%s/%s: no next hop for %s (%s): not announced",
		    s->conf.name, session_af_name(s),
		    prefix_format(p, pfx, sizeof(pfx)), why);
		return;
	}
	export_attrs(&e->attrs, &peer, &nh, &bufs, &a);
	bgp_packer_init(&pk, &s->params.tx, s->conf.af, &a);
	bgp_packer_add(&pk, p, 0, &w);
	bgp_packer_flush(&pk, &w);
	session_send(s, &w);
}

/*
 * "All muxes" means every PEERING mux (configs/openvpn/): a configured
 * `neighbor` hears an announcement only when it is named (docs/announce.md).
 */
static bool
session_hears_all(const struct bgpd *d, const struct session *s)
{
	return mux_find(&d->muxes, s->conf.name) != NULL;
}

/* The entry s exports for p, or NULL. */
static const struct ann_entry *
session_effective(const struct bgpd *d, const struct session *s,
    const struct prefix *p)
{
	return ann_store_effective(&d->ann, p, s->conf.name,
	    session_hears_all(d, s));
}

void
exports_session_up(struct bgpd *d, struct session *s)
{
	for (size_t i = 0; i < d->ann.n; i++) {
		const struct ann_entry *e = &d->ann.e[i];

		if (e->prefix.af != s->conf.af ||
		    session_effective(d, s, &e->prefix) != e)
			continue;
		export_send(d, s, &e->prefix, e);
	}
}

/* Sends each session of p's family what it now exports for p, where that
 * differs from before[] (the effective entries before the change). */
static void
export_changes(struct bgpd *d, const struct prefix *p,
    const struct ann_entry **before, const struct ann_attrs *before_attrs)
{
	for (unsigned i = 0; i < d->n_sessions; i++) {
		struct session *s = d->sessions[i];
		const struct ann_entry *now;

		if (s->conf.af != p->af)
			continue;
		now = session_effective(d, s, p);
		if (before[i] == NULL && now == NULL)
			continue;
		if (before[i] != NULL && now != NULL &&
		    ann_attrs_equal(&before_attrs[i], &now->attrs))
			continue;
		export_send(d, s, p, now);
	}
}

/* The policy of the gates: the user's prefix lists, read afresh. */
static int
policy_load(struct bgpd *d, struct ann_policy *pol, struct prefix **owned,
    char *err, size_t errlen)
{
	size_t n = 0;

	*owned = NULL;
	if (announce_read_prefixes(d->paths.client_dir, owned, &n, err,
	    errlen) == -1)
		return -1;
	pol->allowed = *owned;
	pol->n_allowed = n;
	pol->any_origin = false;
	return 0;
}

static bool
session_named(const struct bgpd *d, const char *name)
{
	for (unsigned i = 0; i < d->n_sessions; i++)
		if (strcmp(d->sessions[i]->conf.name, name) == 0)
			return true;
	return false;
}

/* The effective entries of every session for p, copied: the store may
 * move its entries when it changes. */
struct snapshot {
	const struct ann_entry	*effective[BGPD_MAX_SESSIONS];
	struct ann_attrs	 attrs[BGPD_MAX_SESSIONS];
};

static void
snapshot_take(struct bgpd *d, const struct prefix *p, struct snapshot *sn)
{
	for (unsigned i = 0; i < d->n_sessions; i++) {
		const struct ann_entry *e = session_effective(d,
		    d->sessions[i], p);

		sn->effective[i] = e;
		if (e != NULL)
			sn->attrs[i] = e->attrs;
	}
}

static int
store_commit(struct bgpd *d, struct strbuf *reply)
{
	char err[512];

	if (ann_store_save(&d->ann, err, sizeof(err)) == 0)
		return 0;
	strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
	return -1;
}

static void
recent_note(struct bgpd *d, const struct prefix *p, const char *mux,
    time_t when)
{
	struct ann_recent *rc = &d->ann_recent[d->ann_recent_next++ %
	    (sizeof(d->ann_recent) / sizeof(d->ann_recent[0]))];

	rc->prefix = *p;
	snprintf(rc->mux, sizeof(rc->mux), "%s", mux);
	rc->when = when;
}

/* The last withdrawal of (p, mux), or of p from all muxes; 0 if none. */
static time_t
recent_find(const struct bgpd *d, const struct prefix *p, const char *mux)
{
	time_t last = 0;

	for (size_t i = 0; i < sizeof(d->ann_recent) /
	    sizeof(d->ann_recent[0]); i++) {
		const struct ann_recent *rc = &d->ann_recent[i];

		if (rc->when > last && prefix_equal(&rc->prefix, p) &&
		    (rc->mux[0] == '\0' || strcmp(rc->mux, mux) == 0))
			last = rc->when;
	}
	return last;
}

/*
 * The change-rate gate (REFERENCE.md guidelines). What the mux hears now
 * is the entry for it, else the "all" one; a prefix withdrawn a moment
 * ago counts as changed then.
 */
static int
rate_gate(struct bgpd *d, const struct ann_request *r, time_t now,
    time_t *allowed_at)
{
	const struct ann_entry *cur = ann_store_find(&d->ann, &r->prefix,
	    r->mux);
	time_t last;

	if (cur == NULL && r->mux[0] != '\0' &&
	    mux_find(&d->muxes, r->mux) != NULL)
		cur = ann_store_find(&d->ann, &r->prefix, ANN_MUX_ALL);
	if (cur != NULL)
		return ann_rate_check(&cur->attrs, cur->last_change, &r->attrs,
		    now, r->force, allowed_at);
	last = recent_find(d, &r->prefix, r->mux);
	if (last == 0 || r->force || now - last >= ANN_CHANGE_INTERVAL)
		return 0;
	*allowed_at = last + ANN_CHANGE_INTERVAL;
	return -1;
}

static void
rate_refusal(struct strbuf *reply, const char *pfx, time_t allowed_at)
{
	struct tm tm;
	char when[32];

	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&allowed_at, &tm));
	strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s was changed less than 10 "
	    "minutes ago (route-flap dampening): change it again after %s, or "
	    "add --force\n", pfx, when);
}

static void
request_announce(struct bgpd *d, const struct ann_request *r,
    struct strbuf *reply)
{
	static struct snapshot sn;
	struct ann_entry e;
	char err[512], pfx[PREFIX_STRLEN];
	time_t now = time(NULL), allowed_at;
	int rc;

	rc = rate_gate(d, r, now, &allowed_at);
	prefix_format(&r->prefix, pfx, sizeof(pfx));
	if (rc == 1) {
		strbuf_printf(reply, "%s: already announced with these "
		    "attributes: nothing sent\n", pfx);
		return;
	}
	if (rc == -1) {
		rate_refusal(reply, pfx, allowed_at);
		return;
	}
	if (!r->no_dataplane && dataplane_add(&r->prefix, err,
	    sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "data plane for %s: "
		    "%s (add -R to announce without it)\n", pfx, err);
		return;
	}
	snapshot_take(d, &r->prefix, &sn);
	memset(&e, 0, sizeof(e));
	e.prefix = r->prefix;
	snprintf(e.mux, sizeof(e.mux), "%s", r->mux);
	e.attrs = r->attrs;
	e.no_dataplane = r->no_dataplane;
	e.last_change = now;
	if (ann_store_set(&d->ann, &e) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "too many "
		    "announcements\n");
		return;
	}
	if (store_commit(d, reply) == -1) {
		ann_store_remove(&d->ann, &r->prefix, r->mux);
		return;
	}
	export_changes(d, &r->prefix, sn.effective, sn.attrs);
	strbuf_printf(reply, "%s: announced to %s\n", pfx,
	    r->mux[0] ? r->mux : "all muxes");
}

static void
request_withdraw(struct bgpd *d, const struct ann_request *r,
    struct strbuf *reply)
{
	static struct snapshot sn;
	char err[512], pfx[PREFIX_STRLEN];
	bool gone = false;

	prefix_format(&r->prefix, pfx, sizeof(pfx));
	snapshot_take(d, &r->prefix, &sn);
	if (r->mux[0] == '\0') {
		/* From all muxes: every entry of the prefix. */
		while (d->ann.n > 0) {
			struct ann_entry *e = NULL;

			for (size_t i = 0; i < d->ann.n && e == NULL; i++)
				if (prefix_equal(&d->ann.e[i].prefix,
				    &r->prefix))
					e = &d->ann.e[i];
			if (e == NULL)
				break;
			ann_store_remove(&d->ann, &r->prefix, e->mux);
			gone = true;
		}
	} else if (ann_store_find(&d->ann, &r->prefix, r->mux) != NULL) {
		ann_store_remove(&d->ann, &r->prefix, r->mux);
		gone = true;
	} else if (mux_find(&d->muxes, r->mux) != NULL &&
	    ann_store_find(&d->ann, &r->prefix, ANN_MUX_ALL) != NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s is announced to "
		    "all muxes: withdraw it from all, then announce it to the "
		    "muxes you want\n", pfx);
		return;
	}
	if (!gone) {
		strbuf_printf(reply, "%s: not announced%s%s: nothing sent\n",
		    pfx, r->mux[0] ? " to " : "", r->mux);
		return;
	}
	if (store_commit(d, reply) == -1)
		return;
	recent_note(d, &r->prefix, r->mux, time(NULL));
	export_changes(d, &r->prefix, sn.effective, sn.attrs);
	/* -R on a withdraw leaves the data plane alone, as it always did. */
	if (!r->no_dataplane && !ann_store_has_prefix(&d->ann, &r->prefix) &&
	    dataplane_remove(&r->prefix, err, sizeof(err)) == -1)
		log_warn("data plane of %s: %s", pfx, err);
	strbuf_printf(reply, "%s: withdrawn from %s\n", pfx,
	    r->mux[0] ? r->mux : "all muxes");
}

void
exports_request(struct bgpd *d, const struct ann_request *r,
    struct strbuf *reply)
{
	struct ann_policy pol;
	struct prefix *owned;
	char err[512];

	/* The gates run here, whoever sent the request (DESIGN.md). */
	if (policy_load(d, &pol, &owned, err, sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
		return;
	}
	if (ann_check(r, &pol, err, sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
		free(owned);
		return;
	}
	free(owned);
	if (r->mux[0] != '\0' && !session_named(d, r->mux)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "mux unknown: %s\n",
		    r->mux);
		return;
	}
	/* A dry run (JSON files check every request first): the gates
	 * only; a pass answers nothing. */
	if (r->check) {
		time_t allowed_at;
		char pfx[PREFIX_STRLEN];

		if (!r->withdraw && rate_gate(d, r, time(NULL),
		    &allowed_at) == -1)
			rate_refusal(reply, prefix_format(&r->prefix, pfx,
			    sizeof(pfx)), allowed_at);
		return;
	}
	if (r->withdraw)
		request_withdraw(d, r, reply);
	else
		request_announce(d, r, reply);
}

void
exports_clear(struct bgpd *d, struct strbuf *reply)
{
	char err[512];
	size_t n = d->ann.n;
	int rules;

	while (d->ann.n > 0) {
		struct ann_entry e = d->ann.e[d->ann.n - 1];
		static struct snapshot sn;

		snapshot_take(d, &e.prefix, &sn);
		ann_store_remove(&d->ann, &e.prefix, e.mux);
		export_changes(d, &e.prefix, sn.effective, sn.attrs);
		if (!ann_store_has_prefix(&d->ann, &e.prefix) &&
		    !e.no_dataplane &&
		    dataplane_remove(&e.prefix, err, sizeof(err)) == -1)
			log_warn("data plane: %s", err);
	}
	if (ann_store_save(&d->ann, err, sizeof(err)) == -1)
		log_warn("%s", err);
	rules = dataplane_flush_rules(err, sizeof(err));
	strbuf_printf(reply, "%zu announcements withdrawn, %d source-routing "
	    "rules removed\n", n, rules < 0 ? 0 : rules);
}

int
exports_open(struct bgpd *d, char *err, size_t errlen)
{
	char path[4200], e[512];

	snprintf(path, sizeof(path), "%s/var/announcements.json",
	    d->paths.client_dir);
	ann_store_init(&d->ann, path);
	if (ann_store_load(&d->ann, err, errlen) == -1)
		return -1;
	/* As `bgp start` always did: no rule from an earlier life stays;
	 * the announcements kept get theirs back. */
	dataplane_flush_rules(e, sizeof(e));
	for (size_t i = 0; i < d->ann.n; i++)
		if (!d->ann.e[i].no_dataplane &&
		    dataplane_add(&d->ann.e[i].prefix, e, sizeof(e)) == -1)
			log_warn("data plane: %s", e);
	if (d->ann.n > 0)
		log_info("%zu announcements kept from before: announcing "
		    "them again", d->ann.n);
	return 0;
}

void
exports_close(struct bgpd *d)
{
	ann_store_free(&d->ann);
}

static void
show_entry_text(struct strbuf *reply, const struct ann_entry *e)
{
	uint32_t as[ANN_MAX_PATH];
	size_t n = ann_aspath(&e->attrs, as, ANN_MAX_PATH);
	char pfx[PREFIX_STRLEN];

	strbuf_printf(reply, "%-20s [%s] (100) [AS", prefix_format(&e->prefix,
	    pfx, sizeof(pfx)), e->mux[0] ? e->mux : "all");
	for (size_t i = 0; i < n; i++)
		strbuf_printf(reply, "%s%u", i ? " " : "", as[i]);
	strbuf_printf(reply, "i]%s\n", e->attrs.container_nexthop ?
	    " via container" : "");
	if (e->attrs.n_communities > 0) {
		strbuf_printf(reply, "\tBGP.community:");
		for (size_t i = 0; i < e->attrs.n_communities; i++)
			strbuf_printf(reply, " (%u,%u)",
			    e->attrs.communities[i] >> 16,
			    e->attrs.communities[i] & 0xffff);
		strbuf_printf(reply, "\n");
	}
	if (e->attrs.n_large > 0) {
		strbuf_printf(reply, "\tBGP.large_community:");
		for (size_t i = 0; i < e->attrs.n_large; i++)
			strbuf_printf(reply, " (%u, %u, %u)",
			    e->attrs.large[i][0], e->attrs.large[i][1],
			    e->attrs.large[i][2]);
		strbuf_printf(reply, "\n");
	}
}

static cJSON *
entry_json(const struct ann_entry *e)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	uint32_t as[ANN_MAX_PATH];
	size_t n = ann_aspath(&e->attrs, as, ANN_MAX_PATH);
	char pfx[PREFIX_STRLEN];

	cJSON_AddStringToObject(o, "prefix", prefix_format(&e->prefix, pfx,
	    sizeof(pfx)));
	cJSON_AddStringToObject(o, "mux", e->mux[0] ? e->mux : "all");
	arr = cJSON_AddArrayToObject(o, "as_path");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(as[i]));
	arr = cJSON_AddArrayToObject(o, "communities");
	for (size_t i = 0; i < e->attrs.n_communities; i++) {
		cJSON *c = cJSON_CreateArray();

		cJSON_AddItemToArray(c, cJSON_CreateNumber(
		    e->attrs.communities[i] >> 16));
		cJSON_AddItemToArray(c, cJSON_CreateNumber(
		    e->attrs.communities[i] & 0xffff));
		cJSON_AddItemToArray(arr, c);
	}
	arr = cJSON_AddArrayToObject(o, "large_communities");
	for (size_t i = 0; i < e->attrs.n_large; i++) {
		cJSON *c = cJSON_CreateArray();

		for (size_t k = 0; k < 3; k++)
			cJSON_AddItemToArray(c,
			    cJSON_CreateNumber(e->attrs.large[i][k]));
		cJSON_AddItemToArray(arr, c);
	}
	cJSON_AddBoolToObject(o, "container_nexthop",
	    e->attrs.container_nexthop);
	cJSON_AddBoolToObject(o, "dataplane", !e->no_dataplane);
	cJSON_AddNumberToObject(o, "last_change", (double)e->last_change);
	return o;
}

void
exports_show(struct bgpd *d, const char *name, bool json, struct strbuf *reply)
{
	cJSON *root = json ? cJSON_CreateObject() : NULL, *arr = NULL;
	char *text;

	if (!session_named(d, name)) {
		cJSON_Delete(root);
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "mux unknown: %s\n",
		    name);
		return;
	}
	if (root != NULL)
		arr = cJSON_AddArrayToObject(root, "exported");
	for (size_t i = 0; i < d->ann.n; i++) {
		const struct ann_entry *e = &d->ann.e[i];

		if (ann_store_effective(&d->ann, &e->prefix, name,
		    mux_find(&d->muxes, name) != NULL) != e)
			continue;
		if (arr != NULL)
			cJSON_AddItemToArray(arr, entry_json(e));
		else
			show_entry_text(reply, e);
	}
	if (root == NULL)
		return;
	text = cJSON_PrintUnformatted(root);
	if (text != NULL)
		strbuf_printf(reply, "%s\n", text);
	cJSON_free(text);
	cJSON_Delete(root);
}
