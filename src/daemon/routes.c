/*
 * Routes between sessions, the RIB and the kernel. Per UPDATE: withdrawals
 * first, then one interned attribute set per next hop for every accepted
 * prefix. Per best-path change: the kernel route set or deleted.
 */
#include "routes.h"
#include "events.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd.h"
#include "exports.h"
#include "muxtables.h"
#include "../fib/peertable.h"
#include "../lib/log.h"
#include "../rib/policy.h"

/* A search by name over every mux and neighbour: once per change of the
 * configuration (d->conf_gen), not per UPDATE (2% of a full table from
 * 43 muxes went to it). */
const struct config_session *
routes_settings(struct bgpd *d, const struct session *s)
{
	struct bgpd_settings *c;

	if (s->rib_peer < 0 || s->rib_peer >= BGPD_MAX_SESSIONS)
		return config_session_named(d->conf, s->conf.name);
	c = &d->settings[s->rib_peer];
	if (c->s != s || c->gen != d->conf_gen) {
		c->s = s;
		c->cs = config_session_named(d->conf, s->conf.name);
		c->gen = d->conf_gen;
	}
	return c->cs;
}

static const struct import_policy *
session_import(struct bgpd *d, const struct session *s)
{
	return &routes_settings(d, s)->import;
}

static void
withdraw_block(struct bgpd *d, struct session *s, struct rbuf nlri,
    unsigned af)
{
	struct nlri_iter it;
	struct prefix p;
	uint32_t id;

	nlri_iter_init(&it, nlri, af, s->params.rx.addpath[af]);
	while (nlri_iter_next(&it, &p, &id) == 1)
		rib_withdraw(d->rib, s->rib_peer, &p, id);
}

#define LIMIT_LOGGED_PATHS	0x01
#define LIMIT_LOGGED_PREFIX	0x02

/*
 * A path the RIB refused for one of the session's limits (res): dropped
 * (said once per session, counted by the RIB), or -1 with err the Cease
 * that ends the session (RFC 4486).
 */
static int
limit_reached(struct bgpd *d, struct session *s, const struct prefix *p,
    enum rib_result res, struct bgp_err *err)
{
	/* The session copies the text at once (session_info). */
	static char why[160];
	const struct config_session *cs = routes_settings(d, s);
	bool per_prefix = res == RIB_OVER_MAX_PREFIX_PATHS;
	const struct config_limit *l = per_prefix ? &cs->max_prefix_paths :
	    &cs->max_paths;
	uint8_t bit = per_prefix ? LIMIT_LOGGED_PREFIX : LIMIT_LOGGED_PATHS;
	char text[PREFIX_STRLEN];

	snprintf(why, sizeof(why), "%s %u reached (at %s)", per_prefix ?
	    "max-paths-per-prefix" : "max-paths", l->max,
	    prefix_format(p, text, sizeof(text)));
	if (l->action == CONFIG_LIMIT_CEASE) {
		log_warn("%s/%s: %s: ending the session (Cease, Maximum Number "
		    "of Prefixes Reached)", s->conf.name, session_af_name(s),
		    why);
		bgp_max_prefix_err(err, s->conf.af, l->max, why);
		return -1;
	}
	if (!(s->limits_logged & bit))
		log_warn("%s/%s: %s: dropping the paths past it (counted in "
		    "show protocols)", s->conf.name, session_af_name(s), why);
	s->limits_logged |= bit;
	return 0;
}

#define PREFETCH_AHEAD	32

/* The prefixes of one NLRI block with one attribute set and next hop.
 * -1 with err: a limit ends the session, the rest of the UPDATE unread. */
static int
announce_block(struct bgpd *d, struct session *s, struct rbuf nlri,
    unsigned af, const struct bgp_attrs *a, const uint8_t *nh,
    const uint8_t *nh_ll, struct bgp_err *err)
{
	const struct import_policy *imp = session_import(d, s);
	struct rattrs *ra = NULL;
	struct nlri_iter it;
	enum rib_result res;
	struct prefix p;
	uint32_t id;
	int rc = 0;

	/* The prefixes' places in the RIB lie anywhere in memory: asked
	 * for together, their cache misses overlap (PREFETCH_AHEAD at most,
	 * so that the first are still there when their turn comes). */
	nlri_iter_init(&it, nlri, af, s->params.rx.addpath[af]);
	for (unsigned k = 0; k < PREFETCH_AHEAD &&
	    nlri_iter_next(&it, &p, &id) == 1; k++)
		rib_prefetch(d->rib, &p);
	nlri_iter_init(&it, nlri, af, s->params.rx.addpath[af]);
	while (rc == 0 && nlri_iter_next(&it, &p, &id) == 1) {
		if (!policy_import(imp, &p)) {
			/* Filtered now: an earlier accepted path goes. */
			rib_withdraw(d->rib, s->rib_peer, &p, id);
			continue;
		}
		if (ra == NULL && (ra = rib_attrs_get(d->rib, a, af, nh,
		    nh_ll)) == NULL) {
			log_warn("%s/%s: out of memory for routes",
			    s->conf.name, session_af_name(s));
			return 0;
		}
		res = rib_update(d->rib, s->rib_peer, &p, id, ra);
		if (res == RIB_NOMEM)
			log_warn("%s/%s: out of memory for routes",
			    s->conf.name, session_af_name(s));
		else if (res != RIB_OK)
			rc = limit_reached(d, s, &p, res, err);
	}
	if (ra != NULL)
		rib_attrs_put(d->rib, ra);	/* the RIB holds its own */
	return rc;
}

#define STALE_SWEEP_TIMEOUT	120.	/* seconds: convergence or not */

static void
check_converged(struct bgpd *d)
{
	if (d->stale_swept || d->kroute == NULL)
		return;
	for (unsigned i = 0; i < d->n_sessions; i++) {
		const struct session *s = d->sessions[i];

		/* Sessions waiting for a link do not hold the sweep up. */
		if (s->link_up && s->stats.eor_seen == 0)
			return;
	}
	log_info("every session has its table: removing the stale kernel "
	    "routes of the previous run");
	kroute_sweep_stale(d->kroute);
	muxtables_sweep_stale(d);
	d->stale_swept = true;
	ev_timer_stop(d->loop, &d->t_stale);
}

static void
stale_timeout_cb(struct ev_loop *loop, struct ev_timer *t, int revents)
{
	struct bgpd *d = t->data;

	(void)loop;
	(void)revents;
	if (!d->stale_swept && d->kroute != NULL) {
		log_info("not every session converged in %.0f s: removing the "
		    "stale kernel routes anyway", STALE_SWEEP_TIMEOUT);
		kroute_sweep_stale(d->kroute);
	}
	if (!d->stale_swept)
		muxtables_sweep_stale(d);
	d->stale_swept = true;
}

static int
hook_update(void *ctx, struct session *s, const struct bgp_update *u,
    enum bgp_action act, struct bgp_err *err)
{
	struct bgpd *d = ctx;
	const struct bgp_attrs *a = &u->attrs;
	const struct bgp_mp_nlri *reach = &a->mp_reach, *unreach = &a->mp_unreach;
	bool has_reach = bgp_attr_has(a, BGP_ATTR_MP_REACH) && reach->af >= 0;

	withdraw_block(d, s, u->withdrawn, AF_IDX_IPV4);
	if (bgp_attr_has(a, BGP_ATTR_MP_UNREACH) && unreach->af >= 0)
		withdraw_block(d, s, unreach->nlri, (unsigned)unreach->af);
	if (act == BGP_ACT_TREAT_AS_WITHDRAW) {
		/* RFC 7606 2: the announced prefixes are withdrawn too. */
		withdraw_block(d, s, u->nlri, AF_IDX_IPV4);
		if (has_reach)
			withdraw_block(d, s, reach->nlri, (unsigned)reach->af);
		return 0;
	}
	if (u->nlri.len > 0 && announce_block(d, s, u->nlri, AF_IDX_IPV4, a,
	    a->next_hop, NULL, err) == -1)
		return -1;
	if (has_reach && announce_block(d, s, reach->nlri,
	    (unsigned)reach->af, a, reach->nexthop, reach->nh_len == 32 ?
	    reach->nexthop_ll : NULL, err) == -1)
		return -1;
	/* RFC 4724 4.2: End-of-RIB ends a graceful restart. */
	if (bgp_update_eor(u) >= 0) {
		rib_peer_sweep(d->rib, s->rib_peer);
		check_converged(d);
	}
	return 0;
}

static void
hook_up(void *ctx, struct session *s)
{
	struct bgpd *d = ctx;

	events_session(d, s, true);
	/* Back within its restart time: End-of-RIB sweeps what it does not
	 * announce again, unless it kept no forwarding state, when the stale
	 * paths go at once (RFC 4724 4.2). */
	ev_timer_stop(s->loop, &s->t_restart);
	if (!s->params.peer_gr_forwarding)
		rib_peer_sweep(d->rib, s->rib_peer);
	s->limits_logged = 0;
	rib_peer_set_router_id(d->rib, s->rib_peer, s->params.peer_id);
	/* Once per session, not per route: a tap made anew has a new index. */
	rib_peer_set_link(d->rib, s->rib_peer, s->params.ibgp,
	    s->conf.ifname[0] ? (int)if_nametoindex(s->conf.ifname) : 0);
	/* Ours go out before the End-of-RIB the session sends next. */
	exports_session_up(d, s);
}

/* The mux asked for our routes again (birdc reload in, or a changed
 * import filter): all of them, or it drops ours at the EoRR. */
static void
hook_export_all(void *ctx, struct session *s)
{
	log_info("%s/%s: route refresh: sending our announcements again",
	    s->conf.name, session_af_name(s));
	exports_session_up(ctx, s);
}

/* The peer did not come back within its restart time. */
static void
restart_expired_cb(struct ev_loop *loop, struct ev_timer *t, int revents)
{
	struct session *s = t->data;
	struct bgpd *d = s->hooks->ctx;

	(void)loop;
	(void)revents;
	log_info("%s/%s: restart time over: removing its stale routes",
	    s->conf.name, session_af_name(s));
	rib_peer_sweep(d->rib, s->rib_peer);
}

/*
 * A down session's paths leave the RIB in slices (rib_flush_step), each
 * bounded in prefixes visited and paths removed, so that no session's
 * end holds the loop: one slice every loop iteration, bigger ones while
 * nothing else waits. A full table from each of 43 muxes took 2.3 s a
 * session in one call (bench/README.md).
 */
#define FLUSH_NODES		4096	/* prefixes visited a slice */
#define FLUSH_PATHS		1024	/* paths removed a slice */
#define FLUSH_IDLE_FACTOR	4	/* the idle slice, in those */

static void
flush_stop(struct bgpd *d)
{
	ev_prepare_stop(d->loop, &d->flush_prepare);
	ev_idle_stop(d->loop, &d->flush_idle);
}

static void
flush_slice(struct bgpd *d, size_t factor)
{
	rib_flush_step(d->rib, factor * FLUSH_NODES, factor * FLUSH_PATHS);
	if (!rib_flush_pending(d->rib))
		flush_stop(d);
}

static void
flush_prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	flush_slice(w->data, 1);
}

static void
flush_idle_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)loop;
	(void)revents;
	flush_slice(w->data, FLUSH_IDLE_FACTOR);
}

/* After a session's paths became an earlier life's. */
static void
flush_arm(struct bgpd *d)
{
	if (d->stopping || !rib_flush_pending(d->rib))
		return;		/* stopping: the RIB is freed whole */
	ev_prepare_start(d->loop, &d->flush_prepare);
	ev_idle_start(d->loop, &d->flush_idle);
}

static void
hook_down(void *ctx, struct session *s, bool graceful)
{
	struct bgpd *d = ctx;

	events_session(d, s, false);
	graceful = graceful && s->params.peer_gr_time > 0;
	/* A restart-capable peer's routes stay, stale, until it is back
	 * (End-of-RIB) or its restart time runs out (RFC 4724 4.2); any
	 * other's are flushed. */
	rib_peer_down(d->rib, s->rib_peer, graceful);
	flush_arm(d);
	if (!graceful)
		return;
	log_info("%s/%s: keeping its routes for %u s (graceful restart)",
	    s->conf.name, session_af_name(s), s->params.peer_gr_time);
	ev_timer_init(&s->t_restart, restart_expired_cb,
	    s->params.peer_gr_time, 0.);
	s->t_restart.data = s;
	ev_timer_start(s->loop, &s->t_restart);
}

/* RFC 7313 4: paths not announced again between BoRR and EoRR go. */
static void
hook_refresh(void *ctx, struct session *s, uint8_t subtype)
{
	struct bgpd *d = ctx;

	if (subtype == BGP_REFRESH_BORR)
		rib_peer_down(d->rib, s->rib_peer, true);
	else
		rib_peer_sweep(d->rib, s->rib_peer);
}

const struct session_hooks routes_hooks_template = {
	.update = hook_update,
	.up = hook_up,
	.down = hook_down,
	.refresh = hook_refresh,
	.export_all = hook_export_all,
};

struct import_ctx {
	const struct import_policy *imp;
};

static bool
import_keeps(void *ctx, const struct prefix *p)
{
	const struct import_ctx *ic = ctx;

	return policy_import(ic->imp, p);
}

size_t
routes_import_changed(struct bgpd *d, struct session *s, bool *refreshed)
{
	struct import_ctx ic = { session_import(d, s) };
	size_t gone = rib_peer_filter(d->rib, s->rib_peer, import_keeps, &ic);

	/* What the old policy refused may be accepted now: ask again. */
	*refreshed = session_route_refresh(s);
	log_info("%s/%s: import policy now %s: %zu paths removed%s",
	    s->conf.name, session_af_name(s),
	    import_mode_name(ic.imp->mode), gone, *refreshed ?
	    ", route refresh sent" : "");
	return gone;
}

void
routes_limits_apply(struct bgpd *d, struct session *s)
{
	const struct config_session *cs = routes_settings(d, s);
	const struct rib_peer *pe;
	struct bgp_err err;
	bool raised;

	if (s->rib_peer < 0)
		return;
	pe = rib_peer_info(d->rib, s->rib_peer);
	raised = (pe->refused_max_paths > 0 && cs->max_paths.max >
	    pe->max_paths) || (pe->refused_max_prefix_paths > 0 &&
	    cs->max_prefix_paths.max > pe->max_prefix_paths);
	rib_peer_set_limits(d->rib, s->rib_peer, cs->max_paths.max,
	    cs->max_prefix_paths.max);
	if (cs->max_paths.action == CONFIG_LIMIT_CEASE &&
	    pe->n_paths > cs->max_paths.max &&
	    s->fsm.state == BGP_STATE_ESTABLISHED) {
		log_warn("%s/%s: %zu paths, past the new max-paths %u: ending "
		    "the session (Cease, Maximum Number of Prefixes Reached)",
		    s->conf.name, session_af_name(s), pe->n_paths,
		    cs->max_paths.max);
		bgp_err_clear(&err);
		bgp_max_prefix_err(&err, s->conf.af, cs->max_paths.max,
		    "max-paths reached (configuration reloaded)");
		session_limit_reached(s, &err);
		return;
	}
	if (raised && session_route_refresh(s))
		log_info("%s/%s: limits raised: route refresh sent for the "
		    "paths dropped before", s->conf.name, session_af_name(s));
}

/* A new best path (or none): the kernel sync asks what it is when it
 * sends (kernel_want). */
static void
best_cb(void *ctx, const struct prefix *p, struct ptree_node *n,
    const struct rib_path *best)
{
	struct bgpd *d = ctx;

	if (d->kroute != NULL)
		kroute_changed(d->kroute, p->af, n);
	events_best(d, p, best);
}

/* The kernel route of a prefix: its best path's next hop on the peer's
 * interface, onlink (peertable_path_want). */
static bool
kernel_want(void *ctx, unsigned af, const struct ptree_node *n,
    struct kroute_want *w)
{
	struct bgpd *d = ctx;

	return peertable_path_want(d->rib, ptree_data(n), af, w);
}

void
routes_kernel_start(struct bgpd *d)
{
	d->kroute = kroute_open(d->loop, KROUTE_TABLE_PEERING,
	    KROUTE_PROTO_PEERING, rib_trees(d->rib), kernel_want, d);
	if (d->kroute == NULL)
		log_warn("cannot write kernel table %u: routes are kept in "
		    "the RIB only", KROUTE_TABLE_PEERING);
	muxtables_open(d);
	ev_timer_init(&d->t_stale, stale_timeout_cb, STALE_SWEEP_TIMEOUT, 0.);
	d->t_stale.data = d;
	ev_timer_start(d->loop, &d->t_stale);
}

static void
drain_tick_cb(struct ev_loop *loop, struct ev_timer *t, int revents)
{
	(void)loop;
	(void)t;
	(void)revents;
}

/* Lets queued kernel changes (a flush on stop) reach the kernel before
 * the socket closes; bounded, the daemon is stopping. */
static void
kroute_drain(struct bgpd *d)
{
	struct kroute_stats st;
	struct ev_timer tick;
	ev_tstamp end = ev_now(d->loop) + 5.;

	ev_timer_init(&tick, drain_tick_cb, 0.05, 0.);
	for (;;) {
		kroute_get_stats(d->kroute, &st);
		if ((st.queued == 0 && st.inflight == 0) ||
		    ev_now(d->loop) > end)
			break;
		ev_timer_start(d->loop, &tick);
		ev_run(d->loop, EVRUN_ONCE);
		ev_timer_stop(d->loop, &tick);
	}
}

void
routes_kernel_stop(struct bgpd *d)
{
	ev_timer_stop(d->loop, &d->t_stale);
	flush_stop(d);		/* nothing to flush while stopping */
	/* Unlike table 20000, nothing of the per-mux tables stays. */
	muxtables_close(d);
	if (d->kroute != NULL)
		kroute_drain(d);
	kroute_close(d->kroute);
	d->kroute = NULL;
}

int
routes_open(struct bgpd *d, char *err, size_t errlen)
{
	if ((d->rib = malloc(sizeof(*d->rib))) == NULL ||
	    rib_init(d->rib, best_cb, d) == -1) {
		free(d->rib);
		d->rib = NULL;
		snprintf(err, errlen, "out of memory for the RIB");
		return -1;
	}
	ev_prepare_init(&d->flush_prepare, flush_prepare_cb);
	d->flush_prepare.data = d;
	ev_idle_init(&d->flush_idle, flush_idle_cb);
	d->flush_idle.data = d;
	return 0;
}

void
routes_close(struct bgpd *d)
{
	if (d->rib != NULL) {
		flush_stop(d);
		rib_best_mute(d->rib);	/* the kernel keeps its routes */
		rib_destroy(d->rib);
		free(d->rib);
	}
	d->rib = NULL;
}

int
routes_session_add(struct bgpd *d, struct session *s)
{
	int peer = rib_peer_add(d->rib, s->conf.name, s->conf.af,
	    &s->conf.peer, s->conf.peer_as, s->conf.peer_as ==
	    s->conf.local_as);

	if (peer >= 0)
		rib_peer_set_ifname(d->rib, peer, s->conf.ifname);
	if (peer >= 0 && peer < BGPD_MAX_SESSIONS)
		d->settings[peer].s = NULL;
	s->rib_peer = peer;
	return peer;
}

void
routes_session_remove(struct bgpd *d, struct session *s)
{
	/* When the daemon stops, rib_destroy() frees every path at once;
	 * removing them peer by peer took seconds with full tables. */
	if (s->rib_peer >= 0 && !d->stopping) {
		rib_peer_remove(d->rib, s->rib_peer);
		flush_arm(d);
	}
	if (s->rib_peer >= 0 && s->rib_peer < BGPD_MAX_SESSIONS)
		d->settings[s->rib_peer].s = NULL;
	s->rib_peer = -1;
}
