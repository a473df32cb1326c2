/*
 * `peering app -i ID {-n | -b} {-d | -p PREFIX [-u MUX[:PEER]]}` and
 * `peering app status [--json]` (docs/app.md): a PEERING prefix for
 * applications, in a namespace papp<ID> or on a bridge pbr<ID>, its
 * traffic source-routed through the muxes. The checks and messages of
 * the old script, then src/netns/app.c does the work through netlink.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_args.h"
#include "client_paths.h"
#include "commands.h"
#include "../announce/announce_io.h"
#include "../netns/app.h"
#include "../netns/netns.h"
#include "../netns/nlroute.h"

#define APP_LIST_MAX	(APP_ID_MAX - APP_ID_MIN + 1)

static void
app_synopsis(FILE *f)
{
	fprintf(f,
"usage: peering app -i ID {-n | -b} {-d | -p PREFIX [-u MUX[:PEER]]}\n"
"       peering app status [--json]\n");
}

static void
app_usage(FILE *f)
{
	app_synopsis(f);
	fprintf(f,
"\n"
"-i ID          an integer between 1 and 999 naming this app; use it\n"
"               consistently (it names the namespace or bridge and the\n"
"               routing table 10000+ID)\n"
"\n"
"Application class (exactly one):\n"
"-n             a network namespace papp<ID>: its eth0 holds the prefix's\n"
"               first address, the veth papp<ID>h on the host its last\n"
"               (ip netns exec papp<ID> COMMAND runs in it)\n"
"-b             a Linux bridge pbr<ID> holding the prefix's last address,\n"
"               for Docker containers (or any namespace) to attach to\n"
"\n"
"Operation (exactly one):\n"
"-p PREFIX      create the app on PREFIX, inside one of your prefixes\n"
"               (prefixes.txt, prefixes6.txt); IPv4 or IPv6\n"
"-d             remove everything the app made (pass the other parameters\n"
"               as when it was created)\n"
"\n"
"-u MUX         traffic from the prefix leaves through this mux: by the\n"
"               mux's own best routes where the daemon keeps them\n"
"               (mux-table yes: table 21000+N of tapN), else by table\n"
"               10000+ID's default via the mux on its tap; without -u it\n"
"               takes the best route from any mux (table 20000)\n"
"-u MUX:PEER    ... through upstream peer PEER of that mux (IPv4)\n"
"\n"
"status         every app: mode, prefix, egress, and whether its links,\n"
"               address, rule and route are in place (--json: as JSON)\n"
"\n"
"Root required. docs/app.md has the details.\n");
}

static int
app_bad_usage(const char *msg)
{
	fprintf(stderr, "peering app: %s\n", msg);
	app_synopsis(stderr);
	return EXIT_USAGE;
}

static int
app_fail(const char *msg)
{
	fprintf(stderr, "error: %s\n", msg);
	return 1;
}

static bool
app_is_root(void)
{
	if (geteuid() == 0)
		return true;
	fprintf(stderr, "error: peering app needs to run as root (it "
	    "creates namespaces, links, rules and routes): sudo ./peering "
	    "app ...\n");
	return false;
}

/* ---- the checks that need the client directory ---- */

static bool
prefix_inside(const struct prefix *p, const struct prefix *outer)
{
	struct prefix m = *p;

	if (p->af != outer->af || p->len < outer->len)
		return false;
	m.len = outer->len;
	prefix_mask(&m);
	return prefix_equal(&m, outer);
}

static int
check_prefix(const char *dir, const char *arg, struct prefix *p)
{
	struct prefix *list = NULL;
	char err[512], s[PREFIX_STRLEN];
	size_t n, i;
	bool ok = false;

	if (announce_read_prefixes(dir, &list, &n, err, sizeof(err)) == -1)
		return app_fail(err);
	if (prefix_parse(arg, true, p) == 0)
		for (i = 0; i < n && !ok; i++)
			ok = prefix_inside(p, &list[i]);
	if (!ok) {
		printf("list of configured prefixes:\n");
		for (i = 0; i < n; i++)
			printf("%s\n", prefix_format(&list[i], s, sizeof(s)));
		if (n == 0)
			printf("(none: list yours in %s and %s)\n",
			    ANN_PREFIXES_FILE, ANN_PREFIXES6_FILE);
		fflush(stdout);
		fprintf(stderr, "error: invalid prefix: %s (not inside one of "
		    "your prefixes)\n", arg);
	}
	free(list);
	return ok ? 0 : 1;
}

static int
check_egress(const char *dir, const char *arg, struct app_spec *spec)
{
	struct mux_table *t;
	const struct mux *m;
	char err[512];
	int rc = 0;

	spec->egress = APP_EGRESS_ALL;
	if (arg == NULL)
		return 0;
	if (app_parse_egress(arg, spec, err, sizeof(err)) == -1)
		return app_fail(err);
	if ((t = malloc(sizeof(*t))) == NULL)
		return app_fail("out of memory");
	if (mux_table_load(dir, t, err, sizeof(err)) == -1)
		rc = app_fail(err);
	else if ((m = mux_find(t, spec->mux)) == NULL) {
		snprintf(err, sizeof(err), "Unknown mux %s", spec->mux);
		rc = app_fail(err);
	} else
		spec->tap = m->tap;
	free(t);
	return rc;
}

/* The old script's refusal: an address of the app already on the host
 * (typically the .1 `peering prefix announce` puts on lo). */
static int
check_addresses(const struct app_plan *plan)
{
	char err[256], a[ADDR_STRLEN], h[ADDR_STRLEN];
	struct nl_sock *sk;
	int app_here, host_here;

	if ((sk = nlr_open(err, sizeof(err))) == NULL)
		return app_fail(err);
	app_here = nlr_addr_present(sk, &plan->app_addr, err, sizeof(err));
	host_here = app_here < 0 ? -1 : nlr_addr_present(sk, &plan->host_addr,
	    err, sizeof(err));
	nlr_close(sk);
	if (app_here < 0 || host_here < 0)
		return app_fail(err);
	addr_format(plan->app_addr.af, plan->app_addr.addr, a, sizeof(a));
	addr_format(plan->host_addr.af, plan->host_addr.addr, h, sizeof(h));
	if (app_here) {
		fprintf(stderr, "Application IP %s is assigned to an interface "
		    "on the host.\nARP resolution and routing will not work.  "
		    "Consider using the -R\nparameter to the [peering prefix] "
		    "command.\nAborting.\n", a);
		return 1;
	}
	if (host_here) {
		fprintf(stderr, "Application gateway %s is assigned to an "
		    "interface on the host.\nAborting.\n", h);
		return 1;
	}
	return 0;
}

static int
check_free(const struct app_spec *spec, const struct app_plan *plan,
    const char *nsdir)
{
	enum app_mode mode;
	char err[256], ns[APP_NAME_MAX], dev[APP_NAME_MAX];
	int r;

	if ((r = app_in_use(spec->id, nsdir, &mode, err, sizeof(err))) < 0)
		return app_fail(err);
	if (r == 0)
		return 0;
	app_names(spec->id, mode, ns, dev);
	if (mode == spec->mode && mode == APP_MODE_NS)
		fprintf(stderr, "error: NS %s already exists\n", plan->ns);
	else if (mode == spec->mode)
		fprintf(stderr, "error: bridge %s already exists\n",
		    plan->hostdev);
	else
		fprintf(stderr, "error: ID %u is in use by %s %s\n", spec->id,
		    mode == APP_MODE_NS ? "namespace" : "bridge",
		    mode == APP_MODE_NS ? ns : dev);
	return 1;
}

/* ---- doing it ---- */

static void
print_plan(const struct app_spec *spec, const struct app_plan *plan)
{
	char p[PREFIX_STRLEN], a[ADDR_STRLEN], h[ADDR_STRLEN], g[ADDR_STRLEN];

	printf("Prefix: %s\n", prefix_format(&plan->net, p, sizeof(p)));
	printf("Application IP: %s\n", addr_format(plan->app_addr.af,
	    plan->app_addr.addr, a, sizeof(a)));
	printf("Application gateway: %s\n", addr_format(plan->host_addr.af,
	    plan->host_addr.addr, h, sizeof(h)));
	printf("Mode: %s\n", spec->mode == APP_MODE_NS ? "namespace" :
	    "bridge");
	if (!plan->has_gw)
		printf("Egress: table %u (the best route from any mux)\n",
		    plan->table);
	else
		printf("Egress: %s%s%.0u (%s, via %s%s), table %u\n",
		    spec->mux, spec->egress == APP_EGRESS_PEER ? ":" : "",
		    spec->peer, plan->tapdev, addr_format(plan->gw.af,
		    plan->gw.addr, g, sizeof(g)), plan->onlink ? " onlink" : "",
		    plan->table);
	if (plan->mux_table != 0)
		printf("First: table %u, %s's own best routes (when the daemon "
		    "keeps them: mux-table yes)\n", plan->mux_table, spec->mux);
}

static int
app_add(const struct app_args *args, struct app_spec *spec,
    const char *dir)
{
	struct app_plan plan;
	const char *nsdir = netns_dir();
	char err[512], p[PREFIX_STRLEN];
	int rc;

	if ((rc = check_prefix(dir, args->prefix_arg, &spec->prefix)) != 0 ||
	    (rc = check_egress(dir, args->egress_arg, spec)) != 0)
		return rc;
	if (app_plan_make(spec, &plan, err, sizeof(err)) == -1)
		return app_fail(err);
	if ((rc = check_free(spec, &plan, nsdir)) != 0 ||
	    (rc = check_addresses(&plan)) != 0)
		return rc;
	print_plan(spec, &plan);
	fflush(stdout);
	if (app_create(spec, &plan, nsdir, err, sizeof(err)) == -1)
		return app_fail(err);
	if (spec->mode == APP_MODE_NS)
		printf("Created namespace %s (eth0) and %s on the host\n",
		    plan.ns, plan.hostdev);
	else
		printf("Created bridge %s\n", plan.hostdev);
	prefix_format(&plan.net, p, sizeof(p));
	if (plan.mux_table != 0)
		printf("Rule: from %s lookup %u priority %u\n", p,
		    plan.mux_table, plan.prio);
	printf("Rule: from %s lookup %u priority %u\n", p, plan.table,
	    plan.prio);
	return 0;
}

static int
app_del(const struct app_spec *spec)
{
	char err[512], ns[APP_NAME_MAX], dev[APP_NAME_MAX];
	bool found;
	int rc;

	app_names(spec->id, spec->mode, ns, dev);
	printf("Deleting application with ID %u\n", spec->id);
	printf("Mode: %s\n", spec->mode == APP_MODE_NS ? "namespace" :
	    "bridge");
	fflush(stdout);
	rc = app_remove(spec->id, spec->mode, netns_dir(), &found, err,
	    sizeof(err));
	if (rc == -1)
		return app_fail(err);
	if (!found) {
		if (spec->mode == APP_MODE_NS)
			fprintf(stderr, "error: NS %s does not exist\n", ns);
		else
			fprintf(stderr, "error: bridge %s does not exist\n",
			    dev);
		return 1;
	}
	if (spec->mode == APP_MODE_NS)
		printf("Removed namespace %s and %s, ", ns, dev);
	else
		printf("Removed bridge %s, ", dev);
	printf("the rules of priority %u and table %u\n", APP_TABLE_BASE +
	    spec->id, APP_TABLE_BASE + spec->id);
	return 0;
}

/* ---- status ---- */

static const char *
state_mode(const struct app_state *s)
{
	if (s->has_ns)
		return "namespace";
	return s->has_bridge ? "bridge" : "-";
}

/* "all", "amsterdam01", "amsterdam01:1", or the tap when no mux has it. */
static void
state_egress(const struct app_state *s, const struct mux_table *t,
    char *buf, size_t size)
{
	const struct mux *m = NULL;
	struct prefix nb;
	unsigned tap;

	if (!s->has_rule) {
		snprintf(buf, size, "-");
		return;
	}
	if (s->table == APP_TABLE_ALL) {
		snprintf(buf, size, "all");
		return;
	}
	if (!s->has_route) {
		snprintf(buf, size, "table %u (empty)", s->table);
		return;
	}
	if (t != NULL && sscanf(s->oif, "tap%u", &tap) == 1)
		m = mux_find_by_tap(t, tap);
	if (m == NULL) {
		snprintf(buf, size, "%s", s->oif[0] ? s->oif : "?");
		return;
	}
	if (!s->has_gw || s->gw.af != AF_IDX_IPV4 ||
	    (mux_neighbor_v4(m->tap, &nb) == 0 && prefix_equal(&nb, &s->gw)) ||
	    s->gw.af == AF_IDX_IPV6)
		snprintf(buf, size, "%s", m->name);
	else
		snprintf(buf, size, "%s:%u", m->name,
		    s->gw.addr[2] * 256u + s->gw.addr[3]);
}

/* What is missing, "" when the app is whole. */
static void
state_missing(const struct app_state *s, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!s->has_ns && !s->has_bridge)
		snprintf(buf + strlen(buf), size - strlen(buf), " namespace");
	if (!s->has_link)
		snprintf(buf + strlen(buf), size - strlen(buf), " link");
	if (!s->has_rule)
		snprintf(buf + strlen(buf), size - strlen(buf), " rule");
	else if (!s->has_addr)
		snprintf(buf + strlen(buf), size - strlen(buf), " address");
	if (s->has_rule && s->table != APP_TABLE_ALL && !s->has_route)
		snprintf(buf + strlen(buf), size - strlen(buf), " route");
}

static cJSON *
state_json(const struct app_state *s, const char *egress,
    const char *missing)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	char p[PREFIX_STRLEN], word[32];
	const char *m = missing;
	int n;

	cJSON_AddNumberToObject(o, "id", s->id);
	cJSON_AddStringToObject(o, "mode", state_mode(s));
	if (s->has_rule)
		cJSON_AddStringToObject(o, "prefix", prefix_format(&s->prefix,
		    p, sizeof(p)));
	else
		cJSON_AddNullToObject(o, "prefix");
	cJSON_AddStringToObject(o, "egress", egress);
	cJSON_AddNumberToObject(o, "table", s->has_rule ? s->table : 0);
	cJSON_AddNumberToObject(o, "mux_table", s->mux_table);
	cJSON_AddBoolToObject(o, "link", s->has_link);
	cJSON_AddBoolToObject(o, "address", s->has_addr);
	cJSON_AddBoolToObject(o, "rule", s->has_rule);
	cJSON_AddBoolToObject(o, "route", s->has_route);
	cJSON_AddBoolToObject(o, "ok", missing[0] == '\0');
	while (sscanf(m, " %31s%n", word, &n) == 1) {
		cJSON_AddItemToArray(arr, cJSON_CreateString(word));
		m += n;
	}
	cJSON_AddItemToObject(o, "missing", arr);
	return o;
}

static void
status_print(const struct app_state *v, size_t n, const struct mux_table *t,
    bool json)
{
	char eg[64], miss[64], p[PREFIX_STRLEN], *s;
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	if (!json)
		printf("%-4s %-10s %-28s %-20s %s\n", "id", "mode", "prefix",
		    "egress", "state");
	for (i = 0; i < n; i++) {
		state_egress(&v[i], t, eg, sizeof(eg));
		state_missing(&v[i], miss, sizeof(miss));
		if (json) {
			cJSON_AddItemToArray(arr, state_json(&v[i], eg, miss));
			continue;
		}
		printf("%-4u %-10s %-28s %-20s %s%s\n", v[i].id,
		    state_mode(&v[i]), v[i].has_rule ? prefix_format(
		    &v[i].prefix, p, sizeof(p)) : "-", eg, miss[0] ?
		    "missing:" : "ok", miss);
	}
	if (json && (s = cJSON_PrintUnformatted(arr)) != NULL) {
		printf("%s\n", s);
		free(s);
	}
	cJSON_Delete(arr);
}

static int
app_status(const struct app_args *args, const char *dir)
{
	struct app_state *v;
	struct mux_table *t;
	char err[512];
	int n;

	if ((v = calloc(APP_LIST_MAX, sizeof(*v))) == NULL ||
	    (t = malloc(sizeof(*t))) == NULL) {
		free(v);
		return app_fail("out of memory");
	}
	if ((n = app_list(netns_dir(), v, APP_LIST_MAX, err,
	    sizeof(err))) < 0) {
		free(v);
		free(t);
		return app_fail(err);
	}
	if (mux_table_load(dir, t, err, sizeof(err)) == -1) {
		free(t);
		t = NULL;
	}
	status_print(v, (size_t)n < APP_LIST_MAX ? (size_t)n : APP_LIST_MAX,
	    t, args->json);
	free(t);
	free(v);
	return 0;
}

int
cmd_app(int argc, char **argv)
{
	struct app_args args;
	struct app_spec spec;
	struct client_paths paths;
	char err[256];
	int rc;

	if (argc < 2) {
		app_synopsis(stderr);
		return EXIT_USAGE;
	}
	if ((rc = app_args_parse(argc, argv, &args, err, sizeof(err))) ==
	    APP_ARGS_HELP) {
		app_usage(stdout);
		return 0;
	}
	if (rc != APP_ARGS_OK)
		return app_bad_usage(err);
	if (!app_is_root())
		return 1;
	if (client_paths_get(&paths) == -1)
		return app_fail("cannot find the client directory");
	if (args.status)
		return app_status(&args, paths.dir);
	memset(&spec, 0, sizeof(spec));
	spec.id = args.id;
	spec.mode = args.ns ? APP_MODE_NS : APP_MODE_BRIDGE;
	if (args.delete)
		return app_del(&spec);
	return app_add(&args, &spec, paths.dir);
}
