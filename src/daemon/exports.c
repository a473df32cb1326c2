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
#include "events.h"
#include "experiment.h"
#include "exports_int.h"
#include "../announce/ann_store.h"
#include "../announce/announce_io.h"
#include "../announce/export_attrs.h"
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

/* One UPDATE of p for s, announced with a or withdrawn (a NULL), into w. */
static void
export_pack(struct session *s, const struct prefix *p,
    const struct bgp_attrs *a, struct wbuf *w)
{
	static uint8_t msg[BGP_EXT_MAX_LEN];
	struct bgp_packer pk;

	wbuf_init(w, msg, sizeof(msg));
	bgp_packer_init(&pk, &s->params.tx, s->conf.af, a);
	bgp_packer_add(&pk, p, 0, w);
	bgp_packer_flush(&pk, w);
}

/* The withdrawal of p on s, and who hears of it once it went. */
static void
export_withdraw(struct bgpd *d, struct session *s, const struct prefix *p)
{
	struct wbuf w;

	export_pack(s, p, NULL, &w);
	if (!session_send(s, &w))
		return;
	adj_out_withdrawn(&d->adj_out, s->conf.name, p);
	experiment_note_update(d, s, p, NULL);
	events_update(d, s, p, NULL);
}

/* The announcement of e on s: its next hop, the attributes s hears
 * (export_attrs), the UPDATE, and who hears of it once it went. */
static void
export_announce(struct bgpd *d, struct session *s, const struct prefix *p,
    const struct ann_entry *e)
{
	static struct export_bufs bufs;
	struct export_peer peer = { s->conf.af, s->params.ibgp,
	    s->conf.local_as };
	char why[256], pfx[PREFIX_STRLEN];
	struct bgp_attrs a;
	struct prefix nh;
	struct wbuf w;

	if (export_nexthop(d, s, e, &nh, why, sizeof(why)) == -1) {
		log_warn("%s/%s: no next hop for %s (%s): not announced",
		    s->conf.name, session_af_name(s),
		    prefix_format(p, pfx, sizeof(pfx)), why);
		return;
	}
	export_attrs(&e->attrs, &peer, &nh, &bufs, &a);
	export_pack(s, p, &a, &w);
	if (!session_send(s, &w))
		return;
	if (adj_out_announced(&d->adj_out, s->conf.name, p, &e->attrs, &peer,
	    &nh, time(NULL)) == -1)
		log_warn("%s/%s: out of memory for the Adj-RIB-Out",
		    s->conf.name, session_af_name(s));
	experiment_note_update(d, s, p, e);
	events_update(d, s, p, &a);
}

/* One UPDATE announcing e on s, or withdrawing p when e is NULL. */
static void
export_send(struct bgpd *d, struct session *s, const struct prefix *p,
    const struct ann_entry *e)
{
	/* A session that is not up gets its whole export when it comes up
	 * (exports_session_up); it has no next hop before. */
	if (s->fsm.state != BGP_STATE_ESTABLISHED)
		return;
	if (e == NULL)
		export_withdraw(d, s, p);
	else
		export_announce(d, s, p, e);
}

/*
 * "All muxes" means every PEERING mux (configs/openvpn/): a configured
 * `neighbor` hears an announcement only when it is named (docs/announce.md).
 */
bool
exports_hears_all(const struct bgpd *d, const struct session *s)
{
	return mux_find(&d->muxes, s->conf.name) != NULL;
}

bool
exports_testbed(const struct bgpd *d, const struct session *s)
{
	const struct mux *m = mux_find(&d->muxes, s->conf.name);

	return m != NULL && (d->mux_testbed >> m->tap & 1) != 0;
}

size_t
exports_session_names(const struct bgpd *d, const char **names)
{
	size_t n = 0;

	for (unsigned i = 0; i < d->n_sessions; i++) {
		const char *s = d->sessions[i]->conf.name;
		size_t k;

		for (k = 0; k < n && strcmp(names[k], s) != 0; k++)
			;
		if (k == n)
			names[n++] = s;
	}
	return n;
}

bool
exports_session_named(const struct bgpd *d, const char *name)
{
	for (unsigned i = 0; i < d->n_sessions; i++)
		if (strcmp(d->sessions[i]->conf.name, name) == 0)
			return true;
	return false;
}

size_t
exports_sessions(const struct bgpd *d, struct ann_session *ss)
{
	for (unsigned i = 0; i < d->n_sessions; i++) {
		const struct session *s = d->sessions[i];

		ss[i].name = s->conf.name;
		ss[i].af = s->conf.af;
		ss[i].hears_all = exports_hears_all(d, s);
		ss[i].testbed = exports_testbed(d, s);
	}
	return d->n_sessions;
}

void
exports_view_open(struct bgpd *d, struct exports_view *v)
{
	v->st.store = &d->ann;
	v->st.sessions = v->s;
	v->st.n_sessions = exports_sessions(d, v->s);
	v->st.pol_err = v->pol_err;
	v->st.pol = exports_policy_load(d, &v->pol, &v->owned, v->pol_err,
	    sizeof(v->pol_err)) == 0 ? &v->pol : NULL;
}

void
exports_view_free(struct exports_view *v)
{
	free(v->owned);
	v->owned = NULL;
}

/* The entry s exports for p, or NULL. */
static const struct ann_entry *
session_effective(const struct bgpd *d, const struct session *s,
    const struct prefix *p)
{
	return ann_store_effective(&d->ann, p, s->conf.name,
	    exports_hears_all(d, s));
}

void
exports_session_up(struct bgpd *d, struct session *s)
{
	adj_out_reset(&d->adj_out, s->conf.name, s->conf.af);
	for (size_t i = 0; i < d->ann.n; i++) {
		const struct ann_entry *e = &d->ann.e[i];

		if (e->prefix.af != s->conf.af ||
		    session_effective(d, s, &e->prefix) != e)
			continue;
		export_send(d, s, &e->prefix, e);
	}
}

/*
 * Several changes of p at once, session by session: what each heard
 * before (copied: the store may move its entries), then once the store
 * has changed, which of them hear a change, noted for the change-rate
 * rule (ann_heard_*), to be sent.
 */
void
exports_diff_begin(struct bgpd *d, const struct prefix *p,
    struct exports_diff *df)
{
	static struct ann_session ss[BGPD_MAX_SESSIONS];
	size_t ns = exports_sessions(d, ss);

	ann_heard_take(&d->ann, ss, ns, p, df->h);
}

int
exports_diff_note(struct bgpd *d, const struct prefix *p,
    struct exports_diff *df, time_t now)
{
	static struct ann_session ss[BGPD_MAX_SESSIONS];
	size_t ns = exports_sessions(d, ss);

	return ann_heard_note(&d->ann, ss, ns, p, df->h, now, df->wire);
}

/* Sends each session that hears a change what it now exports for p. */
void
exports_changes_send(struct bgpd *d, const struct prefix *p,
    const enum ann_wire *wire)
{
	for (unsigned i = 0; i < d->n_sessions; i++) {
		struct session *s = d->sessions[i];

		if (s->conf.af == p->af && wire[i] != ANN_WIRE_SAME)
			export_send(d, s, p, session_effective(d, s, p));
	}
}
