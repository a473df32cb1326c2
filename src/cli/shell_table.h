/*
 * The commands of `peering bgp cli`, in one table: their words, their
 * arguments and their help. The shell's `help` and `?`, tab completion
 * and the expansion of abbreviations (`sh ro fo 8.8.8.8` -> `show route
 * for 8.8.8.8`) all read it, so they cannot disagree. Pure: no I/O.
 *
 * A command is fixed words ("show route export"), then positional
 * arguments (MUX), then options in any order: a keyword ("all"), a
 * keyword with a value ("for ADDR"), or a bare value (a PREFIX). What
 * the options mean is the daemon's business: the words are sent as
 * typed, once expanded.
 */
#ifndef PEERING_CLI_SHELL_TABLE_H
#define PEERING_CLI_SHELL_TABLE_H

#include <stdbool.h>
#include <stddef.h>

enum shell_arg {
	SHELL_ARG_NONE = 0,
	SHELL_ARG_MUX,		/* a mux or neighbour name: completed */
	SHELL_ARG_PREFIX,
	SHELL_ARG_ADDR,		/* an address or a prefix */
	SHELL_ARG_NUMBER,
	SHELL_ARG_ASN,
	SHELL_ARG_COMMUNITY,	/* A:B */
	SHELL_ARG_LARGE,	/* A:B:C */
	SHELL_ARG_PATH,		/* a file */
	SHELL_ARG_BIND,		/* V=PREFIX */
};

struct shell_opt {
	const char	*word;		/* NULL: a bare value */
	enum shell_arg	 arg;		/* the value after word, or the bare
					 * value */
	const char	*help;
};

#define SHELL_MAX_FIXED	3
#define SHELL_MAX_POS	2

struct shell_cmd {
	const char		*words[SHELL_MAX_FIXED + 1];	/* NULL-ended */
	enum shell_arg		 pos[SHELL_MAX_POS];	/* NONE-ended */
	const struct shell_opt	*opts;		/* NULL-word-and-NONE-ended */
	const char		*synopsis;	/* as `help` prints it */
	const char		*help;
	bool			 local;		/* the shell's own (help, quit) */
};

/* One thing that may come next. */
struct shell_cand {
	const char	*word;		/* a keyword, or NULL: a value */
	enum shell_arg	 arg;		/* the value's kind */
	const char	*help;
	bool		 end;		/* the command may end here */
};

#define SHELL_MAX_CANDS	64

extern const struct shell_cmd	shell_cmds[];
extern const size_t		shell_n_cmds;

/* The placeholder of a kind: "MUX", "PREFIX", ... */
const char *shell_arg_name(enum shell_arg a);

/*
 * What may follow the whole words w[0..n): keywords (each once), values
 * and whether the command may end. Returns the count (at most max), or
 * -1 when the words are no command's.
 */
int	shell_next(char *const *w, int n, struct shell_cand *out, int max);

/*
 * Expands abbreviations in place: each word that is a unique prefix of
 * the keywords possible where it stands becomes that keyword; a word no
 * keyword fits is kept if a value may stand there. 0, or -1 with why
 * (e.g. "ambiguous 's': show, start, stop") for word *bad.
 */
int	shell_expand(char **w, int n, char *why, size_t whylen, int *bad);

/* The command the (expanded) words start with, or NULL. */
const struct shell_cmd *shell_find(char *const *w, int n);

#endif
