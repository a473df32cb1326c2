/*
 * The plan of a request: per session, what it hears before and after,
 * then the change-rate rule on the sessions that would hear an
 * announcement (ann_plan.h).
 */
#include "ann_plan.h"

#include <stdint.h>
#include <string.h>

/* time_t is signed; a corrupt stored time must not overflow the sum. */
#define ANN_TIME_MAX \
	((time_t)((UINT64_C(1) << (sizeof(time_t) * 8 - 1)) - 1))

time_t
ann_plan_allowed_after(time_t last, unsigned interval)
{
	if (last > ANN_TIME_MAX - (time_t)interval)
		return ANN_TIME_MAX;
	return last + (time_t)interval;
}

time_t
ann_plan_allowed_at(time_t last)
{
	return ann_plan_allowed_after(last, ANN_CHANGE_INTERVAL);
}

unsigned
ann_plan_interval(const struct ann_request *r, const struct ann_target *t)
{
	if ((t->hears_all && !t->testbed) || r->rate_interval == 0 ||
	    r->rate_interval > ANN_CHANGE_INTERVAL)
		return ANN_CHANGE_INTERVAL;
	return r->rate_interval;
}

/* What a target hears of p now: its own entry, else the "all" one. */
static const struct ann_entry *
heard_now(const struct ann_store *s, const struct prefix *p,
    const struct ann_target *t)
{
	return ann_store_effective(s, p, t->name, t->hears_all);
}

/* The attributes t hears once r is applied; NULL: nothing. */
static const struct ann_attrs *
heard_after(const struct ann_store *s, const struct ann_request *r,
    const struct ann_target *t)
{
	const struct ann_entry *own = ann_store_effective(s, &r->prefix,
	    t->name, false);
	const struct ann_entry *all = t->hears_all ? ann_store_effective(s,
	    &r->prefix, ANN_MUX_ALL, false) : NULL;
	bool named = r->mux[0] != '\0';

	if (named && strcmp(r->mux, t->name) != 0) {
		const struct ann_entry *e = own != NULL ? own : all;

		return e != NULL ? &e->attrs : NULL;
	}
	if (r->withdraw)
		/* Its own entry goes; "all" is left only when one mux is. */
		return named && all != NULL ? &all->attrs : NULL;
	if (!named && own != NULL)
		return &own->attrs;	/* a mux's own entry overrides */
	if (!named && !t->hears_all)
		return NULL;		/* "all" is not for neighbours */
	return &r->attrs;
}

static enum ann_wire
wire_of(const struct ann_entry *before, const struct ann_attrs *after)
{
	if (before == NULL)
		return after == NULL ? ANN_WIRE_SAME : ANN_WIRE_ANNOUNCE;
	if (after == NULL)
		return ANN_WIRE_WITHDRAW;
	return ann_attrs_equal(&before->attrs, after) ? ANN_WIRE_SAME :
	    ANN_WIRE_ANNOUNCE;
}

static const struct ann_target *
target_named(const struct ann_target *t, size_t nt, const char *name)
{
	for (size_t i = 0; i < nt; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* What the request does before any rate question: NOOP, NOT_ANNOUNCED,
 * WITHDRAW_ALL_FIRST, or APPLY to look further. */
static enum ann_verdict
plan_kind(const struct ann_store *s, const struct ann_request *r,
    const struct ann_target *t, size_t nt)
{
	const struct ann_entry *own = ann_store_effective(s, &r->prefix,
	    r->mux, false);
	const struct ann_entry *all = ann_store_effective(s, &r->prefix,
	    ANN_MUX_ALL, false);
	const struct ann_target *named = r->mux[0] != '\0' ?
	    target_named(t, nt, r->mux) : NULL;
	bool hears_all = named != NULL && named->hears_all;

	if (r->withdraw) {
		if (own != NULL)
			return ANN_APPLY;
		if (r->mux[0] == '\0')
			return ann_store_has_prefix(s, &r->prefix) ?
			    ANN_APPLY : ANN_NOT_ANNOUNCED;
		return hears_all && all != NULL ? ANN_WITHDRAW_ALL_FIRST :
		    ANN_NOT_ANNOUNCED;
	}
	if (own != NULL)
		return ann_attrs_equal(&own->attrs, &r->attrs) ? ANN_NOOP :
		    ANN_APPLY;
	/* A mux asked for what it hears from "all" already. */
	if (hears_all && all != NULL && ann_attrs_equal(&all->attrs,
	    &r->attrs))
		return ANN_NOOP;
	return ANN_APPLY;
}

/* The last change t heard of p: its record, or the entry it hears now,
 * whichever is later. */
static time_t
last_change(const struct ann_store *s, const struct prefix *p,
    const struct ann_target *t, const struct ann_entry *before)
{
	time_t last = ann_store_change_at(s, p, t->name);

	if (before != NULL && before->last_change > last)
		last = before->last_change;
	return last;
}

static void
plan_rate(const struct ann_store *s, const struct ann_request *r,
    const struct ann_target *t, const struct ann_entry *before, time_t now,
    struct ann_plan *out)
{
	time_t last = last_change(s, &r->prefix, t, before), at;

	if (r->force || last == 0)
		return;
	/* A clock set back waits too: the interval counts from `last`. */
	if (now >= (at = ann_plan_allowed_after(last,
	    ann_plan_interval(r, t))))
		return;
	out->n_waiting++;
	if (out->waiting == NULL || at > out->allowed_at) {
		out->waiting = t->name;
		out->allowed_at = at;
	}
}

void
ann_plan_make(const struct ann_store *s, const struct ann_request *r,
    struct ann_target *t, size_t nt, time_t now, struct ann_plan *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < nt; i++)
		t[i].wire = ANN_WIRE_SAME;
	out->verdict = plan_kind(s, r, t, nt);
	if (out->verdict != ANN_APPLY)
		return;
	for (size_t i = 0; i < nt; i++) {
		const struct ann_entry *before = heard_now(s, &r->prefix,
		    &t[i]);

		t[i].wire = wire_of(before, heard_after(s, r, &t[i]));
		if (t[i].wire == ANN_WIRE_SAME)
			continue;
		out->n_changed++;
		if (t[i].wire == ANN_WIRE_ANNOUNCE)
			plan_rate(s, r, &t[i], before, now, out);
	}
	if (out->n_waiting > 0)
		out->verdict = ANN_TOO_SOON;
}
