/* pathset: a prefix's path array across its layouts (exact slabs, rounded
 * slabs, long arrays with an index), against a plain array doing the
 * same: positions, lookups, peer counts, memory given back. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/rib/pathset.h"

#define MODEL_MAX	3000

static struct pathset_pool pool;
static struct rib_path model[MODEL_MAX];
static size_t n_model;
static struct rib_path *v;

static void
setup(void)
{
	pathset_pool_init(&pool, 0x1234);
	n_model = 0;
	v = NULL;
}

static void
teardown(void)
{
	pathset_free(&pool, v, n_model);
	ck_assert_uint_eq(pool.heap_bytes, 0);
	pathset_pool_destroy(&pool);
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The attributes are never read: any distinct pointer will do. */
static struct rib_path
mk(uint16_t peer, uint32_t id)
{
	static char tag[1];

	return (struct rib_path){ (struct rattrs *)(void *)(tag + 0), id, peer,
	    (uint8_t)(id & 0xff), 0 };
}

static void
check_all(const char *what, int step)
{
	size_t counts[8] = { 0 };

	for (size_t i = 0; i < n_model; i++) {
		ck_assert_msg(v[i].peer == model[i].peer &&
		    v[i].path_id == model[i].path_id &&
		    v[i].flags == model[i].flags, "step %d (%s): position %zu",
		    step, what, i);
		ck_assert_int_eq(pathset_find(&pool, v, n_model, model[i].peer,
		    model[i].path_id), (long)i);
		counts[model[i].peer]++;
	}
	for (uint16_t p = 0; p < 8; p++) {
		ck_assert_uint_eq(pathset_peer_count(v, n_model, p), counts[p]);
		ck_assert_int_eq(pathset_find(&pool, v, n_model, p, 999999),
		    -1);
	}
	ck_assert(n_model > 0 || v == NULL);
}

static long
model_find(uint16_t peer, uint32_t id)
{
	for (size_t i = 0; i < n_model; i++)
		if (model[i].peer == peer && model[i].path_id == id)
			return (long)i;
	return -1;
}

static bool
match_peer(const struct rib_path *p, void *ctx)
{
	return p->peer == *(const uint16_t *)ctx;
}

static void
count_drop(const struct rib_path *p, void *ctx)
{
	(void)p;
	(void)ctx;
}

/* Grows to about `top` paths and back, step by step at random, so the
 * count crosses every layout boundary many times, both ways. */
static void
random_walk(uint64_t seed, size_t top, int steps)
{
	uint64_t s = seed;

	for (int step = 0; step < steps; step++) {
		unsigned op = (unsigned)(rnd(&s) % 100);
		uint16_t peer = (uint16_t)(rnd(&s) % 8);
		/* Grow while below the top, shrink above it. */
		bool grow = n_model < top ? op < 65 : op < 35;
		const char *what;

		if (grow && n_model < MODEL_MAX) {
			uint32_t id;
			struct rib_path p;

			do
				id = (uint32_t)(rnd(&s) % 100000);
			while (model_find(peer, id) >= 0);
			p = mk(peer, id);
			ck_assert_int_eq(pathset_append(&pool, &v, n_model, &p),
			    0);
			model[n_model++] = p;
			what = "append";
		} else if (n_model > 0 && op % 10 != 0) {
			size_t i = rnd(&s) % n_model;

			ck_assert_int_eq(pathset_remove(&pool, &v, n_model, i),
			    0);
			model[i] = model[--n_model];
			what = "remove";
		} else if (n_model > 1 && op % 20 == 0) {
			size_t i = rnd(&s) % n_model, j = rnd(&s) % n_model;
			struct rib_path t = model[i];

			pathset_swap(&pool, v, n_model, i, j);
			model[i] = model[j];
			model[j] = t;
			what = "swap";
		} else {
			size_t k = 0, gone;

			gone = pathset_remove_if(&pool, &v, n_model, match_peer,
			    count_drop, &peer);
			for (size_t i = 0; i < n_model; i++)
				if (model[i].peer != peer)
					model[k++] = model[i];
			ck_assert_uint_eq(gone, n_model - k);
			n_model = k;
			what = "remove_if";
		}
		check_all(what, step);
	}
}

START_TEST(test_short_layouts)
{
	random_walk(1, 40, 3000);
}
END_TEST

START_TEST(test_around_long)
{
	random_walk(2, 70, 3000);
}
END_TEST

START_TEST(test_long)
{
	random_walk(3, 2000, 6000);
	ck_assert_uint_gt(pool.heap_bytes, 0);
}
END_TEST

/* Every size up to the first long array and back, one path at a time,
 * from the end and from the front. */
START_TEST(test_every_size)
{
	for (uint32_t id = 0; id < 200; id++) {
		struct rib_path p = mk((uint16_t)(id % 3), id);

		ck_assert_int_eq(pathset_append(&pool, &v, n_model, &p), 0);
		model[n_model++] = p;
		check_all("append", (int)id);
	}
	for (int k = 0; n_model > 0; k++) {
		size_t i = k % 2 ? n_model - 1 : 0;

		ck_assert_int_eq(pathset_remove(&pool, &v, n_model, i), 0);
		model[i] = model[--n_model];
		check_all("remove", k);
	}
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(pool.heap_bytes, 0);
}
END_TEST

/* The most a prefix can hold, and not one more. */
START_TEST(test_full)
{
	struct rib_path p;

	for (uint32_t id = 0; id < PATHSET_MAX; id++) {
		p = mk((uint16_t)(id % 8), id);
		ck_assert_int_eq(pathset_append(&pool, &v, n_model, &p), 0);
		n_model++;
	}
	p = mk(0, PATHSET_MAX);
	ck_assert_int_eq(pathset_append(&pool, &v, n_model, &p), -1);
	ck_assert_int_eq(pathset_find(&pool, v, n_model,
	    (uint16_t)((PATHSET_MAX - 1) % 8), PATHSET_MAX - 1),
	    PATHSET_MAX - 1);
	/* Ids 1, 9, ..., 65529. */
	ck_assert_uint_eq(pathset_peer_count(v, n_model, 1), 8192);
}
END_TEST

Suite *
pathset_suite(void)
{
	Suite *s = suite_create("pathset");
	TCase *tc = tcase_create("pathset");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_short_layouts);
	tcase_add_test(tc, test_around_long);
	tcase_add_test(tc, test_long);
	tcase_add_test(tc, test_every_size);
	tcase_add_test(tc, test_full);
	suite_add_tcase(s, tc);
	return s;
}
