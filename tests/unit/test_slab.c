/*
 * slab: reuse, zeroing, chunk growth, byte accounting. That slab_destroy
 * frees everything is LeakSanitizer's to prove, under `make asan`.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/slab.h"
#include "testutil.h"

START_TEST(test_slab_sizes)
{
	static const struct {
		size_t	asked, obj;
	} sizes[] = {
		{ 0, 8 }, { 1, 8 }, { 8, 8 }, { 13, 16 },
		{ 29, 32 }, { 41, 48 },
	};
	struct slab s;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		slab_init(&s, sizes[i].asked);
		ck_assert_uint_eq(s.obj_size, sizes[i].obj);
		ck_assert_uint_ge(s.per_chunk, 1);
		ck_assert_uint_le(s.per_chunk * s.obj_size, 64 * 1024);
		ck_assert_uint_eq(slab_bytes(&s), 0);
		ck_assert_uint_eq(s.n_chunks, 0);
		slab_destroy(&s);
	}
}
END_TEST

START_TEST(test_slab_reuse)
{
	struct slab s;
	void *a, *b, *c;

	slab_init(&s, 24);
	a = slab_alloc(&s);
	b = slab_alloc(&s);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(s.in_use, 2);
	slab_free(&s, a);
	ck_assert_uint_eq(s.in_use, 1);
	/* the free list is LIFO: the object just freed comes back first */
	c = slab_alloc(&s);
	ck_assert_ptr_eq(c, a);
	slab_free(&s, b);
	slab_free(&s, c);
	ck_assert_ptr_eq(slab_alloc(&s), c);
	ck_assert_ptr_eq(slab_alloc(&s), b);
	ck_assert_uint_eq(s.n_chunks, 1);
	slab_free(&s, NULL);
	ck_assert_uint_eq(s.in_use, 2);
	slab_destroy(&s);
}
END_TEST

static bool
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

START_TEST(test_slab_zeroed)
{
	struct slab s;
	uint8_t *a, *b;

	slab_init(&s, 40);
	a = slab_alloc(&s);
	ck_assert(all_zero(a, s.obj_size));
	memset(a, 0xab, s.obj_size);
	slab_free(&s, a);
	b = slab_alloc(&s);
	ck_assert_ptr_eq(a, b);
	ck_assert(all_zero(b, s.obj_size));
	slab_destroy(&s);
}
END_TEST

/* Objects of many chunks: distinct, aligned, not overlapping, and the
 * memory is what the counters say. */
START_TEST(test_slab_many_chunks)
{
	struct slab s;
	uint64_t **objs;
	size_t i, n, j, bytes, chunk;

	slab_init(&s, 32);
	n = 10 * s.per_chunk + 3;
	objs = calloc(n, sizeof(*objs));
	ck_assert_ptr_nonnull(objs);
	for (i = 0; i < n; i++) {
		objs[i] = slab_alloc(&s);
		ck_assert_ptr_nonnull(objs[i]);
		ck_assert_uint_eq((uintptr_t)objs[i] % 8, 0);
		for (j = 0; j < 4; j++)
			objs[i][j] = i * 4 + j;
	}
	ck_assert_uint_eq(s.in_use, n);
	ck_assert_uint_eq(s.n_chunks, 11);
	chunk = slab_bytes(&s) / s.n_chunks;
	ck_assert_uint_eq(chunk * s.n_chunks, slab_bytes(&s));
	ck_assert_uint_ge(chunk, s.per_chunk * s.obj_size);
	ck_assert_uint_le(chunk, 64 * 1024);
	for (i = 0; i < n; i++)
		for (j = 0; j < 4; j++)
			ck_assert_uint_eq(objs[i][j], i * 4 + j);

	/* Freeing keeps the chunks; allocating again reuses them. */
	bytes = slab_bytes(&s);
	for (i = 0; i < n; i += 2)
		slab_free(&s, objs[i]);
	ck_assert_uint_eq(s.in_use, n / 2);
	ck_assert_uint_eq(slab_bytes(&s), bytes);
	for (i = 0; i < n; i += 2)
		objs[i] = slab_alloc(&s);
	ck_assert_uint_eq(s.in_use, n);
	ck_assert_uint_eq(s.n_chunks, 11);
	ck_assert_uint_eq(slab_bytes(&s), bytes);
	for (i = 1; i < n; i += 2)
		ck_assert_uint_eq(objs[i][0], i * 4);

	/* With objects still in use: destroy frees them too (LSan checks). */
	slab_destroy(&s);
	ck_assert_uint_eq(slab_bytes(&s), 0);
	ck_assert_uint_eq(s.in_use, 0);
	ck_assert_uint_eq(s.n_chunks, 0);
	free(objs);
}
END_TEST

/* An object larger than a chunk: one per chunk. */
START_TEST(test_slab_big_objects)
{
	struct slab s;
	uint8_t *a, *b;

	slab_init(&s, 100 * 1024 + 3);
	ck_assert_uint_eq(s.per_chunk, 1);
	a = slab_alloc(&s);
	b = slab_alloc(&s);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(all_zero(b, s.obj_size));
	memset(a, 1, s.obj_size);
	memset(b, 2, s.obj_size);
	ck_assert_uint_eq(s.n_chunks, 2);
	ck_assert_uint_ge(slab_bytes(&s), 2 * s.obj_size);
	slab_destroy(&s);
}
END_TEST

/* After slab_destroy the slab is empty and works again. */
START_TEST(test_slab_destroy_reuse)
{
	struct slab s;
	size_t i;

	slab_init(&s, 16);
	for (i = 0; i < 3 * s.per_chunk; i++)
		ck_assert_ptr_nonnull(slab_alloc(&s));
	slab_destroy(&s);
	ck_assert_uint_eq(s.obj_size, 16);
	ck_assert_ptr_nonnull(slab_alloc(&s));
	ck_assert_uint_eq(s.in_use, 1);
	ck_assert_uint_eq(s.n_chunks, 1);
	slab_destroy(&s);
	slab_destroy(&s);
	ck_assert_uint_eq(slab_bytes(&s), 0);
}
END_TEST

START_TEST(test_slab_too_big)
{
	struct slab s;

	slab_init(&s, SIZE_MAX - 3);
	ck_assert_ptr_null(slab_alloc(&s));
	ck_assert_uint_eq(slab_bytes(&s), 0);
	slab_destroy(&s);
}
END_TEST

Suite *
slab_suite(void)
{
	Suite *s = suite_create("slab");
	TCase *tc = tcase_create("slab");

	tcase_add_test(tc, test_slab_sizes);
	tcase_add_test(tc, test_slab_reuse);
	tcase_add_test(tc, test_slab_zeroed);
	tcase_add_test(tc, test_slab_many_chunks);
	tcase_add_test(tc, test_slab_big_objects);
	tcase_add_test(tc, test_slab_destroy_reuse);
	tcase_add_test(tc, test_slab_too_big);
	suite_add_tcase(s, tc);
	return s;
}
