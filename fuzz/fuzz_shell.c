/*
 * libFuzzer: the `peering bgp cli` line (shell_table.c) over arbitrary
 * bytes: split into words as the shell does, then what may follow each
 * prefix of the words, and the abbreviations expanded. Every candidate
 * is a keyword of the table or a value; an expanded line expands to
 * itself again; a refusal names the word it refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "../src/cli/shell_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORDS	32

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shell_cand c[SHELL_MAX_CANDS];
	char *buf, *w[MAX_WORDS], *again[MAX_WORDS], why[256];
	int n = 0, bad = -1, rc;

	if (size > 4096 || (buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *t = strtok(buf, " \t\r\n"); t != NULL && n < MAX_WORDS;
	    t = strtok(NULL, " \t\r\n"))
		w[n++] = t;
	for (int i = 0; i <= n; i++) {
		int k = shell_next(w, i, c, SHELL_MAX_CANDS);

		CHECK(k >= -1 && k <= SHELL_MAX_CANDS);
		for (int j = 0; j < k; j++)
			CHECK(c[j].end || c[j].word != NULL ||
			    c[j].arg != SHELL_ARG_NONE);
	}
	rc = shell_expand(w, n, why, sizeof(why), &bad);
	if (rc == 0) {
		memcpy(again, w, sizeof(char *) * (size_t)n);
		CHECK(shell_expand(again, n, why, sizeof(why), &bad) == 0);
		for (int i = 0; i < n; i++)
			CHECK(again[i] == w[i]);
		(void)shell_find(w, n);
	} else
		CHECK(bad >= 0 && bad < n && why[0] != '\0');
	free(buf);
	return 0;
}
