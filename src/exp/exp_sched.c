/*
 * The schedule of an experiment: bindings, the idle-longest choice, and
 * the rounds played on a copy of the store through ann_plan_make.
 */
#include "exp_sched.h"

#include "../announce/ann_decide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../lib/errmsg.h"

const char *
exp_var_name(uint8_t var)
{
	static const char *const names[] = { "", "A", "B", "C", "D" };

	return var <= ANN_EXP_VARS ? names[var] : "?";
}

int
exp_bind_parse(const char *arg, struct exp_bindings *b, char *err,
    size_t errlen)
{
	struct prefix p;
	unsigned v;

	if (arg[0] < 'A' || arg[0] > 'D' || arg[1] != '=')
		return errmsg_fail(err, errlen, "--bind %s: want A=PREFIX (a "
		    "variable A, B, C or D)", arg);
	v = (unsigned)(arg[0] - 'A');
	if (prefix_parse(arg + 2, true, &p) == -1 || p.af != AF_IDX_IPV4)
		return errmsg_fail(err, errlen, "--bind %s: not an IPv4 prefix",
		    arg);
	if (b->bound[v])
		return errmsg_fail(err, errlen, "--bind %c given twice",
		    arg[0]);
	b->prefix[v] = p;
	b->bound[v] = true;
	b->chosen[v] = false;
	return 0;
}

unsigned
exp_vars_used(const struct ann_exp *e)
{
	unsigned m = 0;

	for (size_t i = 0; i < e->n_req; i++)
		if (e->var[i] >= 1 && e->var[i] <= ANN_EXP_VARS)
			m |= 1u << (e->var[i] - 1);
	return m;
}

bool
exp_names_prefix(const struct ann_exp *e, const struct prefix *p)
{
	for (size_t i = 0; i < e->n_req; i++)
		if (e->var[i] == 0 && prefix_equal(&e->req[i].prefix, p))
			return true;
	return false;
}

static bool
in_list(const struct prefix *p, const struct prefix *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_equal(p, &list[i]))
			return true;
	return false;
}

/* One bound variable's prefix against the lists and the others. */
static int
binding_check(const struct ann_exp *e, const struct exp_bindings *b,
    unsigned v, const struct ann_policy *pol, char *err, size_t errlen)
{
	struct prefix alloc[ANN_EXP_ALLOCATION_MAX];
	size_t na = ann_exp_allocation(alloc, ANN_EXP_ALLOCATION_MAX);
	const struct prefix *p = &b->prefix[v];
	char pfx[PREFIX_STRLEN];
	char name = (char)('A' + v);

	prefix_format(p, pfx, sizeof(pfx));
	if (!in_list(p, pol->allowed, pol->n_allowed))
		return errmsg_fail(err, errlen, "%c=%s: not one of your "
		    "prefixes (prefixes.txt)", name, pfx);
	if (!in_list(p, alloc, na))
		return errmsg_fail(err, errlen, "%c=%s: not in the experiment "
		    "allocation (a /24 of 184.164.224.0/19, 204.9.168.0/22 or "
		    "138.185.228.0/22)", name, pfx);
	if (exp_names_prefix(e, p))
		return errmsg_fail(err, errlen, "%c=%s: the file names this "
		    "prefix itself", name, pfx);
	for (unsigned w = 0; w < v; w++)
		if (b->bound[w] && prefix_equal(&b->prefix[w], p))
			return errmsg_fail(err, errlen, "%c and %c are both "
			    "bound to %s", (char)('A' + w), name, pfx);
	return 0;
}

int
exp_bindings_check(const struct ann_exp *e, const struct exp_bindings *b,
    const struct ann_policy *pol, char *err, size_t errlen)
{
	unsigned used = exp_vars_used(e);

	for (unsigned v = 0; v < ANN_EXP_VARS; v++) {
		if (!b->bound[v]) {
			if (used & (1u << v))
				return errmsg_fail(err, errlen, "variable %c "
				    "is not bound", (char)('A' + v));
			continue;
		}
		if (!(used & (1u << v)))
			return errmsg_fail(err, errlen, "variable %c is bound "
			    "but the file does not use it", (char)('A' + v));
		if (binding_check(e, b, v, pol, err, errlen) == -1)
			return -1;
	}
	return 0;
}

long
exp_idle_pick(const struct exp_idle *c, size_t n)
{
	long best = -1;

	for (size_t i = 0; i < n; i++) {
		if (c[i].excluded)
			continue;
		if (best < 0 || c[i].last < c[best].last)
			best = (long)i;
	}
	return best;
}

/* An announcement file's requests as the one round of *out. */
static int
one_round(const char *buf, size_t len, const char *const *names,
    size_t n_names, const struct ann_policy *pol, struct ann_exp *out,
    char *err, size_t errlen)
{
	struct ann_request *reqs;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (ann_json_parse(buf, len, names, n_names, pol, &reqs, &n, err,
	    errlen) == -1)
		return -1;
	out->round_first = calloc(2, sizeof(size_t));
	out->var = calloc(n ? n : 1, 1);
	if (out->round_first == NULL || out->var == NULL) {
		ann_json_free(reqs);
		ann_exp_free(out);
		return errmsg_fail(err, errlen, "out of memory");
	}
	out->n_rounds = 1;
	out->round_first[1] = n;
	out->req = reqs;
	out->n_req = n;
	return 0;
}

int
exp_parse_file(const char *buf, size_t len, const char *const *names,
    size_t n_names, const struct ann_policy *pol, struct ann_exp *out,
    char *err, size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(buf, len);
	bool exp = root == NULL || !cJSON_IsObject(root) ||
	    cJSON_GetObjectItemCaseSensitive(root, "experiment") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(root, "rounds") != NULL;

	cJSON_Delete(root);
	if (exp)
		return ann_json_parse_experiment(buf, len, names, n_names, pol,
		    out, err, errlen);
	return one_round(buf, len, names, n_names, pol, out, err, errlen);
}

void
exp_request(const struct ann_exp *e, const struct exp_bindings *b, size_t i,
    unsigned rate_interval, struct ann_request *out)
{
	*out = e->req[i];
	if (e->var[i] >= 1 && e->var[i] <= ANN_EXP_VARS)
		out->prefix = b->prefix[e->var[i] - 1];
	out->rate_interval = rate_interval;
	out->force = false;
	out->check = false;
}

/* ---- the schedule played on a copy of the store ---- */

static void
refusal(const struct exp_sim *sim, size_t k, size_t i,
    const struct ann_request *r, const struct ann_plan *pl, char *err,
    size_t errlen)
{
	char pfx[PREFIX_STRLEN], when[32], var[16] = "";
	unsigned interval = ANN_CHANGE_INTERVAL;
	struct tm tm;
	time_t at = sim->start + (time_t)(k - sim->from_round) *
	    (time_t)sim->round_seconds;

	prefix_format(&r->prefix, pfx, sizeof(pfx));
	if (sim->e->var[i] != 0)
		snprintf(var, sizeof(var), " (%s)", exp_var_name(sim->e->var[i]));
	if (pl->verdict == ANN_WITHDRAW_ALL_FIRST) {
		errmsg_set(err, errlen, "round %zu: %s%s: withdraw from %s "
		    "of a prefix announced to all muxes: withdraw it from all "
		    "first", k + 1, pfx, var, r->mux);
		return;
	}
	for (size_t j = 0; j < sim->nt; j++)
		if (pl->waiting != NULL &&
		    strcmp(sim->t[j].t.name, pl->waiting) == 0)
			interval = ann_plan_interval(r, &sim->t[j].t);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
	    localtime_r(&pl->allowed_at, &tm));
	errmsg_set(err, errlen, "round %zu: %s%s to %s: a change less than "
	    "%u s after the last change there (route-flap dampening): "
	    "allowed from %s, %lld s after the round starts; make the rounds "
	    "longer or the change later", k + 1, pfx, var, pl->waiting,
	    interval, when,
	    (long long)(pl->allowed_at - at));
}

/* The sessions of the request's family, as the plan wants them; idx[]
 * maps them back to sim->t. */
struct sim_targets {
	struct ann_target	*t;
	size_t			*idx;
	size_t			 n;
};

static void
targets_of(const struct exp_sim *sim, unsigned af, struct sim_targets *st)
{
	st->n = 0;
	for (size_t j = 0; j < sim->nt; j++)
		if (sim->t[j].peer.af == af) {
			st->t[st->n] = sim->t[j].t;
			st->idx[st->n++] = j;
		}
}

/* One request of round k at time now: planned, applied, reported. */
static int
sim_request(const struct exp_sim *sim, struct ann_store *s,
    struct sim_targets *tg, size_t k, size_t i, time_t now, exp_step_cb cb,
    void *ctx, char *err, size_t errlen)
{
	struct ann_target *t = tg->t;
	struct ann_request r;
	struct ann_plan pl;

	exp_request(sim->e, sim->b, i, sim->rate_interval, &r);
	targets_of(sim, r.prefix.af, tg);
	ann_plan_make(s, &r, t, tg->n, now, &pl);
	if (pl.verdict == ANN_TOO_SOON ||
	    pl.verdict == ANN_WITHDRAW_ALL_FIRST) {
		refusal(sim, k, i, &r, &pl, err, errlen);
		return -1;
	}
	if (pl.verdict != ANN_APPLY)
		return 0;
	/* As the daemon applies it, on the copy. */
	if (ann_apply(s, &r, t, tg->n, now, NULL) != 0)
		return errmsg_fail(err, errlen, "round %zu: out of memory",
		    k + 1);
	for (size_t j = 0; cb != NULL && j < tg->n; j++) {
		struct exp_step st = { k, i, &r, sim->e->var[i],
		    &sim->t[tg->idx[j]], t[j].wire, NULL, now };
		const struct ann_entry *e;

		if (t[j].wire == ANN_WIRE_SAME)
			continue;
		e = ann_store_effective(s, &r.prefix, t[j].name,
		    t[j].hears_all);
		st.attrs = e != NULL ? &e->attrs : NULL;
		cb(ctx, &st);
	}
	return 0;
}

int
exp_sim_run(const struct exp_sim *sim, const struct ann_store *s,
    exp_step_cb cb, void *ctx, char *err, size_t errlen)
{
	size_t nt = sim->nt ? sim->nt : 1;
	struct sim_targets tg = { calloc(nt, sizeof(*tg.t)),
	    calloc(nt, sizeof(*tg.idx)), 0 };
	struct ann_store copy;
	int rc = 0;

	ann_store_init(&copy, "");
	if (tg.t == NULL || tg.idx == NULL || ann_store_copy(&copy, s) == -1)
		rc = errmsg_fail(err, errlen, "out of memory");
	for (size_t k = sim->from_round; rc == 0 && k < sim->e->n_rounds;
	    k++) {
		time_t now = sim->start + (time_t)(k - sim->from_round) *
		    (time_t)sim->round_seconds;
		size_t i = sim->e->round_first[k];

		if (k == sim->from_round && sim->from_req > i)
			i = sim->from_req;
		for (; rc == 0 && i < sim->e->round_first[k + 1]; i++)
			rc = sim_request(sim, &copy, &tg, k, i, now, cb, ctx,
			    err, errlen);
	}
	ann_store_free(&copy);
	free(tg.t);
	free(tg.idx);
	return rc;
}

/* ---- the dry run's text ---- */

struct dry {
	struct strbuf	*out;
	size_t		 round;		/* the last round printed + 1 */
	size_t		 n_rounds;
};

static void
dry_list(struct strbuf *out, const char *what, size_t n,
    const uint32_t *v, unsigned per)
{
	strbuf_printf(out, ", %s", what);
	if (n == 0)
		strbuf_printf(out, " -");
	for (size_t i = 0; i < n; i++) {
		if (per == 1)
			strbuf_printf(out, " %u:%u", v[i] >> 16, v[i] & 0xffff);
		else
			strbuf_printf(out, " %u:%u:%u", v[3 * i], v[3 * i + 1],
			    v[3 * i + 2]);
	}
}

static void
dry_step(void *ctx, const struct exp_step *st)
{
	struct dry *d = ctx;
	char pfx[PREFIX_STRLEN], when[32];
	uint32_t as[ANN_MAX_PATH + 1];
	struct tm tm;
	size_t n;

	if (d->round != st->round + 1) {
		d->round = st->round + 1;
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
		    localtime_r(&st->at, &tm));
		strbuf_printf(d->out, "round %zu of %zu at %s\n", d->round,
		    d->n_rounds, when);
	}
	strbuf_printf(d->out, "  %s%s%s%s -> %s: ", prefix_format(&st->r->prefix,
	    pfx, sizeof(pfx)), st->var ? " (" : "", exp_var_name(st->var),
	    st->var ? ")" : "", st->target->t.name);
	if (st->wire == ANN_WIRE_WITHDRAW || st->attrs == NULL) {
		strbuf_printf(d->out, "withdraw\n");
		return;
	}
	n = export_aspath(st->attrs, &st->target->peer, as, ANN_MAX_PATH + 1);
	strbuf_printf(d->out, "announce as-path");
	if (n == 0)
		strbuf_printf(d->out, " (empty)");
	for (size_t i = 0; i < n; i++)
		strbuf_printf(d->out, " %u", as[i]);
	dry_list(d->out, "communities", st->attrs->n_communities,
	    st->attrs->communities, 1);
	dry_list(d->out, "large", st->attrs->n_large,
	    &st->attrs->large[0][0], 3);
	strbuf_printf(d->out, ", next hop %s\n", ann_nexthop_container(
	    st->attrs, st->target->peer.af) ? "container" : "self");
}

int
exp_dry_run(const struct exp_sim *sim, const struct ann_store *s,
    struct strbuf *out, char *err, size_t errlen)
{
	struct dry d = { out, 0, sim->e->n_rounds };

	return exp_sim_run(sim, s, dry_step, &d, err, errlen);
}
