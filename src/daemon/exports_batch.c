/*
 * `announce-file PATH [force] [nodp]`: an announcement file
 * (docs/announce-json.md) as one request, all or nothing. The daemon reads
 * the file itself, turns it into requests with its own gates and its own
 * sessions as the names, then decides once:
 *
 *   1. every request, in file order, decided (ann_decide: the gates, the
 *      plan, the change rate) on a copy of the store that the requests
 *      before it have changed (ann_apply), as they will be applied: one
 *      refused refuses all, and every refusal is told (a gate's stops
 *      the file there);
 *   2. the data plane of the announced prefixes (undone on failure);
 *   3. every change into the store, the change records noted, the store
 *      saved once: a failure anywhere puts the store back as it was;
 *   4. only then the UPDATEs, each session hearing its changes.
 *
 * A kill -9 between 3 and 4 leaves a store the daemon exports whole at
 * its restart: what the muxes hear is what the store holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "events.h"
#include "exports.h"
#include "exports_int.h"
#include "../announce/ann_json.h"
#include "../lib/log.h"
#include "../lib/readfile.h"
#include "../netns/dataplane.h"

struct batch {
	struct bgpd		*d;
	const char		*file;
	struct ann_request	*r;
	size_t			 n;
	int			*verdict;	/* per request: 0 apply, 1 none */
	struct prefix		*pfx;		/* the distinct prefixes applied */
	size_t			 npfx;
	struct exports_diff	*df;		/* one per pfx */
	bool			*dp_added;	/* per pfx */
};

/* The file's requests, with the daemon's gates and names. */
static int
batch_parse(struct batch *b, const char *path, struct strbuf *reply)
{
	static const char *names[BGPD_MAX_SESSIONS];
	struct ann_policy pol;
	struct prefix *owned = NULL;
	struct stat st;
	char perr[512], *buf = NULL, *err = NULL;
	size_t len;
	int rc = -1;

	if (stat(path, &st) == 0 && (st.st_mode & S_IWOTH)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: writable by "
		    "others: refused (run: chmod o-w %s)\n", path, path);
		return -1;
	}
	if (exports_policy_load(b->d, &pol, &owned, perr, sizeof(perr)) ==
	    -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", perr);
		return -1;
	}
	if (readfile(path, ANN_JSON_MAX_BYTES, &buf, &len) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", path,
		    readfile_strerror(errno));
		goto out;
	}
	if ((err = malloc(ANN_JSON_MAX_ERRORS * 1024)) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		goto out;
	}
	pol.any_origin = false;		/* as `peering prefix` */
	rc = ann_json_parse(buf, len, names, exports_session_names(b->d,
	    names), &pol, &b->r, &b->n, err, ANN_JSON_MAX_ERRORS * 1024);
	if (rc == -1)
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", path,
		    err);
out:
	free(err);
	free(buf);
	free(owned);
	return rc;
}

/* A request refused: "error: " once, at the head of the reply. A gate's
 * refusal stops the file there, as the gates always did (1). */
static int
batch_refusal(struct batch *b, size_t i, const struct ann_decision *dec,
    size_t refused, struct strbuf *reply)
{
	const char *head = refused == 0 ? CONTROL_ERROR_PREFIX : "";
	struct strbuf why;
	const char *w;

	strbuf_init(&why);
	ann_decision_reply(&b->r[i], dec, &why);
	w = why.s + strlen(CONTROL_ERROR_PREFIX);
	if (dec->verdict == ANN_REFUSED)
		strbuf_printf(reply, "%s%s%s: request %zu of %zu refused: "
		    "nothing was applied\n", head, w, b->file, i + 1, b->n);
	else
		strbuf_printf(reply, "%srequest %zu of %zu: %s", head, i + 1,
		    b->n, w);
	strbuf_free(&why);
	return dec->verdict == ANN_REFUSED;
}

/* Step 1: every request decided on a copy the earlier ones changed. */
static int
batch_decide(struct batch *b, struct strbuf *reply)
{
	static struct exports_view v;
	static struct ann_decision dec;
	struct ann_store sim;
	time_t now = time(NULL);
	size_t refused = 0;
	int rc = 0, stop = 0;

	if (ann_store_copy(&sim, &b->d->ann) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		return -1;
	}
	exports_view_open(b->d, &v);
	v.st.store = &sim;
	for (size_t i = 0; i < b->n && rc == 0 && !stop; i++) {
		ann_decide(&v.st, &b->r[i], now, &dec);
		b->verdict[i] = ann_decision_code(&dec);
		if (b->verdict[i] == -1)
			stop = batch_refusal(b, i, &dec, refused++, reply);
		if (b->verdict[i] != 0)
			continue;
		if (ann_apply(&sim, &b->r[i], dec.t, dec.nt, now, NULL) != 0) {
			strbuf_printf(reply, "%stoo many announcements or "
			    "changes (at most %d)\n", refused == 0 ?
			    CONTROL_ERROR_PREFIX : "", ANN_STORE_MAX);
			rc = -1;
		}
	}
	exports_view_free(&v);
	ann_store_free(&sim);
	if (refused > 0 && !stop)
		strbuf_printf(reply, "%s: %zu of %zu requests refused: nothing "
		    "was applied\n", b->file, refused, b->n);
	return refused > 0 ? -1 : rc;
}

static void
batch_dataplane_undo(struct batch *b)
{
	char err[512];

	for (size_t j = 0; j < b->npfx; j++)
		if (b->dp_added[j] && !exports_dataplane_kept(b->d, &b->pfx[j]) &&
		    dataplane_remove(&b->pfx[j], err, sizeof(err)) == -1)
			log_warn("data plane of a refused file: %s", err);
}

/* Step 2: the announced prefixes' data plane (as request_announce). */
static int
batch_dataplane(struct batch *b, struct strbuf *reply)
{
	char err[512], pfx[PREFIX_STRLEN];

	for (size_t j = 0; j < b->npfx; j++) {
		bool want = false;

		for (size_t i = 0; i < b->n && !want; i++)
			want = b->verdict[i] == 0 && !b->r[i].withdraw &&
			    !b->r[i].no_dataplane &&
			    prefix_equal(&b->r[i].prefix, &b->pfx[j]);
		if (!want)
			continue;
		b->dp_added[j] = !exports_dataplane_kept(b->d, &b->pfx[j]);
		if (dataplane_add(&b->pfx[j], err, sizeof(err)) == -1) {
			strbuf_printf(reply, CONTROL_ERROR_PREFIX "data plane "
			    "for %s: %s (add -R to announce without it): "
			    "nothing was applied\n", prefix_format(&b->pfx[j],
			    pfx, sizeof(pfx)), err);
			batch_dataplane_undo(b);
			return -1;
		}
	}
	return 0;
}

/* Step 3: the store changed, noted and saved, or as it was. */
static int
batch_store(struct batch *b, struct strbuf *reply)
{
	struct bgpd *d = b->d;
	struct ann_store backup;
	time_t now = time(NULL);
	char err[512];
	const char *why = NULL;

	if (ann_store_copy(&backup, &d->ann) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory: "
		    "nothing was applied\n");
		return -1;
	}
	for (size_t j = 0; j < b->npfx; j++)
		exports_diff_begin(d, &b->pfx[j], &b->df[j]);
	for (size_t i = 0; i < b->n && why == NULL; i++) {
		struct ann_entry e;

		if (b->verdict[i] != 0)
			continue;
		if (b->r[i].withdraw)
			ann_store_withdraw(&d->ann, &b->r[i].prefix,
			    b->r[i].mux);
		else {
			ann_entry_from_request(&b->r[i], now, &e);
			if (ann_store_set(&d->ann, &e) == -1)
				why = "too many announcements";
		}
	}
	for (size_t j = 0; j < b->npfx && why == NULL; j++)
		if (exports_diff_note(d, &b->pfx[j], &b->df[j], now) == -1)
			why = "the change-rate records are full: wait, or "
			    "withdraw";
	if (why == NULL && exports_save(d, err, sizeof(err)) == -1)
		why = err;
	if (why != NULL) {
		/* As it was: entries and change records. */
		ann_store_free(&d->ann);
		d->ann = backup;
		log_warn("%s not applied: %s", b->file, why);
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s: nothing was "
		    "applied, nothing sent\n", b->file, why);
		return -1;
	}
	ann_store_free(&backup);
	return 0;
}

/* The distinct prefixes of the requests that change something. */
static int
batch_prefixes(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		size_t j;

		if (b->verdict[i] != 0)
			continue;
		for (j = 0; j < b->npfx && !prefix_equal(&b->pfx[j],
		    &b->r[i].prefix); j++)
			;
		if (j == b->npfx)
			b->pfx[b->npfx++] = b->r[i].prefix;
	}
	if (b->npfx > 0 && ((b->df = calloc(b->npfx, sizeof(*b->df))) ==
	    NULL || (b->dp_added = calloc(b->npfx, sizeof(bool))) == NULL))
		return -1;
	return 0;
}

/* Step 4: saved; now the wire, then the data plane of what is gone. */
static void
batch_send(struct batch *b)
{
	char err[512], pfx[PREFIX_STRLEN];

	for (size_t j = 0; j < b->npfx; j++)
		exports_changes_send(b->d, &b->pfx[j], b->df[j].wire);
	for (size_t j = 0; j < b->npfx; j++) {
		bool dp = false;

		for (size_t i = 0; i < b->n && !dp; i++)
			dp = b->verdict[i] == 0 && b->r[i].withdraw &&
			    !b->r[i].no_dataplane &&
			    prefix_equal(&b->r[i].prefix, &b->pfx[j]);
		if (dp && !ann_store_has_prefix(&b->d->ann, &b->pfx[j]) &&
		    dataplane_remove(&b->pfx[j], err, sizeof(err)) == -1)
			log_warn("data plane of %s: %s", prefix_format(
			    &b->pfx[j], pfx, sizeof(pfx)), err);
	}
}

/* A line a request, each applied one told to the events and the log. */
static void
batch_reply(struct batch *b, struct strbuf *reply)
{
	char pfx[PREFIX_STRLEN];
	size_t changed = 0;
	struct strbuf line;

	strbuf_init(&line);
	for (size_t i = 0; i < b->n; i++) {
		const struct ann_request *r = &b->r[i];

		prefix_format(&r->prefix, pfx, sizeof(pfx));
		if (b->verdict[i] != 0) {
			strbuf_printf(reply, "%s: %s %s: unchanged\n", pfx,
			    r->withdraw ? "withdraw from" : "announce to",
			    r->mux[0] ? r->mux : "all muxes");
			continue;
		}
		changed++;
		line.len = 0;
		strbuf_printf(&line, "%s: %s %s\n", pfx, r->withdraw ?
		    "withdrawn from" : "announced to", r->mux[0] ? r->mux :
		    "all muxes");
		strbuf_append(reply, line.s, line.len);
		events_request(b->d, r, &line);	/* and the log */
	}
	strbuf_free(&line);
	log_info("%s: %zu requests applied at once, %zu changing the store",
	    b->file, b->n, changed);
	strbuf_printf(reply, "%s: %zu request%s applied at once (%zu "
	    "changed), saved once\n", b->file, b->n, b->n == 1 ? "" : "s",
	    changed);
}

static void
batch_run(struct batch *b, struct strbuf *reply)
{
	if ((b->verdict = calloc(b->n ? b->n : 1, sizeof(int))) == NULL ||
	    (b->pfx = calloc(b->n ? b->n : 1, sizeof(*b->pfx))) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		return;
	}
	if (batch_decide(b, reply) == -1)
		return;
	if (batch_prefixes(b) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		return;
	}
	if (batch_dataplane(b, reply) == -1)
		return;
	if (batch_store(b, reply) == -1) {
		batch_dataplane_undo(b);
		return;
	}
	batch_send(b);
	batch_reply(b, reply);
}

void
exports_file(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct batch b;
	bool force = false, nodp = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "force") == 0)
			force = true;
		else if (strcmp(argv[i], "nodp") == 0)
			nodp = true;
		else
			argc = -1;
	}
	if (argc < 1 || argv[0][0] != '/') {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "announce-file "
		    "/ABSOLUTE/PATH [force] [nodp]\n");
		return;
	}
	memset(&b, 0, sizeof(b));
	b.d = d;
	b.file = argv[0];
	if (batch_parse(&b, argv[0], reply) == 0) {
		for (size_t i = 0; i < b.n; i++) {
			b.r[i].force = force;
			b.r[i].no_dataplane = nodp;
		}
		batch_run(&b, reply);
	}
	ann_json_free(b.r);
	free(b.verdict);
	free(b.pfx);
	free(b.df);
	free(b.dp_added);
}
