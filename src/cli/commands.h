/*
 * The subcommands of `peering`. Each handler gets the arguments after the
 * program name (argv[0] is the command's own name) and returns the exit
 * status: 0 ok, 1 failed, 2 usage error.
 */
#ifndef PEERING_CLI_COMMANDS_H
#define PEERING_CLI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define EXIT_USAGE	2

/* "-h", "--help" or "help": a module describes itself on stdout, exit 0. */
static inline bool
cli_help_word(const char *a)
{
	return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 ||
	    strcmp(a, "help") == 0;
}

int	cmd_decode(int argc, char **argv);
int	cmd_bgp(int argc, char **argv);
int	cmd_bgp6(int argc, char **argv);
int	cmd_prefix(int argc, char **argv);
int	cmd_announce_json(int argc, char **argv);
int	cmd_openvpn(int argc, char **argv);
int	cmd_experiment(int argc, char **argv);
/* experiment run|status|stop: runs by the daemon (cmd_experiment_run.c) */
int	cmd_experiment_local(int argc, char **argv);
int	cmd_app(int argc, char **argv);
int	cmd_proxy(int argc, char **argv);

/* One request to peering-bgpd, its reply printed (the body on stdout,
 * a refusal on stderr); 0, or 1 with the failure said (cmd_bgp.c). */
struct client_paths;
int	bgp_control(const struct client_paths *p, int argc, char **argv);

/* A parser's errors (lines separated by '\n') on stderr, each as
 * "FILE: line" (cmd_experiment.c). */
void	cli_print_file_errors(const char *file, const char *err);

struct mux_table;
struct config;
/* The names a file may give (experiment run, announce FILE.json): the
 * muxes of dir/configs/openvpn/ (into muxes), then the neighbours of
 * dir/configs/peering-bgpd.conf (into conf, initialised here), into names
 * (MUX_MAX + CONFIG_MAX_NEIGHBORS); -1 with the reason on stderr after
 * prog (cmd_experiment_run.c). */
int	cli_names_load(const char *prog, const char *dir,
	    struct mux_table *muxes, struct config *conf, const char **names,
	    size_t *n);

#endif
