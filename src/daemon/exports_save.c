/*
 * Saving var/announcements.json, and what happens when it fails
 * (docs/announce-store.md, "When a save fails"). An announcement is saved
 * before anything is sent, and refused when the save fails: nothing goes
 * out. A withdrawal always goes out and leaves memory; when its save
 * fails the store is ahead of its file ("unsaved"): a restart then would
 * announce again what was withdrawn. So the save is tried again, 1 s
 * later, doubling to one try a minute, and with every change, until it
 * works; `bgp status` and the log say so meanwhile. Also here: what
 * `bgp status` says of the announcements.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "exports_int.h"
#include "../lib/log.h"

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
void
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
