/*
 * `peering bgp cli`: the interactive shell (libedit: history, line
 * editing, `?`, tab completion) on a terminal, or one command per line
 * read from a pipe with no prompt. Words are expanded by the table of
 * shell_table.h before they go to the daemon.
 */
#ifndef PEERING_CLI_SHELL_H
#define PEERING_CLI_SHELL_H

#include "client_paths.h"

/* Where the history is kept, under the client directory. */
#define SHELL_HISTORY_FILE	"var/cli_history"
#define SHELL_HISTORY_SIZE	1000
#define SHELL_PROMPT		"peering-bgpd> "

/* Runs the shell on stdin; the exit status of the last command. */
int	shell_run(const struct client_paths *p);
/*
 * One command (argc words) expanded and sent, or run here (help);
 * returns the exit status, 3 for quit. Words that are no command of the
 * table go to the daemon as they are (it has its own errors).
 */
#define SHELL_QUIT	3
int	shell_command(const struct client_paths *p, int argc, char **argv);

#endif
