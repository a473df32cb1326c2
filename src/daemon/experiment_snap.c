/*
 * An experiment's RIB snapshot at the end of each round: the whole
 * best-route table (every prefix's best path, both families, as `show
 * route json` gives a path), one JSON line per prefix, to
 * round-K.rib.jsonl. A full table is about a million prefixes: the walk
 * goes in slices of at most EXP_SNAP_SLICE_US on the loop, each resumed
 * after the last prefix written (ptree_walk_from), so the sessions and
 * the control socket are served between them. Lines gather in a buffer
 * written when full; the file is round-K.rib.jsonl.tmp until the last
 * line, then renamed. A write error (a full disk) ends the snapshot: the
 * temp file goes, the journal and the log say why, the run goes on.
 *
 * The table is read as it stands when each slice runs: a prefix added
 * behind the walk meanwhile is not in it, one removed ahead is not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "control_cmds.h"
#include "experiment_int.h"
#include "../lib/atomicfile.h"
#include "../lib/log.h"
#include "../rib/ptree.h"
#include "../rib/rib.h"

static int
snap_paths(struct experiment *x, char *tmp, size_t ntmp, char *path,
    size_t npath)
{
	char name[64];

	snprintf(name, sizeof(name), "round-%u.rib.jsonl", x->snap.round + 1);
	if (xp_path(x, name, path, npath) == -1 ||
	    (size_t)snprintf(tmp, ntmp, "%s.tmp", path) >= ntmp)
		return -1;
	return 0;
}

/* Ends the snapshot: journaled with its numbers, or with err. */
static void
snap_end(struct experiment *x, const char *err)
{
	struct xp_snap *sn = &x->snap;
	char tmp[4300], path[4200];
	cJSON *o = cJSON_CreateObject();

	ev_timer_stop(x->d->loop, &sn->t);
	if (sn->fd >= 0)
		close(sn->fd);
	sn->fd = -1;
	if (snap_paths(x, tmp, sizeof(tmp), path, sizeof(path)) == 0) {
		if (err == NULL && rename(tmp, path) == -1)
			err = strerror(errno);
		if (err != NULL)
			unlink(tmp);
	}
	cJSON_AddNumberToObject(o, "round", sn->round + 1);
	if (err != NULL) {
		cJSON_AddStringToObject(o, "error", err);
		log_warn("experiment %s: no RIB snapshot of round %u: %s",
		    x->st.id, sn->round + 1, err);
	} else {
		cJSON_AddStringToObject(o, "file", strrchr(path, '/') + 1);
		cJSON_AddNumberToObject(o, "routes", (double)sn->routes);
	}
	cJSON_AddNumberToObject(o, "slices", (double)sn->slices);
	cJSON_AddNumberToObject(o, "ms", (double)((xp_now_us() -
	    sn->began_us) / 1000));
	cJSON_AddNumberToObject(o, "busy_ms", (double)(sn->busy_us / 1000));
	cJSON_AddNumberToObject(o, "max_slice_ms",
	    (double)sn->max_slice_us / 1000.);
	xp_journal(x, "snapshot", o);
	free(sn->buf);
	sn->buf = NULL;
	sn->active = false;
}

void
xp_snapshot_abandon(struct experiment *x, const char *why)
{
	if (x->snap.active)
		snap_end(x, why);
}

static int
snap_flush(struct xp_snap *sn)
{
	if (sn->len > 0 && atomicfile_write_all(sn->fd, sn->buf, sn->len) ==
	    -1)
		return -1;
	sn->len = 0;
	return 0;
}

struct snap_walk {
	struct experiment	*x;
	const struct ptree	*tree;
	int64_t			 deadline;
	unsigned		 n;
	int			 err;	/* errno of a failed write */
};

#define SNAP_CLOCK_EVERY	32	/* prefixes between looks at the time */
#define SNAP_STOP		1	/* the slice's time is up */
#define SNAP_FAILED		2

static int
snap_node(void *ctx, const struct ptree_node *n)
{
	struct snap_walk *w = ctx;
	struct xp_snap *sn = &w->x->snap;
	const struct rib_path *v;
	char pfx[PREFIX_STRLEN], *text;
	size_t count, tl;
	cJSON *o;

	v = rib_node_paths(n, &count);
	ptree_prefix(w->tree, n, &sn->last);
	sn->resumed = true;
	if (count > 0) {
		o = routes_path_json(w->x->d, &v[0], true);
		cJSON_AddNumberToObject(o, "round", sn->round + 1);
		cJSON_AddStringToObject(o, "prefix", prefix_format(&sn->last,
		    pfx, sizeof(pfx)));
		text = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (text == NULL) {
			w->err = ENOMEM;
			return SNAP_FAILED;
		}
		tl = strlen(text);
		if ((sn->len + tl + 1 > EXP_SNAP_BUF && snap_flush(sn) == -1) ||
		    (tl + 1 > EXP_SNAP_BUF &&
		    atomicfile_write_all(sn->fd, text, tl) == -1)) {
			w->err = errno;
			cJSON_free(text);
			return SNAP_FAILED;
		}
		if (tl + 1 <= EXP_SNAP_BUF) {
			memcpy(sn->buf + sn->len, text, tl);
			sn->len += tl;
		}
		sn->buf[sn->len++] = '\n';
		sn->routes++;
		cJSON_free(text);
	}
	if (++w->n % SNAP_CLOCK_EVERY == 0 && xp_now_us() >= w->deadline)
		return SNAP_STOP;
	return 0;
}

static void snap_timer_cb(struct ev_loop *loop, struct ev_timer *t,
    int revents);

/* One slice: the walk from where the last stopped, for at most
 * EXP_SNAP_SLICE_US; the next slice armed, or the end. */
static void
snap_slice(struct experiment *x)
{
	struct xp_snap *sn = &x->snap;
	struct rib *rib = x->d->rib;
	int64_t t0 = xp_now_us();
	struct snap_walk w = { x, NULL, t0 + EXP_SNAP_SLICE_US, 0, 0 };
	int rv = 0;

	sn->slices++;
	while (rib != NULL && sn->af < AF_IDX_COUNT) {
		w.tree = &rib->tree[sn->af];
		rv = sn->resumed ? ptree_walk_from(w.tree, &sn->last,
		    snap_node, &w) : ptree_walk(w.tree, snap_node, &w);
		if (rv != 0)
			break;
		sn->af++;
		sn->resumed = false;
	}
	t0 = xp_now_us() - t0;
	sn->busy_us += t0;
	if (t0 > sn->max_slice_us)
		sn->max_slice_us = t0;
	if (rv == SNAP_FAILED) {
		snap_end(x, strerror(w.err));
		return;
	}
	if (rv == SNAP_STOP) {
		ev_timer_init(&sn->t, snap_timer_cb, 0., 0.);
		sn->t.data = x;
		ev_timer_start(x->d->loop, &sn->t);
		return;
	}
	if (rib == NULL) {
		snap_end(x, "no RIB");
		return;
	}
	snap_end(x, snap_flush(sn) == -1 ? strerror(errno) : NULL);
}

static void
snap_timer_cb(struct ev_loop *loop, struct ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	snap_slice(t->data);
}

void
xp_snapshot(struct experiment *x, uint32_t round)
{
	struct xp_snap *sn = &x->snap;
	char tmp[4300], path[4200];

	xp_snapshot_abandon(x, "cut short: the next snapshot began");
	memset(sn, 0, sizeof(*sn));
	sn->fd = -1;
	sn->round = round;
	sn->active = true;
	sn->began_us = xp_now_us();
	if (snap_paths(x, tmp, sizeof(tmp), path, sizeof(path)) == -1) {
		snap_end(x, "path too long");
		return;
	}
	if ((sn->buf = malloc(EXP_SNAP_BUF)) == NULL) {
		snap_end(x, strerror(ENOMEM));
		return;
	}
	if ((sn->fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		snap_end(x, strerror(errno));
		return;
	}
	snap_slice(x);	/* a small table is done at once */
}
