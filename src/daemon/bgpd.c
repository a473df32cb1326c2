/*
 * Building the sessions from the configuration and the mux table, and
 * wiring the loop's sources to them: accepted connections by peer
 * address, link events by interface name.
 */
#include "bgpd.h"
#include "events.h"
#include "mrt_cmds.h"
#include "experiment.h"
#include "muxtables.h"

#include <errno.h>
#include <grp.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exports.h"
#include "routes.h"
#include "../lib/log.h"

/* Every session the configuration asks for, in order. */
struct session_plan {
	unsigned		n;
	struct session_conf	confs[BGPD_MAX_SESSIONS];
};

static void
conf_common(const struct config *c, const struct config_session *cs,
    struct session_conf *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->local_as = c->local_as;
	sc->router_id = c->router_id;
	sc->hold_time = cs->hold_time;
	sc->connect_retry = c->connect_retry;
	sc->gr_time = c->gr_time;
	sc->passive = cs->passive;
}

/* Two sessions per mux (REFERENCE.md: iBGP with AS 47065 over the tap's
 * IPv4 and IPv6 tunnel addresses). */
static void
plan_mux(struct session_plan *p, const struct config *c, const struct mux *m)
{
	const struct config_session *cs = config_mux_session(c, m->name);

	if (cs->disabled)
		return;
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		struct session_conf *sc = &p->confs[p->n];

		conf_common(c, cs, sc);
		snprintf(sc->name, sizeof(sc->name), "%s", m->name);
		snprintf(sc->ifname, sizeof(sc->ifname), "%s", m->dev);
		sc->af = af;
		sc->peer_as = CONFIG_DEF_LOCAL_AS;
		sc->addpath_rx = true;
		/* The mux table only holds taps the formulas accept. */
		if ((af == AF_IDX_IPV4 ? mux_neighbor_v4(m->tap, &sc->peer) :
		    mux_neighbor_v6(m->tap, &sc->peer)) == 0)
			p->n++;
	}
}

static void
plan_neighbor(struct session_plan *p, const struct config *c,
    const struct config_neighbor *n)
{
	struct session_conf *sc = &p->confs[p->n];

	if (n->s.disabled)
		return;
	conf_common(c, &n->s, sc);
	snprintf(sc->name, sizeof(sc->name), "%s", n->name);
	snprintf(sc->ifname, sizeof(sc->ifname), "%s", n->ifname);
	sc->af = n->addr.af;
	sc->peer = n->addr;
	sc->local = n->local;
	sc->peer_as = n->remote_as;
	sc->addpath_rx = n->addpath_rx;
	p->n++;
}

/* The limits of config and mux table keep this within the plan's size. */
static void
plan_build(struct session_plan *p, const struct config *c,
    const struct mux_table *t)
{
	p->n = 0;
	for (unsigned i = 0; i < t->n; i++)
		plan_mux(p, c, &t->mux[i]);
	for (unsigned i = 0; i < c->n_neighbors; i++)
		plan_neighbor(p, c, &c->neighbors[i]);
}

/* Without a configured one: the first IPv4 address not on loopback. */
static uint32_t
router_id_derive(void)
{
	struct ifaddrs *ifa, *i;
	uint32_t id = 0;

	if (getifaddrs(&ifa) == -1)
		return 0;
	for (i = ifa; i != NULL && id == 0; i = i->ifa_next) {
		const struct sockaddr_in *sin =
		    (const struct sockaddr_in *)i->ifa_addr;

		if (sin != NULL && sin->sin_family == AF_INET &&
		    (ntohl(sin->sin_addr.s_addr) >> 24) != 127)
			id = ntohl(sin->sin_addr.s_addr);
	}
	freeifaddrs(ifa);
	return id;
}

static int
muxes_load(const struct bgpd_paths *paths, struct mux_table *t, char *err,
    size_t errlen)
{
	char dir[4096];
	struct stat st;

	mux_table_init(t);
	snprintf(dir, sizeof(dir), "%s/configs/openvpn", paths->client_dir);
	if (stat(dir, &st) == -1 && errno == ENOENT) {
		log_warn("no %s: no mux sessions", dir);
		return 0;
	}
	return mux_table_load(paths->client_dir, t, err, errlen);
}

/* The configuration file and the mux table, checked against each other.
 * Without a router-id in the file, keep_id (the one in use), or one taken
 * from the host's addresses. */
static int
config_read(const struct bgpd_paths *paths, uint32_t keep_id,
    struct config *c, struct mux_table *t, char *err, size_t errlen)
{
	if (paths->config_optional && access(paths->config, F_OK) == -1 &&
	    errno == ENOENT) {
		/* The shipped file only spells out the defaults. */
		log_info("%s: none; using the defaults (docs/config.md)",
		    paths->config);
		config_init(c);
		snprintf(c->file, sizeof(c->file), "%s", paths->config);
	} else if (config_load(paths->config, c, err, errlen) == -1)
		return -1;
	if (muxes_load(paths, t, err, errlen) == -1 ||
	    config_check_muxes(c, t, err, errlen) == -1)
		return -1;
	if (c->router_id == 0)
		c->router_id = keep_id;
	if (c->router_id == 0 && (c->router_id = router_id_derive()) == 0) {
		snprintf(err, errlen, "%s: no router-id set and no IPv4 "
		    "address to take one from", paths->config);
		return -1;
	}
	return 0;
}

static struct session *
session_new(struct bgpd *d, const struct session_conf *sc)
{
	struct session *s = malloc(sizeof(*s));

	if (s == NULL)
		return NULL;
	if (session_init(s, d->loop, sc, d->scratch, &d->hooks) == -1 ||
	    routes_session_add(d, s) == -1) {
		session_free(s);
		free(s);
		return NULL;
	}
	return s;
}

/* The session's routes go with it (from the kernel too, unless the
 * daemon is stopping: routes_close() keeps them there). */
static void
session_delete(struct bgpd *d, struct session *s, uint8_t subcode,
    const char *why)
{
	session_shutdown(s, subcode, why);
	routes_session_remove(d, s);
	session_free(s);
	free(s);
}

/*
 * The read-only control socket beside the control socket (docs/control.md):
 * its group and mode from the configuration. A stale one of a killed
 * daemon goes: the pid file's lock says no other daemon uses this one.
 */
static int
control_ro_open(struct bgpd *d, char *err, size_t errlen)
{
	const char *g = d->conf->ro_group;
	gid_t gid = getgid();

	if (ctl_ro_path(d->paths.control, d->control_ro_path,
	    sizeof(d->control_ro_path)) == -1) {
		snprintf(err, errlen, "the control socket path %s is too long",
		    d->paths.control);
		return -1;
	}
	if (*g != '\0') {
		struct group *gr = getgrnam(g);
		char *end;
		unsigned long v = strtoul(g, &end, 10);

		if (gr != NULL)
			gid = gr->gr_gid;
		else if (*end == '\0')
			gid = (gid_t)v;
		else {
			snprintf(err, errlen, "control-read-only-group %s: no "
			    "such group", g);
			return -1;
		}
	}
	unlink(d->control_ro_path);
	d->control_ro = control_server_open(d->loop, d->control_ro_path,
	    bgpd_control_ro, d);
	if (d->control_ro == NULL || control_server_access(d->control_ro,
	    gid, (mode_t)d->conf->ro_mode) == -1) {
		snprintf(err, errlen, "cannot open the read-only control "
		    "socket %s: %s", d->control_ro_path, strerror(errno));
		return -1;
	}
	return 0;
}

int
bgpd_init(struct bgpd *d, struct ev_loop *loop, const struct bgpd_paths *paths,
    char *err, size_t errlen)
{
	struct session_plan *plan;

	memset(d, 0, sizeof(*d));
	d->loop = loop;
	d->paths = *paths;
	d->bgp_port = 179;
	d->started = time(NULL);
	d->conf = malloc(sizeof(*d->conf));
	d->scratch = malloc(sizeof(*d->scratch));
	plan = malloc(sizeof(*plan));
	d->hooks = routes_hooks_template;
	d->hooks.ctx = d;
	if (d->conf == NULL || d->scratch == NULL || plan == NULL) {
		free(plan);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (routes_open(d, err, errlen) == -1) {
		free(plan);
		return -1;
	}
	if (config_read(paths, 0, d->conf, &d->muxes, err, errlen) == -1) {
		free(plan);
		return -1;
	}
	plan_build(plan, d->conf, &d->muxes);
	for (unsigned i = 0; i < plan->n; i++) {
		if ((d->sessions[i] = session_new(d, &plan->confs[i])) == NULL) {
			free(plan);
			snprintf(err, errlen, "out of memory building sessions");
			return -1;
		}
		d->n_sessions++;
		routes_limits_apply(d, d->sessions[i]);
	}
	free(plan);
	return 0;
}

/* A link is usable for a session when it is up and has an address of the
 * session's family (an IPv6 one past duplicate address detection). */
static bool
link_usable(const struct linkmon_event *ev, unsigned af)
{
	return ev->up && !ev->gone && (af == AF_IDX_IPV4 ? ev->has_v4 :
	    ev->has_v6);
}

/* Why a session waits for its tunnel, for `bgp status`: "waiting for
 * tap5: link down". ev is NULL when linkmon has never seen the link. */
static void
link_wait_reason(const char *ifname, const struct linkmon_event *ev,
    unsigned af, char *buf, size_t len)
{
	const char *why;

	if (ev == NULL || ev->gone)
		why = "tunnel not up";
	else if (!ev->up)
		why = "link down";
	else
		why = af == AF_IDX_IPV4 ? "no IPv4 address yet" :
		    "no IPv6 address yet";
	snprintf(buf, len, "waiting for %s: %s", ifname, why);
}

/* Held down by the user: `disable NAME`, or its family stopped. */
static bool
session_held(const struct bgpd *d, const struct session *s)
{
	return s->disabled || d->af_stopped[s->conf.af];
}

static void
link_cb(void *ctx, const struct linkmon_event *ev)
{
	struct bgpd *d = ctx;

	muxtables_link(d, ev);
	for (unsigned i = 0; i < d->n_sessions; i++) {
		struct session *s = d->sessions[i];
		char why[96];
		bool up;

		if (strcmp(s->conf.ifname, ev->ifname) != 0 ||
		    session_held(d, s))
			continue;
		up = link_usable(ev, s->conf.af);
		link_wait_reason(s->conf.ifname, ev, s->conf.af, why,
		    sizeof(why));
		if (up != s->link_up)
			session_link_event(s, up, why);
		else if (!up && s->fsm.state == BGP_STATE_IDLE)
			/* Still waiting, for a new reason: OpenVPN takes
			 * the addresses away before the device. */
			snprintf(s->info, sizeof(s->info), "%s", why);
	}
}

static void
accept_cb(void *ctx, int fd, const struct prefix *peer)
{
	struct bgpd *d = ctx;
	char a[ADDR_STRLEN];

	for (unsigned i = 0; i < d->n_sessions; i++)
		if (prefix_equal(&d->sessions[i]->conf.peer, peer)) {
			session_accept(d->sessions[i], fd);
			return;
		}
	log_info("refused a connection from %s: no such neighbour",
	    addr_format(peer->af, peer->addr, a, sizeof(a)));
	close(fd);
}

/* Starts a session now if it needs no link or its link is usable;
 * otherwise it waits in Idle for the link event. */
static void
session_bring_up(struct bgpd *d, struct session *s)
{
	struct linkmon_event ev;
	bool known;

	if (session_held(d, s))
		return;
	if (s->conf.ifname[0] == '\0') {
		session_link_event(s, true, NULL);
		return;
	}
	known = linkmon_get(d->linkmon, s->conf.ifname, &ev);
	if (known && link_usable(&ev, s->conf.af))
		session_link_event(s, true, NULL);
	else
		link_wait_reason(s->conf.ifname, known ? &ev : NULL,
		    s->conf.af, s->info, sizeof(s->info));
}

int
bgpd_tunnel_event(struct bgpd *d, const char *mux, bool closing)
{
	int n = 0;

	for (unsigned i = 0; i < d->n_sessions; i++) {
		struct session *s = d->sessions[i];
		char why[96];

		if (strcmp(s->conf.name, mux) != 0 || s->conf.ifname[0] == '\0')
			continue;
		n++;
		if (closing && s->link_up) {
			/* Said now, while the tunnel can still carry it. */
			snprintf(why, sizeof(why), "waiting for %s: tunnel "
			    "closing", s->conf.ifname);
			session_link_event(s, false, why);
		} else if (!closing && !s->link_up)
			session_bring_up(d, s);
	}
	return n;
}

/* Holds s down (a Cease now, Idle after) or lets it start again. */
static void
session_hold(struct bgpd *d, struct session *s, bool hold, const char *why)
{
	if (hold) {
		if (s->fsm.state != BGP_STATE_IDLE || s->link_up)
			session_link_event(s, false, why);
		snprintf(s->info, sizeof(s->info), "%s", why);
	} else if (!session_held(d, s)) {
		s->link_up = false;
		session_bring_up(d, s);
	}
}

int
bgpd_session_enable(struct bgpd *d, const char *name, bool enable)
{
	int n = 0;

	for (unsigned i = 0; i < d->n_sessions; i++) {
		struct session *s = d->sessions[i];

		if (strcmp(s->conf.name, name) != 0)
			continue;
		n++;
		s->disabled = !enable;
		session_hold(d, s, !enable, "disabled by the user");
	}
	return n;
}

int
bgpd_family_enable(struct bgpd *d, unsigned af, bool enable)
{
	int n = 0;

	d->af_stopped[af] = !enable;
	for (unsigned i = 0; i < d->n_sessions; i++) {
		struct session *s = d->sessions[i];

		if (s->conf.af != af)
			continue;
		n++;
		session_hold(d, s, !enable, af == AF_IDX_IPV4 ?
		    "stopped by bgp stop" : "stopped by bgp6 stop");
	}
	return n;
}

int
bgpd_start(struct bgpd *d, char *err, size_t errlen)
{
	if (exports_open(d, err, errlen) == -1)
		return -1;
	routes_kernel_start(d);
	d->listener = listener_open(d->loop, d->bgp_port, accept_cb, d);
	if (d->listener == NULL) {
		snprintf(err, errlen, "cannot listen on port %u: %s",
		    d->bgp_port, strerror(errno));
		return -1;
	}
	d->control = control_server_open(d->loop, d->paths.control,
	    bgpd_control, d);
	if (d->control == NULL) {
		snprintf(err, errlen, "cannot open the control socket %s: %s",
		    d->paths.control, strerror(errno));
		return -1;
	}
	if (control_ro_open(d, err, errlen) == -1)
		return -1;
	d->linkmon = linkmon_open(d->loop, link_cb, d);
	if (d->linkmon == NULL) {
		snprintf(err, errlen, "cannot follow network links through "
		    "netlink: %s", strerror(errno));
		return -1;
	}
	for (unsigned i = 0; i < d->n_sessions; i++)
		session_bring_up(d, d->sessions[i]);
	/* A run the daemon was in goes on where its journal says. */
	experiment_open(d);
	return 0;
}

/* The running session with the same name and family, or NULL. */
static struct session *
session_find(struct bgpd *d, const struct session_conf *sc)
{
	for (unsigned i = 0; i < d->n_sessions; i++)
		if (d->sessions[i] != NULL && d->sessions[i]->conf.af ==
		    sc->af && strcmp(d->sessions[i]->conf.name, sc->name) == 0)
			return d->sessions[i];
	return NULL;
}

/* What a reload builds before it changes anything. */
struct reload {
	struct config		*c;
	struct session_plan	*plan;
	struct mux_table	 t;
	struct session		*next[BGPD_MAX_SESSIONS];
	unsigned		 n;
	struct session		*reimport[BGPD_MAX_SESSIONS];
	unsigned		 n_reimport;
};

/* The sessions of the new plan: the running one where its settings are
 * the same byte for byte (noted for a re-import when only its policy
 * changed), else a new one. -1 with err when out of memory, the new ones
 * gone again. */
static int
reload_sessions(struct bgpd *d, struct reload *r,
    struct bgpd_reload_stats *st, char *err, size_t errlen)
{
	for (unsigned i = 0; i < r->plan->n; i++) {
		const struct session_conf *sc = &r->plan->confs[i];
		struct session *s = session_find(d, sc);

		if (s != NULL && memcmp(&s->conf, sc, sizeof(s->conf)) == 0) {
			st->kept++;
			r->next[r->n++] = s;
			/* Same session, other import policy: no restart. */
			if (!import_policy_equal(&config_session_named(d->conf,
			    s->conf.name)->import, &config_session_named(r->c,
			    s->conf.name)->import))
				r->reimport[r->n_reimport++] = s;
			continue;
		}
		if ((r->next[r->n] = session_new(d, sc)) == NULL) {
			for (unsigned k = 0; k < r->n; k++)
				if (session_find(d, &r->next[k]->conf) !=
				    r->next[k])
					session_delete(d, r->next[k],
					    BGP_CEASE_ADMIN_SHUTDOWN, "");
			snprintf(err, errlen, "out of memory building sessions");
			return -1;
		}
		if (s != NULL)
			st->changed++;
		else
			st->added++;
		r->n++;
	}
	return 0;
}

/* What the new plan did not keep goes, with a Cease (RFC 4486 3). */
static void
reload_drop_others(struct bgpd *d, const struct reload *r,
    struct bgpd_reload_stats *st)
{
	for (unsigned i = 0; i < d->n_sessions; i++) {
		struct session *s = d->sessions[i];
		bool kept = false, replaced = false;

		for (unsigned k = 0; k < r->n && !kept; k++) {
			kept = r->next[k] == s;
			replaced |= strcmp(r->next[k]->conf.name,
			    s->conf.name) == 0 && r->next[k]->conf.af ==
			    s->conf.af;
		}
		if (kept)
			continue;
		if (replaced)
			session_delete(d, s, BGP_CEASE_CONFIG_CHANGE,
			    "configuration changed");
		else {
			session_delete(d, s, BGP_CEASE_PEER_DECONF,
			    "neighbor removed from the configuration");
			st->removed++;
		}
	}
}

/* The new sessions, configuration and muxes in place; new import
 * policies and limits applied, the per-mux tables following, the new
 * sessions started. */
static void
reload_commit(struct bgpd *d, struct reload *r, struct bgpd_reload_stats *st)
{
	bool refreshed;

	memcpy(d->sessions, r->next, r->n * sizeof(r->next[0]));
	d->n_sessions = r->n;
	muxtables_reload_note(d, r->c, &r->t);
	memcpy(d->conf, r->c, sizeof(*r->c));
	d->conf_gen++;
	d->muxes = r->t;
	for (unsigned i = 0; i < r->n_reimport; i++) {
		routes_import_changed(d, r->reimport[i], &refreshed);
		st->reimported++;
	}
	for (unsigned i = 0; i < r->n; i++)
		routes_limits_apply(d, d->sessions[i]);
	muxtables_sessions(d);
	for (unsigned i = 0; i < r->n; i++)
		if (d->sessions[i]->fsm.state == BGP_STATE_IDLE &&
		    !d->sessions[i]->link_up)
			session_bring_up(d, d->sessions[i]);
}

/*
 * Re-reads the configuration and the mux table. A session whose settings
 * are the same, byte for byte, keeps running untouched; a changed one is
 * replaced (Cease to the peer, then a new session); gone ones are shut
 * down; new ones start. On any error nothing changes.
 */
int
bgpd_reload(struct bgpd *d, struct bgpd_reload_stats *st, char *err,
    size_t errlen)
{
	struct reload *r = calloc(1, sizeof(*r));
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (r == NULL || (r->c = malloc(sizeof(*r->c))) == NULL ||
	    (r->plan = malloc(sizeof(*r->plan))) == NULL)
		snprintf(err, errlen, "out of memory");
	else if (config_read(&d->paths, d->conf->router_id, r->c, &r->t, err,
	    errlen) == 0) {
		plan_build(r->plan, r->c, &r->t);
		if (reload_sessions(d, r, st, err, errlen) == 0) {
			reload_drop_others(d, r, st);
			reload_commit(d, r, st);
			rc = 0;
		}
	}
	if (r != NULL) {
		free(r->c);
		free(r->plan);
	}
	free(r);
	return rc;
}

void
bgpd_shutdown(struct bgpd *d, const char *why)
{
	/* Table 20000 keeps its routes across a stop (BIRD's "persist"): the
	 * next start finds them stale and sweeps what it does not confirm. */
	if (d->rib != NULL)
		rib_best_mute(d->rib);
	d->stopping = true;
	for (unsigned i = 0; i < d->n_sessions; i++)
		session_delete(d, d->sessions[i], BGP_CEASE_ADMIN_SHUTDOWN,
		    why);
	d->n_sessions = 0;
	routes_kernel_stop(d);
	experiment_close(d);
	mrt_close(d);
	routes_close(d);
	exports_close(d);
	listener_close(d->listener);
	control_server_close(d->control);
	control_server_close(d->control_ro);
	d->control_ro = NULL;
	events_close(d);
	linkmon_close(d->linkmon);
	d->listener = NULL;
	d->control = NULL;
	d->linkmon = NULL;
	free(d->conf);
	free(d->scratch);
	d->conf = NULL;
	d->scratch = NULL;
}
