/*
 * var/announcements.json for the daemon: loaded at start, every entry
 * through today's gates again (docs/announce-store.md, "At start"), and
 * saved at every change, with what happens when a save fails ("When a
 * save fails"). An announcement is saved before anything is sent, and
 * refused when the save fails: nothing goes out. A withdrawal always goes
 * out and leaves memory; when its save fails the store is ahead of its
 * file ("unsaved"): a restart then would announce again what was
 * withdrawn. So the save is tried again, 1 s later, doubling to one try a
 * minute, and with every change, until it works; `bgp status` and the log
 * say so meanwhile. Also here: what `bgp status` says of the
 * announcements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exports_int.h"
#include "../announce/announce_io.h"
#include "../lib/log.h"
#include "../netns/dataplane.h"
#define SAVE_RETRY_FIRST	1.	/* seconds */
#define SAVE_RETRY_MAX		60.

static void
save_ok(struct bgpd *d)
{
	struct exports_state *x = &d->exp;
	char when[32];
	struct tm tm;

	if (!x->unsaved)
		return;
	strftime(when, sizeof(when), "%H:%M:%S",
	    localtime_r(&x->unsaved_since, &tm));
	log_info("%s saved: the file holds the announcements again (behind "
	    "since %s)", d->ann.path, when);
	x->unsaved = false;
	x->save_err[0] = '\0';
	ev_timer_stop(d->loop, &x->t_save);
}

static void
save_retry_cb(struct ev_loop *loop, struct ev_timer *t, int revents)
{
	struct bgpd *d = t->data;
	char err[512];

	(void)loop;
	(void)revents;
	if (exports_save(d, err, sizeof(err)) == 0)
		return;
	exports_save_failed(d, err);
}

void
exports_save_init(struct bgpd *d)
{
	ev_timer_init(&d->exp.t_save, save_retry_cb, SAVE_RETRY_FIRST, 0.);
	d->exp.t_save.data = d;
}

int
exports_save(struct bgpd *d, char *err, size_t errlen)
{
	/* Records 10 minutes old go first: they refuse nothing more. */
	ann_store_changes_prune(&d->ann, time(NULL));
	if (ann_store_save(&d->ann, err, errlen) == -1)
		return -1;
	save_ok(d);
	return 0;
}

void
exports_save_failed(struct bgpd *d, const char *err)
{
	struct exports_state *x = &d->exp;

	if (!x->unsaved) {
		x->unsaved = true;
		x->unsaved_since = time(NULL);
		x->save_backoff = SAVE_RETRY_FIRST;
		log_warn("cannot save %s (%s): the withdrawals since are not "
		    "in it, and a restart would announce them again; trying "
		    "again", d->ann.path, err);
	} else if (strcmp(x->save_err, err) != 0)
		log_warn("cannot save %s still: %s", d->ann.path, err);
	snprintf(x->save_err, sizeof(x->save_err), "%s", err);
	/* Doubling, so a full disk is not rewritten every second. */
	ev_timer_stop(d->loop, &x->t_save);
	ev_timer_set(&x->t_save, x->save_backoff, 0.);
	ev_timer_start(d->loop, &x->t_save);
	x->save_backoff *= 2;
	if (x->save_backoff > SAVE_RETRY_MAX)
		x->save_backoff = SAVE_RETRY_MAX;
}

/* At exit: one last try, and a loud word if it fails. */
static void
exports_save_close(struct bgpd *d)
{
	char err[512];

	ev_timer_stop(d->loop, &d->exp.t_save);
	if (!d->exp.unsaved || exports_save(d, err, sizeof(err)) == 0)
		return;
	log_warn("%s was not saved (%s): the next start announces again "
	    "what was withdrawn since this run's first failed save", d->ann.path,
	    err);
}

/* ---- the load, and the gates on what it holds ---- */

int
exports_policy_load(struct bgpd *d, struct ann_policy *pol,
    struct prefix **owned, char *err, size_t errlen)
{
	size_t n = 0;

	*owned = NULL;
	if (announce_read_prefixes(d->paths.client_dir, owned, &n, err,
	    errlen) == -1)
		return -1;
	pol->allowed = *owned;
	pol->n_allowed = n;
	pol->any_origin = false;
	return 0;
}

/* An entry the gates refused: logged, kept for bgp status, and taken out
 * as a withdrawal would (a previous run may have announced it: it counts
 * as a change at every mux that heard it). */
static void
load_drop(struct bgpd *d, size_t i, const char *why, time_t now)
{
	static struct exports_diff df;
	struct ann_entry e = d->ann.e[i];
	struct exports_state *x = &d->exp;
	char pfx[PREFIX_STRLEN], err[512];

	prefix_format(&e.prefix, pfx, sizeof(pfx));
	log_warn("%s: %s mux %s: not announced, dropped: %s", d->ann.path, pfx,
	    e.mux[0] ? e.mux : "all", why);
	if (x->n_dropped < EXPORTS_DROPPED_SHOWN) {
		struct exports_dropped *dr = &x->dropped[x->n_dropped];

		dr->prefix = e.prefix;
		memcpy(dr->mux, e.mux, sizeof(dr->mux));
		snprintf(dr->why, sizeof(dr->why), "%.*s",
		    (int)sizeof(dr->why) - 1, why);
	}
	x->n_dropped++;
	exports_diff_begin(d, &e.prefix, &df);
	ann_store_remove(&d->ann, &e.prefix, e.mux);
	exports_diff_note(d, &e.prefix, &df, now);
	/* What an earlier run set up for it goes, unless kept for another
	 * entry of the prefix. */
	if (!e.no_dataplane && !ann_store_has_prefix(&d->ann, &e.prefix) &&
	    dataplane_remove(&e.prefix, err, sizeof(err)) == -1)
		log_warn("data plane of %s: %s", pfx, err);
}

/*
 * Every entry passes today's gates, or is dropped: a prefix taken out of
 * prefixes.txt, a store edited by hand, a mux no longer configured. A
 * prefix list that cannot be read stops the start (-1): nothing could be
 * checked.
 */
static int
load_gate(struct bgpd *d, char *err, size_t errlen)
{
	static const char *names[BGPD_MAX_SESSIONS];
	struct ann_policy pol;
	struct prefix *owned;
	char why[512];
	time_t now = time(NULL);
	size_t i = 0;

	if (d->ann.n == 0)
		return 0;
	if (exports_policy_load(d, &pol, &owned, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s (the announcements kept in %s are "
		    "checked against it)", why, d->ann.path);
		return -1;
	}
	for (unsigned k = 0; k < d->n_sessions; k++)
		names[k] = d->sessions[k]->conf.name;
	while (i < d->ann.n)
		if (ann_store_check_entry(&d->ann.e[i], &pol, names,
		    d->n_sessions, why, sizeof(why)) == -1)
			load_drop(d, i, why, now);
		else
			i++;
	free(owned);
	return 0;
}

int
exports_open(struct bgpd *d, char *err, size_t errlen)
{
	char path[4200], e[512];

	snprintf(path, sizeof(path), "%s/var/announcements.json",
	    d->paths.client_dir);
	ann_store_init(&d->ann, path);
	exports_save_init(d);
	if (ann_store_load(&d->ann, err, errlen) == -1 ||
	    load_gate(d, err, errlen) == -1)
		return -1;
	/* As `bgp start` always did: no rule from an earlier life stays;
	 * the announcements kept get theirs back. */
	dataplane_flush_rules(e, sizeof(e));
	for (size_t i = 0; i < d->ann.n; i++)
		if (!d->ann.e[i].no_dataplane &&
		    dataplane_add(&d->ann.e[i].prefix, e, sizeof(e)) == -1)
			log_warn("data plane: %s", e);
	if (d->ann.n > 0)
		log_info("%zu announcements kept from before: announcing "
		    "them again", d->ann.n);
	/* The file says what memory holds, the dropped ones gone. */
	if (d->exp.n_dropped > 0 && exports_save(d, e, sizeof(e)) == -1)
		exports_save_failed(d, e);
	return 0;
}

void
exports_close(struct bgpd *d)
{
	exports_save_close(d);
	ann_store_free(&d->ann);
	adj_out_free(&d->adj_out);
}

/* ---- what bgp status says of them ---- */

static void
status_text(struct bgpd *d, struct strbuf *reply)
{
	struct exports_state *x = &d->exp;
	char when[32], pfx[PREFIX_STRLEN];
	struct tm tm;

	if (x->unsaved) {
		strftime(when, sizeof(when), "%H:%M:%S",
		    localtime_r(&x->unsaved_since, &tm));
		strbuf_printf(reply, "announcements: not saved since %s (%s): "
		    "a restart now would announce again what was withdrawn "
		    "since; next try in %.0f s\n", when, x->save_err,
		    ev_timer_remaining(d->loop, &x->t_save));
	}
	if (x->n_dropped == 0)
		return;
	strbuf_printf(reply, "announcements: %zu dropped at start, refused by "
	    "the gates (never announced by this run):\n", x->n_dropped);
	for (size_t i = 0; i < x->n_dropped && i < EXPORTS_DROPPED_SHOWN; i++)
		strbuf_printf(reply, "  %s %s: %s\n", prefix_format(
		    &x->dropped[i].prefix, pfx, sizeof(pfx)),
		    x->dropped[i].mux[0] ? x->dropped[i].mux : "all",
		    x->dropped[i].why);
	if (x->n_dropped > EXPORTS_DROPPED_SHOWN)
		strbuf_printf(reply, "  and %zu more (the log names them)\n",
		    x->n_dropped - EXPORTS_DROPPED_SHOWN);
}

static void
status_json(struct bgpd *d, cJSON *root)
{
	const struct exports_state *x = &d->exp;
	cJSON *o = cJSON_AddObjectToObject(root, "announcements"), *arr;
	char pfx[PREFIX_STRLEN];

	if (o == NULL)
		return;
	cJSON_AddBoolToObject(o, "saved", !x->unsaved);
	if (x->unsaved) {
		cJSON_AddNumberToObject(o, "unsaved_since",
		    (double)x->unsaved_since);
		cJSON_AddStringToObject(o, "save_error", x->save_err);
	}
	cJSON_AddNumberToObject(o, "dropped_count", (double)x->n_dropped);
	arr = cJSON_AddArrayToObject(o, "dropped");
	for (size_t i = 0; arr != NULL && i < x->n_dropped &&
	    i < EXPORTS_DROPPED_SHOWN; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "prefix", prefix_format(
		    &x->dropped[i].prefix, pfx, sizeof(pfx)));
		cJSON_AddStringToObject(e, "mux", x->dropped[i].mux[0] ?
		    x->dropped[i].mux : "all");
		cJSON_AddStringToObject(e, "reason", x->dropped[i].why);
		cJSON_AddItemToArray(arr, e);
	}
}

void
exports_status(struct bgpd *d, struct strbuf *reply, cJSON *json)
{
	if (json != NULL)
		status_json(d, json);
	else
		status_text(d, reply);
}
