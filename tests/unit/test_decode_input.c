/* The input reader of `peering decode`: framing, resync, hex lines. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli/decode_input.h"
#include "testutil.h"

#define KEEPALIVE_HEX	"ffffffffffffffffffffffffffffffff 0013 04"

static struct decode_input *rd;

static void
setup(void)
{
	rd = malloc(sizeof(*rd));
	ck_assert_ptr_nonnull(rd);
}

static void
teardown(void)
{
	free(rd);
}

/* The next frame must be a message with this index, offset and length. */
static void
expect_msg(size_t index, size_t offset, size_t len)
{
	struct decode_frame f;

	ck_assert_int_eq(decode_input_next(rd, &f), 1);
	ck_assert_ptr_null(f.error);
	ck_assert_ptr_nonnull(f.msg);
	ck_assert_uint_eq(f.index, index);
	ck_assert_uint_eq(f.offset, offset);
	ck_assert_uint_eq(f.len, len);
}

static struct decode_frame
expect_error(const char *error)
{
	struct decode_frame f;

	ck_assert_int_eq(decode_input_next(rd, &f), 1);
	ck_assert_ptr_nonnull(f.error);
	ck_assert_str_eq(f.error, error);
	ck_assert_ptr_null(f.msg);
	ck_assert_uint_eq(f.index, 0);
	return f;
}

static void
expect_end(void)
{
	struct decode_frame f;

	ck_assert_int_eq(decode_input_next(rd, &f), 0);
	ck_assert_int_eq(decode_input_next(rd, &f), 0);
}

static void
start_hex(const char *text)
{
	decode_input_init(rd, (const uint8_t *)text, strlen(text), true);
}

/* ---- raw ---- */

START_TEST(raw_back_to_back)
{
	uint8_t in[64];
	size_t n = th_hex(KEEPALIVE_HEX KEEPALIVE_HEX
	    "ffffffffffffffffffffffffffffffff 0017 05 0001 00 01", in,
	    sizeof(in));

	decode_input_init(rd, in, n, false);
	expect_msg(1, 0, 19);
	expect_msg(2, 19, 19);
	expect_msg(3, 38, 23);
	expect_end();
}
END_TEST

START_TEST(raw_empty)
{
	decode_input_init(rd, NULL, 0, false);
	expect_end();
}
END_TEST

START_TEST(raw_resync_garbage)
{
	uint8_t in[64];
	size_t n = th_hex(KEEPALIVE_HEX "01 02 03" KEEPALIVE_HEX, in,
	    sizeof(in));
	struct decode_frame f;

	decode_input_init(rd, in, n, false);
	expect_msg(1, 0, 19);
	f = expect_error("bad marker");
	ck_assert_uint_eq(f.offset, 19);
	ck_assert_uint_eq(f.skipped, 3);
	expect_msg(2, 22, 19);
	expect_end();
}
END_TEST

/* Garbage ending in 0xff just before a marker: the marker is the last 16
 * ones of the run. */
START_TEST(raw_resync_long_run)
{
	uint8_t in[64];
	size_t n = th_hex("00 ff ff" KEEPALIVE_HEX, in, sizeof(in));
	struct decode_frame f;

	decode_input_init(rd, in, n, false);
	f = expect_error("bad marker");
	ck_assert_uint_eq(f.offset, 0);
	ck_assert_uint_eq(f.skipped, 3);
	expect_msg(1, 3, 19);
	expect_end();
}
END_TEST

START_TEST(raw_no_marker)
{
	static const uint8_t in[] = { 0x00, 0xff, 0xff, 0x01, 0x02 };
	struct decode_frame f;

	decode_input_init(rd, in, sizeof(in), false);
	f = expect_error("bad marker");
	ck_assert_uint_eq(f.skipped, sizeof(in));
	expect_end();
}
END_TEST

START_TEST(raw_bad_length)
{
	uint8_t in[64];
	size_t n = th_hex("ffffffffffffffffffffffffffffffff 0012 04"
	    KEEPALIVE_HEX, in, sizeof(in));
	struct decode_frame f;

	decode_input_init(rd, in, n, false);
	f = expect_error("bad length");
	ck_assert_uint_eq(f.length, 18);
	ck_assert_uint_eq(f.skipped, 19);
	expect_msg(1, 19, 19);
	expect_end();
}
END_TEST

START_TEST(raw_truncated_message)
{
	uint8_t in[64];
	size_t n = th_hex(KEEPALIVE_HEX
	    "ffffffffffffffffffffffffffffffff 0017 05 0001", in, sizeof(in));
	struct decode_frame f;

	decode_input_init(rd, in, n, false);
	expect_msg(1, 0, 19);
	f = expect_error("truncated message");
	ck_assert_uint_eq(f.offset, 19);
	ck_assert_uint_eq(f.length, 23);
	ck_assert_uint_eq(f.len, 21);
	expect_end();
}
END_TEST

START_TEST(raw_truncated_header)
{
	uint8_t in[64];
	size_t n = th_hex(KEEPALIVE_HEX "ffffffffffffffffffffffffffffffff 00",
	    in, sizeof(in));
	struct decode_frame f;

	decode_input_init(rd, in, n, false);
	expect_msg(1, 0, 19);
	f = expect_error("truncated header");
	ck_assert_uint_eq(f.len, 17);
	expect_end();
}
END_TEST

/* A length field of 65535 with only a header behind it. */
START_TEST(raw_huge_length)
{
	uint8_t in[64];
	size_t n = th_hex("ffffffffffffffffffffffffffffffff ffff 02", in,
	    sizeof(in));
	struct decode_frame f;

	decode_input_init(rd, in, n, false);
	f = expect_error("truncated message");
	ck_assert_uint_eq(f.length, 65535);
	expect_end();
}
END_TEST

/* ---- hex ---- */

START_TEST(hex_separators_and_comments)
{
	struct decode_frame f;

	start_hex("# capture of 2024-01-01\n"
	    "\n"
	    "   \t\n"
	    "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:00:13:04\n"
	    "  # indented comment\n"
	    "FFFF FFFF FFFF FFFF FFFF FFFF FFFF FFFF 0013 04\r\n"
	    "\tffffffffffffffffffffffffffffffff001304");
	ck_assert_int_eq(decode_input_next(rd, &f), 1);
	ck_assert_uint_eq(f.line, 4);
	ck_assert_uint_eq(f.index, 1);
	ck_assert_uint_eq(f.len, 19);
	ck_assert_int_eq(f.msg[18], 4);
	ck_assert_int_eq(decode_input_next(rd, &f), 1);
	ck_assert_uint_eq(f.line, 6);
	ck_assert_uint_eq(f.index, 2);
	ck_assert_int_eq(decode_input_next(rd, &f), 1);
	ck_assert_uint_eq(f.line, 7);
	ck_assert_uint_eq(f.index, 3);
	expect_end();
}
END_TEST

START_TEST(hex_bad_digit)
{
	struct decode_frame f;

	start_hex("ffffffffffffffffffffffffffffffff 00g3 04\n"
	    KEEPALIVE_HEX "\n");
	f = expect_error("invalid hex digit");
	ck_assert_uint_eq(f.line, 1);
	ck_assert_uint_eq(f.column, 36);
	expect_msg(1, 0, 19);
	expect_end();
}
END_TEST

START_TEST(hex_nul_byte)
{
	static const char in[] = "ff\0ff\n";
	struct decode_frame f;

	decode_input_init(rd, (const uint8_t *)in, sizeof(in) - 1, true);
	f = expect_error("invalid hex digit");
	ck_assert_uint_eq(f.column, 3);
	expect_end();
}
END_TEST

START_TEST(hex_odd_digits)
{
	struct decode_frame f;

	start_hex("ffffffffffffffffffffffffffffffff 0013 0\n");
	f = expect_error("odd number of hex digits");
	ck_assert_uint_eq(f.line, 1);
	expect_end();
}
END_TEST

START_TEST(hex_short_line)
{
	struct decode_frame f;

	start_hex("\nffff 0013 04\n");
	f = expect_error("message shorter than a header");
	ck_assert_uint_eq(f.line, 2);
	ck_assert_uint_eq(f.len, 5);
	expect_end();
}
END_TEST

START_TEST(hex_length_disagrees)
{
	struct decode_frame f;

	start_hex("ffffffffffffffffffffffffffffffff 0013 04 00\n"
	    "ffffffffffffffffffffffffffffffff 0014 04\n");
	f = expect_error("length field disagrees with line");
	ck_assert_uint_eq(f.length, 19);
	ck_assert_uint_eq(f.len, 20);
	f = expect_error("length field disagrees with line");
	ck_assert_uint_eq(f.line, 2);
	ck_assert_uint_eq(f.length, 20);
	ck_assert_uint_eq(f.len, 19);
	expect_end();
}
END_TEST

/* A line of n bytes: an UPDATE header with length field n, then zeros. */
static char *
hex_line_of(size_t n, size_t field, const char *sep)
{
	size_t step = 2 + strlen(sep), i;
	char *s = malloc(n * step + 1), *p;

	ck_assert_ptr_nonnull(s);
	for (p = s, i = 0; i < n; i++) {
		unsigned v = i < 16 ? 0xff : i == 16 ? (field >> 8) & 0xff :
		    i == 17 ? field & 0xff : i == 18 ? 2 : 0;

		p += sprintf(p, "%02x%s", v, sep);
	}
	*p = '\0';
	return s;
}

START_TEST(hex_longest_line)
{
	char *line = hex_line_of(BGP_EXT_MAX_LEN, BGP_EXT_MAX_LEN, " ");

	start_hex(line);
	expect_msg(1, 0, BGP_EXT_MAX_LEN);
	expect_end();
	free(line);
}
END_TEST

START_TEST(hex_too_long_line)
{
	char *line = hex_line_of(BGP_EXT_MAX_LEN + 1, 0, "");
	size_t n = strlen(line);
	char *in = malloc(n + 2 + sizeof(KEEPALIVE_HEX));
	struct decode_frame f;

	ck_assert_ptr_nonnull(in);
	sprintf(in, "%s\n%s", line, KEEPALIVE_HEX);
	start_hex(in);
	f = expect_error("line too long");
	ck_assert_uint_eq(f.line, 1);
	ck_assert_int_eq(decode_input_next(rd, &f), 1);
	ck_assert_ptr_null(f.error);
	ck_assert_uint_eq(f.line, 2);
	ck_assert_uint_eq(f.index, 1);
	expect_end();
	free(in);
	free(line);
}
END_TEST

START_TEST(hex_only_comments)
{
	start_hex("# nothing\n\n#\n");
	expect_end();
	start_hex("");
	expect_end();
}
END_TEST

/* ---- loading a stream ---- */

START_TEST(load_grows)
{
	FILE *fp = tmpfile();
	uint8_t *buf;
	size_t len, i, n = 200000;

	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < n; i++)
		fputc((int)(i % 251), fp);
	rewind(fp);
	ck_assert_int_eq(decode_input_load(fp, &buf, &len), 0);
	ck_assert_uint_eq(len, n);
	for (i = 0; i < n; i++)
		if ((size_t)buf[i] != i % 251)
			ck_abort_msg("byte %zu differs", i);
	free(buf);
	fclose(fp);
}
END_TEST

START_TEST(load_empty)
{
	FILE *fp = tmpfile();
	uint8_t *buf;
	size_t len;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(decode_input_load(fp, &buf, &len), 0);
	ck_assert_uint_eq(len, 0);
	free(buf);
	fclose(fp);
}
END_TEST

Suite *decode_input_suite(void)
{
	Suite *s = suite_create("decode_input");
	TCase *raw = tcase_create("raw");
	TCase *hex = tcase_create("hex");
	TCase *load = tcase_create("load");

	tcase_add_checked_fixture(raw, setup, teardown);
	tcase_add_test(raw, raw_back_to_back);
	tcase_add_test(raw, raw_empty);
	tcase_add_test(raw, raw_resync_garbage);
	tcase_add_test(raw, raw_resync_long_run);
	tcase_add_test(raw, raw_no_marker);
	tcase_add_test(raw, raw_bad_length);
	tcase_add_test(raw, raw_truncated_message);
	tcase_add_test(raw, raw_truncated_header);
	tcase_add_test(raw, raw_huge_length);
	suite_add_tcase(s, raw);

	tcase_add_checked_fixture(hex, setup, teardown);
	tcase_add_test(hex, hex_separators_and_comments);
	tcase_add_test(hex, hex_bad_digit);
	tcase_add_test(hex, hex_nul_byte);
	tcase_add_test(hex, hex_odd_digits);
	tcase_add_test(hex, hex_short_line);
	tcase_add_test(hex, hex_length_disagrees);
	tcase_add_test(hex, hex_longest_line);
	tcase_add_test(hex, hex_too_long_line);
	tcase_add_test(hex, hex_only_comments);
	suite_add_tcase(s, hex);

	tcase_add_test(load, load_grows);
	tcase_add_test(load, load_empty);
	suite_add_tcase(s, load);
	return s;
}
