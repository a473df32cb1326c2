/*
 * The control commands, dispatched from a table: what `peering bgp
 * status`, `bgp6 status` and `bgp cli` ask the daemon.
 */
#include "bgpd.h"
#include "control_cmds.h"
#include "events.h"
#include "experiment.h"
#include "exports.h"

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
	pe = &d->rib->peers[s->rib_peer];
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

/* Filters: "ipv4", "ipv6" or "all"; and "json". */
struct show_opts {
	int	af;		/* -1: every family */
	bool	json;
};

static int
show_opts_parse(int argc, char **argv, struct show_opts *o,
    struct strbuf *reply)
{
	o->af = -1;
	o->json = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "ipv4") == 0)
			o->af = AF_IDX_IPV4;
		else if (strcmp(argv[i], "ipv6") == 0)
			o->af = AF_IDX_IPV6;
		else if (strcmp(argv[i], "all") == 0)
			o->af = -1;
		else if (strcmp(argv[i], "json") == 0)
			o->json = true;
		else {
			strbuf_printf(reply, CONTROL_ERROR_PREFIX
			    "unknown option '%s' (ipv4, ipv6, all, json)\n",
			    argv[i]);
			return -1;
		}
	}
	return 0;
}

static cJSON *
session_json(const struct bgpd *d, const struct session *s)
{
	cJSON *o = cJSON_CreateObject(), *st = cJSON_CreateObject();
	const struct rib_peer *pe = s->rib_peer >= 0 ?
	    &d->rib->peers[s->rib_peer] : NULL;
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
		cJSON_AddNumberToObject(st, "refused_max_paths",
		    (double)pe->refused_max_paths);
		cJSON_AddNumberToObject(st, "refused_max_paths_per_prefix",
		    (double)pe->refused_max_prefix_paths);
	}
	cJSON_AddItemToObject(o, "stats", st);
	return o;
}

static void
show_protocols(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	struct show_opts o;
	cJSON *root, *arr;
	char *text;

	if (show_opts_parse(argc, argv, &o, reply) == -1)
		return;
	if (o.json) {
		root = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(root, "protocols");
		for (unsigned i = 0; i < d->n_sessions; i++)
			if (o.af < 0 || (int)d->sessions[i]->conf.af == o.af)
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

		if (o.af >= 0 && (int)s->conf.af != o.af)
			continue;
		time_text(s->since, since, sizeof(since));
		session_status(d, s, status, sizeof(status));
		strbuf_printf(reply, "%-16s %-5s %-12s %-19s %s\n",
		    s->conf.name, session_af_name(s),
		    bgp_state_name(s->fsm.state), since, status);
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

static void
adv(struct bgpd *d, int argc, char **argv, struct strbuf *reply)
{
	bool json = argc == 2 && strcmp(argv[1], "json") == 0;

	if (argc < 1 || argc > 2 || (argc == 2 && !json)) {
		strbuf_printf(reply, CONTROL_ERROR_PREFIX "adv NAME [json]\n");
		return;
	}
	exports_show(d, argv[0], json, reply);
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
	    "show protocols [ipv4|ipv6|all] [json]: one line per session" },
	{ { "hello", NULL, NULL }, NULL,
	    "hello [VERSION] [json]: the control protocol's version (a client "
	    "that speaks VERSION is refused by an older daemon)" },
	{ { "show", "status", NULL }, show_status,
	    "show status [json]: the daemon's version, AS and session count" },
	{ { "show", "route", NULL }, cmd_show_route,
	    "show route [ipv4|ipv6] [PREFIX] [all] [json] [limit N]: paths, "
	    "best first (*)" },
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
	    "adv NAME [json]: what is exported to a mux" },
	{ { "clear", "announcements", NULL }, clear_announcements,
	    "clear announcements: withdraw and forget all (bgp stop does)" },
	{ { "import", NULL, NULL }, cmd_import,
	    "import NAME all|none|prefix-list PREFIX...: the import policy of "
	    "a mux or neighbor, until the next reload" },
	{ { "tunnel", NULL, NULL }, tunnel,
	    "tunnel MUX closing|open: stop a mux's sessions before its tunnel "
	    "closes (peering openvpn down), or start them again" },
	{ { "experiment", NULL, NULL }, experiment_control,
	    "experiment run PATH [bind V=PREFIX]... [round-seconds N] "
	    "[dry-run] | resume | status [json] | stop: an experiment's "
	    "rounds, run by the daemon" },
	{ { "configure", NULL, NULL }, configure,
	    "configure: re-read the configuration (as SIGHUP does)" },
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
	int argc = rq->argc;
	char **argv = rq->argv;
	bool wrap = false;

	if (strcmp(argv[0], "hello") == 0)
		return hello(argc - 1, argv + 1, reply);
	for (size_t i = 0; i < NELEM(streamers); i++) {
		int n = command_match(streamers[i].words, argc, argv);

		if (n > 0) {
			streamers[i].streamer(d, argc - n, argv + n, reply,
			    stream);
			return CTL_OK;
		}
	}
	/* "json" asked of a command that answers in text: wrapped. */
	if (argc > 1 && strcmp(argv[argc - 1], "json") == 0 &&
	    !listed(json_native, NELEM(json_native), argc, argv)) {
		argv[--argc] = NULL;
		wrap = true;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		int n = command_match(commands[i].words, argc, argv);

		if (n > 0 && commands[i].handler != NULL) {
			commands[i].handler(d, argc - n, argv + n, reply);
			if (wrap && control_body_status(reply->s, reply->len) ==
			    CONTROL_STATUS_OK)
				wrap_output(reply);
			return CTL_OK;
		}
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
