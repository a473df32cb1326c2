/*
 * muxtables: per-mux kernel tables and their rules (muxtables.h).
 */
#include "muxtables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd.h"
#include "../lib/log.h"
#include "../netns/muxrule.h"
#include "../netns/nlroute.h"
#include "../rib/peertable.h"

#define MT_DRAIN_SECONDS	5.	/* at stop, for the deletions */

struct muxtable {
	char			 mux[MUX_NAME_MAX + 1];
	unsigned		 tap;
	struct peertable	*pt;
	bool			 rules;		/* added for the tap there */
	bool			 leftover;	/* no mux-table: a previous
						 * run's routes being deleted */
};

struct muxtables {
	struct muxtable		*v;
	size_t			 n;
	struct nl_sock		*sk;
};

static void
rules_set(struct muxtables *mt, struct muxtable *t, bool on)
{
	char err[256] = "";

	if (on == t->rules || mt->sk == NULL)
		return;
	if ((on ? muxrule_add(mt->sk, t->tap, err, sizeof(err)) :
	    muxrule_del(mt->sk, t->tap, err, sizeof(err))) < 0) {
		log_warn("mux table %s: %s", t->mux, err);
		return;
	}
	t->rules = on;
	log_info("mux table %s: rules oif tap%u lookup %u %s", t->mux,
	    t->tap, muxrule_table(t->tap), on ? "added" : "removed");
}

static void
flush_previous(struct muxtables *mt)
{
	char err[256] = "";
	int n;

	if ((n = muxrule_flush(mt->sk, err, sizeof(err))) < 0)
		log_warn("mux tables: %s", err);
	else if (n > 0)
		log_info("mux tables: %d rules of a previous run removed", n);
}

/* Table 21000+tap of a mux without mux-table (or of no mux): a previous
 * run that was killed may have left routes there. Kept, deleting them in
 * kroute's batches, until the stop; freed at once if there are none. */
static int
leftover_open(struct bgpd *d, struct muxtable *t, unsigned tap)
{
	struct kroute_stats st;
	size_t bytes, prefixes;

	snprintf(t->mux, sizeof(t->mux), "tap%u", tap);
	t->tap = tap;
	t->leftover = true;
	if ((t->pt = peertable_new(d->rib)) == NULL)
		return -1;
	if (peertable_kernel_open(t->pt, d->loop, muxrule_table(tap),
	    KROUTE_PROTO_PEERING) == 0) {
		peertable_get_stats(t->pt, &st, &bytes, &prefixes);
		if (st.stale > 0) {
			log_info("mux tables: table %u: removing %zu routes of "
			    "a previous run (no mux-table for tap%u now)",
			    muxrule_table(tap), st.stale, tap);
			peertable_sweep_stale(t->pt);
			return 0;
		}
	}
	peertable_free(t->pt);
	t->pt = NULL;
	return -1;
}

static int
table_open(struct bgpd *d, struct muxtable *t, const struct mux *m)
{
	snprintf(t->mux, sizeof(t->mux), "%s", m->name);
	t->tap = m->tap;
	if ((t->pt = peertable_new(d->rib)) == NULL) {
		log_warn("mux table %s: out of memory", m->name);
		return -1;
	}
	if (peertable_kernel_open(t->pt, d->loop, muxrule_table(m->tap),
	    KROUTE_PROTO_PEERING) == -1) {
		log_warn("mux table %s: cannot write kernel table %u",
		    m->name, muxrule_table(m->tap));
		peertable_free(t->pt);
		t->pt = NULL;
		return -1;
	}
	log_info("mux table %s: its own best routes in table %u", m->name,
	    muxrule_table(m->tap));
	return 0;
}

void
muxtables_open(struct bgpd *d)
{
	struct muxtables *mt;
	char err[256] = "";
	unsigned i;

	if ((mt = calloc(1, sizeof(*mt))) == NULL ||
	    (mt->v = calloc(MUX_TAP_MAX + 1, sizeof(*mt->v))) == NULL) {
		free(mt);
		log_warn("mux tables: out of memory");
		return;
	}
	d->muxtables = mt;
	if ((mt->sk = nlr_open(err, sizeof(err))) == NULL)
		log_warn("mux tables: %s: no rules", err);
	else
		flush_previous(mt);
	for (i = MUX_TAP_MIN; i <= MUX_TAP_MAX; i++) {
		const struct mux *m = mux_find_by_tap(&d->muxes, i);

		memset(&mt->v[mt->n], 0, sizeof(mt->v[mt->n]));
		if (m != NULL && config_mux_session(d->conf, m->name)->mux_table ?
		    table_open(d, &mt->v[mt->n], m) == 0 :
		    leftover_open(d, &mt->v[mt->n], i) == 0)
			mt->n++;
	}
	muxtables_sessions(d);
}

void
muxtables_sessions(struct bgpd *d)
{
	struct muxtables *mt = d->muxtables;
	bool seen[AF_IDX_COUNT];

	for (size_t i = 0; mt != NULL && i < mt->n; i++) {
		struct muxtable *t = &mt->v[i];

		if (t->leftover)
			continue;
		memset(seen, 0, sizeof(seen));
		for (unsigned k = 0; k < d->n_sessions; k++) {
			const struct session *s = d->sessions[k];

			if (strcmp(s->conf.name, t->mux) != 0 ||
			    s->rib_peer < 0 || s->conf.af >= AF_IDX_COUNT)
				continue;
			seen[s->conf.af] = true;
			if (peertable_peer(t->pt, s->conf.af) != s->rib_peer)
				peertable_set_peer(t->pt, s->conf.af,
				    s->rib_peer);
		}
		for (unsigned af = 0; af < AF_IDX_COUNT; af++)
			if (!seen[af])
				peertable_clear_peer(t->pt, af);
	}
}

void
muxtables_reload_note(const struct bgpd *d, const struct config *c,
    const struct mux_table *t)
{
	for (unsigned i = 0; i < t->n; i++) {
		const char *name = t->mux[i].name;
		bool now = false, next = config_mux_session(c, name)->mux_table;

		if (mux_find(&d->muxes, name) != NULL)
			now = config_mux_session(d->conf, name)->mux_table;
		if (now != next)
			log_warn("mux %s: mux-table %s takes effect when the "
			    "daemon starts again (peering bgp stop, start)",
			    name, next ? "yes" : "no");
	}
}

void
muxtables_link(struct bgpd *d, const struct linkmon_event *ev)
{
	struct muxtables *mt = d->muxtables;
	char dev[16];

	for (size_t i = 0; mt != NULL && i < mt->n; i++) {
		snprintf(dev, sizeof(dev), "tap%u", mt->v[i].tap);
		if (!mt->v[i].leftover && strcmp(dev, ev->ifname) == 0)
			rules_set(mt, &mt->v[i], !ev->gone);
	}
}

void
muxtables_sweep_stale(struct bgpd *d)
{
	struct muxtables *mt = d->muxtables;

	for (size_t i = 0; mt != NULL && i < mt->n; i++)
		peertable_sweep_stale(mt->v[i].pt);
}

static void
tick_cb(struct ev_loop *loop, struct ev_timer *t, int revents)
{
	(void)loop;
	(void)t;
	(void)revents;
}

static void
stats_of(const struct muxtables *mt, struct muxtables_stats *st)
{
	struct kroute_stats ks;
	size_t bytes, prefixes;

	memset(st, 0, sizeof(*st));
	for (size_t i = 0; mt != NULL && i < mt->n; i++) {
		peertable_get_stats(mt->v[i].pt, &ks, &bytes, &prefixes);
		st->tables += !mt->v[i].leftover;
		st->routes += ks.installed;
		st->queued += ks.queued + ks.inflight;
		st->prefixes += prefixes;
		st->bytes += bytes + ks.bytes;
	}
}

/* Lets every table's deletions reach the kernel; bounded. */
static void
drain(struct ev_loop *loop, const struct muxtables *mt)
{
	ev_tstamp end = ev_now(loop) + MT_DRAIN_SECONDS;
	struct muxtables_stats st;
	struct ev_timer tick;

	ev_timer_init(&tick, tick_cb, 0.05, 0.);
	for (;;) {
		stats_of(mt, &st);
		if (st.queued == 0 || ev_now(loop) > end)
			break;
		ev_timer_start(loop, &tick);
		ev_run(loop, EVRUN_ONCE);
		ev_timer_stop(loop, &tick);
	}
}

void
muxtables_close(struct bgpd *d)
{
	struct muxtables *mt = d->muxtables;
	struct muxtables_stats st;
	size_t i;

	if (mt == NULL)
		return;
	d->muxtables = NULL;	/* link events while draining: not ours */
	for (i = 0; i < mt->n; i++)
		rules_set(mt, &mt->v[i], false);
	for (i = 0; i < mt->n; i++)
		peertable_flush(mt->v[i].pt);
	drain(d->loop, mt);
	stats_of(mt, &st);
	if (st.routes > 0 || st.queued > 0)
		log_warn("mux tables: %zu routes left in the kernel at stop",
		    st.routes + st.queued);
	for (i = 0; i < mt->n; i++)
		peertable_free(mt->v[i].pt);
	if (mt->sk != NULL)
		flush_previous(mt);	/* a rule added by hand, or twice */
	nlr_close(mt->sk);
	free(mt->v);
	free(mt);
}

void
muxtables_get_stats(const struct bgpd *d, struct muxtables_stats *st)
{
	stats_of(d->muxtables, st);
}
