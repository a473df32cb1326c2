/*
 * The UPDATE log of an experiment's rounds, from round K's start to the
 * next round's, in two files:
 * - round-K.updates.mrt: every UPDATE the IPv4 sessions (the ones the
 *   schedule drives) receive and send, whole, as BGP4MP_ET records
 *   (microsecond times) through the MRT log writer (mrt_log.h);
 * - round-K.updates.jsonl: every route the sessions receive or lose for
 *   the experiment's prefixes, one JSON line each (the UPDATEs we send are
 *   in the journal); what is not an experiment prefix costs a length and
 *   a byte compare.
 * The daemon's update and message hooks are wrapped once, at start, before
 * `log mrt` can wrap the message hook: both logs see every message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "experiment_int.h"
#include "mrt_cmds.h"
#include "mrt_log.h"
#include "../bgp/msg_json.h"
#include "../bgp/nlri.h"
#include "../lib/atomicfile.h"
#include "../lib/jsonint.h"
#include "../lib/log.h"

static int	(*next_update)(void *ctx, struct session *s,
		    const struct bgp_update *u, enum bgp_action act,
		    struct bgp_err *err);
static void	(*next_message)(void *ctx, struct session *s, struct rbuf msg,
		    bool sent);

void
xp_prefixes_collect(struct experiment *x)
{
	x->n_pfx = 0;
	for (size_t i = 0; i < x->e.n_req; i++) {
		struct ann_request r;
		size_t k;

		exp_request(&x->e, &x->st.b, i, 0, &r);
		for (k = 0; k < x->n_pfx; k++)
			if (prefix_equal(&x->pfx[k], &r.prefix))
				break;
		if (k == x->n_pfx && x->n_pfx < EXP_PREFIXES_MAX)
			x->pfx[x->n_pfx++] = r.prefix;
	}
}

static bool
xp_prefix_of(const struct experiment *x, const struct prefix *p)
{
	for (size_t k = 0; k < x->n_pfx; k++)
		if (x->pfx[k].len == p->len && x->pfx[k].af == p->af &&
		    x->pfx[k].addr[0] == p->addr[0] && prefix_equal(&x->pfx[k],
		    p))
			return true;
	return false;
}

void
xp_updates_open(struct experiment *x, uint32_t round)
{
	struct mrt_log_conf lc;
	char name[64], path[4200];

	xp_updates_close(x);
	snprintf(name, sizeof(name), "round-%u.updates.jsonl", round + 1);
	x->upd_lines = 0;
	if (xp_path(x, name, path, sizeof(path)) == -1 ||
	    (x->updates = open(path, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC | O_NOFOLLOW, 0600)) == -1)
		log_warn("experiment %s: no UPDATE log for round %u (%s)",
		    x->st.id, round + 1, strerror(errno));
	snprintf(name, sizeof(name), "round-%u.updates.mrt", round + 1);
	memset(&lc, 0, sizeof(lc));
	lc.dir = x->dir;
	lc.prefix = "updates";
	lc.name = name;
	if ((x->upd_mrt = mrt_log_open(x->d->loop, &lc)) == NULL)
		log_warn("experiment %s: no MRT UPDATE log for round %u (%s)",
		    x->st.id, round + 1, strerror(errno));
}

void
xp_updates_close(struct experiment *x)
{
	if (x->updates >= 0)
		close(x->updates);
	x->updates = -1;
	mrt_log_close(x->upd_mrt);
	x->upd_mrt = NULL;
}

static void
log_line(struct experiment *x, cJSON *o)
{
	char *text;

	if (x->upd_lines == EXP_UPDATES_MAX) {
		cJSON_Delete(o);
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "truncated", true);
	}
	if (x->upd_lines++ > EXP_UPDATES_MAX) {
		cJSON_Delete(o);
		return;
	}
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text != NULL && (atomicfile_write_all(x->updates, text,
	    strlen(text)) == -1 || atomicfile_write_all(x->updates, "\n",
	    1) == -1))
		log_warn("experiment %s: UPDATE log: %s", x->st.id,
		    strerror(errno));
	cJSON_free(text);
}

/* The block's prefixes of the experiment, one line each. */
static void
log_block(struct experiment *x, const struct session *s, struct rbuf nlri,
    bool withdraw, const struct bgp_attrs *a)
{
	static const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true };
	char pfx[PREFIX_STRLEN];
	struct nlri_iter it;
	struct prefix p;
	uint32_t id;

	nlri_iter_init(&it, nlri, AF_IDX_IPV4, s->params.rx.addpath[
	    AF_IDX_IPV4]);
	while (nlri_iter_next(&it, &p, &id) == 1) {
		cJSON *o;

		if (!xp_prefix_of(x, &p))
			continue;
		o = cJSON_CreateObject();
		json_add_int(o, "time_us", xp_now_us());
		cJSON_AddNumberToObject(o, "round", x->st.next_round +
		    (x->st.in_round ? 1 : 0));
		cJSON_AddStringToObject(o, "peer", s->conf.name);
		cJSON_AddStringToObject(o, "prefix", prefix_format(&p, pfx,
		    sizeof(pfx)));
		cJSON_AddNumberToObject(o, "path_id", id);
		cJSON_AddBoolToObject(o, "withdraw", withdraw);
		if (!withdraw)
			cJSON_AddItemToObject(o, "attributes",
			    bgp_json_attrs(a, &opts));
		log_line(x, o);
	}
}

static int
hook_update(void *ctx, struct session *s, const struct bgp_update *u,
    enum bgp_action act, struct bgp_err *err)
{
	struct bgpd *d = ctx;
	struct experiment *x = d->xp;
	int rc = next_update(ctx, s, u, act, err);

	if (x == NULL || x->st.status != EXP_RUNNING || x->updates < 0 ||
	    s->conf.af != AF_IDX_IPV4)
		return rc;
	log_block(x, s, u->withdrawn, true, NULL);
	log_block(x, s, u->nlri, act == BGP_ACT_TREAT_AS_WITHDRAW, &u->attrs);
	return rc;
}

/* Every UPDATE of an IPv4 session, received or sent, to the round's MRT
 * file. */
static void
hook_message(void *ctx, struct session *s, struct rbuf msg, bool sent)
{
	struct bgpd *d = ctx;
	struct experiment *x = d->xp;
	struct mrt_bgp4mp m;

	if (next_message != NULL)
		next_message(ctx, s, msg, sent);
	if (x == NULL || x->st.status != EXP_RUNNING || x->upd_mrt == NULL ||
	    s->conf.af != AF_IDX_IPV4 || msg.len < BGP_HEADER_LEN ||
	    msg.p[BGP_HEADER_LEN - 1] != BGP_UPDATE)
		return;
	mrt_session_record(s, msg, sent, &m);
	mrt_log_message(x->upd_mrt, &m);
}

void
xp_hooks_install(struct bgpd *d)
{
	if (d->hooks.update == hook_update)
		return;
	next_update = d->hooks.update;
	d->hooks.update = hook_update;
	next_message = d->hooks.message;
	d->hooks.message = hook_message;
}
