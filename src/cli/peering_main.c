/*
 * peering: the command users type. Subcommands come from one table; adding
 * one is a handler in commands.h and a row here.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../version.h"
#include "commands.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int	cmd_help(int, char **);
static int	cmd_version(int, char **);

static const struct command {
	const char	*name;
	int		(*handler)(int, char **);
	const char	*help;
} commands[] = {
	{ "app",	cmd_app,
	    "a prefix for applications: a namespace or bridge (docs/app.md)" },
	{ "announce",	cmd_announce_json,
	    "apply a JSON announcement file (docs/announce-json.md)" },
	{ "bgp",	cmd_bgp,
	    "start, stop or ask the BGP daemon (IPv4 sessions in status)" },
	{ "bgp6",	cmd_bgp6,
	    "the same daemon; status shows the IPv6 sessions" },
	{ "decode",	cmd_decode,
	    "print BGP messages (raw or hex) or MRT files as JSON, one per "
	    "line" },
	{ "experiment",	cmd_experiment,
	    "submit experiments to the PEERING API, or list them" },
	{ "openvpn",	cmd_openvpn,
	    "start, stop or show the tunnels to the muxes" },
	{ "prefix",	cmd_prefix,
	    "announce or withdraw a prefix (`peering prefix` for the flags)" },
	{ "proxy",	cmd_proxy,
	    "TinyProxy for your container at a mux (docs/app.md)" },
	{ "help",	cmd_help,	"this help; `help MODULE`: one module's" },
	{ "--help",	cmd_help,	NULL },
	{ "-h",		cmd_help,	NULL },
	{ "--version",	cmd_version,	"print the version" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: peering COMMAND [ARGS...]\ncommands:\n");
	for (i = 0; i < NELEM(commands); i++)
		if (commands[i].help != NULL)
			fprintf(f, "  %-11s %s\n", commands[i].name,
			    commands[i].help);
	fprintf(f, "`peering COMMAND --help` or `peering help COMMAND` describes "
	    "one command;\n`man peering` the whole client.\n");
}

static const struct command *command_find(const char *name);

/* `peering help [MODULE]`: the module's own --help. */
static int
cmd_help(int argc, char **argv)
{
	const struct command *c;
	char *args[] = { NULL, (char *)"--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if ((c = command_find(argv[1])) == NULL || c->help == NULL ||
	    c->handler == cmd_help) {
		fprintf(stderr, "peering: no module named %s\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	args[0] = argv[1];
	return c->handler(2, args);
}

static int
cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("peering %s\n", PEERING_VERSION);
	return 0;
}

static const struct command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct command *c;

	/* A daemon or a reader that goes away is an error to report, not a
	 * silent death (exit 141); programs we start get the default back. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		fprintf(stderr, "peering: no command given\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((c = command_find(argv[1])) == NULL) {
		fprintf(stderr, "peering: unknown command: %s\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return c->handler(argc - 1, argv + 1);
}
