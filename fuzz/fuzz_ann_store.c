/*
 * fuzz_ann_store: arbitrary bytes as var/announcements.json. Properties:
 * the parser does not crash or read past the input (copied into a buffer
 * of exactly its size); a refused file leaves the store as it was and says
 * why on one line; an accepted one is sorted with no (prefix, mux) twice,
 * every entry and change record can be set again, and format then parse
 * gives the same entries, the same records and the same text again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_ann.h"
#include "fuzz_input.h"
#include "../src/announce/ann_store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
entry_equal(const struct ann_entry *a, const struct ann_entry *b)
{
	return prefix_equal(&a->prefix, &b->prefix) &&
	    strcmp(a->mux, b->mux) == 0 &&
	    fuzz_ann_attrs_same(&a->attrs, &b->attrs) &&
	    a->no_dataplane == b->no_dataplane &&
	    a->last_change == b->last_change;
}

static void
check_same(const struct ann_store *a, const struct ann_store *b)
{
	size_t i;

	CHECK(a->n == b->n);
	for (i = 0; i < a->n; i++)
		CHECK(entry_equal(&a->e[i], &b->e[i]));
	CHECK(a->nc == b->nc);
	for (i = 0; i < a->nc; i++)
		CHECK(prefix_equal(&a->c[i].prefix, &b->c[i].prefix) &&
		    strcmp(a->c[i].mux, b->c[i].mux) == 0 &&
		    a->c[i].at == b->c[i].at);
}

/* Sorted, each found where it is, each accepted by set. */
static void
check_accepted(struct ann_store *s)
{
	struct ann_store u;
	size_t i;

	CHECK(s->n <= ANN_STORE_MAX);
	ann_store_init(&u, NULL);
	for (i = s->n; i-- > 0;) {
		const struct ann_entry *e = &s->e[i];

		CHECK(ann_store_find(s, &e->prefix, e->mux) == e);
		CHECK(ann_store_effective(s, &e->prefix, e->mux, true) == e);
		CHECK(ann_store_effective(s, &e->prefix, e->mux, false) == e);
		CHECK(ann_store_has_prefix(s, &e->prefix));
		CHECK(ann_store_set(&u, e) == 0);
	}
	for (i = s->nc; i-- > 0;) {
		const struct ann_change *c = &s->c[i];

		CHECK(c->at > 0);
		CHECK(ann_store_change_at(s, &c->prefix, c->mux) == c->at);
		CHECK(ann_store_change_note(&u, &c->prefix, c->mux, c->at,
		    NULL) == 0);
	}
	check_same(s, &u);
	for (i = 0; i < s->n; i++)
		CHECK(ann_store_remove(&u, &s->e[i].prefix, s->e[i].mux));
	CHECK(u.n == 0);
	for (i = 0; i < s->nc; i++)
		CHECK(ann_store_change_note(&u, &s->c[i].prefix, s->c[i].mux,
		    0, NULL) == 0);
	CHECK(u.nc == 0);
	ann_store_free(&u);
}

static void
check_round_trip(const struct ann_store *s)
{
	struct ann_store t;
	char err[256], *text, *again;

	CHECK((text = ann_store_format(s)) != NULL);
	ann_store_init(&t, NULL);
	if (ann_store_parse(&t, text, strlen(text), err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_ann_store: own output refused: %s\n%s",
		    err, text);
		__builtin_trap();
	}
	check_same(s, &t);
	CHECK((again = ann_store_format(&t)) != NULL);
	CHECK(strcmp(text, again) == 0);
	free(again);
	free(text);
	ann_store_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_input_copy(data, size), err[256];
	struct ann_store s;

	if (buf == NULL)
		return 0;
	ann_store_init(&s, NULL);
	err[0] = '\0';
	if (ann_store_parse(&s, buf, size, err, sizeof(err)) == 0) {
		check_accepted(&s);
		check_round_trip(&s);
	} else {
		CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
		CHECK(s.n == 0 && s.e == NULL && s.nc == 0 && s.c == NULL);
	}
	ann_store_free(&s);
	free(buf);
	return 0;
}
