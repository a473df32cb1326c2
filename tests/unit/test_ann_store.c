/*
 * The announcement store: the sorted (prefix, mux) table, the strict file
 * format and its round trip, and the atomic save (the old file survives a
 * save that fails; the file is 0600; a missing file is an empty store).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/announce/ann_store.h"
#include "testutil.h"
#include "th_ann.h"
#include "th_tmpdir.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct prefix
pfx(const char *s)
{
	struct prefix p;

	ck_assert_msg(prefix_parse(s, true, &p) == 0, "bad prefix %s", s);
	return p;
}

static struct ann_entry
entry(const char *prefix, const char *mux, uint32_t origin)
{
	struct ann_entry e;

	memset(&e, 0, sizeof(e));
	e.prefix = pfx(prefix);
	snprintf(e.mux, sizeof(e.mux), "%s", mux);
	ann_attrs_init(&e.attrs);
	e.attrs.origin = origin;
	return e;
}

/* Every field set, at its limits where it has one. */
static struct ann_entry
entry_full(const char *prefix, const char *mux)
{
	struct ann_entry e = entry(prefix, mux, 4294967295u);
	unsigned i;

	e.attrs.prepend = 4;
	e.attrs.n_poisons = ANN_MAX_POISONS;
	for (i = 0; i < ANN_MAX_POISONS; i++)
		e.attrs.poisons[i] = i == 0 ? 0 : 4294967295u - i;
	e.attrs.n_communities = ANN_MAX_COMMUNITIES;
	for (i = 0; i < ANN_MAX_COMMUNITIES; i++)
		e.attrs.communities[i] = i == 0 ? 0xffffffffu :
		    47065u << 16 | i;
	e.attrs.n_large = ANN_MAX_LARGE;
	for (i = 0; i < ANN_MAX_LARGE; i++) {
		e.attrs.large[i][0] = 4294967295u;
		e.attrs.large[i][1] = i;
		e.attrs.large[i][2] = 0;
	}
	e.attrs.container_nexthop = true;
	e.no_dataplane = true;
	e.last_change = 253402300799LL;	/* the end of 9999 */
	return e;
}

/* Field by field: ann_attrs_equal compares what goes on the wire, and
 * a round trip must keep what the user gave. */
static bool
attrs_same(const struct ann_attrs *a, const struct ann_attrs *b)
{
	return a->origin == b->origin && a->prepend == b->prepend &&
	    a->container_nexthop == b->container_nexthop &&
	    a->n_poisons == b->n_poisons &&
	    a->n_communities == b->n_communities && a->n_large == b->n_large &&
	    memcmp(a->poisons, b->poisons,
	    a->n_poisons * sizeof(a->poisons[0])) == 0 &&
	    memcmp(a->communities, b->communities,
	    a->n_communities * sizeof(a->communities[0])) == 0 &&
	    memcmp(a->large, b->large, a->n_large * sizeof(a->large[0])) == 0;
}

static bool
entry_equal(const struct ann_entry *a, const struct ann_entry *b)
{
	return prefix_equal(&a->prefix, &b->prefix) &&
	    strcmp(a->mux, b->mux) == 0 &&
	    attrs_same(&a->attrs, &b->attrs) &&
	    a->no_dataplane == b->no_dataplane &&
	    a->last_change == b->last_change;
}

static void
assert_stores_equal(const struct ann_store *a, const struct ann_store *b)
{
	size_t i;

	ck_assert_uint_eq(a->n, b->n);
	for (i = 0; i < a->n; i++)
		ck_assert_msg(entry_equal(&a->e[i], &b->e[i]),
		    "entry %zu differs", i);
	ck_assert_uint_eq(a->nc, b->nc);
	for (i = 0; i < a->nc; i++)
		ck_assert_msg(prefix_equal(&a->c[i].prefix, &b->c[i].prefix) &&
		    strcmp(a->c[i].mux, b->c[i].mux) == 0 &&
		    a->c[i].at == b->c[i].at, "change %zu differs", i);
}

static void
set_ok(struct ann_store *s, struct ann_entry e)
{
	ck_assert_int_eq(ann_store_set(s, &e), 0);
}

static void
note_ok(struct ann_store *s, const char *prefix, const char *mux, time_t at)
{
	struct prefix p = pfx(prefix);

	ck_assert_int_eq(ann_store_change_note(s, &p, mux, at, NULL), 0);
}

static int
parse_str(struct ann_store *s, const char *text, char *err, size_t errlen)
{
	return ann_store_parse(s, text, strlen(text), err, errlen);
}

/* ---- the table ---- */

START_TEST(test_ann_store_set_find_remove)
{
	struct ann_store s;
	struct ann_entry e = entry("184.164.224.0/24", "amsterdam01", 47065);
	struct prefix p = pfx("184.164.224.0/24");
	struct ann_entry *f;

	ann_store_init(&s, NULL);
	ck_assert_ptr_null(ann_store_find(&s, &p, "amsterdam01"));
	set_ok(&s, e);
	ck_assert_uint_eq(s.n, 1);
	f = ann_store_find(&s, &p, "amsterdam01");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->attrs.origin, 47065);
	ck_assert_ptr_null(ann_store_find(&s, &p, ANN_MUX_ALL));
	ck_assert_ptr_null(ann_store_find(&s, &p, "seattle01"));

	/* Replacing keeps one entry, with the new attributes. */
	e.attrs.origin = 61574;
	e.last_change = 1700000000;
	set_ok(&s, e);
	ck_assert_uint_eq(s.n, 1);
	f = ann_store_find(&s, &p, "amsterdam01");
	ck_assert_uint_eq(f->attrs.origin, 61574);
	ck_assert_int_eq(f->last_change, 1700000000);

	/* The "all" entry is another entry; removing it leaves the mux's. */
	set_ok(&s, entry("184.164.224.0/24", ANN_MUX_ALL, 47065));
	ck_assert_uint_eq(s.n, 2);
	ck_assert(ann_store_remove(&s, &p, ANN_MUX_ALL));
	ck_assert(!ann_store_remove(&s, &p, ANN_MUX_ALL));
	ck_assert_ptr_nonnull(ann_store_find(&s, &p, "amsterdam01"));
	ck_assert(ann_store_remove(&s, &p, "amsterdam01"));
	ck_assert_uint_eq(s.n, 0);
	ck_assert(!ann_store_has_prefix(&s, &p));
	ann_store_free(&s);
}
END_TEST

START_TEST(test_ann_store_effective)
{
	struct ann_store s;
	struct prefix p = pfx("184.164.224.0/24");
	struct prefix q = pfx("184.164.225.0/24");
	const struct ann_entry *f;

	ann_store_init(&s, NULL);
	set_ok(&s, entry("184.164.224.0/24", ANN_MUX_ALL, 47065));
	set_ok(&s, entry("184.164.224.0/24", "amsterdam01", 61574));
	set_ok(&s, entry("184.164.225.0/24", "seattle01", 263842));

	/* A mux's own entry overrides "all". */
	f = ann_store_effective(&s, &p, "amsterdam01", true);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->attrs.origin, 61574);
	f = ann_store_effective(&s, &p, "seattle01", true);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->mux, ANN_MUX_ALL);
	ck_assert_uint_eq(f->attrs.origin, 47065);
	/* A configured neighbour hears only what names it. */
	ck_assert_ptr_null(ann_store_effective(&s, &p, "n1", false));
	f = ann_store_effective(&s, &p, "amsterdam01", false);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->attrs.origin, 61574);
	/* Without an "all" entry, other muxes hear nothing. */
	ck_assert_ptr_null(ann_store_effective(&s, &q, "amsterdam01", true));
	f = ann_store_effective(&s, &q, "seattle01", false);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->attrs.origin, 263842);

	ck_assert(ann_store_has_prefix(&s, &p));
	ck_assert(ann_store_has_prefix(&s, &q));
	p = pfx("184.164.224.0/23");
	ck_assert(!ann_store_has_prefix(&s, &p));
	p = pfx("184.164.226.0/24");
	ck_assert(!ann_store_has_prefix(&s, &p));
	ann_store_free(&s);
}
END_TEST

/* Kept in (family, address, length, mux) order whatever the insertion
 * order, "all" first among a prefix's entries. */
START_TEST(test_ann_store_order)
{
	static const char *const sorted[][2] = {
		{ "138.185.228.0/22", "" },
		{ "184.164.224.0/23", "seattle01" },
		{ "184.164.224.0/24", "" },
		{ "184.164.224.0/24", "amsterdam01" },
		{ "184.164.224.0/24", "seattle01" },
		{ "184.164.225.0/24", "" },
		{ "2804:269c::/42", "" },
		{ "2804:269c:1::/48", "ufmg01" },
	};
	static const unsigned order[] = { 5, 7, 2, 0, 6, 4, 1, 3 };
	struct ann_store s;
	size_t i;

	ann_store_init(&s, NULL);
	for (i = 0; i < NELEM(order); i++)
		set_ok(&s, entry(sorted[order[i]][0], sorted[order[i]][1],
		    47065));
	ck_assert_uint_eq(s.n, NELEM(sorted));
	for (i = 0; i < NELEM(sorted); i++) {
		struct prefix p = pfx(sorted[i][0]);

		ck_assert(prefix_equal(&s.e[i].prefix, &p));
		ck_assert_str_eq(s.e[i].mux, sorted[i][1]);
		ck_assert_ptr_eq(ann_store_find(&s, &p, sorted[i][1]),
		    &s.e[i]);
	}
	ann_store_free(&s);
}
END_TEST

/* What the file could not hold is refused, so a save never writes what a
 * load would refuse. */
START_TEST(test_ann_store_set_refuses)
{
	struct ann_store s;
	struct ann_entry e;

	ann_store_init(&s, NULL);
	e = entry("184.164.224.0/24", "all", 47065);
	ck_assert_int_eq(ann_store_set(&s, &e), -1);
	e = entry("184.164.224.0/24", "Amsterdam01", 47065);
	ck_assert_int_eq(ann_store_set(&s, &e), -1);
	e = entry("184.164.224.0/24", "", 47065);
	e.attrs.prepend = 5;
	ck_assert_int_eq(ann_store_set(&s, &e), -1);
	e = entry("184.164.224.0/24", "", 47065);
	e.attrs.n_poisons = ANN_MAX_POISONS + 1;
	ck_assert_int_eq(ann_store_set(&s, &e), -1);
	e = entry("184.164.224.0/24", "", 47065);
	e.prefix.addr[3] = 1;
	ck_assert_int_eq(ann_store_set(&s, &e), -1);
	e = entry("184.164.224.0/24", "", 47065);
	e.last_change = -1;
	ck_assert_int_eq(ann_store_set(&s, &e), -1);
	ck_assert_uint_eq(s.n, 0);
	ann_store_free(&s);
}
END_TEST

/* ---- the gates again, on what was kept ---- */

#define C8	"47065:1,47065:2,47065:3,47065:4,47065:5,47065:6,47065:7,47065:8"
#define P16	"64512,64513,64514,64515,64516,64517,64518,64519,64520,64521," \
		"64522,64523,64524,64525,64526,64527"

/* Entries of a file, as requests would have made them, and what today's
 * gates say of them (NULL: they pass). */
static const struct {
	const char	*line;
	const char	*err;
} check_cases[] = {
	{ "announce 184.164.224.0/24", NULL },
	{ "announce 2804:269c:1::/48 mux n1 origin 61574", NULL },
	/* Taken out of prefixes.txt since it was kept. */
	{ "announce 184.164.225.0/24", "invalid prefix: 184.164.225.0/24: not "
	    "in prefixes.txt or prefixes6.txt (announce only the prefixes "
	    "listed there)" },
	/* A store edited by hand: 8.8.8.0/24, 21 AS numbers, 64
	 * communities; each gate in turn. */
	{ "announce 8.8.8.0/24 origin 61574 prepend 4 poison " P16
	    " community " C8 "," C8 "," C8 "," C8 "," C8 "," C8 "," C8 "," C8,
	    "prefix 8.8.8.0/24 is outside the PEERING address space: announce "
	    "only PEERING prefixes" },
	{ "announce 184.164.224.0/24 origin 61574 prepend 4 poison " P16,
	    "the AS path would have 21 AS numbers: at most 5 (guidelines); "
	    "poison fewer ASes or prepend less" },
	{ "announce 184.164.224.0/24 community " C8 "," C8 "," C8 "," C8 ","
	    C8 "," C8 "," C8 "," C8, "64 communities: the muxes drop all of "
	    "them past 20; remove 44" },
	{ "announce 184.164.224.0/24 origin 3356", "origin AS 3356 is not a "
	    "PEERING ASN: use 47065, 33207, 61574, 61575, 61576, 263842, "
	    "263843 or 263844" },
	{ "announce 184.164.224.0/24 container", "-M can only be used with "
	    "-m" },
	/* A mux or neighbour no longer configured. */
	{ "announce 184.164.224.0/24 mux ghost01", "mux unknown: ghost01 (not "
	    "in configs/openvpn/ nor a neighbor of configs/peering-bgpd.conf)" },
};

START_TEST(test_ann_store_check_entry)
{
	static const char *const names[] = { "amsterdam01", "seattle01", "n1" };
	struct prefix allowed[] = { pfx("184.164.224.0/24"), pfx("8.8.8.0/24"),
	    pfx("2804:269c:1::/48") };
	struct ann_policy pol = { allowed, NELEM(allowed), false };
	struct ann_request r = th_ann_request(check_cases[_i].line);
	struct ann_entry e;
	char err[256];
	int rc;

	memset(&e, 0, sizeof(e));
	e.prefix = r.prefix;
	memcpy(e.mux, r.mux, sizeof(e.mux));
	e.attrs = r.attrs;
	rc = ann_store_check_entry(&e, &pol, names, NELEM(names), err,
	    sizeof(err));
	if (check_cases[_i].err == NULL) {
		ck_assert_msg(rc == 0, "%s: %s", check_cases[_i].line, err);
		return;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(err, check_cases[_i].err);
	/* Without names the mux is not checked. */
	if (strstr(err, "mux unknown") != NULL)
		ck_assert_int_eq(ann_store_check_entry(&e, &pol, NULL, 0, err,
		    sizeof(err)), 0);
}
END_TEST

/* ---- the change records ---- */

START_TEST(test_ann_store_changes)
{
	struct ann_store s;
	struct prefix p = pfx("184.164.224.0/24"), q = pfx("2804:269c::/42");
	time_t prev = 99;

	ann_store_init(&s, NULL);
	ck_assert_int_eq(ann_store_change_at(&s, &p, "isi01"), 0);
	ck_assert_int_eq(ann_store_change_note(&s, &p, "isi01", 1000, &prev),
	    0);
	ck_assert_int_eq(prev, 0);
	note_ok(&s, "2804:269c::/42", "isi01", 1500);
	note_ok(&s, "184.164.224.0/24", "amsterdam01", 2000);
	ck_assert_int_eq(ann_store_change_at(&s, &p, "isi01"), 1000);
	ck_assert_int_eq(ann_store_change_at(&s, &p, "amsterdam01"), 2000);
	ck_assert_int_eq(ann_store_change_at(&s, &q, "isi01"), 1500);
	ck_assert_int_eq(ann_store_change_at(&s, &q, "amsterdam01"), 0);
	/* Sorted as the entries: family, address, length, then mux. */
	ck_assert_uint_eq(s.nc, 3);
	ck_assert_str_eq(s.c[0].mux, "amsterdam01");
	ck_assert_str_eq(s.c[1].mux, "isi01");
	ck_assert(prefix_equal(&s.c[2].prefix, &q));
	/* A new time replaces the old one and says what it was. */
	ck_assert_int_eq(ann_store_change_note(&s, &p, "isi01", 1200, &prev),
	    0);
	ck_assert_int_eq(prev, 1000);
	ck_assert_int_eq(ann_store_change_at(&s, &p, "isi01"), 1200);
	/* 0 forgets the record (undoing a first change). */
	ck_assert_int_eq(ann_store_change_note(&s, &p, "isi01", 0, &prev), 0);
	ck_assert_int_eq(prev, 1200);
	ck_assert_int_eq(ann_store_change_at(&s, &p, "isi01"), 0);
	ck_assert_uint_eq(s.nc, 2);
	ck_assert_int_eq(ann_store_change_note(&s, &p, "isi01", 0, NULL), 0);
	ck_assert_uint_eq(s.nc, 2);
	ann_store_free(&s);
}
END_TEST

/* A copy holds the same entries and records, and changes apart from the
 * original (the batch of a file is planned on one, the store restored
 * from another). */
START_TEST(test_ann_store_copy)
{
	struct ann_store s, c;
	struct ann_entry e = entry("184.164.224.0/24", "isi01", 47065);
	struct prefix p = pfx("184.164.224.0/24");
	char *a, *b;

	ann_store_init(&s, "/x/announcements.json");
	ck_assert_int_eq(ann_store_copy(&c, &s), 0);
	ck_assert_uint_eq(c.n + c.nc, 0);
	ck_assert_str_eq(c.path, s.path);
	ann_store_free(&c);
	ck_assert_int_eq(ann_store_set(&s, &e), 0);
	e = entry("184.164.225.0/24", "", 47065);
	ck_assert_int_eq(ann_store_set(&s, &e), 0);
	note_ok(&s, "184.164.224.0/24", "isi01", 1000);
	ck_assert_int_eq(ann_store_copy(&c, &s), 0);
	a = ann_store_format(&s);
	b = ann_store_format(&c);
	ck_assert_str_eq(a, b);
	free(b);
	ann_store_withdraw(&c, &p, "isi01");
	note_ok(&c, "184.164.224.0/24", "amsterdam01", 2000);
	e = entry("184.164.226.0/24", "ufmg01", 47065);
	ck_assert_int_eq(ann_store_set(&c, &e), 0);
	b = ann_store_format(&s);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(ann_store_change_at(&s, &p, "amsterdam01"), 0);
	ck_assert_int_eq(ann_store_change_at(&c, &p, "amsterdam01"), 2000);
	free(a);
	free(b);
	ann_store_free(&c);
	ann_store_free(&s);
}
END_TEST

/* Only what the file holds: a session's name, no host bits, a time. */
START_TEST(test_ann_store_changes_refused)
{
	struct ann_store s;
	struct prefix p = pfx("184.164.224.0/24"), host = p;

	host.addr[3] = 1;
	ann_store_init(&s, NULL);
	ck_assert_int_eq(ann_store_change_note(&s, &p, ANN_MUX_ALL, 1, NULL),
	    -1);
	ck_assert_int_eq(ann_store_change_note(&s, &p, "all", 1, NULL), -1);
	ck_assert_int_eq(ann_store_change_note(&s, &p, "Isi01", 1, NULL), -1);
	ck_assert_int_eq(ann_store_change_note(&s, &p,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, NULL), -1);
	ck_assert_int_eq(ann_store_change_note(&s, &host, "isi01", 1, NULL),
	    -1);
	ck_assert_int_eq(ann_store_change_note(&s, &p, "isi01", -1, NULL), -1);
	ck_assert_int_eq(ann_store_change_note(&s, &p, "isi01",
	    (time_t)253402300800LL, NULL), -1);
	ck_assert_uint_eq(s.nc, 0);
	ann_store_free(&s);
}
END_TEST

/* At most ANN_STORE_MAX records, as the file reads. */
START_TEST(test_ann_store_changes_full)
{
	struct ann_store s;
	struct prefix p = pfx("184.164.224.0/24");
	char mux[16];
	size_t i;

	ann_store_init(&s, NULL);
	for (i = 0; i < ANN_STORE_MAX; i++) {
		snprintf(mux, sizeof(mux), "m%06zu", i);
		ck_assert_int_eq(ann_store_change_note(&s, &p, mux, 1, NULL),
		    0);
	}
	errno = 0;
	ck_assert_int_eq(ann_store_change_note(&s, &p, "n", 1, NULL), -1);
	ck_assert_int_eq(errno, ENOSPC);
	/* Replacing one is no growth. */
	ck_assert_int_eq(ann_store_change_note(&s, &p, "m000007", 2, NULL), 0);
	ck_assert_uint_eq(s.nc, ANN_STORE_MAX);
	ann_store_free(&s);
}
END_TEST

/* Records older than the interval go; newer ones, and ones from the
 * future (a clock set back), stay. */
START_TEST(test_ann_store_changes_prune)
{
	struct ann_store s;
	time_t now = 1700000000;

	ann_store_init(&s, NULL);
	note_ok(&s, "184.164.224.0/24", "a", now - ANN_CHANGE_INTERVAL);
	note_ok(&s, "184.164.224.0/24", "b", now - ANN_CHANGE_INTERVAL + 1);
	note_ok(&s, "184.164.224.0/24", "c", now);
	note_ok(&s, "184.164.224.0/24", "d", now + 3600);
	note_ok(&s, "184.164.225.0/24", "a", 1);
	ann_store_changes_prune(&s, now);
	ck_assert_uint_eq(s.nc, 3);
	ck_assert_str_eq(s.c[0].mux, "b");
	ck_assert_str_eq(s.c[1].mux, "c");
	ck_assert_str_eq(s.c[2].mux, "d");
	ann_store_changes_prune(&s, now + 7200);
	ck_assert_uint_eq(s.nc, 0);
	ann_store_free(&s);
}
END_TEST

/* A version 1 file (before change records) still reads, and is written
 * back as version 2. */
START_TEST(test_ann_store_parse_version1)
{
	static const char v1[] = "{\"version\":1,\"announcements\":[\n"
	    "{\"prefix\":\"184.164.224.0/24\",\"mux\":\"all\","
	    "\"origin\":47065,\"prepend\":0,\"poisons\":[],"
	    "\"communities\":[],\"large_communities\":[],"
	    "\"container_nexthop\":false,\"dataplane\":true,"
	    "\"last_change\":1700000000}\n]}\n";
	struct ann_store s;
	char err[256], *text;

	ann_store_init(&s, NULL);
	ck_assert_msg(parse_str(&s, v1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.nc, 0);
	ck_assert_int_eq(s.e[0].last_change, 1700000000);
	text = ann_store_format(&s);
	ck_assert_str_eq(text, "{\"version\":2,\"announcements\":[\n"
	    "{\"prefix\":\"184.164.224.0/24\",\"mux\":\"all\","
	    "\"origin\":47065,\"prepend\":0,\"poisons\":[],"
	    "\"communities\":[],\"large_communities\":[],"
	    "\"container_nexthop\":false,\"dataplane\":true,"
	    "\"last_change\":1700000000}\n],\"changes\":[]}\n");
	free(text);
	ann_store_free(&s);
}
END_TEST

/* ---- the format ---- */

START_TEST(test_ann_store_format_text)
{
	struct ann_store s;
	struct ann_entry e = entry("184.164.224.0/24", "amsterdam01", 61574);
	char *text;

	ann_store_init(&s, NULL);
	text = ann_store_format(&s);
	ck_assert_str_eq(text,
	    "{\"version\":2,\"announcements\":[],\"changes\":[]}\n");
	free(text);

	e.attrs.prepend = 2;
	e.attrs.n_poisons = 1;
	e.attrs.poisons[0] = 3356;
	e.attrs.n_communities = 1;
	e.attrs.communities[0] = 47065u << 16 | 1;
	e.attrs.n_large = 1;
	e.attrs.large[0][0] = 47065;
	e.attrs.large[0][1] = 1;
	e.attrs.large[0][2] = 2;
	e.no_dataplane = true;
	e.last_change = 1700000000;
	set_ok(&s, e);
	set_ok(&s, entry("2804:269c::/42", ANN_MUX_ALL, 47065));
	note_ok(&s, "2804:269c::/42", "seattle01", 1700000600);
	note_ok(&s, "184.164.224.0/24", "amsterdam01", 1700000000);
	text = ann_store_format(&s);
	ck_assert_str_eq(text, "{\"version\":2,\"announcements\":[\n"
	    "{\"prefix\":\"184.164.224.0/24\",\"mux\":\"amsterdam01\","
	    "\"origin\":61574,\"prepend\":2,\"poisons\":[3356],"
	    "\"communities\":[[47065,1]],\"large_communities\":[[47065,1,2]],"
	    "\"container_nexthop\":false,\"dataplane\":false,"
	    "\"last_change\":1700000000},\n"
	    "{\"prefix\":\"2804:269c::/42\",\"mux\":\"all\",\"origin\":47065,"
	    "\"prepend\":0,\"poisons\":[],\"communities\":[],"
	    "\"large_communities\":[],\"container_nexthop\":false,"
	    "\"dataplane\":true,\"last_change\":0}\n"
	    "],\"changes\":[\n"
	    "{\"prefix\":\"184.164.224.0/24\",\"mux\":\"amsterdam01\","
	    "\"at\":1700000000},\n"
	    "{\"prefix\":\"2804:269c::/42\",\"mux\":\"seattle01\","
	    "\"at\":1700000600}\n"
	    "]}\n");
	free(text);
	ann_store_free(&s);
}
END_TEST

START_TEST(test_ann_store_round_trip)
{
	struct ann_store s, t;
	char err[256], *text, *again;

	ann_store_init(&s, NULL);
	ann_store_init(&t, NULL);
	set_ok(&s, entry_full("184.164.224.0/24", ANN_MUX_ALL));
	set_ok(&s, entry_full("184.164.224.0/24", "amsterdam01"));
	set_ok(&s, entry_full("2804:269c:ff00::/40", "seattle01"));
	set_ok(&s, entry("0.0.0.0/0", "a-b_9", 0));
	set_ok(&s, entry("::/0", "x", 1));
	note_ok(&s, "184.164.224.0/24", "amsterdam01", 1);
	note_ok(&s, "184.164.224.0/24", "seattle01", 253402300799LL);
	note_ok(&s, "::/0", "x", 1700000000);
	text = ann_store_format(&s);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(parse_str(&t, text, err, sizeof(err)) == 0, "%s", err);
	assert_stores_equal(&s, &t);
	again = ann_store_format(&t);
	ck_assert_str_eq(again, text);
	free(again);
	free(text);
	ann_store_free(&s);
	ann_store_free(&t);
}
END_TEST

/* Hand-written: any order, white space, only "prefix" required. */
START_TEST(test_ann_store_parse_defaults)
{
	static const char text[] =
	    "{ \"announcements\": [\n"
	    "  { \"prefix\": \"184.164.225.0/24\" },\n"
	    "  { \"mux\": \"amsterdam01\", \"prefix\": \"184.164.224.0/24\",\n"
	    "    \"communities\": [ [ 47065 , 65535 ] ],\n"
	    "    \"dataplane\": false }\n"
	    "], \"version\": 1 }\r\n\t ";
	struct ann_store s;
	struct ann_attrs def;
	char err[256];

	ann_store_init(&s, NULL);
	ann_attrs_init(&def);
	ck_assert_msg(parse_str(&s, text, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(s.n, 2);
	/* Sorted: the file's second entry comes first. */
	ck_assert_str_eq(s.e[0].mux, "amsterdam01");
	ck_assert_uint_eq(s.e[0].attrs.n_communities, 1);
	ck_assert_uint_eq(s.e[0].attrs.communities[0], 47065u << 16 | 65535);
	ck_assert(s.e[0].no_dataplane);
	ck_assert_str_eq(s.e[1].mux, ANN_MUX_ALL);
	ck_assert(attrs_same(&s.e[1].attrs, &def));
	ck_assert(!s.e[1].no_dataplane);
	ck_assert_int_eq(s.e[1].last_change, 0);
	ann_store_free(&s);
}
END_TEST

#define HEAD	"{\"version\":1,\"announcements\":["
#define E(x)	HEAD "{\"prefix\":\"184.164.224.0/24\"," x "}]}"
#define CH(x)	"{\"version\":2,\"announcements\":[],\"changes\":[" x "]}"
#define C1(mux, at) \
	"{\"prefix\":\"184.164.224.0/24\",\"mux\":\"" #mux "\",\"at\":" #at "}"

struct bad_case {
	const char	*text;
	const char	*err;
};

static const struct bad_case bad_cases[] = {
	/* Not the one JSON object. */
	{ "", "line 1: not valid JSON" },
	{ "{\"version\":1,\n\"announcements\":[}", "line 2: not valid JSON" },
	{ "{\"version\":1,\"announcements\":[]} x",
	    "line 1: more after the JSON object" },
	{ "[]", "not a JSON object (want {\"version\": 2, "
	    "\"announcements\": [...], \"changes\": [...]})" },
	/* The top level. */
	{ "{\"announcements\":[]}", "version: missing" },
	{ "{\"version\":3,\"announcements\":[]}",
	    "version: not 1 or 2 (the versions this daemon reads)" },
	{ "{\"version\":0,\"announcements\":[]}",
	    "version: not 1 or 2 (the versions this daemon reads)" },
	{ "{\"version\":\"1\",\"announcements\":[]}",
	    "version: not 1 or 2 (the versions this daemon reads)" },
	{ "{\"version\":1,\"announcements\":[],\"changes\":[]}",
	    "changes: not in version 1 (they came with version 2)" },
	{ "{\"version\":2,\"changes\":[]}", "announcements: missing" },
	{ "{\"version\":2,\"announcements\":[],\"changes\":{}}",
	    "changes: not an array" },
	{ "{\"version\":2,\"announcements\":[],\"changes\":[],"
	    "\"changes\":[]}", "changes: given twice" },
	{ "{\"version\":1}", "announcements: missing" },
	{ "{\"version\":1,\"announcements\":{}}",
	    "announcements: not an array" },
	{ "{\"version\":1,\"version\":1,\"announcements\":[]}",
	    "version: given twice" },
	{ "{\"version\":1,\"announcements\":[],\"extra\":0}",
	    "extra: unknown key" },
	/* An entry's keys. */
	{ HEAD "{},[]]}", "announcements[0].prefix: missing" },
	{ HEAD "{\"prefix\":\"184.164.224.0/24\"},[]]}",
	    "announcements[1]: not an object" },
	{ E("\"muxes\":\"all\""), "announcements[0].muxes: unknown key" },
	{ E("\"Origin\":1"), "announcements[0].Origin: unknown key" },
	{ E("\"bad\\nkey\":1"), "announcements[0].?: unknown key" },
	{ E("\"origin\":1,\"origin\":1"),
	    "announcements[0].origin: given twice" },
	/* Wrong types. */
	{ HEAD "{\"prefix\":24}]}", "announcements[0].prefix: not a string" },
	{ E("\"mux\":null"), "announcements[0].mux: not a string" },
	{ E("\"origin\":\"47065\""),
	    "announcements[0].origin: not a 32-bit AS number" },
	{ E("\"poisons\":3356"), "announcements[0].poisons: not an array" },
	{ E("\"communities\":{}"),
	    "announcements[0].communities: not an array" },
	{ E("\"large_communities\":\"1:2:3\""),
	    "announcements[0].large_communities: not an array" },
	{ E("\"container_nexthop\":1"),
	    "announcements[0].container_nexthop: not true or false" },
	{ E("\"dataplane\":\"yes\""),
	    "announcements[0].dataplane: not true or false" },
	{ E("\"last_change\":\"now\""), "announcements[0].last_change: not a "
	    "time (whole seconds since 1970, before the year 10000)" },
	/* Prefixes and muxes. */
	{ HEAD "{\"prefix\":\"184.164.224.1/24\"}]}",
	    "announcements[0].prefix: host bits set (the prefix is "
	    "184.164.224.0/24)" },
	{ HEAD "{\"prefix\":\"2804:269c::1/42\"}]}",
	    "announcements[0].prefix: host bits set (the prefix is "
	    "2804:269c::/42)" },
	{ HEAD "{\"prefix\":\"184.164.224.0/33\"}]}",
	    "announcements[0].prefix: not a prefix" },
	{ HEAD "{\"prefix\":\"184.164.224.0\"}]}",
	    "announcements[0].prefix: not a prefix" },
	{ HEAD "{\"prefix\":\" 184.164.224.0/24\"}]}",
	    "announcements[0].prefix: not a prefix" },
	{ E("\"mux\":\"Amsterdam01\""), "announcements[0].mux: not \"all\" "
	    "or a mux name ([a-z0-9_-], at most 31 characters)" },
	{ E("\"mux\":\"\""), "announcements[0].mux: not \"all\" or a mux "
	    "name ([a-z0-9_-], at most 31 characters)" },
	{ E("\"mux\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""),
	    "announcements[0].mux: not \"all\" or a mux name ([a-z0-9_-], "
	    "at most 31 characters)" },
	/* Numbers out of range, or not whole. */
	{ E("\"origin\":4294967296"),
	    "announcements[0].origin: not a 32-bit AS number" },
	{ E("\"origin\":-1"),
	    "announcements[0].origin: not a 32-bit AS number" },
	{ E("\"origin\":47065.5"),
	    "announcements[0].origin: not a 32-bit AS number" },
	{ E("\"origin\":1e400"),
	    "announcements[0].origin: not a 32-bit AS number" },
	{ E("\"prepend\":5"), "announcements[0].prepend: not a number 0..4" },
	{ E("\"poisons\":[1,4294967296]"),
	    "announcements[0].poisons[1]: not a 32-bit AS number" },
	{ E("\"communities\":[[47065,65536]]"),
	    "announcements[0].communities[0][1]: not a 16-bit number" },
	{ E("\"communities\":[[1,1],[65536,1]]"),
	    "announcements[0].communities[1][0]: not a 16-bit number" },
	{ E("\"communities\":[[1,1,1]]"),
	    "announcements[0].communities[0]: not [asn, value]" },
	{ E("\"communities\":[\"47065:1\"]"),
	    "announcements[0].communities[0]: not [asn, value]" },
	{ E("\"large_communities\":[[1,2]]"),
	    "announcements[0].large_communities[0]: not [a, b, c]" },
	{ E("\"large_communities\":[[1,2,4294967296]]"),
	    "announcements[0].large_communities[0][2]: not a 32-bit number" },
	{ E("\"last_change\":-1"), "announcements[0].last_change: not a "
	    "time (whole seconds since 1970, before the year 10000)" },
	{ E("\"last_change\":253402300800"), "announcements[0]."
	    "last_change: not a time (whole seconds since 1970, before the "
	    "year 10000)" },
	/* Array limits (16 poisons). */
	{ E("\"poisons\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]"),
	    "announcements[0].poisons: more than 16 elements" },
	/* The same (prefix, mux) twice; the later one is named. */
	{ HEAD "{\"prefix\":\"184.164.224.0/24\"},"
	    "{\"prefix\":\"184.164.225.0/24\"},"
	    "{\"prefix\":\"184.164.224.0/24\",\"mux\":\"all\"}]}",
	    "announcements[2]: 184.164.224.0/24 mux all given twice" },
	{ HEAD "{\"prefix\":\"2804:269c::/42\",\"mux\":\"ufmg01\"},"
	    "{\"prefix\":\"2804:269c::/42\",\"mux\":\"ufmg01\"},"
	    "{\"prefix\":\"2804:269c::/42\",\"mux\":\"ufmg01\"}]}",
	    "announcements[1]: 2804:269c::/42 mux ufmg01 given twice" },
	/* Change records: all three keys, a session's name, a time. */
	{ CH("{\"prefix\":\"184.164.224.0/24\",\"mux\":\"isi01\"}"),
	    "changes[0].at: missing" },
	{ CH("{\"mux\":\"isi01\",\"at\":1}"), "changes[0].prefix: missing" },
	{ CH("{\"prefix\":\"184.164.224.0/24\",\"at\":1}"),
	    "changes[0].mux: missing" },
	{ CH(C1(isi01, 1) ",[]"), "changes[1]: not an object" },
	{ CH(C1(all, 1)), "changes[0].mux: not a mux name ([a-z0-9_-], at "
	    "most 31 characters)" },
	{ CH(C1(Isi01, 1)), "changes[0].mux: not a mux name ([a-z0-9_-], at "
	    "most 31 characters)" },
	{ CH(C1(isi01, 0)), "changes[0].at: 0 is no time (leave the record "
	    "out)" },
	{ CH(C1(isi01, -5)), "changes[0].at: not a time (whole seconds "
	    "since 1970, before the year 10000)" },
	{ CH(C1(isi01, 253402300800)), "changes[0].at: not a time (whole "
	    "seconds since 1970, before the year 10000)" },
	{ CH(C1(isi01, 1.5)), "changes[0].at: not a time (whole seconds "
	    "since 1970, before the year 10000)" },
	{ CH("{\"prefix\":\"184.164.224.1/24\",\"mux\":\"isi01\","
	    "\"at\":1}"), "changes[0].prefix: host bits set (the prefix is "
	    "184.164.224.0/24)" },
	{ CH("{\"prefix\":\"184.164.224.0/24\",\"mux\":\"isi01\","
	    "\"at\":1,\"when\":1}"), "changes[0].when: unknown key" },
	{ CH("{\"prefix\":\"184.164.224.0/24\",\"mux\":\"isi01\","
	    "\"at\":1,\"at\":2}"), "changes[0].at: given twice" },
	{ CH(C1(isi01, 5) "," C1(ufmg01, 1) "," C1(isi01, 7)),
	    "changes[2]: 184.164.224.0/24 mux isi01 given twice" },
	/* A later entry's error, after good ones. */
	{ HEAD "{\"prefix\":\"184.164.224.0/24\"},"
	    "{\"prefix\":\"184.164.225.0/24\"},"
	    "{\"prefix\":\"184.164.226.0/24\",\"origin\":1.5}]}",
	    "announcements[2].origin: not a 32-bit AS number" },
};

/* All or nothing: a refused file leaves the store as it was. */
START_TEST(test_ann_store_parse_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct ann_store s;
	char err[256];

	ann_store_init(&s, NULL);
	set_ok(&s, entry("138.185.228.0/22", "seattle01", 47065));
	ck_assert_int_eq(parse_str(&s, c->text, err, sizeof(err)), -1);
	ck_assert_str_eq(err, c->err);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.e[0].mux, "seattle01");
	ann_store_free(&s);
}
END_TEST

START_TEST(test_ann_store_parse_nul)
{
	static const char text[] = "{\"version\":1,\n\"announcements\":[]}";
	struct ann_store s;
	char err[256];

	ann_store_init(&s, NULL);
	/* The NUL that ends the C string, counted as part of the input. */
	ck_assert_int_eq(ann_store_parse(&s, text, sizeof(text), err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "line 2: a NUL byte");
	ann_store_free(&s);
}
END_TEST

/* The count is checked before any entry is read or memory taken. */
START_TEST(test_ann_store_parse_too_many)
{
	struct ann_store s;
	size_t i, len = strlen(HEAD);
	char *text = malloc(len + 2 * (ANN_STORE_MAX + 1) + 3), err[256];

	ck_assert_ptr_nonnull(text);
	memcpy(text, HEAD, len);
	for (i = 0; i <= ANN_STORE_MAX; i++) {
		text[len++] = '0';
		text[len++] = ',';
	}
	memcpy(text + len - 1, "]}", 2);
	len++;
	ann_store_init(&s, NULL);
	ck_assert_int_eq(ann_store_parse(&s, text, len, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "announcements: more than 100000 entries");
	ann_store_free(&s);
	free(text);
}
END_TEST

/* ---- files ---- */

static char store_dir[64];

static void
dir_setup(void)
{
	th_tmpdir_make(store_dir, sizeof(store_dir), "test_ann_store");
}

static void
dir_teardown(void)
{
	th_tmpdir_remove(store_dir);
}

static void
store_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", store_dir, name);
}

static void
store_sample(struct ann_store *s, const char *path)
{
	ann_store_init(s, path);
	set_ok(s, entry_full("184.164.224.0/24", ANN_MUX_ALL));
	set_ok(s, entry("184.164.225.0/24", "amsterdam01", 61574));
	set_ok(s, entry("2804:269c::/42", "seattle01", 47065));
}

START_TEST(test_ann_store_save_load)
{
	struct ann_store s, t;
	struct stat st;
	char path[256], err[256];

	store_path(path, sizeof(path), "announcements.json");
	store_sample(&s, path);
	ck_assert_msg(ann_store_save(&s, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	strcat(path, ".tmp");
	ck_assert_int_eq(access(path, F_OK), -1);
	path[strlen(path) - 4] = '\0';

	ann_store_init(&t, path);
	set_ok(&t, entry("138.185.228.0/22", ANN_MUX_ALL, 1));
	ck_assert_msg(ann_store_load(&t, err, sizeof(err)) == 0, "%s", err);
	assert_stores_equal(&s, &t);

	/* Saving less replaces the file; an empty store is an empty list. */
	ck_assert(ann_store_remove(&s, &s.e[0].prefix, ANN_MUX_ALL));
	ck_assert_int_eq(ann_store_save(&s, err, sizeof(err)), 0);
	ck_assert_int_eq(ann_store_load(&t, err, sizeof(err)), 0);
	assert_stores_equal(&s, &t);
	ann_store_free(&s);
	ck_assert_int_eq(ann_store_save(&s, err, sizeof(err)), 0);
	ck_assert_int_eq(ann_store_load(&t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.n, 0);
	ann_store_free(&t);
}
END_TEST

/* A leftover temp file of another mode does not make the file readable
 * by others: the mode is set, not inherited. */
START_TEST(test_ann_store_save_mode)
{
	struct ann_store s;
	struct stat st;
	char path[256], tmp[264], err[256];
	mode_t old = umask(0);
	int fd;

	store_path(path, sizeof(path), "announcements.json");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT, 0666);
	ck_assert_int_ne(fd, -1);
	close(fd);
	store_sample(&s, path);
	ck_assert_int_eq(ann_store_save(&s, err, sizeof(err)), 0);
	umask(old);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ann_store_free(&s);
}
END_TEST

static void
assert_file_is(const char *path, const char *text)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	ck_assert_str_eq(buf, text);
}

/* A save that fails leaves the old file as it was, and no temp file. */
START_TEST(test_ann_store_save_fails)
{
	struct ann_store s, t;
	char path[256], tmp[264], err[256], *old;

	store_path(path, sizeof(path), "announcements.json");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	store_sample(&s, path);
	ck_assert_int_eq(ann_store_save(&s, err, sizeof(err)), 0);
	old = ann_store_format(&s);

	/* The temp file cannot be opened: a directory is in its place. */
	ck_assert_int_eq(mkdir(tmp, 0700), 0);
	set_ok(&s, entry("184.164.230.0/24", ANN_MUX_ALL, 47065));
	ck_assert_int_eq(ann_store_save(&s, err, sizeof(err)), -1);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_msg(strstr(err, ".tmp: open: Is a directory") != NULL,
	    "%s", err);
	assert_file_is(path, old);
	ck_assert_int_eq(rmdir(tmp), 0);

	/* The rename fails (the path is now a directory): temp removed. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(ann_store_save(&s, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, ".tmp: rename to ") != NULL, "%s", err);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	ck_assert_int_eq(rmdir(path), 0);

	/* A directory that does not exist. */
	store_path(path, sizeof(path), "nothing/announcements.json");
	ann_store_init(&t, path);
	set_ok(&t, entry("184.164.230.0/24", ANN_MUX_ALL, 47065));
	ck_assert_int_eq(ann_store_save(&t, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "nothing/announcements.json.tmp: open: "
	    "No such file or directory") != NULL, "%s", err);
	free(old);
	ann_store_free(&s);
	ann_store_free(&t);
}
END_TEST

START_TEST(test_ann_store_load_missing)
{
	struct ann_store s;
	char path[256], err[256];

	store_path(path, sizeof(path), "none.json");
	ann_store_init(&s, path);
	set_ok(&s, entry("184.164.230.0/24", ANN_MUX_ALL, 47065));
	ck_assert_int_eq(ann_store_load(&s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_str_eq(s.path, path);
	ann_store_free(&s);

	/* Without a path nothing is read or written. */
	ann_store_init(&s, NULL);
	set_ok(&s, entry("184.164.230.0/24", ANN_MUX_ALL, 47065));
	ck_assert_int_eq(ann_store_save(&s, err, sizeof(err)), 0);
	ck_assert_int_eq(ann_store_load(&s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

/* A file that does not parse: "FILE: message", and an empty store. */
START_TEST(test_ann_store_load_bad)
{
	struct ann_store s;
	char path[256], want[512], err[512];
	int fd;

	store_path(path, sizeof(path), "announcements.json");
	th_write_file(path, E("\"origin\":-5"));
	ann_store_init(&s, path);
	set_ok(&s, entry("184.164.230.0/24", ANN_MUX_ALL, 47065));
	ck_assert_int_eq(ann_store_load(&s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: announcements[0].origin: not a "
	    "32-bit AS number", path);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(s.n, 0);

	/* Over 64 MiB: refused before parsing. */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(ftruncate(fd, 64 * 1024 * 1024 + 1), 0);
	close(fd);
	ck_assert_int_eq(ann_store_load(&s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: file too large", path);
	ck_assert_str_eq(err, want);

	/* Not a regular file. */
	ck_assert_int_eq(ann_store_load(&(struct ann_store){ .path = "/" },
	    err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/: not a regular file");
	ann_store_free(&s);
}
END_TEST

Suite *
ann_store_suite(void)
{
	Suite *s = suite_create("ann_store");
	TCase *tc = tcase_create("ann_store");
	TCase *files = tcase_create("ann_store_files");

	tcase_add_test(tc, test_ann_store_set_find_remove);
	tcase_add_test(tc, test_ann_store_effective);
	tcase_add_test(tc, test_ann_store_order);
	tcase_add_test(tc, test_ann_store_set_refuses);
	tcase_add_test(tc, test_ann_store_format_text);
	tcase_add_test(tc, test_ann_store_round_trip);
	tcase_add_test(tc, test_ann_store_parse_defaults);
	tcase_add_loop_test(tc, test_ann_store_parse_bad, 0,
	    (int)NELEM(bad_cases));
	tcase_add_test(tc, test_ann_store_parse_nul);
	tcase_add_loop_test(tc, test_ann_store_check_entry, 0,
	    (int)NELEM(check_cases));
	tcase_add_test(tc, test_ann_store_changes);
	tcase_add_test(tc, test_ann_store_copy);
	tcase_add_test(tc, test_ann_store_changes_refused);
	tcase_add_test(tc, test_ann_store_changes_prune);
	tcase_add_test(tc, test_ann_store_changes_full);
	tcase_add_test(tc, test_ann_store_parse_version1);
	tcase_add_test(tc, test_ann_store_parse_too_many);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(files, dir_setup, dir_teardown);
	tcase_add_test(files, test_ann_store_save_load);
	tcase_add_test(files, test_ann_store_save_mode);
	tcase_add_test(files, test_ann_store_save_fails);
	tcase_add_test(files, test_ann_store_load_missing);
	tcase_add_test(files, test_ann_store_load_bad);
	suite_add_tcase(s, files);
	return s;
}
