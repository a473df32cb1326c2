/*
 * The export decision (ann_decide.h): the gates, the plan and the
 * change-rate rule for one request; its application to the store; the
 * words that answer the user.
 */
#include "ann_decide.h"

#include <stdio.h>
#include <string.h>

#include "../ctl/control.h"

/* A withdrawal of what the store keeps passes whatever the gates now say
 * (a prefix taken out of prefixes.txt, a mux no longer configured). */
static bool
withdraw_of_kept(const struct ann_store *s, const struct ann_request *r)
{
	if (!r->withdraw)
		return false;
	if (r->mux[0] == '\0')
		return ann_store_has_prefix(s, &r->prefix);
	return ann_store_effective(s, &r->prefix, r->mux, false) != NULL;
}

static bool
session_named(const struct ann_state *st, const char *name)
{
	for (size_t i = 0; i < st->n_sessions; i++)
		if (strcmp(st->sessions[i].name, name) == 0)
			return true;
	return false;
}

/* Step 1: 0, or -1 with the refusal in out->why. */
static int
decide_gates(const struct ann_state *st, const struct ann_request *r,
    struct ann_decision *out)
{
	if (withdraw_of_kept(st->store, r))
		return 0;
	if (st->pol == NULL) {
		snprintf(out->why, sizeof(out->why), "%s", st->pol_err != NULL ?
		    st->pol_err : "the prefix lists were not read");
		return -1;
	}
	if (ann_check(r, st->pol, out->why, sizeof(out->why)) == -1)
		return -1;
	if (r->mux[0] != '\0' && !session_named(st, r->mux)) {
		snprintf(out->why, sizeof(out->why), "mux unknown: %s",
		    r->mux);
		return -1;
	}
	return 0;
}

/* The sessions of r's family, as the plan wants them. */
static void
decide_targets(const struct ann_state *st, const struct ann_request *r,
    struct ann_decision *out)
{
	for (size_t i = 0; i < st->n_sessions && i < ANN_SESSIONS_MAX; i++) {
		const struct ann_session *s = &st->sessions[i];

		if (s->af != r->prefix.af)
			continue;
		out->t[out->nt].name = s->name;
		out->t[out->nt].hears_all = s->hears_all;
		out->t[out->nt].testbed = s->testbed;
		out->t[out->nt].wire = ANN_WIRE_SAME;
		out->session[out->nt++] = i;
	}
}

void
ann_decide(const struct ann_state *st, const struct ann_request *r,
    time_t now, struct ann_decision *out)
{
	out->verdict = ANN_REFUSED;
	out->why[0] = '\0';
	memset(&out->plan, 0, sizeof(out->plan));
	out->nt = 0;
	for (size_t i = 0; i < ANN_SESSIONS_MAX; i++)
		out->wire[i] = ANN_WIRE_SAME;
	if (decide_gates(st, r, out) == -1)
		return;
	decide_targets(st, r, out);
	/* Steps 2 and 3. */
	ann_plan_make(st->store, r, out->t, out->nt, now, &out->plan);
	out->verdict = out->plan.verdict;
	for (size_t j = 0; j < out->nt; j++)
		out->wire[out->session[j]] = out->t[j].wire;
}

/* ---- the answer ---- */

static void
reply_too_soon(struct strbuf *reply, const char *pfx,
    const struct ann_plan *pl)
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
ann_decision_code(const struct ann_decision *d)
{
	switch (d->verdict) {
	case ANN_APPLY:
		return 0;
	case ANN_NOOP:
	case ANN_NOT_ANNOUNCED:
		return 1;
	default:
		return -1;
	}
}

int
ann_decision_reply(const struct ann_request *r, const struct ann_decision *d,
    struct strbuf *reply)
{
	char pfx[PREFIX_STRLEN];

	prefix_format(&r->prefix, pfx, sizeof(pfx));
	switch (d->verdict) {
	case ANN_APPLY:
		return 0;
	case ANN_REFUSED:
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", d->why);
		return -1;
	case ANN_TOO_SOON:
		reply_too_soon(reply, pfx, &d->plan);
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

/* ---- the application ---- */

static int
apply_entry(struct ann_store *s, const struct ann_request *r, time_t now,
    struct ann_undo *undo)
{
	struct ann_entry e, *cur;

	if (r->withdraw) {
		ann_store_withdraw(s, &r->prefix, r->mux);
		return 0;
	}
	if (undo != NULL) {
		undo->n = 0;
		undo->had = false;
		cur = ann_store_find(s, &r->prefix, r->mux);
		if ((undo->had = cur != NULL))
			undo->old = *cur;
	}
	ann_entry_from_request(r, now, &e);
	return ann_store_set(s, &e);
}

int
ann_apply(struct ann_store *s, const struct ann_request *r,
    const struct ann_target *t, size_t nt, time_t now,
    struct ann_undo *undo)
{
	time_t prev;

	if (apply_entry(s, r, now, undo) == -1)
		return ANN_APPLY_FULL;
	for (size_t i = 0; i < nt; i++) {
		if (t[i].wire == ANN_WIRE_SAME)
			continue;
		if (ann_store_change_note(s, &r->prefix, t[i].name, now,
		    &prev) == -1) {
			return ANN_APPLY_RECORDS_FULL;
		}
		if (undo != NULL && undo->n < ANN_SESSIONS_MAX) {
			undo->mux[undo->n] = t[i].name;
			undo->prev[undo->n++] = prev;
		}
	}
	return 0;
}

void
ann_undo(struct ann_store *s, const struct ann_request *r,
    const struct ann_undo *u)
{
	if (u->had)
		ann_store_set(s, &u->old);
	else
		ann_store_remove(s, &r->prefix, r->mux);
	for (size_t i = 0; i < u->n; i++)
		ann_store_change_note(s, &r->prefix, u->mux[i], u->prev[i],
		    NULL);
}

/* ---- several changes of one prefix at once ---- */

void
ann_heard_take(const struct ann_store *s, const struct ann_session *ss,
    size_t ns, const struct prefix *p, struct ann_heard *h)
{
	for (size_t i = 0; i < ns; i++) {
		const struct ann_entry *e = ann_store_effective(s, p,
		    ss[i].name, ss[i].hears_all);

		memset(&h[i], 0, sizeof(h[i]));
		h[i].had = e != NULL;
		if (e != NULL)
			h[i].attrs = e->attrs;
	}
}

int
ann_heard_note(struct ann_store *s, const struct ann_session *ss, size_t ns,
    const struct prefix *p, const struct ann_heard *h, time_t now,
    enum ann_wire *wire)
{
	int rc = 0;

	for (size_t i = 0; i < ns; i++) {
		const struct ann_entry *e = ann_store_effective(s, p,
		    ss[i].name, ss[i].hears_all);

		wire[i] = ANN_WIRE_SAME;
		if (ss[i].af != p->af)
			continue;
		if (e == NULL)
			wire[i] = h[i].had ? ANN_WIRE_WITHDRAW : ANN_WIRE_SAME;
		else if (!h[i].had || !ann_attrs_equal(&h[i].attrs, &e->attrs))
			wire[i] = ANN_WIRE_ANNOUNCE;
		if (wire[i] != ANN_WIRE_SAME && ann_store_change_note(s, p,
		    ss[i].name, now, NULL) == -1)
			rc = -1;
	}
	return rc;
}
