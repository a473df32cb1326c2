/*
 * An experiment's rounds on the loop: each round's requests through
 * exports_request (the gates, the change-rate plan, the save, then the
 * UPDATEs) a slice per loop turn, every request and every UPDATE in the
 * journal, a RIB snapshot at each round's end (experiment_snap.c), and
 * the state saved at every step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "control_cmds.h"
#include "experiment_int.h"
#include "exports_int.h"
#include "../lib/atomicfile.h"
#include "../lib/jsonint.h"
#include "../lib/log.h"
#include "../vpn/mux.h"

int
xp_path(const struct experiment *x, const char *name, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s/%s", x->dir, name) >= size)
		return -1;
	return 0;
}

int
xp_save(struct experiment *x)
{
	char path[4200], err[512];
	char *text;
	int rc;

	x->st.updated = time(NULL);
	if (xp_path(x, "state.json", path, sizeof(path)) == -1 ||
	    (text = exp_state_format(&x->st)) == NULL) {
		log_warn("experiment %s: cannot format its state", x->st.id);
		return -1;
	}
	rc = atomicfile_write(path, text, strlen(text), err, sizeof(err));
	free(text);
	if (rc == -1)
		log_warn("experiment %s: state not saved: %s", x->st.id, err);
	return rc;
}

int64_t
xp_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
xp_journal(struct experiment *x, const char *event, cJSON *o)
{
	cJSON *line = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(line, "event", event);
	json_add_int(line, "time_us", xp_now_us());
	/* The fields of o after event and time. */
	while (o != NULL && o->child != NULL) {
		cJSON *item = cJSON_DetachItemViaPointer(o, o->child);

		cJSON_AddItemToObject(line, item->string, item);
	}
	cJSON_Delete(o);
	text = cJSON_PrintUnformatted(line);
	cJSON_Delete(line);
	if (text == NULL || x->journal < 0 ||
	    atomicfile_write_all(x->journal, text, strlen(text)) == -1 ||
	    atomicfile_write_all(x->journal, "\n", 1) == -1)
		log_warn("experiment %s: journal line lost (%s)", x->st.id,
		    text == NULL ? "out of memory" : strerror(errno));
	cJSON_free(text);
}

size_t
xp_targets(const struct bgpd *d, unsigned af, struct exp_target *t)
{
	size_t n = 0;

	for (unsigned i = 0; i < d->n_sessions; i++) {
		const struct session *s = d->sessions[i];

		if (s->conf.af != af)
			continue;
		memset(&t[n], 0, sizeof(t[n]));
		t[n].t.name = s->conf.name;
		t[n].t.hears_all = exports_hears_all(d, s);
		t[n].t.testbed = exports_testbed(d, s);
		t[n].peer.af = s->conf.af;
		t[n].peer.ibgp = s->conf.peer_as == s->conf.local_as;
		t[n].peer.local_as = s->conf.local_as;
		n++;
	}
	return n;
}

static void
add_pairs(cJSON *o, const char *key, const uint32_t *v, size_t n,
    unsigned per)
{
	cJSON *arr = cJSON_AddArrayToObject(o, key);

	for (size_t i = 0; i < n; i++) {
		cJSON *c = cJSON_CreateArray();

		if (per == 1) {
			cJSON_AddItemToArray(c, cJSON_CreateNumber(v[i] >> 16));
			cJSON_AddItemToArray(c, cJSON_CreateNumber(v[i] &
			    0xffff));
		} else
			for (unsigned k = 0; k < 3; k++)
				cJSON_AddItemToArray(c,
				    cJSON_CreateNumber(v[3 * i + k]));
		cJSON_AddItemToArray(arr, c);
	}
}

/* Where the request being applied stands, for its journal lines. */
static cJSON *
xp_where(const struct experiment *x, const struct prefix *p)
{
	cJSON *o = cJSON_CreateObject();
	char pfx[PREFIX_STRLEN];

	if (strcmp(x->phase, "round") == 0) {
		cJSON_AddNumberToObject(o, "round", x->ap_round + 1);
		cJSON_AddNumberToObject(o, "req", x->ap_req);
		cJSON_AddStringToObject(o, "variable",
		    exp_var_name(x->e.var[x->ap_req]));
	} else
		cJSON_AddStringToObject(o, "phase", x->phase);
	cJSON_AddStringToObject(o, "prefix", prefix_format(p, pfx,
	    sizeof(pfx)));
	return o;
}

void
experiment_note_update(struct bgpd *d, const struct session *s,
    const struct prefix *p, const struct ann_entry *e)
{
	struct experiment *x = d->xp;
	struct export_peer peer;
	uint32_t as[ANN_MAX_PATH + 1];
	cJSON *o, *arr;
	size_t n;

	if (x == NULL || !x->applying)
		return;
	o = xp_where(x, p);
	cJSON_AddStringToObject(o, "mux", s->conf.name);
	cJSON_AddStringToObject(o, "af", session_af_name(s));
	cJSON_AddBoolToObject(o, "withdraw", e == NULL);
	if (e != NULL) {
		peer.af = s->conf.af;
		peer.ibgp = s->params.ibgp;
		peer.local_as = s->conf.local_as;
		n = export_aspath(&e->attrs, &peer, as, ANN_MAX_PATH + 1);
		arr = cJSON_AddArrayToObject(o, "as_path");
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateNumber(as[i]));
		add_pairs(o, "communities", e->attrs.communities,
		    e->attrs.n_communities, 1);
		add_pairs(o, "large_communities", &e->attrs.large[0][0],
		    e->attrs.n_large, 3);
		cJSON_AddStringToObject(o, "next_hop", ann_nexthop_container(
		    &e->attrs, s->conf.af) ? "container" : "self");
	}
	xp_journal(x, "update", o);
}

/* ---- the rounds ---- */

static void
xp_apply(struct experiment *x, uint32_t i)
{
	struct ann_request r;
	struct strbuf reply;
	cJSON *o;
	char pfx[PREFIX_STRLEN];

	exp_request(&x->e, &x->st.b, i, x->st.rate_interval, &r);
	strbuf_init(&reply);
	x->phase = "round";
	x->ap_round = x->st.next_round;
	x->ap_req = i;
	x->applying = true;
	exports_request(x->d, &r, &reply);
	x->applying = false;
	o = xp_where(x, &r.prefix);
	cJSON_AddStringToObject(o, "mux", r.mux[0] ? r.mux : "all");
	cJSON_AddStringToObject(o, "action", r.withdraw ? "withdraw" :
	    "announce");
	cJSON_AddStringToObject(o, "result", reply.s == NULL ? "ok" :
	    strncmp(reply.s, CONTROL_ERROR_PREFIX,
	    strlen(CONTROL_ERROR_PREFIX)) == 0 ? "refused" : "ok");
	cJSON_AddStringToObject(o, "reply", reply.s ? reply.s : "");
	xp_journal(x, "request", o);
	if (reply.s != NULL && strncmp(reply.s, CONTROL_ERROR_PREFIX,
	    strlen(CONTROL_ERROR_PREFIX)) == 0)
		log_warn("experiment %s: round %u: %s refused: %s", x->st.id,
		    x->st.next_round + 1, prefix_format(&r.prefix, pfx,
		    sizeof(pfx)), reply.s);
	strbuf_free(&reply);
}

static void
xp_round_begin(struct experiment *x)
{
	uint32_t k = x->st.next_round;
	cJSON *o = cJSON_CreateObject();

	if (k > 0)
		xp_snapshot(x, k - 1);
	x->st.in_round = true;
	x->st.round_at = xp_now_ceil();
	x->cur_req = (uint32_t)x->e.round_first[k];
	xp_updates_open(x, k);
	xp_save(x);
	cJSON_AddNumberToObject(o, "round", k + 1);
	cJSON_AddNumberToObject(o, "rounds", x->st.n_rounds);
	xp_journal(x, "round", o);
	log_info("experiment %s: round %u of %u", x->st.id, k + 1,
	    x->st.n_rounds);
}

static void
xp_round_end(struct experiment *x)
{
	x->st.in_round = false;
	x->st.next_round++;
	x->st.round_at += (time_t)x->st.round_seconds;
	/* The round's UPDATEs are in the journal; it reaches the disk. */
	if (x->journal >= 0)
		fdatasync(x->journal);
	xp_save(x);
}

static void
xp_finish(struct experiment *x)
{
	xp_snapshot(x, x->st.n_rounds - 1);
	xp_updates_close(x);
	x->st.status = EXP_DONE;
	xp_save(x);
	xp_journal(x, "done", cJSON_CreateObject());
	log_info("experiment %s: done, its announcements stay until "
	    "experiment stop", x->st.id);
}

static void
xp_timer_cb(struct ev_loop *loop, struct ev_timer *t, int revents)
{
	struct experiment *x = t->data;
	uint32_t end, n = 0;

	(void)loop;
	(void)revents;
	if (x->st.status != EXP_RUNNING)
		return;
	if (!x->st.in_round) {
		if (x->st.next_round >= x->st.n_rounds) {
			xp_finish(x);
			return;
		}
		xp_round_begin(x);
	}
	end = (uint32_t)x->e.round_first[x->st.next_round + 1];
	while (x->cur_req < end && n++ < EXP_SLICE)
		xp_apply(x, x->cur_req++);
	if (x->cur_req >= end)
		xp_round_end(x);
	xp_schedule(x);
}

time_t
xp_now_ceil(void)
{
	int64_t us = xp_now_us();

	return (time_t)((us + 999999) / 1000000);
}

void
xp_schedule(struct experiment *x)
{
	struct ev_loop *loop = x->d->loop;
	double after = 0.;

	ev_timer_stop(loop, &x->t);
	if (x->st.status != EXP_RUNNING)
		return;
	/* Aimed at the due second itself, not a whole number of seconds
	 * from now: round_at is never earlier than the last round's start,
	 * so the rounds are at least round_seconds apart. */
	if (!x->st.in_round) {
		after = (double)x->st.round_at - ev_now(loop);
		if (after < 0.)
			after = 0.;
	}
	ev_timer_init(&x->t, xp_timer_cb, after, 0.);
	x->t.data = x;
	ev_timer_start(loop, &x->t);
}

void
xp_announced(struct experiment *x,
    void (*cb)(struct experiment *x, const struct ann_request *r))
{
	size_t end = x->st.next_round < x->st.n_rounds ?
	    x->e.round_first[x->st.next_round] : x->e.n_req;

	if (x->st.in_round)
		end = x->cur_req;
	/* A (prefix, mux) announced twice comes twice: cb finds it gone
	 * the second time. */
	for (size_t i = 0; i < end; i++) {
		struct ann_request r;

		exp_request(&x->e, &x->st.b, i, 0, &r);
		if (!r.withdraw)
			cb(x, &r);
	}
}

void
xp_free(struct experiment *x)
{
	if (x == NULL)
		return;
	ev_timer_stop(x->d->loop, &x->t);
	xp_snapshot_abandon(x, "the run was closed");
	if (x->journal >= 0)
		close(x->journal);
	xp_updates_close(x);
	ann_exp_free(&x->e);
	free(x);
}
