/*
 * The control commands, dispatched from a table: what `peering bgp
 * status`, `bgp6 status` and `bgp cli` ask the daemon.
 */
#include "bgpd.h"
#include "control_cmds.h"
#include "events.h"
#include "experiment.h"
#include "exports.h"
#include "mrt_cmds.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../version.h"

struct control_cmd {
	const char	*words[3];	/* the command, NULL-terminated */
	void		(*handler)(struct bgpd *d, int argc, char **argv,
			    struct strbuf *reply);
	const char	*help;
};

/* A command whose reply may stream (ctl_stream.h); its help line stays
 * in commands[] (with no handler there). */
struct control_stream_cmd {
	const char	*words[3];
	void		(*streamer)(struct bgpd *d, int argc, char **argv,
			    struct strbuf *reply, struct ctl_stream *stream);
};

/* Router ids are kept in host order. */
static char *
router_id_text(uint32_t id, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", id >> 24, (id >> 16) & 0xff,
	    (id >> 8) & 0xff, id & 0xff);
	return buf;
}

static void
time_text(time_t t, char *buf, size_t size)
{
	struct tm tm;

	strftime(buf, size, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
}

/* Paths the session's limits refused (docs/config.md). */
static uint64_t
session_refused(const struct bgpd *d, const struct session *s)
{
	const struct rib_peer *pe;

	if (s->rib_peer < 0)
		return 0;
	pe = rib_peer_info(d->rib, s->rib_peer);
	return pe->refused_max_paths + pe->refused_max_prefix_paths;
}

/* "Established", or the state and why: "Idle (waiting for tap5: link
 * down)"; and the paths limits refused, if any. */
static void
session_status(const struct bgpd *d, const struct session *s, char *buf,
    size_t size)
{
	uint64_t refused = session_refused(d, s);
	int n;

	if (s->fsm.state == BGP_STATE_ESTABLISHED)
		n = snprintf(buf, size, "Established");
	else
		n = snprintf(buf, size, "%s (%s)", bgp_state_name(s->fsm.state),
		    s->info);
	if (refused > 0 && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", %llu paths dropped by "
		    "limits", (unsigned long long)refused);
}

/* Filters: "ipv4" or "ipv6"; a session's name; "all" (the details of
 * each, as birdc's `show protocols all`); and "json". */
struct show_opts {
	int		 af;		/* -1: every family */
	const char	*name;		/* NULL: every session */
	bool		 all;
	bool		 json;
};

static bool
session_named(const struct bgpd *d, const char *name)
{
	for (unsigned i = 0; i < d->n_sessions; i++)
		if (strcmp(d->sessions[i]->conf.name, name) == 0)
			return true;
	return false;
}

static int
show_opts_parse(const struct bgpd *d, int argc, char **argv,
    struct show_opts *o, struct strbuf *reply)
{
	memset(o, 0, sizeof(*o));
	o->af = -1;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "ipv4") == 0)
			o->af = AF_IDX_IPV4;
		else if (strcmp(argv[i], "ipv6") == 0)
			o->af = AF_IDX_IPV6;
		else if (strcmp(argv[i], "all") == 0)
			o->all = true;
		else if (strcmp(argv[i], "json") == 0)
			o->json = true;
		else if (o->name == NULL && session_named(d, argv[i]))
			o->name = argv[i];
		else {
			strbuf_printf(reply, CONTROL_ERROR_PREFIX
			    "unknown option or session '%s' (ipv4, ipv6, all, "
			    "json, a mux or neighbour name)\n", argv[i]);
			return -1;
		}
	}
	return 0;
}

static bool
show_opts_match(const struct show_opts *o, const struct session *s)
{
	return (o->af < 0 || (int)s->conf.af == o->af) &&
	    (o->name == NULL || strcmp(s->conf.name, o->name) == 0);
}

static cJSON *
session_json(const struct bgpd *d, const struct session *s)
{
	cJSON *o = cJSON_CreateObject(), *st = cJSON_CreateObject();
	const struct rib_peer *pe = rib_peer_info(d->rib, s->rib_peer);
	char a[ADDR_STRLEN], since[32], status[256];

	time_text(s->since, since, sizeof(since));
	session_status(d, s, status, sizeof(status));
	cJSON_AddStringToObject(o, "name", s->conf.name);
	cJSON_AddStringToObject(o, "af", session_af_name(s));
	cJSON_AddStringToObject(o, "neighbor", addr_format(s->conf.peer.af,
	    s->conf.peer.addr, a, sizeof(a)));
	cJSON_AddNumberToObject(o, "peer_as", s->conf.peer_as);
	cJSON_AddStringToObject(o, "interface", s->conf.ifname);
	cJSON_AddStringToObject(o, "state", bgp_state_name(s->fsm.state));
	cJSON_AddStringToObject(o, "since", since);
	cJSON_AddNumberToObject(o, "since_unix", (double)s->since);
	cJSON_AddStringToObject(o, "info", status);
	cJSON_AddStringToObject(o, "reason", s->info);
	if (s->fsm.state == BGP_STATE_ESTABLISHED) {
		cJSON_AddNumberToObject(o, "hold_time", s->params.hold_time);
		cJSON_AddBoolToObject(o, "as4", s->params.rx.as4);
		cJSON_AddBoolToObject(o, "addpath_rx",
		    s->params.rx.addpath[s->conf.af]);
		cJSON_AddBoolToObject(o, "extended_message",
		    s->params.rx.max_len > BGP_MAX_LEN);
		char id[16];

		cJSON_AddStringToObject(o, "peer_router_id",
		    router_id_text(s->params.peer_id, id, sizeof(id)));
	}
	cJSON_AddNumberToObject(st, "messages_in", (double)s->stats.msgs_in);
	cJSON_AddNumberToObject(st, "updates_in", (double)s->stats.updates_in);
	cJSON_AddNumberToObject(st, "prefixes_in",
	    (double)s->stats.prefixes_in);
	cJSON_AddNumberToObject(st, "withdrawals_in",
	    (double)s->stats.withdrawals_in);
	cJSON_AddNumberToObject(st, "treat_as_withdraw",
	    (double)s->stats.treat_as_withdraw);
	cJSON_AddNumberToObject(st, "attribute_discards",
	    (double)s->stats.attr_discards);
	cJSON_AddNumberToObject(st, "end_of_rib", s->stats.eor_seen);
	cJSON_AddNumberToObject(st, "route_refresh_in",
	    (double)s->stats.refresh_in);
	cJSON_AddNumberToObject(st, "other_family_ignored",
	    (double)s->stats.foreign_family);
	cJSON_AddNumberToObject(st, "established", s->stats.established_count);
	if (pe != NULL) {
		cJSON_AddNumberToObject(st, "paths", (double)pe->n_paths);
		cJSON_AddNumberToObject(st, "paths_flushing",
		    (double)pe->n_flush);
		cJSON_AddNumberToObject(st, "refused_max_paths",
		    (double)pe->refused_max_paths);
		cJSON_AddNumberToObject(st, "refused_max_paths_per_prefix",
		    (double)pe->refused_max_prefix_paths);
	}
	cJSON_AddItemToObject(o, "stats", st);
	return o;
}

/* `show protocols all`: what birdc shows of a BGP protocol, as far as we
 * have it: neighbour, capabilities, timers, counters, last reason. */
static void
session_detail_text(const struct bgpd *d, const struct session *s,
    struct strbuf *reply)
{
	const struct bgp_session_params *p = &s->params;
	const struct session_stats *st = &s->stats;
	const struct rib_peer *pe = rib_peer_info(d->rib, s->rib_peer);
	char a[ADDR_STRLEN], id[16];

	strbuf_printf(reply, "  Neighbor address: %s\n  Neighbor AS:      %u\n"
	    "  Local AS:         %u\n  Interface:        %s\n",
	    addr_format(s->conf.peer.af, s->conf.peer.addr, a, sizeof(a)),
	    s->conf.peer_as, s->conf.local_as,
	    s->conf.ifname[0] ? s->conf.ifname : "-");
	if (s->fsm.state == BGP_STATE_ESTABLISHED) {
		strbuf_printf(reply, "  Neighbor ID:      %s\n  Hold timer:       "
		    "%u s\n  Keepalive timer:  %u s\n", router_id_text(
		    p->peer_id, id, sizeof(id)), p->hold_time, p->keepalive);
		strbuf_printf(reply, "  Capabilities:     4-byte AS %s, ADD-PATH "
		    "rx %s, extended messages %s, route refresh %s, graceful "
		    "restart %s\n", p->rx.as4 ? "yes" : "no",
		    p->rx.addpath[s->conf.af] ? "yes" : "no",
		    p->rx.max_len > BGP_MAX_LEN ? "yes" : "no",
		    p->route_refresh ? "yes" : "no", p->peer_gr ? "yes" : "no");
	} else
		strbuf_printf(reply, "  Hold timer:       %u s (configured)\n",
		    s->conf.hold_time);
	strbuf_printf(reply, "  Messages in:      %llu (%llu updates, %llu "
	    "route refresh)\n  Routes in:        %llu announced, %llu "
	    "withdrawn, %llu treated as withdraw, %llu attributes "
	    "discarded\n  Paths held:       %llu, %llu dropped by limits, "
	    "%llu of its earlier sessions being removed\n"
	    "  Established:      %u times\n  Last reason:      %s\n",
	    (unsigned long long)st->msgs_in, (unsigned long long)st->updates_in,
	    (unsigned long long)st->refresh_in,
	    (unsigned long long)st->prefixes_in,
	    (unsigned long long)st->withdrawals_in,
	    (unsigned long long)st->treat_as_withdraw,
	    (unsigned long long)st->attr_discards,
	    (unsigned long long)(pe != NULL ? pe->n_paths : 0),
	    (unsigned long long)session_refused(d, s),
	    (unsigned long long)(pe != NULL ? pe->n_flush : 0),
	    st->established_count,
	    s->info[0] ? s->info : "-");
}

static void
show_protocols(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct show_opts o;
	cJSON *root, *arr;
	char *text;

	if (show_opts_parse(d, argc, argv, &o, reply) == -1)
		return;
	if (o.json) {
		root = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(root, "protocols");
		for (unsigned i = 0; i < d->n_sessions; i++)
			if (show_opts_match(&o, d->sessions[i]))
				cJSON_AddItemToArray(arr,
				    session_json(d, d->sessions[i]));
		exports_status(d, reply, root);
		text = cJSON_PrintUnformatted(root);
		if (text != NULL)
			strbuf_printf(reply, "%s\n", text);
		cJSON_free(text);
		cJSON_Delete(root);
		return;
	}
	strbuf_printf(reply, "%-16s %-5s %-12s %-19s %s\n", "name", "af",
	    "state", "since", "info");
	for (unsigned i = 0; i < d->n_sessions; i++) {
		const struct session *s = d->sessions[i];
		char since[32], status[256];

		if (!show_opts_match(&o, s))
			continue;
		time_text(s->since, since, sizeof(since));
		session_status(d, s, status, sizeof(status));
		strbuf_printf(reply, "%-16s %-5s %-12s %-19s %s\n",
		    s->conf.name, session_af_name(s),
		    bgp_state_name(s->fsm.state), since, status);
		if (o.all)
			session_detail_text(d, s, reply);
	}
	exports_status(d, reply, NULL);
}

static void
show_status(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	char since[32], id[16];
	unsigned up = 0;

	if (argc > 1 || (argc == 1 && strcmp(argv[0], "json") != 0)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "show status "
		    "[json]\n");
		return;
	}
	for (unsigned i = 0; i < d->n_sessions; i++)
		up += d->sessions[i]->fsm.state == BGP_STATE_ESTABLISHED;
	time_text(d->started, since, sizeof(since));
	router_id_text(d->conf->router_id, id, sizeof(id));
	if (argc == 1) {
		strbuf_printf(reply, "{\"daemon\":\"peering-bgpd\",\"version\":"
		    "\"%s\",\"protocol\":%d,\"since\":\"%s\",\"since_unix\":"
		    "%lld,\"pid\":%ld,\"local_as\":%u,\"router_id\":\"%s\","
		    "\"sessions\":%u,\"established\":%u}\n", PEERING_VERSION,
		    CONTROL_PROTOCOL_VERSION, since, (long long)d->started,
		    (long)getpid(), d->conf->local_as, id, d->n_sessions, up);
		return;
	}
	strbuf_printf(reply, "peering-bgpd %s, running since %s, pid %ld\n"
	    "local AS %u, router id %s, %u sessions, %u established\n",
	    PEERING_VERSION, since, (long)getpid(), d->conf->local_as,
	    router_id_text(d->conf->router_id, id, sizeof(id)),
	    d->n_sessions, up);
	for (unsigned af = 0; af < 2; af++)
		if (d->af_stopped[af])
			strbuf_printf(reply, "%s sessions stopped (%s start "
			    "brings them back)\n", af == AF_IDX_IPV4 ? "IPv4" :
			    "IPv6", af == AF_IDX_IPV4 ? "bgp" : "bgp6");
}

static void
configure(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct bgpd_reload_stats st;
	char err[1024];

	(void)argv;
	if (argc != 0) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "configure takes no "
		    "arguments\n");
		return;
	}
	if (bgpd_reload(d, &st, err, sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s (the running "
		    "configuration is unchanged)\n", err);
		return;
	}
	strbuf_printf(reply, "reconfigured: %u sessions unchanged, %u "
	    "restarted, %u added, %u removed; %u with a new import policy\n",
	    st.kept, st.changed, st.added, st.removed, st.reimported);
}

static void
announce(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct ann_request r;
	char err[512];

	/* argv[-1] is "announce" or "withdraw": the request reads both. */
	if (ann_request_from_words(argc + 1, argv - 1, &r, err,
	    sizeof(err)) == -1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s\n", err);
		return;
	}
	exports_request(d, &r, reply);
}

/* "ipv4" or "ipv6" in argv[i], else -1. */
static int
af_word(const char *w)
{
	if (strcmp(w, "ipv4") == 0)
		return AF_IDX_IPV4;
	if (strcmp(w, "ipv6") == 0)
		return AF_IDX_IPV6;
	return -1;
}

/* adv NAME [ipv4|ipv6] [json], and show route export NAME [...]. */
static void
adv(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	bool json = false;
	int af = -1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "json") == 0 && !json)
			json = true;
		else if (af_word(argv[i]) >= 0 && af < 0)
			af = af_word(argv[i]);
		else {
			argc = 0;
			break;
		}
	}
	if (argc < 1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX
		    "adv NAME [ipv4|ipv6] [json]\n");
		return;
	}
	exports_show(d, argv[0], af, json, reply);
}

/* The literal `peering bgp6 stop` looks for (cmd_bgp.c) to end the
 * daemon when no family runs. */
#define ALL_STOPPED	"no family is running"

/* stop ipv4|ipv6: the family's sessions held down, its announcements
 * withdrawn; start ipv4|ipv6: its sessions back. */
static void
family(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	bool start = strcmp(argv[-1], "start") == 0;
	int af = argc == 1 ? af_word(argv[0]) : -1;
	const char *name;
	int n;

	if (af < 0) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s ipv4|ipv6\n",
		    argv[-1]);
		return;
	}
	name = af == AF_IDX_IPV4 ? "IPv4" : "IPv6";
	if (start && !d->af_stopped[af]) {
		strbuf_printf(reply, "%s sessions are running already\n", name);
		return;
	}
	if (!start && d->af_stopped[af]) {
		strbuf_printf(reply, "%s sessions are stopped already\n", name);
	} else {
		/* Withdrawals first, while the sessions can carry them (as
		 * bgp stop does), then the Cease. */
		if (!start)
			exports_clear_family(d, (unsigned)af, reply);
		n = bgpd_family_enable(d, (unsigned)af, start);
		strbuf_printf(reply, "%d %s sessions %s\n", n, name, start ?
		    "started" : "stopped");
	}
	if (d->af_stopped[AF_IDX_IPV4] && d->af_stopped[AF_IDX_IPV6])
		strbuf_printf(reply, ALL_STOPPED "\n");
}

/* enable|disable|restart NAME: a mux's or neighbour's sessions. */
static void
session_admin(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	const char *verb = argv[-1];
	bool restart = strcmp(verb, "restart") == 0;
	int n = 0;

	if (argc != 1) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "%s NAME\n", verb);
		return;
	}
	if (restart || strcmp(verb, "disable") == 0)
		n = bgpd_session_enable(d, argv[0], false);
	if (restart || strcmp(verb, "enable") == 0)
		n = bgpd_session_enable(d, argv[0], true);
	if (n == 0) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "no session named "
		    "%s\n", argv[0]);
		return;
	}
	strbuf_printf(reply, "%s: %d sessions %s\n", argv[0], n, restart ?
	    "restarted" : strcmp(verb, "enable") == 0 ? "enabled" :
	    "disabled");
}

static void
clear_announcements(struct bgpd *d, int argc, char **argv,
    struct strbuf *reply)
{
	(void)argc;
	(void)argv;
	exports_clear(d, reply);
	experiment_cleared(d);
	/* `bgp stop` with kernel-routes-on-stop remove (docs/config.md). */
	if (d->conf->kernel_remove_on_stop && d->kroute != NULL) {
		struct kroute_stats st;

		kroute_get_stats(d->kroute, &st);
		kroute_flush(d->kroute);
		strbuf_printf(reply, "%zu routes removed from table %u\n",
		    st.installed, KROUTE_TABLE_PEERING);
	}
}

static void
tunnel(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	bool closing = argc == 2 && strcmp(argv[1], "closing") == 0;

	if (argc != 2 || (!closing && strcmp(argv[1], "open") != 0)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX
		    "tunnel MUX closing|open\n");
		return;
	}
	/* A mux the daemon does not know has no session to tell: quiet, as
	 * `peering openvpn down` asks whatever the daemon's mux list. */
	bgpd_tunnel_event(d, argv[0], closing);
}

static void help(struct bgpd *, int, char **, struct strbuf *,
    struct ctl_stream *);

static const struct control_cmd commands[] = {
	{ { "show", "protocols", NULL }, show_protocols,
	    "show protocols [all] [NAME] [ipv4|ipv6] [json]: one line per "
	    "session; all: capabilities, timers, counters, last reason" },
	{ { "hello", NULL, NULL }, NULL,
	    "hello [VERSION] [json]: the control protocol's version (a client "
	    "that speaks VERSION is refused by an older daemon)" },
	{ { "show", "status", NULL }, show_status,
	    "show status [json]: the daemon's version, AS and session count" },
	{ { "show", "route", "export" }, adv,
	    "show route export NAME [ipv4|ipv6] [json]: what a mux or "
	    "neighbour was really sent (the Adj-RIB-Out), as adv" },
	{ { "show", "route", NULL }, NULL,
	    "show route [FILTER]... [all] [json] [count] [limit N]: paths, "
	    "best first (*); FILTER: ipv4|ipv6, PREFIX, for ADDR, in PREFIX, "
	    "mux NAME, upstream N, as N, origin-as N, community A:B, "
	    "large-community A:B:C, best" },
	{ { "routes", NULL, NULL }, NULL,
	    "routes [FILTER]... [text]: every path, one JSON object a line "
	    "(text: show route's lines; the filters of show route)" },
	{ { "show", "memory", NULL }, cmd_show_memory,
	    "show memory [json]: what the RIB holds and its bytes" },
	{ { "announce", NULL, NULL }, announce,
	    "announce PREFIX [mux NAME] [origin N] [prepend N] [poison N]... "
	    "[community A:B]... [large A:B:C]... [container] [nodp] [force]" },
	{ { "withdraw", NULL, NULL }, announce,
	    "withdraw PREFIX [mux NAME]" },
	{ { "announce-file", NULL, NULL }, exports_file,
	    "announce-file /PATH [force] [nodp]: an announcement file "
	    "(peering announce FILE.json), all of it or nothing" },
	{ { "adv", NULL, NULL }, adv,
	    "adv NAME [ipv4|ipv6] [json]: what a mux is to hear and what it "
	    "was really sent (next hop, AS path with our prepending)" },
	{ { "stop", NULL, NULL }, family,
	    "stop ipv4|ipv6: a family's sessions stopped, its announcements "
	    "withdrawn (bgp6 stop)" },
	{ { "start", NULL, NULL }, family,
	    "start ipv4|ipv6: a stopped family's sessions back (bgp6 start)" },
	{ { "enable", NULL, NULL }, session_admin,
	    "enable NAME: a disabled mux's or neighbour's sessions back" },
	{ { "disable", NULL, NULL }, session_admin,
	    "disable NAME: a mux's or neighbour's sessions stopped (Cease) "
	    "and held in Idle" },
	{ { "restart", NULL, NULL }, session_admin,
	    "restart NAME: disable, then enable" },
	{ { "clear", "announcements", NULL }, clear_announcements,
	    "clear announcements: withdraw and forget all (bgp stop does)" },
	{ { "import", NULL, NULL }, cmd_import,
	    "import NAME all|none|prefix-list PREFIX...: the import policy of "
	    "a mux or neighbor, until the next reload" },
	{ { "tunnel", NULL, NULL }, tunnel,
	    "tunnel MUX closing|open: stop a mux's sessions before its tunnel "
	    "closes (peering openvpn down), or start them again" },
	{ { "experiment", NULL, NULL }, NULL,
	    "experiment run PATH [bind V=PREFIX]... [round-seconds N] "
	    "[dry-run] | resume | status [json] | stop: an experiment's "
	    "rounds, run by the daemon" },
	{ { "configure", NULL, NULL }, configure,
	    "configure: re-read the configuration (as SIGHUP does)" },
	{ { "log", "mrt", NULL }, cmd_log_mrt,
	    "log mrt [on|off [NAME]]: every message of the sessions (of mux "
	    "or neighbor NAME) to var/mrt/updates.*.mrt (MRT BGP4MP_ET)" },
	{ { "dump", "mrt", NULL }, NULL,
	    "dump mrt FILE: the RIB as an MRT TABLE_DUMP_V2 file with "
	    "ADD-PATH path ids (a bare name goes to var/mrt/)" },
	{ { "events", NULL, NULL }, NULL,
	    "events [best] [json]: a reply that does not end: sessions up and "
	    "down, announcement requests, each UPDATE sent, best-route changes "
	    "with best (docs/control.md)" },
	{ { "help", NULL, NULL }, NULL, "help [json]: this list" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define N_COMMANDS	NELEM(commands)

static const struct control_stream_cmd streamers[] = {
	{ { "help", NULL, NULL }, help },
	{ { "show", "route", NULL }, cmd_show_route },
	{ { "routes", NULL, NULL }, cmd_routes },
	{ { "dump", "mrt", NULL }, cmd_dump_mrt },
	{ { "experiment", NULL, NULL }, experiment_control_stream },
	{ { "events", NULL, NULL }, cmd_events },
};

/* `help` streams its list: budget bytes of lines a slice (the simplest
 * user of the seam; with a small budget, one line a slice). */
static enum ctl_stream_result
help_next(void *arg, struct strbuf *out, size_t budget)
{
	size_t *i = arg, start = out->len;

	while (*i < N_COMMANDS && out->len - start < budget)
		strbuf_printf(out, "%s\n", commands[(*i)++].help);
	return *i < N_COMMANDS ? CTL_STREAM_MORE : CTL_STREAM_DONE;
}

static void
help(struct bgpd *d, int argc, char **argv, struct strbuf *reply,
    struct ctl_stream *stream)
{
	size_t *i;

	(void)d;
	if (argc == 1 && strcmp(argv[0], "json") == 0) {
		cJSON *root = cJSON_CreateObject(), *arr;
		char *text;

		arr = cJSON_AddArrayToObject(root, "commands");
		for (size_t k = 0; k < N_COMMANDS; k++)
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(commands[k].help));
		text = cJSON_PrintUnformatted(root);
		if (text != NULL)
			strbuf_printf(reply, "%s\n", text);
		cJSON_free(text);
		cJSON_Delete(root);
		return;
	}
	if ((i = calloc(1, sizeof(*i))) == NULL) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "out of memory\n");
		return;
	}
	stream->next = help_next;
	stream->free = free;
	stream->arg = i;
}

/* How many leading words of argv spell a command; 0 if not it. */
static int
command_match(const char *const words[3], int argc, char **argv)
{
	int n = 0;

	for (; n < 3 && words[n] != NULL; n++)
		if (n >= argc || strcmp(argv[n], words[n]) != 0)
			return 0;
	return n;
}

/* Commands that answer in JSON themselves when a word says "json"; the
 * others' text is wrapped as {"output": [lines]} (docs/control.md). */
static const char *const json_native[][3] = {
	{ "show", "protocols", NULL },
	{ "show", "route", NULL },
	{ "show", "memory", NULL },
	{ "show", "status", NULL },
	{ "adv", NULL, NULL },
	{ "experiment", "status", NULL },
	{ "routes", NULL, NULL },
	{ "events", NULL, NULL },
	{ "hello", NULL, NULL },
	{ "help", NULL, NULL },
};

/* What the read-only socket serves: what only reads. */
static const char *const read_only_ok[][3] = {
	{ "show", NULL, NULL },
	{ "routes", NULL, NULL },
	{ "events", NULL, NULL },
	{ "hello", NULL, NULL },
	{ "help", NULL, NULL },
	{ "adv", NULL, NULL },
	{ "experiment", "status", NULL },
};

static bool
listed(const char *const list[][3], size_t n, int argc, char **argv)
{
	for (size_t i = 0; i < n; i++)
		if (command_match(list[i], argc, argv) > 0)
			return true;
	return false;
}

/* The text of a reply as {"output": ["line", ...]}: replaces reply. */
static void
wrap_output(struct strbuf *reply)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	const char *p = reply->s ? reply->s : "", *end = p + reply->len;
	char *text;

	arr = cJSON_AddArrayToObject(root, "output");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = strndup(p, n);

		cJSON_AddItemToArray(arr, cJSON_CreateString(line ? line : ""));
		free(line);
		p += n + (nl != NULL);
	}
	text = cJSON_PrintUnformatted(root);
	reply->len = 0;
	if (text != NULL)
		strbuf_printf(reply, "%s\n", text);
	else
		reply->failed = true;
	cJSON_free(text);
	cJSON_Delete(root);
}

/* hello [VERSION] [json]: the protocol version; a client that needs a
 * newer one than this daemon speaks is refused (code "version"). */
static enum ctl_code
hello(int argc, char **argv, struct strbuf *reply)
{
	bool json = argc > 0 && strcmp(argv[argc - 1], "json") == 0;
	char *end;
	long v = CONTROL_PROTOCOL_VERSION;

	argc -= json;
	if (argc == 1)
		v = strtol(argv[0], &end, 10);
	if (argc > 1 || (argc == 1 && (*end != '\0' || v < 1))) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "hello [VERSION] "
		    "[json]\n");
		return CTL_E_REFUSED;
	}
	if (v > CONTROL_PROTOCOL_VERSION) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "this daemon speaks "
		    "version %d of the control protocol, not %ld\n",
		    CONTROL_PROTOCOL_VERSION, v);
		return CTL_E_VERSION;
	}
	if (json)
		strbuf_printf(reply, "{\"protocol\":%d,\"daemon\":"
		    "\"peering-bgpd\",\"version\":\"%s\"}\n",
		    CONTROL_PROTOCOL_VERSION, PEERING_VERSION);
	else
		strbuf_printf(reply, "peering-bgpd %s, control protocol %d\n",
		    PEERING_VERSION, CONTROL_PROTOCOL_VERSION);
	return CTL_OK;
}

static enum ctl_code
dispatch(struct bgpd *d, struct ctl_request *rq, struct strbuf *reply,
    struct ctl_stream *stream)
{
	const struct control_stream_cmd *sc = NULL;
	const struct control_cmd *cc = NULL;
	int argc = rq->argc, best = 0, n;
	char **argv = rq->argv;
	bool wrap = false;

	if (strcmp(argv[0], "hello") == 0)
		return hello(argc - 1, argv + 1, reply);
	/* "json" asked of a command that answers in text: wrapped. */
	if (argc > 1 && strcmp(argv[argc - 1], "json") == 0 &&
	    !listed(json_native, NELEM(json_native), argc, argv)) {
		argv[--argc] = NULL;
		wrap = true;
	}
	/* The command that spells the most words ("show route export" over
	 * "show route"), streamed or not. */
	for (size_t i = 0; i < NELEM(streamers); i++)
		if ((n = command_match(streamers[i].words, argc, argv)) > best) {
			best = n;
			sc = &streamers[i];
		}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (commands[i].handler != NULL &&
		    (n = command_match(commands[i].words, argc, argv)) > best) {
			best = n;
			sc = NULL;
			cc = &commands[i];
		}
	if (sc != NULL) {
		sc->streamer(d, argc - best, argv + best, reply, stream);
		return CTL_OK;
	}
	if (cc != NULL) {
		cc->handler(d, argc - best, argv + best, reply);
		if (wrap && control_body_status(reply->s, reply->len) ==
		    CONTROL_STATUS_OK)
			wrap_output(reply);
		return CTL_OK;
	}
	strbuf_printf(reply, CONTROL_ERROR_PREFIX "unknown command '%s' "
	    "(try: help)\n", argv[0]);
	return CTL_E_UNKNOWN_COMMAND;
}

enum ctl_code
bgpd_control(void *ctx, struct ctl_request *rq, struct strbuf *reply,
    struct ctl_stream *stream)
{
	return dispatch(ctx, rq, reply, stream);
}

enum ctl_code
bgpd_control_ro(void *ctx, struct ctl_request *rq, struct strbuf *reply,
    struct ctl_stream *stream)
{
	if (!listed(read_only_ok, NELEM(read_only_ok), rq->argc, rq->argv)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "'%s' changes the "
		    "daemon's state: not on the read-only socket (ask on "
		    "the control socket, as root)\n", rq->argv[0]);
		return CTL_E_READ_ONLY;
	}
	return dispatch(ctx, rq, reply, stream);
}
