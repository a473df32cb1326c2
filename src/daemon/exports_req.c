/*
 * announce and withdraw from the control socket, and `clear
 * announcements`: the gates, the plan (ann_plan: what each session would
 * hear, and the change-rate rule), then the store, its save and the
 * UPDATEs, in that order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "exports.h"
#include "exports_int.h"
#include "../announce/ann_plan.h"
#include "../announce/announce_io.h"
#include "../lib/log.h"
#include "../netns/dataplane.h"

size_t
exports_plan_targets(const struct bgpd *d, const struct prefix *p,
    struct ann_target *t)
{
	size_t n = 0;

	for (unsigned i = 0; i < d->n_sessions; i++) {
		const struct session *s = d->sessions[i];

		if (s->conf.af != p->af)
			continue;
		t[n].name = s->conf.name;
		t[n].hears_all = exports_hears_all(d, s);
		t[n].testbed = exports_testbed(d, s);
		t[n].wire = ANN_WIRE_SAME;
		n++;
	}
	return n;
}

static void
rate_refusal(struct strbuf *reply, const char *pfx, const struct ann_plan *pl)
{
	struct tm tm;
	char when[32], others[48] = "";

	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&pl->allowed_at,
	    &tm));
	if (pl->n_waiting > 1)
		snprintf(others, sizeof(others), " and %zu other mux%s",
		    pl->n_waiting - 1, pl->n_waiting > 2 ? "es" : "");
	strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s was changed less than 10 "
	    "minutes ago at %s%s (route-flap dampening): change it again "
	    "after %s, or add --force\n", pfx, pl->waiting, others, when);
}

int
exports_plan_answer(const struct ann_request *r, const struct ann_plan *pl,
    struct strbuf *reply)
{
	char pfx[PREFIX_STRLEN];

	prefix_format(&r->prefix, pfx, sizeof(pfx));
	switch (pl->verdict) {
	case ANN_APPLY:
		return 0;
	case ANN_TOO_SOON:
		rate_refusal(reply, pfx, pl);
		return -1;
	case ANN_WITHDRAW_ALL_FIRST:
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s is announced to "
		    "all muxes: withdraw it from all, then announce it to the "
		    "muxes you want\n", pfx);
		return -1;
	case ANN_NOOP:
		if (!r->check)
			strbuf_printf(reply, "%s: already announced with these "
			    "attributes: nothing sent\n", pfx);
		return 1;
	case ANN_NOT_ANNOUNCED:
		if (!r->check)
			strbuf_printf(reply, "%s: not announced%s%s: nothing "
			    "sent\n", pfx, r->mux[0] ? " to " : "", r->mux);
		return 1;
	}
	return -1;
}

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
    const struct ann_entry *old, struct exports_diff *df, bool dp_added)
{
	char err[512];

	if (old != NULL)
		ann_store_set(&d->ann, old);
	else
		ann_store_remove(&d->ann, &r->prefix, r->mux);
	exports_diff_undo(d, &r->prefix, df);
	if (dp_added && !exports_dataplane_kept(d, &r->prefix) &&
	    dataplane_remove(&r->prefix, err, sizeof(err)) == -1)
		log_warn("data plane of a refused announcement: %s", err);
}

static void
request_announce(struct bgpd *d, const struct ann_request *r,
    struct strbuf *reply)
{
	static struct exports_diff df;
	struct ann_entry e, old, *cur;
	char err[512], pfx[PREFIX_STRLEN];
	time_t now = time(NULL);
	bool had_old, dp_added = false;

	prefix_format(&r->prefix, pfx, sizeof(pfx));
	/* Added again even where it is (it is idempotent): repairs a rule
	 * removed by hand. */
	if (!r->no_dataplane) {
		dp_added = !exports_dataplane_kept(d, &r->prefix);
		if (dataplane_add(&r->prefix, err, sizeof(err)) == -1) {
			strbuf_printf(reply, CONTROL_ERROR_PREFIX "data plane "
			    "for %s: %s (add -R to announce without it)\n",
			    pfx, err);
			return;
		}
	}
	exports_diff_begin(d, &r->prefix, &df);
	if ((had_old = (cur = ann_store_find(&d->ann, &r->prefix,
	    r->mux)) != NULL))
		old = *cur;
	ann_entry_from_request(r, now, &e);
	if (ann_store_set(&d->ann, &e) == -1) {
		announce_undo(d, r, had_old ? &old : NULL, &df, dp_added);
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "too many "
		    "announcements\n");
		return;
	}
	if (exports_diff_note(d, &r->prefix, &df, now) == -1) {
		announce_undo(d, r, had_old ? &old : NULL, &df, dp_added);
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: more than %d "
		    "changes in the last 10 minutes are remembered: wait, or "
		    "withdraw\n", pfx, ANN_STORE_MAX);
		return;
	}
	/* Saved before anything is sent: a store the file does not hold
	 * would be lost at a restart, with the mux still hearing it. */
	if (exports_save(d, err, sizeof(err)) == -1) {
		announce_undo(d, r, had_old ? &old : NULL, &df, dp_added);
		log_warn("%s not announced: cannot save %s (%s)", pfx,
		    d->ann.path, err);
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s not announced, "
		    "nothing sent: cannot save the announcements (%s)\n", pfx,
		    err);
		return;
	}
	exports_diff_send(d, &r->prefix, &df);
	strbuf_printf(reply, "%s: announced to %s\n", pfx,
	    r->mux[0] ? r->mux : "all muxes");
}

static void
request_withdraw(struct bgpd *d, const struct ann_request *r,
    struct strbuf *reply)
{
	static struct exports_diff df;
	char err[512], pfx[PREFIX_STRLEN];
	bool saved;

	prefix_format(&r->prefix, pfx, sizeof(pfx));
	exports_diff_begin(d, &r->prefix, &df);
	ann_store_withdraw(&d->ann, &r->prefix, r->mux);
	if (exports_diff_note(d, &r->prefix, &df, time(NULL)) == -1)
		log_warn("%s: withdrawn, but the change-rate records are full: "
		    "not every mux's withdrawal is remembered", pfx);
	/* A withdrawal goes out whatever the save says: stopping is never
	 * the risk, and a mux kept hearing what memory forgot would be an
	 * orphan no withdraw could reach. */
	saved = exports_save(d, err, sizeof(err)) == 0;
	if (!saved)
		exports_save_failed(d, err);
	exports_diff_send(d, &r->prefix, &df);
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

/*
 * Withdrawing what is kept always works, even when the gates would now
 * refuse it: a prefix taken out of prefixes.txt, a mux no longer
 * configured. Stopping is never the risk.
 */
bool
exports_withdraw_of_kept(struct ann_store *s, const struct ann_request *r)
{
	if (!r->withdraw)
		return false;
	if (r->mux[0] == '\0')
		return ann_store_has_prefix(s, &r->prefix);
	return ann_store_find(s, &r->prefix, r->mux) != NULL;
}

int
exports_gates(struct bgpd *d, const struct ann_policy *pol,
    const struct ann_request *r, struct strbuf *reply)
{
	char err[512];

	if (ann_check(r, pol, err, sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
		return -1;
	}
	if (r->mux[0] != '\0' && !exports_session_named(d, r->mux)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "mux unknown: %s\n",
		    r->mux);
		return -1;
	}
	return 0;
}

static int
request_gates(struct bgpd *d, const struct ann_request *r,
    struct strbuf *reply)
{
	struct ann_policy pol;
	struct prefix *owned;
	char err[512];
	int rc;

	if (exports_policy_load(d, &pol, &owned, err, sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
		return -1;
	}
	rc = exports_gates(d, &pol, r, reply);
	free(owned);
	return rc;
}

void
exports_request(struct bgpd *d, const struct ann_request *r,
    struct strbuf *reply)
{
	static struct ann_target t[BGPD_MAX_SESSIONS];
	struct ann_plan pl;
	size_t nt;

	/* The gates run here, whoever sent the request (DESIGN.md). */
	if (!exports_withdraw_of_kept(&d->ann, r) &&
	    request_gates(d, r, reply) == -1)
		return;
	nt = exports_plan_targets(d, &r->prefix, t);
	ann_plan_make(&d->ann, r, t, nt, time(NULL), &pl);
	/* A dry run (JSON files check every request first) stops here; a
	 * pass answers nothing. */
	if (exports_plan_answer(r, &pl, reply) != 0 || r->check)
		return;
	if (r->withdraw)
		request_withdraw(d, r, reply);
	else
		request_announce(d, r, reply);
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
	exports_diff_send(d, &e.prefix, &df);
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
