/*
 * `peering bgp cli` (shell.h): the terminal side with libedit's own API
 * (histedit.h), the words through shell_table.
 */
#include "shell.h"

#include <errno.h>
#include <histedit.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "../ctl/control.h"
#include "shell_table.h"
#include "../vpn/mux.h"

#define MAX_WORDS	CONTROL_MAX_WORDS
#define LINE_MAX_LEN	CONTROL_MAX_REQUEST

struct shell {
	const struct client_paths	*paths;
	struct mux_table		 muxes;		/* for completion */
};

/* Splits line (modified) at spaces and tabs; the word count. */
static int
split_words(char *line, char **w, int max)
{
	int n = 0;

	for (char *t = strtok(line, " \t\r\n"); t != NULL;
	    t = strtok(NULL, " \t\r\n")) {
		if (n == max)
			return -1;
		w[n++] = t;
	}
	return n;
}

static void
print_help(FILE *f)
{
	fprintf(f, "Commands (words may be shortened while unique: sh ro fo "
	    "8.8.8.8; `?` shows what may come next, tab completes):\n");
	for (size_t i = 0; i < shell_n_cmds; i++)
		fprintf(f, "  %s\n      %s\n", shell_cmds[i].synopsis,
		    shell_cmds[i].help);
}

int
shell_command(const struct client_paths *p, int argc, char **argv)
{
	struct shell_cand c[SHELL_MAX_CANDS];
	const struct shell_cmd *cmd;
	char why[256];
	bool known = false;
	int bad, k;

	if (argc == 0)
		return 0;
	/* A first word the table does not know goes as it is. */
	k = shell_next(argv, 0, c, SHELL_MAX_CANDS);
	for (int i = 0; i < k; i++)
		known |= c[i].word != NULL &&
		    strncmp(c[i].word, argv[0], strlen(argv[0])) == 0;
	if (known && shell_expand(argv, argc, why, sizeof(why), &bad) == -1) {
		fprintf(stderr, "peering: %s (`help` lists the commands)\n",
		    why);
		return EXIT_USAGE;
	}
	cmd = shell_find(argv, argc);
	if (cmd != NULL && cmd->local) {
		if (strcmp(cmd->words[0], "help") == 0) {
			print_help(stdout);
			return 0;
		}
		return SHELL_QUIT;
	}
	return bgp_control(p, argc, argv);
}

/* ---- the terminal: completion and `?` ---- */

/* The words before the cursor, expanded, and the one being typed
 * (into part; "" after a space). -1 when they are no command. */
static int
line_words(EditLine *el, char *buf, size_t size, char **w, int *n,
    char *part, size_t partsize)
{
	const LineInfo *li = el_line(el);
	size_t len = (size_t)(li->cursor - li->buffer), start;
	char why[256];
	int bad;

	if (len >= size || len >= partsize)
		return -1;
	memcpy(buf, li->buffer, len);
	buf[len] = '\0';
	start = len;
	while (start > 0 && buf[start - 1] != ' ' && buf[start - 1] != '\t')
		start--;
	memcpy(part, buf + start, len - start + 1);
	buf[start] = '\0';
	if ((*n = split_words(buf, w, MAX_WORDS)) < 0)
		return -1;
	return shell_expand(w, *n, why, sizeof(why), &bad);
}

/* The words that may come next and start with partial: keywords and,
 * where a mux may stand, mux names. */
static int
matches(const struct shell *sh, const struct shell_cand *c, int k,
    const char *partial, const char **out, int max)
{
	size_t len = strlen(partial);
	int n = 0;

	for (int i = 0; i < k; i++) {
		if (c[i].word != NULL && strncmp(c[i].word, partial, len) == 0 &&
		    n < max)
			out[n++] = c[i].word;
		if (c[i].word == NULL && c[i].arg == SHELL_ARG_MUX)
			for (unsigned j = 0; j < sh->muxes.n && n < max; j++)
				if (strncmp(sh->muxes.mux[j].name, partial,
				    len) == 0)
					out[n++] = sh->muxes.mux[j].name;
	}
	return n;
}

static struct shell *
el_shell(EditLine *el)
{
	void *p = NULL;

	el_get(el, EL_CLIENTDATA, &p);
	return p;
}

static unsigned char
complete_fn(EditLine *el, int ch)
{
	struct shell_cand c[SHELL_MAX_CANDS];
	const char *m[SHELL_MAX_CANDS + MUX_MAX];
	char buf[LINE_MAX_LEN], partial[LINE_MAX_LEN], *w[MAX_WORDS];
	size_t len, common;
	int n, k, nm;

	(void)ch;
	if (line_words(el, buf, sizeof(buf), w, &n, partial,
	    sizeof(partial)) == -1 ||
	    (k = shell_next(w, n, c, SHELL_MAX_CANDS)) < 0)
		return CC_ERROR;
	nm = matches(el_shell(el), c, k, partial, m,
	    (int)(sizeof(m) / sizeof(m[0])));
	if (nm == 0)
		return CC_ERROR;
	len = strlen(partial);
	common = strlen(m[0]);
	for (int i = 1; i < nm; i++) {
		size_t j = 0;

		while (j < common && m[i][j] == m[0][j])
			j++;
		common = j;
	}
	if (nm == 1) {
		el_insertstr(el, m[0] + len);
		el_insertstr(el, " ");
		return CC_REFRESH;
	}
	if (common > len) {
		char more[128];

		snprintf(more, sizeof(more), "%.*s", (int)(common - len),
		    m[0] + len);
		el_insertstr(el, more);
		return CC_REFRESH;
	}
	fputc('\n', stdout);
	for (int i = 0; i < nm; i++)
		printf("%s%s", i ? "  " : "", m[i]);
	fputc('\n', stdout);
	return CC_REDISPLAY;
}

/* `?`: what may come next, with help; the line stays as it was. */
static unsigned char
help_fn(EditLine *el, int ch)
{
	struct shell_cand c[SHELL_MAX_CANDS];
	char buf[LINE_MAX_LEN], partial[LINE_MAX_LEN], *w[MAX_WORDS];
	int n, k;

	(void)ch;
	fputc('\n', stdout);
	if (line_words(el, buf, sizeof(buf), w, &n, partial,
	    sizeof(partial)) == -1 ||
	    (k = shell_next(w, n, c, SHELL_MAX_CANDS)) < 0) {
		printf("(no command starts so: `help` lists them)\n");
		return CC_REDISPLAY;
	}
	for (int i = 0; i < k; i++) {
		const char *name = c[i].end ? "<cr>" : c[i].word != NULL ?
		    c[i].word : shell_arg_name(c[i].arg);

		if (c[i].word != NULL && strncmp(c[i].word, partial,
		    strlen(partial)) != 0)
			continue;
		printf("  %-16s %s\n", name, c[i].end ? "run it" :
		    c[i].help != NULL ? c[i].help : "(more words follow)");
	}
	return CC_REDISPLAY;
}

static char *
prompt_fn(EditLine *el)
{
	(void)el;
	return (char *)SHELL_PROMPT;
}

/* ---- the loops ---- */

static int
run_line(const struct client_paths *p, char *line, int *rc)
{
	char *w[MAX_WORDS];
	int n = split_words(line, w, MAX_WORDS);

	if (n < 0) {
		fprintf(stderr, "peering: more than %d words\n", MAX_WORDS);
		*rc = EXIT_USAGE;
		return 0;
	}
	*rc = shell_command(p, n, w);
	fflush(stdout);
	if (*rc == SHELL_QUIT) {
		*rc = 0;
		return -1;
	}
	return 0;
}

/* Not a terminal: one command per line, replies only. */
static int
run_pipe(const struct client_paths *p)
{
	char line[LINE_MAX_LEN];
	int rc = 0;

	while (fgets(line, sizeof(line), stdin) != NULL)
		if (run_line(p, line, &rc) == -1)
			break;
	return rc;
}

static void
history_path(const struct client_paths *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s/" SHELL_HISTORY_FILE, p->dir);
}

int
shell_run(const struct client_paths *p)
{
	struct shell sh = { .paths = p };
	char hist[sizeof(p->dir) + 32], err[256], line[LINE_MAX_LEN];
	const char *in;
	EditLine *el;
	History *h;
	HistEvent ev;
	int count, rc = 0;

	if (!isatty(STDIN_FILENO))
		return run_pipe(p);
	if (mux_table_load(p->dir, &sh.muxes, err, sizeof(err)) == -1)
		sh.muxes.n = 0;
	if ((el = el_init("peering", stdin, stdout, stderr)) == NULL ||
	    (h = history_init()) == NULL) {
		fprintf(stderr, "peering: cannot set up the terminal\n");
		if (el != NULL)
			el_end(el);
		return run_pipe(p);
	}
	history_path(p, hist, sizeof(hist));
	history(h, &ev, H_SETSIZE, SHELL_HISTORY_SIZE);
	history(h, &ev, H_SETUNIQUE, 1);
	history(h, &ev, H_LOAD, hist);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_SIGNAL, 1);
	el_set(el, EL_PROMPT, prompt_fn);
	el_set(el, EL_HIST, history, h);
	el_set(el, EL_CLIENTDATA, &sh);
	el_set(el, EL_ADDFN, "peering-complete", "complete a word",
	    complete_fn);
	el_set(el, EL_ADDFN, "peering-help", "what may come next", help_fn);
	el_set(el, EL_BIND, "^I", "peering-complete", NULL);
	el_set(el, EL_BIND, "?", "peering-help", NULL);
	printf("peering-bgpd shell: `?` shows what may come next, tab "
	    "completes, `help` lists the commands, Ctrl-D leaves\n");
	while ((in = el_gets(el, &count)) != NULL) {
		snprintf(line, sizeof(line), "%s", in);
		line[strcspn(line, "\r\n")] = '\0';
		if (line[strspn(line, " \t")] == '\0')
			continue;
		history(h, &ev, H_ENTER, line);
		/* Saved each time: a shell killed keeps what was typed. */
		mode_t old = umask(077);
		if (history(h, &ev, H_SAVE, hist) == -1 && errno != 0)
			errno = 0;	/* no var/: no history, no fuss */
		umask(old);
		if (run_line(p, line, &rc) == -1)
			break;
	}
	if (in == NULL)
		fputc('\n', stdout);
	history_end(h);
	el_end(el);
	return rc;
}
