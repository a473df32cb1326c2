/*
 * The table of `peering bgp cli` and the walk over it (shell_table.h).
 */
#include "shell_table.h"

#include <stdio.h>
#include <string.h>

#define END	{ NULL, SHELL_ARG_NONE, NULL }
#define FAMILY	{ "ipv4", SHELL_ARG_NONE, "IPv4 only" }, \
		{ "ipv6", SHELL_ARG_NONE, "IPv6 only" }
#define JSON	{ "json", SHELL_ARG_NONE, "as JSON" }

static const struct shell_opt opts_protocols[] = {
	{ "all", SHELL_ARG_NONE, "capabilities, timers, counters, last reason" },
	{ NULL, SHELL_ARG_MUX, "one mux or neighbour" },
	FAMILY, JSON, END,
};

/* The route filters of the daemon (birdc's words where there are). */
static const struct shell_opt opts_route[] = {
	{ NULL, SHELL_ARG_PREFIX, "exactly this prefix" },
	{ "for", SHELL_ARG_ADDR, "the longest prefix covering an address" },
	{ "in", SHELL_ARG_PREFIX, "a prefix and its more-specifics" },
	{ "mux", SHELL_ARG_MUX, "paths from one mux or neighbour" },
	{ "upstream", SHELL_ARG_NUMBER, "paths through one upstream peer id" },
	{ "as", SHELL_ARG_ASN, "an AS anywhere in the path" },
	{ "origin-as", SHELL_ARG_ASN, "the path's origin AS" },
	{ "community", SHELL_ARG_COMMUNITY, "paths with a community" },
	{ "large-community", SHELL_ARG_LARGE, "paths with a large community" },
	{ "best", SHELL_ARG_NONE, "each prefix's best path only" },
	{ "primary", SHELL_ARG_NONE, "the same as best (birdc's word)" },
	{ "text", SHELL_ARG_NONE, "routes only: show route's lines" },
	{ "all", SHELL_ARG_NONE, "every attribute of each path" },
	{ "count", SHELL_ARG_NONE, "how many, not the routes" },
	{ "limit", SHELL_ARG_NUMBER, "at most N prefixes" },
	FAMILY, JSON, END,
};

static const struct shell_opt opts_family_json[] = { FAMILY, JSON, END };
static const struct shell_opt opts_json[] = { JSON, END };

static const struct shell_opt opts_import[] = {
	{ "all", SHELL_ARG_NONE, "every route" },
	{ "none", SHELL_ARG_NONE, "no route" },
	{ "prefix-list", SHELL_ARG_PREFIX, "only these prefixes (and more)" },
	{ NULL, SHELL_ARG_PREFIX, "one more prefix of the list" },
	END,
};

static const struct shell_opt opts_announce[] = {
	{ "mux", SHELL_ARG_MUX, "one mux (default: every mux)" },
	{ "origin", SHELL_ARG_ASN, "the origin AS" },
	{ "prepend", SHELL_ARG_NUMBER, "the origin this many times, 1..4" },
	{ "poison", SHELL_ARG_ASN, "an AS to poison (ASN,ASN... for more)" },
	{ "community", SHELL_ARG_COMMUNITY, "communities A:B,C:D..." },
	{ "large", SHELL_ARG_LARGE, "large communities A:B:C,..." },
	{ "container", SHELL_ARG_NONE, "next hop into your container (-M)" },
	{ "nodp", SHELL_ARG_NONE, "no data plane (-R)" },
	{ "force", SHELL_ARG_NONE, "past the 10-minute change rule" },
	END,
};

static const struct shell_opt opts_withdraw[] = {
	{ "mux", SHELL_ARG_MUX, "from one mux only" },
	{ "nodp", SHELL_ARG_NONE, "keep the data plane" },
	{ "force", SHELL_ARG_NONE, "past the 10-minute change rule" },
	END,
};

static const struct shell_opt opts_family[] = {
	{ "ipv4", SHELL_ARG_NONE, "the IPv4 sessions" },
	{ "ipv6", SHELL_ARG_NONE, "the IPv6 sessions" },
	END,
};

static const struct shell_opt opts_tunnel[] = {
	{ "closing", SHELL_ARG_NONE, "the tunnel is about to close" },
	{ "open", SHELL_ARG_NONE, "the tunnel stayed: start again" },
	END,
};

static const struct shell_opt opts_experiment[] = {
	{ "bind", SHELL_ARG_BIND, "what a variable of the file stands for" },
	{ "round-seconds", SHELL_ARG_NUMBER, "seconds per round" },
	{ "dry-run", SHELL_ARG_NONE, "check and print the rounds only" },
	END,
};

static const struct shell_opt opts_log_mrt[] = {
	{ "on", SHELL_ARG_NONE, "start logging (every session, or NAME's)" },
	{ "off", SHELL_ARG_NONE, "stop logging (every session, or NAME's)" },
	{ NULL, SHELL_ARG_MUX, "one mux or neighbour" },
	END,
};

static const struct shell_opt opts_events[] = {
	{ "best", SHELL_ARG_NONE, "also the RIB's best-route changes" },
	{ "json", SHELL_ARG_NONE, "one JSON object per line" },
	END,
};

#define W(...)	{ __VA_ARGS__, NULL }
#define P(...)	{ __VA_ARGS__ }

const struct shell_cmd shell_cmds[] = {
	{ W("show", "protocols"), P(SHELL_ARG_NONE), opts_protocols,
	    "show protocols [all] [MUX] [ipv4|ipv6] [json]",
	    "the sessions: state, since, why", false },
	{ W("show", "route", "export"), P(SHELL_ARG_MUX), opts_family_json,
	    "show route export MUX [ipv4|ipv6] [json]",
	    "what MUX was really sent (the Adj-RIB-Out, with next hop)",
	    false },
	{ W("show", "route"), P(SHELL_ARG_NONE), opts_route,
	    "show route [FILTER]... [all] [count] [json] [limit N]",
	    "routes from the muxes, best first (*)", false },
	{ W("routes"), P(SHELL_ARG_NONE), opts_route,
	    "routes [FILTER]... [text]",
	    "every path, one JSON object a line (peering bgp routes)", false },
	{ W("show", "status"), P(SHELL_ARG_NONE), opts_json,
	    "show status [json]", "the daemon: version, AS, router id, "
	    "sessions", false },
	{ W("show", "memory"), P(SHELL_ARG_NONE), opts_json,
	    "show memory [json]", "what the RIB holds and its bytes", false },
	{ W("enable"), P(SHELL_ARG_MUX), NULL, "enable MUX",
	    "a disabled mux's sessions back", false },
	{ W("disable"), P(SHELL_ARG_MUX), NULL, "disable MUX",
	    "a mux's sessions stopped (Cease) and held in Idle", false },
	{ W("restart"), P(SHELL_ARG_MUX), NULL, "restart MUX",
	    "a mux's sessions stopped and started again", false },
	{ W("configure"), P(SHELL_ARG_NONE), NULL, "configure",
	    "re-read configs/peering-bgpd.conf (as SIGHUP)", false },
	{ W("import"), P(SHELL_ARG_MUX), opts_import,
	    "import MUX all|none|prefix-list PREFIX...",
	    "a mux's import policy, until the next configure", false },
	{ W("adv"), P(SHELL_ARG_MUX), opts_family_json,
	    "adv MUX [ipv4|ipv6] [json]",
	    "what MUX is to hear and what it was sent", false },
	{ W("announce"), P(SHELL_ARG_PREFIX), opts_announce,
	    "announce PREFIX [mux MUX] [origin N] [prepend N] [poison N] "
	    "[community A:B] [large A:B:C] [container] [nodp] [force]",
	    "announce a prefix (checked as peering prefix does)", false },
	{ W("withdraw"), P(SHELL_ARG_PREFIX), opts_withdraw,
	    "withdraw PREFIX [mux MUX]", "withdraw a prefix", false },
	{ W("stop"), P(SHELL_ARG_NONE), opts_family, "stop ipv4|ipv6",
	    "a family's sessions stopped, its announcements withdrawn",
	    false },
	{ W("start"), P(SHELL_ARG_NONE), opts_family, "start ipv4|ipv6",
	    "a stopped family's sessions back", false },
	{ W("clear", "announcements"), P(SHELL_ARG_NONE), NULL,
	    "clear announcements", "withdraw and forget every announcement "
	    "(bgp stop does)", false },
	{ W("tunnel"), P(SHELL_ARG_MUX), opts_tunnel,
	    "tunnel MUX closing|open", "a mux's sessions stopped before its "
	    "tunnel closes, or started again", false },
	{ W("experiment", "run"), P(SHELL_ARG_PATH), opts_experiment,
	    "experiment run PATH [bind V=PREFIX]... [round-seconds N] "
	    "[dry-run]", "run an experiment's rounds (an absolute path; "
	    "peering experiment run checks the file first)", false },
	{ W("experiment", "resume"), P(SHELL_ARG_NONE), NULL,
	    "experiment resume", "go on with the journaled run", false },
	{ W("experiment", "status"), P(SHELL_ARG_NONE), opts_json,
	    "experiment status [json]", "the experiment run's round and "
	    "state", false },
	{ W("experiment", "stop"), P(SHELL_ARG_NONE), NULL, "experiment stop",
	    "end the experiment run, withdraw what it announced", false },
	{ W("log", "mrt"), P(SHELL_ARG_NONE), opts_log_mrt,
	    "log mrt [on|off [MUX]]", "every message of the sessions to "
	    "var/mrt/updates.*.mrt (MRT BGP4MP_ET); alone: what is logged",
	    false },
	{ W("dump", "mrt"), P(SHELL_ARG_PATH), NULL, "dump mrt FILE",
	    "the RIB as an MRT TABLE_DUMP_V2 file (a bare name: var/mrt/)",
	    false },
	{ W("events"), P(SHELL_ARG_NONE), opts_events, "events [best] [json]",
	    "what happens, as it happens (sessions, requests, UPDATEs sent)",
	    false },
	{ W("hello"), P(SHELL_ARG_NONE), opts_json, "hello [json]",
	    "the daemon's control protocol version", false },
	{ W("help"), P(SHELL_ARG_NONE), NULL, "help",
	    "this list (`?` anywhere: what may come next)", true },
	{ W("quit"), P(SHELL_ARG_NONE), NULL, "quit", "leave (also exit, "
	    "Ctrl-D)", true },
	{ W("exit"), P(SHELL_ARG_NONE), NULL, "exit", "leave", true },
};

const size_t shell_n_cmds = sizeof(shell_cmds) / sizeof(shell_cmds[0]);

const char *
shell_arg_name(enum shell_arg a)
{
	static const char *const names[] = {
		[SHELL_ARG_NONE] = "", [SHELL_ARG_MUX] = "MUX",
		[SHELL_ARG_PREFIX] = "PREFIX", [SHELL_ARG_ADDR] = "ADDR",
		[SHELL_ARG_NUMBER] = "N", [SHELL_ARG_ASN] = "ASN",
		[SHELL_ARG_COMMUNITY] = "A:B", [SHELL_ARG_LARGE] = "A:B:C",
		[SHELL_ARG_PATH] = "FILE", [SHELL_ARG_BIND] = "V=PREFIX",
	};

	return names[a];
}

/* Adds c unless a candidate with the same keyword (or value kind) is
 * there already. */
static int
cand_add(struct shell_cand *out, int n, int max, const struct shell_cand *c)
{
	for (int i = 0; i < n; i++) {
		if (c->word != NULL && out[i].word != NULL &&
		    strcmp(c->word, out[i].word) == 0) {
			if (out[i].help == NULL)
				out[i].help = c->help;
			return n;
		}
		if (c->word == NULL && out[i].word == NULL &&
		    c->arg == out[i].arg && !c->end && !out[i].end)
			return n;
		if (c->end && out[i].end)
			return n;
	}
	if (n < max)
		out[n++] = *c;
	return n;
}

static const struct shell_opt *
opt_keyword(const struct shell_cmd *c, const char *w)
{
	for (const struct shell_opt *o = c->opts; o != NULL &&
	    (o->word != NULL || o->arg != SHELL_ARG_NONE); o++)
		if (o->word != NULL && strcmp(o->word, w) == 0)
			return o;
	return NULL;
}

static bool
opt_bare(const struct shell_cmd *c)
{
	for (const struct shell_opt *o = c->opts; o != NULL &&
	    (o->word != NULL || o->arg != SHELL_ARG_NONE); o++)
		if (o->word == NULL)
			return true;
	return false;
}

/* The options part of c after words w[i..n): its candidates added. */
static int
next_opts(const struct shell_cmd *c, char *const *w, int i, int n,
    struct shell_cand *out, int k, int max)
{
	enum shell_arg pending = SHELL_ARG_NONE;
	const char *pending_help = NULL;

	for (; i < n; i++) {
		const struct shell_opt *o;

		if (pending != SHELL_ARG_NONE)
			pending = SHELL_ARG_NONE;
		else if ((o = opt_keyword(c, w[i])) != NULL) {
			pending = o->arg;
			pending_help = o->help;
		} else if (!opt_bare(c))
			return -1;
	}
	if (pending != SHELL_ARG_NONE) {
		struct shell_cand v = { NULL, pending, pending_help, false };

		return cand_add(out, k, max, &v);
	}
	for (const struct shell_opt *o = c->opts; o != NULL &&
	    (o->word != NULL || o->arg != SHELL_ARG_NONE); o++) {
		struct shell_cand v = { o->word, o->word != NULL ?
		    SHELL_ARG_NONE : o->arg, o->help, false };

		k = cand_add(out, k, max, &v);
	}
	struct shell_cand end = { NULL, SHELL_ARG_NONE, NULL, true };

	return cand_add(out, k, max, &end);
}

/* c's candidates after w[0..n), added to out[0..k); -1: not c. */
static int
next_cmd(const struct shell_cmd *c, char *const *w, int n,
    struct shell_cand *out, int k, int max)
{
	int i = 0;

	for (; c->words[i] != NULL; i++) {
		if (i == n) {
			struct shell_cand v = { c->words[i], SHELL_ARG_NONE,
			    c->words[i + 1] == NULL ? c->help : NULL, false };

			return cand_add(out, k, max, &v);
		}
		if (strcmp(w[i], c->words[i]) != 0)
			return -1;
	}
	for (int j = 0; j < SHELL_MAX_POS && c->pos[j] != SHELL_ARG_NONE;
	    j++, i++)
		if (i == n) {
			struct shell_cand v = { NULL, c->pos[j], c->help,
			    false };

			return cand_add(out, k, max, &v);
		}
	return next_opts(c, w, i, n, out, k, max);
}

/* How many of c's fixed words w[0..n) spells (all of them, or all of
 * w); -1 when a word differs. */
static int
fixed_match(const struct shell_cmd *c, char *const *w, int n)
{
	int i = 0;

	for (; c->words[i] != NULL && i < n; i++)
		if (strcmp(w[i], c->words[i]) != 0)
			return -1;
	return i;
}

int
shell_next(char *const *w, int n, struct shell_cand *out, int max)
{
	bool any = false;
	int k = 0, longest = 0;

	/* "show route export" is that command, not "show route" with a
	 * value "export": the longest fixed words win. */
	for (size_t i = 0; i < shell_n_cmds; i++) {
		int m = fixed_match(&shell_cmds[i], w, n);

		if (m > longest)
			longest = m;
	}
	for (size_t i = 0; i < shell_n_cmds; i++) {
		int r;

		if (fixed_match(&shell_cmds[i], w, n) < longest)
			continue;
		r = next_cmd(&shell_cmds[i], w, n, out, k, max);

		if (r >= 0) {
			k = r;
			any = true;
		}
	}
	return any ? k : -1;
}

int
shell_expand(char **w, int n, char *why, size_t whylen, int *bad)
{
	struct shell_cand c[SHELL_MAX_CANDS];

	for (int i = 0; i < n; i++) {
		int k = shell_next(w, i, c, SHELL_MAX_CANDS), hits = 0;
		const char *hit = NULL;
		bool value = false;
		size_t len = strlen(w[i]), off = 0;

		*bad = i;
		if (k < 0) {
			snprintf(why, whylen, "unknown command");
			return -1;
		}
		for (int j = 0; j < k; j++) {
			if (c[j].word == NULL) {
				value |= !c[j].end;
				continue;
			}
			if (strcmp(c[j].word, w[i]) == 0) {
				hit = c[j].word;
				hits = 1;
				break;
			}
			if (strncmp(c[j].word, w[i], len) == 0) {
				hit = c[j].word;
				hits++;
			}
		}
		if (hits == 1) {
			w[i] = (char *)hit;
			continue;
		}
		if (hits == 0 && value)
			continue;	/* a value: as typed */
		if (hits == 0) {
			snprintf(why, whylen, "unknown word '%s'", w[i]);
			return -1;
		}
		off = (size_t)snprintf(why, whylen, "ambiguous '%s':", w[i]);
		for (int j = 0; j < k && off < whylen; j++)
			if (c[j].word != NULL &&
			    strncmp(c[j].word, w[i], len) == 0)
				off += (size_t)snprintf(why + off, whylen - off,
				    " %s", c[j].word);
		return -1;
	}
	return 0;
}

const struct shell_cmd *
shell_find(char *const *w, int n)
{
	for (size_t i = 0; i < shell_n_cmds; i++) {
		const struct shell_cmd *c = &shell_cmds[i];
		int j = 0;

		for (; c->words[j] != NULL; j++)
			if (j >= n || strcmp(w[j], c->words[j]) != 0)
				break;
		if (c->words[j] == NULL)
			return c;
	}
	return NULL;
}
