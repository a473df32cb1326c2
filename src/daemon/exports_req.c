/*
 * announce and withdraw from the control socket, and `clear
 * announcements`: the I/O around the decision. ann_decide
 * (src/announce/ann_decide.h) says whether a request goes and which
 * sessions hear it; here the data plane, the store changed as it says
 * (ann_apply), its save, then the UPDATEs, in that order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "exports.h"
#include "exports_int.h"
#include "../lib/log.h"
#include "../netns/dataplane.h"

bool
exports_dataplane_kept(struct bgpd *d, const struct prefix *p)
{
	for (size_t i = 0; i < d->ann.n; i++)
		if (prefix_equal(&d->ann.e[i].prefix, p) &&
		    !d->ann.e[i].no_dataplane)
			return true;
	return false;
}

/* The store as it was before request_announce changed it. */
static void
announce_undo(struct bgpd *d, const struct ann_request *r,
    const struct ann_undo *u, bool dp_added)
{
	char err[512];

	ann_undo(&d->ann, r, u);
	if (dp_added && !exports_dataplane_kept(d, &r->prefix) &&
	    dataplane_remove(&r->prefix, err, sizeof(err)) == -1)
		log_warn("data plane of a refused announcement: %s", err);
}

/* The data plane of an announcement; -1 with the refusal in reply. */
static int
announce_dataplane(struct bgpd *d, const struct ann_request *r,
    bool *dp_added, struct strbuf *reply)
{
	char err[512], pfx[PREFIX_STRLEN];

	*dp_added = false;
	if (r->no_dataplane)
		return 0;
	/* Added again even where it is (it is idempotent): repairs a rule
	 * removed by hand. */
	*dp_added = !exports_dataplane_kept(d, &r->prefix);
	if (dataplane_add(&r->prefix, err, sizeof(err)) == 0)
		return 0;
	strbuf_printf(reply, CONTROL_ERROR_PREFIX "data plane for %s: %s (add "
	    "-R to announce without it)\n", prefix_format(&r->prefix, pfx,
	    sizeof(pfx)), err);
	return -1;
}

static void
request_announce(struct bgpd *d, const struct ann_request *r,
    const struct ann_decision *dec, time_t now, struct strbuf *reply)
{
	static struct ann_undo u;
	char err[512], pfx[PREFIX_STRLEN];
	bool dp_added;

	prefix_format(&r->prefix, pfx, sizeof(pfx));
	if (announce_dataplane(d, r, &dp_added, reply) == -1)
		return;
	switch (ann_apply(&d->ann, r, dec->t, dec->nt, now, &u)) {
	case ANN_APPLY_FULL:
		announce_undo(d, r, &u, dp_added);
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "too many "
		    "announcements\n");
		return;
	case ANN_APPLY_RECORDS_FULL:
		announce_undo(d, r, &u, dp_added);
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: more than %d "
		    "changes in the last 10 minutes are remembered: wait, or "
		    "withdraw\n", pfx, ANN_STORE_MAX);
		return;
	}
	/* Saved before anything is sent: a store the file does not hold
	 * would be lost at a restart, with the mux still hearing it. */
	if (exports_save(d, err, sizeof(err)) == -1) {
		announce_undo(d, r, &u, dp_added);
		log_warn("%s not announced: cannot save %s (%s)", pfx,
		    d->ann.path, err);
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s not announced, "
		    "nothing sent: cannot save the announcements (%s)\n", pfx,
		    err);
		return;
	}
	exports_changes_send(d, &r->prefix, dec->wire);
	strbuf_printf(reply, "%s: announced to %s\n", pfx,
	    r->mux[0] ? r->mux : "all muxes");
}

static void
request_withdraw(struct bgpd *d, const struct ann_request *r,
    const struct ann_decision *dec, time_t now, struct strbuf *reply)
{
	char err[512], pfx[PREFIX_STRLEN];
	bool saved;

	prefix_format(&r->prefix, pfx, sizeof(pfx));
	if (ann_apply(&d->ann, r, dec->t, dec->nt, now, NULL) != 0)
		log_warn("%s: withdrawn, but the change-rate records are full: "
		    "not every mux's withdrawal is remembered", pfx);
	/* A withdrawal goes out whatever the save says: stopping is never
	 * the risk, and a mux kept hearing what memory forgot would be an
	 * orphan no withdraw could reach. */
	saved = exports_save(d, err, sizeof(err)) == 0;
	if (!saved)
		exports_save_failed(d, err);
	exports_changes_send(d, &r->prefix, dec->wire);
	/* -R on a withdraw leaves the data plane alone, as it always did. */
	if (!r->no_dataplane && !ann_store_has_prefix(&d->ann, &r->prefix) &&
	    dataplane_remove(&r->prefix, err, sizeof(err)) == -1)
		log_warn("data plane of %s: %s", pfx, err);
	strbuf_printf(reply, "%s: withdrawn from %s\n", pfx,
	    r->mux[0] ? r->mux : "all muxes");
	if (!saved)
		strbuf_printf(reply, "warning: not saved to %s (%s): a restart "
		    "now would announce it again; the daemon tries the save "
		    "again (bgp status)\n", d->ann.path, d->exp.save_err);
}

void
exports_request(struct bgpd *d, const struct ann_request *r,
    struct strbuf *reply)
{
	static struct exports_view v;
	static struct ann_decision dec;
	time_t now = time(NULL);

	/* The whole decision, whoever sent the request (DESIGN.md). */
	exports_view_open(d, &v);
	ann_decide(&v.st, r, now, &dec);
	exports_view_free(&v);
	/* A dry run (JSON files check every request first) stops here; a
	 * pass answers nothing. */
	if (ann_decision_reply(r, &dec, reply) != 0 || r->check)
		return;
	if (r->withdraw)
		request_withdraw(d, r, &dec, now, reply);
	else
		request_announce(d, r, &dec, now, reply);
	events_request(d, r, reply);
}

/* Withdraws and forgets e (a copy: the store moves its entries). */
static void
clear_entry(struct bgpd *d, struct ann_entry e, time_t now)
{
	static struct exports_diff df;
	char err[512];

	exports_diff_begin(d, &e.prefix, &df);
	ann_store_remove(&d->ann, &e.prefix, e.mux);
	exports_diff_note(d, &e.prefix, &df, now);
	exports_changes_send(d, &e.prefix, df.wire);
	if (!ann_store_has_prefix(&d->ann, &e.prefix) && !e.no_dataplane &&
	    dataplane_remove(&e.prefix, err, sizeof(err)) == -1)
		log_warn("data plane: %s", err);
}

/* Every announcement of family af (-1: all) withdrawn and forgotten;
 * returns how many. */
static size_t
clear_family(struct bgpd *d, int af)
{
	time_t now = time(NULL);
	size_t n = 0;

	/* From the end: a removal moves no entry below the one removed. */
	for (size_t i = d->ann.n; i-- > 0;) {
		if (i >= d->ann.n ||
		    (af >= 0 && d->ann.e[i].prefix.af != (unsigned)af))
			continue;
		clear_entry(d, d->ann.e[i], now);
		n++;
	}
	return n;
}

void
exports_clear(struct bgpd *d, struct strbuf *reply)
{
	char err[512];
	size_t n = clear_family(d, -1);
	int rules;

	if (exports_save(d, err, sizeof(err)) == -1)
		exports_save_failed(d, err);
	rules = dataplane_flush_rules(err, sizeof(err));
	strbuf_printf(reply, "%zu announcements withdrawn, %d source-routing "
	    "rules removed\n", n, rules < 0 ? 0 : rules);
}

void
exports_clear_family(struct bgpd *d, unsigned af, struct strbuf *reply)
{
	char err[512];
	size_t n = clear_family(d, (int)af);

	if (exports_save(d, err, sizeof(err)) == -1)
		exports_save_failed(d, err);
	strbuf_printf(reply, "%zu %s announcements withdrawn\n", n,
	    af == AF_IDX_IPV4 ? "IPv4" : "IPv6");
}
