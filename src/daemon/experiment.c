/*
 * `experiment run|resume|status|stop` on the control socket, and the run
 * resumed at start (docs/experiment.md). The daemon reads the file it is
 * given and checks it again with its own gates: the CLI's checks are a
 * courtesy, these are the ones that count.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "experiment_int.h"
#include "exports_int.h"
#include "../lib/atomicfile.h"
#include "../lib/log.h"
#include "../lib/readfile.h"
#include "../vpn/mux.h"
#include "../vpn/testbed.h"

#define XP_JOURNAL_READ_MAX	(256 * 1024 * 1024)
#define XP_PAST_RUNS_MAX	1000	/* state files read for idle times */

static int
xp_root(const struct bgpd *d, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s/var/experiments",
	    d->paths.client_dir) >= size)
		return -1;
	return 0;
}

/* Reads and checks the experiment file against the daemon's gates; *buf
 * keeps its bytes. -1 with the reply written. */
static int
xp_parse_file(struct bgpd *d, const char *path, char **buf, size_t *len,
    struct ann_exp *e, struct ann_policy *pol, struct prefix **owned,
    struct strbuf *reply)
{
	static const char *names[BGPD_MAX_SESSIONS];
	char *err, perr[512];
	int rc;

	*buf = NULL;
	if (exports_policy_load(d, pol, owned, perr, sizeof(perr)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", perr);
		return -1;
	}
	if (readfile(path, ANN_JSON_MAX_BYTES, buf, len) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", path,
		    readfile_strerror(errno));
		return -1;
	}
	if ((err = malloc(ANN_JSON_MAX_ERRORS * 1024)) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		return -1;
	}
	rc = exp_parse_file(*buf, *len, names, exports_session_names(d, names), pol,
	    e, err, ANN_JSON_MAX_ERRORS * 1024);
	if (rc == -1)
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", path, err);
	free(err);
	return rc;
}

static size_t
round_of(const struct ann_exp *e, size_t i)
{
	size_t k = 0;

	while (k + 1 < e->n_rounds && e->round_first[k + 1] <= i)
		k++;
	return k;
}

/*
 * The test schedule (rounds under 10 minutes, and the change interval as
 * short) only where it cannot reach a PEERING mux: every mux the file
 * names a configured neighbour, or a mux of configs/openvpn whose tunnel
 * goes to a test bed (vpn/testbed.h: its OpenVPN server in 198.18.0.0/15,
 * asked of the tunnel itself, without waiting: experiment_tb.c); never
 * "all" (every PEERING mux). Sets d->mux_testbed to the muxes so proven,
 * which the plans then read. 0 allowed; -1 refused (the reply says why);
 * 1 not known yet: a tunnel is being asked, ask again when it answers
 * (xp_tb_when_done); nothing written.
 */
static int
fast_check(struct bgpd *d, const struct ann_exp *e, unsigned secs,
    struct strbuf *reply)
{
	uint64_t proven = 0, refused = 0;
	const char *why = NULL, *sep = "", *bad = NULL;
	char tb[320], badwhy[320] = "";
	size_t bad_i = 0;
	bool pending = false;

	d->mux_testbed = 0;
	for (size_t i = 0; i < e->n_req; i++) {
		const char *m = e->req[i].mux, *w = NULL;
		const struct mux *mx;
		int v;

		if (m[0] == '\0')
			w = "\"all\", every PEERING mux";
		else if ((mx = mux_find(&d->muxes, m)) != NULL) {
			if (proven >> mx->tap & 1)
				continue;
			if (!(refused >> mx->tap & 1)) {
				v = xp_tb_query(d, mx, tb, sizeof(tb));
				if (v == 1) {
					proven |= UINT64_C(1) << mx->tap;
					continue;
				}
				if (v == 2) {
					pending = true;
					continue;
				}
			}
			refused |= UINT64_C(1) << mx->tap;
			w = "a PEERING mux (configs/openvpn)";
			if (bad == NULL) {
				sep = ": ";
				snprintf(badwhy, sizeof(badwhy), "%s", tb);
			}
		} else if (config_find_neighbor(d->conf, m) == NULL)
			w = "not a configured neighbor";
		if (w != NULL && bad == NULL) {
			why = w;
			bad = m;
			bad_i = i;
		}
	}
	if (pending)
		return 1;
	if (bad != NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "round-seconds %u is "
		    "the test schedule (rounds under %d s): only for the "
		    "configured neighbors of peering-bgpd.conf and muxes of a "
		    "test bed, and round %zu names %s, %s%s%s\n", secs,
		    ANN_CHANGE_INTERVAL, round_of(e, bad_i) + 1, bad[0] ? bad :
		    "all", why, sep, sep[0] != '\0' ? badwhy : "");
		return -1;
	}
	d->mux_testbed = proven;
	return 0;
}

/* The last change of each candidate: the change records, and the past
 * runs that bound it (their state's last update). */
static void
idle_times(struct bgpd *d, struct exp_idle *c, size_t n)
{
	char root[4096], path[4400];
	struct dirent *de;
	size_t runs = 0;
	DIR *dir;

	for (size_t k = 0; k < d->ann.nc; k++)
		for (size_t i = 0; i < n; i++)
			if (prefix_equal(&d->ann.c[k].prefix, &c[i].prefix) &&
			    d->ann.c[k].at > c[i].last)
				c[i].last = d->ann.c[k].at;
	if (xp_root(d, root, sizeof(root)) == -1 ||
	    (dir = opendir(root)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL && runs++ < XP_PAST_RUNS_MAX) {
		struct exp_state st;
		char *buf, err[256];
		size_t len;

		if (!exp_id_valid(de->d_name) || de->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s/state.json",
		    root, de->d_name) >= sizeof(path) ||
		    readfile(path, EXP_STATE_MAX_BYTES, &buf, &len) == -1)
			continue;
		if (exp_state_parse(buf, len, &st, err, sizeof(err)) == 0)
			for (unsigned v = 0; v < ANN_EXP_VARS; v++)
				for (size_t i = 0; st.b.bound[v] && i < n; i++)
					if (prefix_equal(&st.b.prefix[v],
					    &c[i].prefix) &&
					    st.updated > c[i].last)
						c[i].last = st.updated;
		free(buf);
	}
	closedir(dir);
}

/* The variables the file uses and the user left unbound: each the user
 * prefix idle the longest. */
static int
bind_idle(struct bgpd *d, const struct ann_exp *e, struct exp_bindings *b,
    const struct ann_policy *pol, struct strbuf *reply)
{
	struct prefix alloc[ANN_EXP_ALLOCATION_MAX];
	size_t na = ann_exp_allocation(alloc, ANN_EXP_ALLOCATION_MAX), n = 0;
	unsigned used = exp_vars_used(e);
	struct exp_idle c[ANN_EXP_ALLOCATION_MAX];

	for (size_t i = 0; i < na; i++) {
		bool mine = false;

		for (size_t k = 0; k < pol->n_allowed && !mine; k++)
			mine = prefix_equal(&pol->allowed[k], &alloc[i]);
		if (!mine)
			continue;
		memset(&c[n], 0, sizeof(c[n]));
		c[n].prefix = alloc[i];
		c[n].excluded = ann_store_has_prefix(&d->ann, &alloc[i]) ||
		    exp_names_prefix(e, &alloc[i]);
		for (unsigned v = 0; v < ANN_EXP_VARS; v++)
			if (b->bound[v] && prefix_equal(&b->prefix[v],
			    &alloc[i]))
				c[n].excluded = true;
		n++;
	}
	idle_times(d, c, n);
	for (unsigned v = 0; v < ANN_EXP_VARS; v++) {
		long k;

		if (!(used & (1u << v)) || b->bound[v])
			continue;
		if ((k = exp_idle_pick(c, n)) < 0) {
			strbuf_printf(reply, CONTROL_ERROR_PREFIX "no prefix "
			    "left for %c: each of your prefixes in the "
			    "experiment allocation is announced, bound or named "
			    "by the file (bind one: --bind %c=PREFIX)\n",
			    'A' + v, 'A' + v);
			return -1;
		}
		b->prefix[v] = c[k].prefix;
		b->bound[v] = b->chosen[v] = true;
		c[k].excluded = true;
	}
	return 0;
}

static void
bindings_text(const struct exp_bindings *b, struct strbuf *out)
{
	char pfx[PREFIX_STRLEN];
	bool any = false;

	strbuf_printf(out, "bindings:");
	for (unsigned v = 0; v < ANN_EXP_VARS; v++) {
		if (!b->bound[v])
			continue;
		strbuf_printf(out, "%s %c=%s (%s)", any ? "," : "", 'A' + v,
		    prefix_format(&b->prefix[v], pfx, sizeof(pfx)),
		    b->chosen[v] ? "chosen: idle the longest" : "given");
		any = true;
	}
	strbuf_printf(out, "%s\n", any ? "" : " none");
}

/* The schedule played from (from_round, from_req) at start: the dry
 * run's text, or only its verdict. */
static int
sim_check(struct bgpd *d, const struct ann_exp *e, const struct exp_bindings *b,
    const struct exp_state *st, time_t start, struct strbuf *dry,
    struct strbuf *reply)
{
	static struct exp_target t[BGPD_MAX_SESSIONS];
	struct exp_sim sim;
	char err[1024];
	int rc;

	memset(&sim, 0, sizeof(sim));
	sim.e = e;
	sim.b = b;
	sim.t = t;
	sim.nt = xp_targets(d, AF_IDX_IPV4, t);
	sim.nt += xp_targets(d, AF_IDX_IPV6, t + sim.nt);
	sim.start = start;
	sim.round_seconds = st->round_seconds;
	sim.rate_interval = st->rate_interval;
	rc = dry != NULL ? exp_dry_run(&sim, &d->ann, dry, err, sizeof(err)) :
	    exp_sim_run(&sim, &d->ann, NULL, NULL, err, sizeof(err));
	if (rc == -1)
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
	return rc;
}

/* ---- run ---- */

static struct experiment *
xp_new(struct bgpd *d)
{
	struct experiment *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->d = d;
	x->journal = -1;
	x->updates = -1;
	x->snap.fd = -1;
	x->phase = "round";
	return x;
}

/* A new run's directory: var/experiments/YYYYmmdd-HHMMSS[-N]. */
static int
xp_mkdir(struct bgpd *d, struct experiment *x, struct strbuf *reply)
{
	char root[3900], stamp[20];
	time_t now = time(NULL);
	struct tm tm;

	if (xp_root(d, root, sizeof(root)) == -1 ||
	    (mkdir(root, 0700) == -1 && errno != EEXIST)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", root,
		    strerror(errno));
		return -1;
	}
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime_r(&now,
	    &tm));
	for (int n = 1; n < 100; n++) {
		if (n == 1)
			snprintf(x->st.id, sizeof(x->st.id), "%s", stamp);
		else
			snprintf(x->st.id, sizeof(x->st.id), "%s-%d", stamp, n);
		if ((size_t)snprintf(x->dir, sizeof(x->dir), "%s/%s", root,
		    x->st.id) >= sizeof(x->dir))
			break;
		if (mkdir(x->dir, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", x->dir,
	    strerror(errno));
	return -1;
}

static int
journal_open(struct experiment *x)
{
	char path[4200];

	if (xp_path(x, "journal.jsonl", path, sizeof(path)) == -1)
		return -1;
	x->journal = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	return x->journal < 0 ? -1 : 0;
}

static cJSON *
bindings_json(const struct exp_bindings *b)
{
	cJSON *o = cJSON_CreateObject();
	char pfx[PREFIX_STRLEN];

	for (unsigned v = 0; v < ANN_EXP_VARS; v++) {
		cJSON *x;

		if (!b->bound[v])
			continue;
		x = cJSON_AddObjectToObject(o, exp_var_name((uint8_t)(v + 1)));
		cJSON_AddStringToObject(x, "prefix", prefix_format(
		    &b->prefix[v], pfx, sizeof(pfx)));
		cJSON_AddBoolToObject(x, "chosen", b->chosen[v]);
	}
	return o;
}

static cJSON *
muxes_json(const struct ann_exp *e)
{
	cJSON *arr = cJSON_CreateArray(), *v;

	for (size_t i = 0; i < e->n_req; i++) {
		const char *m = e->req[i].mux[0] ? e->req[i].mux : "all";
		bool seen = false;

		cJSON_ArrayForEach(v, arr)
			seen = seen || strcmp(v->valuestring, m) == 0;
		if (!seen)
			cJSON_AddItemToArray(arr, cJSON_CreateString(m));
	}
	return arr;
}

/* The run's files: the experiment as run, the state, the journal's first
 * line, and var/experiments/current. */
static int
xp_create(struct bgpd *d, struct experiment *x, const char *buf, size_t len,
    struct strbuf *reply)
{
	char path[4200], root[4096], err[512], line[EXP_ID_MAX + 1];
	cJSON *o;

	if (xp_mkdir(d, x, reply) == -1)
		return -1;
	snprintf(line, sizeof(line), "%s\n", x->st.id);
	if (xp_path(x, "experiment.json", path, sizeof(path)) == -1 ||
	    atomicfile_write(path, buf, len, err, sizeof(err)) == -1 ||
	    journal_open(x) == -1 || xp_save(x) == -1 ||
	    xp_root(d, root, sizeof(root)) == -1 ||
	    (size_t)snprintf(path, sizeof(path), "%s/current", root) >=
	    sizeof(path) || atomicfile_write(path, line, strlen(line), err,
	    sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "cannot write the "
		    "run's files in %s (%s)\n", x->dir, strerror(errno));
		return -1;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", x->st.id);
	cJSON_AddStringToObject(o, "file", x->st.file);
	cJSON_AddNumberToObject(o, "rounds", x->st.n_rounds);
	cJSON_AddNumberToObject(o, "round_seconds", x->st.round_seconds);
	cJSON_AddNumberToObject(o, "rate_interval", x->st.rate_interval);
	cJSON_AddBoolToObject(o, "fast", x->st.fast);
	cJSON_AddItemToObject(o, "bindings", bindings_json(&x->st.b));
	cJSON_AddItemToObject(o, "muxes", muxes_json(&x->e));
	xp_journal(x, "start", o);
	return 0;
}

static void
run_warnings(const struct exp_state *st, struct strbuf *reply)
{
	if (st->fast)
		strbuf_printf(reply, "test schedule: rounds of %u s and a "
		    "change interval of %u s, on configured neighbors and "
		    "test-bed muxes only\n",
		    st->round_seconds, st->rate_interval);
	else if (st->round_seconds < EXP_ROUND_DEFAULT)
		strbuf_printf(reply, "warning: rounds of %u s are shorter than "
		    "the 90 minutes the PEERING guidelines ask for "
		    "(route-flap dampening)\n", st->round_seconds);
}

static void
run_reply(const struct experiment *x, struct strbuf *reply)
{
	strbuf_printf(reply, "experiment %s: %u round%s of %u s, round 1 "
	    "now\n", x->st.id, x->st.n_rounds, x->st.n_rounds == 1 ? "" : "s",
	    x->st.round_seconds);
	bindings_text(&x->st.b, reply);
	strbuf_printf(reply, "directory: %s\n", x->dir);
}

/* Refused while a run is running, or on words that do not read. */
static int
run_args(struct bgpd *d, int argc, char **argv, struct exp_run_args *a,
    struct strbuf *reply)
{
	char err[512];

	if (d->xp != NULL && d->xp->st.status == EXP_RUNNING) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "experiment %s is "
		    "running (experiment status; experiment stop)\n",
		    d->xp->st.id);
		return -1;
	}
	if (exp_run_args_parse(argc, argv, a, err, sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
		return -1;
	}
	return 0;
}

/* The run's state from its words, before its file is read. */
static void
run_state_init(struct experiment *x, const struct exp_run_args *a)
{
	snprintf(x->st.file, sizeof(x->st.file), "%s", a->path);
	x->st.b = a->b;
	x->st.status = EXP_RUNNING;
	x->st.round_seconds = a->round_seconds ? a->round_seconds :
	    EXP_ROUND_DEFAULT;
	x->st.fast = x->st.round_seconds < ANN_CHANGE_INTERVAL;
	x->st.rate_interval = x->st.fast ? x->st.round_seconds : 0;
	x->st.started = x->st.round_at = time(NULL);
}

/* The file read (*buf), the test bed checked for a test schedule, the
 * variables bound and the whole schedule played (into dry, if not NULL);
 * -1 with the refusal in reply. */
static int
run_check(struct bgpd *d, struct experiment *x, const struct exp_run_args *a,
    char **buf, size_t *len, struct strbuf *dry, struct strbuf *reply)
{
	struct ann_policy pol;
	struct prefix *owned = NULL;
	char err[512];
	int rc = -1;

	if (xp_parse_file(d, a->path, buf, len, &x->e, &pol, &owned,
	    reply) == -1 || (x->st.fast && fast_check(d, &x->e,
	    x->st.round_seconds, reply) != 0) ||
	    bind_idle(d, &x->e, &x->st.b, &pol, reply) == -1)
		goto out;
	if (exp_bindings_check(&x->e, &x->st.b, &pol, err, sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
		goto out;
	}
	x->st.n_rounds = (uint32_t)x->e.n_rounds;
	xp_prefixes_collect(x);
	rc = sim_check(d, &x->e, &x->st.b, &x->st, x->st.started, dry, reply);
out:
	free(owned);
	return rc;
}

/* The run made the daemon's: its directory and journal, then round 1. */
static int
run_start(struct bgpd *d, struct experiment *x, const char *buf, size_t len,
    struct strbuf *reply)
{
	if (xp_create(d, x, buf, len, reply) == -1)
		return -1;
	xp_free(d->xp);
	d->xp = x;
	log_info("experiment %s: %s, %u rounds of %u s", x->st.id, x->st.file,
	    x->st.n_rounds, x->st.round_seconds);
	run_reply(x, reply);
	xp_schedule(x);
	return 0;
}

static void
cmd_run(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct experiment *x;
	struct exp_run_args a;
	struct strbuf dry;
	char *buf = NULL;
	size_t len;

	if (run_args(d, argc, argv, &a, reply) == -1)
		return;
	if ((x = xp_new(d)) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		return;
	}
	run_state_init(x, &a);
	strbuf_init(&dry);
	if (run_check(d, x, &a, &buf, &len, a.dry_run ? &dry : NULL,
	    reply) == 0) {
		run_warnings(&x->st, reply);
		if (a.dry_run) {
			bindings_text(&x->st.b, reply);
			strbuf_printf(reply, "%s(dry run: nothing sent)\n",
			    dry.s ? dry.s : "");
		} else if (run_start(d, x, buf, len, reply) == 0)
			x = NULL;	/* the daemon's now */
	}
	strbuf_free(&dry);
	free(buf);
	xp_free(x);
}

/* ---- resume ---- */

/* Where the journal says the run was: the requests it shows out are not
 * applied again. */
static void
resume_point(struct experiment *x)
{
	char path[4200], *buf;
	uint32_t r, q;
	size_t len;
	int found = 0;

	if (xp_path(x, "journal.jsonl", path, sizeof(path)) == 0 &&
	    readfile(path, XP_JOURNAL_READ_MAX, &buf, &len) == 0) {
		found = exp_journal_last(buf, len, &r, &q);
		free(buf);
	}
	if (x->st.next_round >= x->st.n_rounds)
		return;
	x->cur_req = (uint32_t)x->e.round_first[x->st.next_round];
	if (!found || r < x->st.next_round || q >= x->e.n_req)
		return;
	if (r > x->st.next_round) {
		/* The state is behind the journal: a save failed. */
		x->st.next_round = r;
		x->cur_req = (uint32_t)x->e.round_first[r];
	}
	if (!x->st.in_round) {
		x->st.in_round = true;
		x->st.round_at = xp_now_ceil();
	}
	if (q + 1 > x->cur_req)
		x->cur_req = q + 1;
}

static int
xp_load(struct bgpd *d, struct experiment *x, const char *id,
    struct strbuf *reply)
{
	char root[3900], path[4200], err[512], *buf = NULL;
	struct ann_policy pol;
	struct prefix *owned = NULL;
	size_t len;
	int rc = -1;

	if (xp_root(d, root, sizeof(root)) == -1)
		return -1;
	if ((size_t)snprintf(x->dir, sizeof(x->dir), "%s/%s", root, id) >=
	    sizeof(x->dir))
		return -1;
	if (xp_path(x, "state.json", path, sizeof(path)) == -1 ||
	    readfile(path, EXP_STATE_MAX_BYTES, &buf, &len) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", path,
		    readfile_strerror(errno));
		return -1;
	}
	rc = exp_state_parse(buf, len, &x->st, err, sizeof(err));
	free(buf);
	if (rc == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: %s\n", path, err);
		return -1;
	}
	rc = -1;
	if (xp_path(x, "experiment.json", path, sizeof(path)) == -1 ||
	    xp_parse_file(d, path, &buf, &len, &x->e, &pol, &owned,
	    reply) == -1)
		goto out;
	if (x->e.n_rounds != x->st.n_rounds || exp_bindings_check(&x->e,
	    &x->st.b, &pol, err, sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: does not match "
		    "its state (%s)\n", path, x->e.n_rounds !=
		    x->st.n_rounds ? "rounds" : err);
		goto out;
	}
	if (x->st.fast && fast_check(d, &x->e, x->st.round_seconds,
	    reply) != 0)
		goto out;	/* 1: asked again when the tunnels answer */
	rc = journal_open(x);
	if (rc == -1)
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: journal: %s\n",
		    x->dir, strerror(errno));
out:
	free(buf);
	free(owned);
	return rc;
}

/* The run var/experiments/current names, loaded; resumed if running.
 * 0: none named. */
static int
xp_resume(struct bgpd *d, struct strbuf *reply)
{
	char root[4096], path[4200], id[EXP_ID_MAX + 2] = "", *buf;
	struct experiment *x;
	size_t len;
	cJSON *o;

	if (xp_root(d, root, sizeof(root)) == -1 ||
	    (size_t)snprintf(path, sizeof(path), "%s/current", root) >=
	    sizeof(path) || readfile(path, EXP_ID_MAX + 1, &buf, &len) == -1)
		return 0;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	snprintf(id, sizeof(id), "%.*s", (int)len, buf);
	free(buf);
	if (len >= EXP_ID_MAX || !exp_id_valid(id)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s: not a run id\n",
		    path);
		return -1;
	}
	if ((x = xp_new(d)) == NULL)
		return -1;
	if (xp_load(d, x, id, reply) == -1) {
		xp_free(x);
		return -1;
	}
	xp_prefixes_collect(x);
	if (x->st.status == EXP_RUNNING) {
		resume_point(x);
		if (x->st.in_round || x->st.next_round > 0)
			xp_updates_open(x, x->st.next_round -
			    (x->st.in_round ? 0 : 1));
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "round", x->st.next_round + 1);
		cJSON_AddNumberToObject(o, "req", x->cur_req);
		cJSON_AddBoolToObject(o, "in_round", x->st.in_round);
		xp_journal(x, "resume", o);
		xp_save(x);
	}
	xp_free(d->xp);
	d->xp = x;
	xp_schedule(x);
	return 1;
}

static void
cmd_resume(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	(void)argv;
	if (argc != 0) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "experiment resume "
		    "takes no arguments\n");
		return;
	}
	if (d->xp != NULL && d->xp->st.status == EXP_RUNNING) {
		strbuf_printf(reply, "experiment %s is running (resumed at "
		    "round %u of %u)\n", d->xp->st.id, d->xp->st.next_round +
		    (d->xp->st.in_round ? 1 : 0), d->xp->st.n_rounds);
		return;
	}
	switch (xp_resume(d, reply)) {
	case 0:
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "no experiment to "
		    "resume (var/experiments/current names none)\n");
		return;
	case -1:
		return;
	}
	strbuf_printf(reply, "experiment %s: %s\n", d->xp->st.id,
	    d->xp->st.status == EXP_RUNNING ? "resumed" :
	    exp_status_name(d->xp->st.status));
}

/* ---- status, stop ---- */

static void
status_json(const struct experiment *x, uint32_t out, struct strbuf *reply)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(o, "id", x->st.id);
	cJSON_AddStringToObject(o, "status", exp_status_name(x->st.status));
	cJSON_AddStringToObject(o, "file", x->st.file);
	cJSON_AddNumberToObject(o, "round", out);
	cJSON_AddNumberToObject(o, "rounds", x->st.n_rounds);
	if (x->st.status == EXP_RUNNING && !x->st.in_round)
		cJSON_AddNumberToObject(o, "next_round_at",
		    (double)x->st.round_at);
	else
		cJSON_AddNullToObject(o, "next_round_at");
	cJSON_AddNumberToObject(o, "round_seconds", x->st.round_seconds);
	cJSON_AddBoolToObject(o, "test_schedule", x->st.fast);
	cJSON_AddItemToObject(o, "bindings", bindings_json(&x->st.b));
	cJSON_AddItemToObject(o, "muxes", muxes_json(&x->e));
	cJSON_AddStringToObject(o, "directory", x->dir);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	strbuf_printf(reply, "%s\n", text ? text : "{}");
	cJSON_free(text);
}

/* "muxes: a b c" */
static void
status_muxes(const struct experiment *x, struct strbuf *reply)
{
	cJSON *m = muxes_json(&x->e), *v;

	strbuf_printf(reply, "muxes:");
	cJSON_ArrayForEach(v, m)
		strbuf_printf(reply, " %s", v->valuestring);
	strbuf_printf(reply, "\n");
	cJSON_Delete(m);
}

static void
status_text(const struct experiment *x, uint32_t out, struct strbuf *reply)
{
	char when[32];
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
	    localtime_r(&x->st.round_at, &tm));
	strbuf_printf(reply, "experiment %s: %s, round %u of %u\n", x->st.id,
	    exp_status_name(x->st.status), out, x->st.n_rounds);
	strbuf_printf(reply, "file: %s\n", x->st.file);
	if (x->st.status == EXP_RUNNING && !x->st.in_round)
		strbuf_printf(reply, "next round: %u at %s (in %.0f s)\n",
		    out + 1, when, difftime(x->st.round_at, time(NULL)));
	strbuf_printf(reply, "rounds of %u s%s\n", x->st.round_seconds,
	    x->st.fast ? " (test schedule: configured neighbors and "
	    "test-bed muxes only)" : "");
	bindings_text(&x->st.b, reply);
	status_muxes(x, reply);
	strbuf_printf(reply, "directory: %s\n", x->dir);
}

static void
cmd_status(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	const struct experiment *x = d->xp;
	bool json = argc == 1 && strcmp(argv[0], "json") == 0;
	uint32_t out;

	if (argc > 1 || (argc == 1 && !json)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "experiment status "
		    "[json]\n");
		return;
	}
	if (x == NULL) {
		strbuf_printf(reply, json ? "{\"experiment\":null}\n" :
		    "no experiment\n");
		return;
	}
	/* The rounds out: those done, and the one under way. */
	out = x->st.next_round + (x->st.in_round ? 1 : 0);
	if (json)
		status_json(x, out, reply);
	else
		status_text(x, out, reply);
}

static void
stop_one(struct experiment *x, const struct ann_request *r)
{
	struct ann_request w;
	struct strbuf reply;

	if (ann_store_find(&x->d->ann, &r->prefix, r->mux) == NULL)
		return;
	memset(&w, 0, sizeof(w));
	w.withdraw = true;
	w.prefix = r->prefix;
	snprintf(w.mux, sizeof(w.mux), "%s", r->mux);
	strbuf_init(&reply);
	x->applying = true;
	exports_request(x->d, &w, &reply);
	x->applying = false;
	x->n_stopped++;
	strbuf_free(&reply);
}

static void
cmd_stop(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct experiment *x = d->xp;
	cJSON *o;

	(void)argv;
	if (argc != 0 || x == NULL || x->st.status == EXP_STOPPED) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", argc != 0 ?
		    "experiment stop takes no arguments" :
		    "no experiment to stop");
		return;
	}
	ev_timer_stop(d->loop, &x->t);
	xp_updates_close(x);
	x->n_stopped = 0;
	x->phase = "stop";
	xp_announced(x, stop_one);
	x->st.status = EXP_STOPPED;
	x->st.in_round = false;
	xp_save(x);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "withdrawn", (double)x->n_stopped);
	xp_journal(x, "stop", o);
	log_info("experiment %s stopped: %zu announcements withdrawn",
	    x->st.id, x->n_stopped);
	strbuf_printf(reply, "experiment %s stopped: %zu of its announcements "
	    "withdrawn\n", x->st.id, x->n_stopped);
}

void
experiment_cleared(struct bgpd *d)
{
	struct experiment *x = d->xp;

	if (x == NULL || x->st.status == EXP_STOPPED)
		return;
	ev_timer_stop(d->loop, &x->t);
	xp_updates_close(x);
	x->st.status = EXP_STOPPED;
	x->st.in_round = false;
	xp_save(x);
	xp_journal(x, "stop", cJSON_CreateObject());
	log_info("experiment %s stopped: every announcement was cleared",
	    x->st.id);
}

void
experiment_control(struct bgpd *d, int argc, char **argv,
    struct strbuf *reply)
{
	static const struct {
		const char	*verb;
		void		(*fn)(struct bgpd *, int, char **,
				    struct strbuf *);
	} verbs[] = {
		{ "run", cmd_run },
		{ "resume", cmd_resume },
		{ "status", cmd_status },
		{ "stop", cmd_stop },
	};

	for (size_t i = 0; argc > 0 && i < sizeof(verbs) / sizeof(verbs[0]);
	    i++)
		if (strcmp(argv[0], verbs[i].verb) == 0) {
			verbs[i].fn(d, argc - 1, argv + 1, reply);
			return;
		}
	strbuf_printf(reply, CONTROL_ERROR_PREFIX "experiment run PATH [bind "
	    "V=PREFIX]... [round-seconds N] [dry-run] | resume | status [json] "
	    "| stop\n");
}

/* A reply that waits for the test-bed check (experiment_tb.c): the
 * command runs again once the tunnels have answered. */
struct xp_deferred {
	struct bgpd	*d;
	int		 argc;
	char		*argv[EXP_DEFER_ARGS];
};

static void
deferred_free(void *arg)
{
	struct xp_deferred *q = arg;

	for (int i = 0; i < q->argc; i++)
		free(q->argv[i]);
	free(q);
}

static enum ctl_stream_result
deferred_next(void *arg, struct strbuf *out, size_t budget)
{
	struct xp_deferred *q = arg;

	(void)budget;
	if (xp_tb_busy(q->d))
		return CTL_STREAM_MORE;	/* idle until woken */
	experiment_control(q->d, q->argc, q->argv, out);
	if (out->len == 0 && xp_tb_busy(q->d))
		return CTL_STREAM_MORE;
	return control_body_status(out->s, out->len) == CONTROL_STATUS_ERROR ?
	    CTL_STREAM_FAIL : CTL_STREAM_DONE;
}

void
experiment_control_stream(struct bgpd *d, int argc, char **argv,
    struct strbuf *reply, struct ctl_stream *stream)
{
	struct xp_deferred *q;

	experiment_control(d, argc, argv, reply);
	if (reply->len > 0 || !xp_tb_busy(d))
		return;
	if (argc > EXP_DEFER_ARGS || (q = calloc(1, sizeof(*q))) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", argc >
		    EXP_DEFER_ARGS ? "too many arguments" : "out of memory");
		return;
	}
	q->d = d;
	for (; q->argc < argc; q->argc++)
		if ((q->argv[q->argc] = strdup(argv[q->argc])) == NULL) {
			deferred_free(q);
			strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of "
			    "memory\n");
			return;
		}
	stream->next = deferred_next;
	stream->free = deferred_free;
	stream->arg = q;
}

static void
open_resume(struct bgpd *d)
{
	struct strbuf reply;

	strbuf_init(&reply);
	if (xp_resume(d, &reply) == -1) {
		if (reply.len == 0 && xp_tb_busy(d))
			xp_tb_when_done(d, open_resume);
		else
			log_warn("experiment not resumed: %s", reply.s ?
			    reply.s : "");
	} else if (d->xp != NULL && d->xp->st.status == EXP_RUNNING)
		log_info("experiment %s resumed at round %u of %u", d->xp->st.id,
		    d->xp->st.next_round + 1, d->xp->st.n_rounds);
	strbuf_free(&reply);
}

void
experiment_open(struct bgpd *d)
{
	xp_hooks_install(d);
	open_resume(d);
}

void
experiment_close(struct bgpd *d)
{
	xp_tb_free(d);
	xp_free(d->xp);
	d->xp = NULL;
}
