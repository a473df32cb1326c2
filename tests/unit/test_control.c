/* The control request parser: the daemon's only reader of socket bytes. */
#include <check.h>
#include <string.h>

#include "../../src/cli/control.h"

static int
parse(const char *text, char *buf, char **words)
{
	const char *why;
	size_t len = strlen(text);

	memcpy(buf, text, len + 1);
	return control_parse_request(buf, len, words, 4, &why);
}

START_TEST(test_control_words)
{
	char buf[64], *w[4];

	ck_assert_int_eq(parse("show protocols\n", buf, w), 2);
	ck_assert_str_eq(w[0], "show");
	ck_assert_str_eq(w[1], "protocols");
	ck_assert_int_eq(parse("  show\t\tprotocols  json \n", buf, w), 3);
	ck_assert_str_eq(w[2], "json");
}
END_TEST

START_TEST(test_control_rejects)
{
	char buf[64], *w[4];

	ck_assert_int_eq(parse("show protocols", buf, w), -1);	/* no \n */
	ck_assert_int_eq(parse("\n", buf, w), -1);
	ck_assert_int_eq(parse("   \n", buf, w), -1);
	ck_assert_int_eq(parse("a b c d e\n", buf, w), -1);	/* > 4 */
	ck_assert_int_eq(parse("show\x01 x\n", buf, w), -1);
	ck_assert_int_eq(parse("sh\xc3\xa9\n", buf, w), -1);
	ck_assert_int_eq(parse("a\nb\n", buf, w), -1);
}
END_TEST

Suite *
control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");

	tcase_add_test(tc, test_control_words);
	tcase_add_test(tc, test_control_rejects);
	suite_add_tcase(s, tc);
	return s;
}
