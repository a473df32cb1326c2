/*
 * Building the sessions from the configuration and the mux table, and
 * wiring the loop's sources to them: accepted connections by peer
 * address, link events by interface name.
 */
#include "bgpd.h"

#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/log.h"

static int
session_add(struct bgpd *d, const struct session_conf *sc)
{
	struct session *s;

	if (d->n_sessions == BGPD_MAX_SESSIONS ||
	    (s = malloc(sizeof(*s))) == NULL)
		return -1;
	if (session_init(s, d->loop, sc, d->scratch) == -1) {
		free(s);
		return -1;
	}
	d->sessions[d->n_sessions++] = s;
	return 0;
}

static void
conf_common(const struct bgpd *d, const struct config_session *cs,
    struct session_conf *sc)
{
	sc->local_as = d->conf->local_as;
	sc->router_id = d->conf->router_id;
	sc->hold_time = cs->hold_time;
	sc->connect_retry = d->conf->connect_retry;
	sc->gr_time = d->conf->gr_time;
	sc->passive = cs->passive;
}

/* Two sessions per mux (REFERENCE.md: iBGP with AS 47065 over the tap's
 * IPv4 and IPv6 tunnel addresses). */
static int
sessions_of_mux(struct bgpd *d, const struct mux *m)
{
	const struct config_session *cs = config_mux_session(d->conf, m->name);
	struct session_conf sc;

	if (cs->disabled)
		return 0;
	for (unsigned af = 0; af < AF_IDX_COUNT; af++) {
		memset(&sc, 0, sizeof(sc));
		conf_common(d, cs, &sc);
		snprintf(sc.name, sizeof(sc.name), "%s", m->name);
		snprintf(sc.ifname, sizeof(sc.ifname), "%s", m->dev);
		sc.af = af;
		sc.peer_as = CONFIG_DEF_LOCAL_AS;
		sc.addpath_rx = true;
		if ((af == AF_IDX_IPV4 ? mux_neighbor_v4(m->tap, &sc.peer) :
		    mux_neighbor_v6(m->tap, &sc.peer)) == -1 ||
		    session_add(d, &sc) == -1)
			return -1;
	}
	return 0;
}

static int
session_of_neighbor(struct bgpd *d, const struct config_neighbor *n)
{
	struct session_conf sc;

	if (n->s.disabled)
		return 0;
	memset(&sc, 0, sizeof(sc));
	conf_common(d, &n->s, &sc);
	snprintf(sc.name, sizeof(sc.name), "%s", n->name);
	snprintf(sc.ifname, sizeof(sc.ifname), "%s", n->ifname);
	sc.af = n->addr.af;
	sc.peer = n->addr;
	sc.local = n->local;
	sc.peer_as = n->remote_as;
	sc.addpath_rx = n->addpath_rx;
	return session_add(d, &sc);
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
muxes_load(struct bgpd *d, char *err, size_t errlen)
{
	char dir[4096];
	struct stat st;

	mux_table_init(&d->muxes);
	snprintf(dir, sizeof(dir), "%s/configs/openvpn", d->paths.client_dir);
	if (stat(dir, &st) == -1 && errno == ENOENT) {
		log_warn("no %s: no mux sessions", dir);
		return 0;
	}
	return mux_table_load(d->paths.client_dir, &d->muxes, err, errlen);
}

int
bgpd_init(struct bgpd *d, struct ev_loop *loop, const struct bgpd_paths *paths,
    char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->loop = loop;
	d->paths = *paths;
	d->bgp_port = 179;
	d->started = time(NULL);
	if ((d->conf = malloc(sizeof(*d->conf))) == NULL ||
	    (d->scratch = malloc(sizeof(*d->scratch))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (config_load(paths->config, d->conf, err, errlen) == -1 ||
	    muxes_load(d, err, errlen) == -1 ||
	    config_check_muxes(d->conf, &d->muxes, err, errlen) == -1)
		return -1;
	if (d->conf->router_id == 0 &&
	    (d->conf->router_id = router_id_derive()) == 0) {
		snprintf(err, errlen, "%s: no router-id set and no IPv4 "
		    "address to take one from", paths->config);
		return -1;
	}
	for (unsigned i = 0; i < d->muxes.n; i++)
		if (sessions_of_mux(d, &d->muxes.mux[i]) == -1)
			goto nomem;
	for (unsigned i = 0; i < d->conf->n_neighbors; i++)
		if (session_of_neighbor(d, &d->conf->neighbors[i]) == -1)
			goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory building sessions");
	return -1;
}

/* A link is usable for a session when it is up and has an address of the
 * session's family (an IPv6 one past duplicate address detection). */
static bool
link_usable(const struct linkmon_event *ev, unsigned af)
{
	return ev->up && !ev->gone && (af == AF_IDX_IPV4 ? ev->has_v4 :
	    ev->has_v6);
}

static void
link_cb(void *ctx, const struct linkmon_event *ev)
{
	struct bgpd *d = ctx;

	for (unsigned i = 0; i < d->n_sessions; i++) {
		struct session *s = d->sessions[i];
		bool up;

		if (strcmp(s->conf.ifname, ev->ifname) != 0)
			continue;
		up = link_usable(ev, s->conf.af);
		if (up != s->link_up)
			session_link_event(s, up);
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

int
bgpd_start(struct bgpd *d, char *err, size_t errlen)
{
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
	d->linkmon = linkmon_open(d->loop, link_cb, d);
	if (d->linkmon == NULL) {
		snprintf(err, errlen, "cannot follow network links through "
		    "netlink: %s", strerror(errno));
		return -1;
	}
	for (unsigned i = 0; i < d->n_sessions; i++) {
		struct session *s = d->sessions[i];
		struct linkmon_event ev;

		if (s->conf.ifname[0] == '\0')
			session_link_event(s, true);
		else if (linkmon_get(d->linkmon, s->conf.ifname, &ev) &&
		    link_usable(&ev, s->conf.af))
			session_link_event(s, true);
		else
			snprintf(s->info, sizeof(s->info), "%s down",
			    s->conf.ifname);
	}
	return 0;
}

void
bgpd_shutdown(struct bgpd *d, const char *why)
{
	for (unsigned i = 0; i < d->n_sessions; i++) {
		session_shutdown(d->sessions[i], why);
		session_free(d->sessions[i]);
		free(d->sessions[i]);
	}
	d->n_sessions = 0;
	listener_close(d->listener);
	control_server_close(d->control);
	linkmon_close(d->linkmon);
	d->listener = NULL;
	d->control = NULL;
	d->linkmon = NULL;
	free(d->conf);
	free(d->scratch);
	d->conf = NULL;
	d->scratch = NULL;
}
