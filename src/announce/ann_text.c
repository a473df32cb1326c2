#include "ann_text.h"

#include <string.h>

int
ann_text_u32(const char *s, size_t len, uint32_t max, uint32_t *v)
{
	uint64_t n = 0;

	if (len == 0)
		return ANN_TEXT_SYNTAX;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return ANN_TEXT_SYNTAX;
	/* One spelling per number, so a request line is canonical. */
	if (len > 1 && s[0] == '0')
		return ANN_TEXT_SYNTAX;
	if (len > 10)
		return ANN_TEXT_RANGE;
	for (size_t i = 0; i < len; i++)
		n = n * 10 + (uint64_t)(s[i] - '0');
	if (n > max)
		return ANN_TEXT_RANGE;
	*v = (uint32_t)n;
	return ANN_TEXT_OK;
}

/* n numbers separated by sep, each at most max; a syntax error anywhere
 * wins over a number out of range. */
static int
text_numbers(const char *s, size_t len, char sep, uint32_t max,
    uint32_t *out, size_t n)
{
	int rc = ANN_TEXT_OK;
	size_t start = 0;

	for (size_t k = 0; k < n; k++) {
		const char *end = memchr(s + start, sep, len - start);
		size_t stop = end == NULL ? len : (size_t)(end - s);
		int r;

		if ((k + 1 < n) != (end != NULL))
			return ANN_TEXT_SYNTAX;
		r = ann_text_u32(s + start, stop - start, max, &out[k]);
		if (r == ANN_TEXT_SYNTAX)
			return r;
		if (r == ANN_TEXT_RANGE)
			rc = r;
		start = stop + 1;
	}
	return rc;
}

int
ann_text_community(const char *s, size_t len, char sep, uint32_t *c)
{
	uint32_t v[2];
	int rc = text_numbers(s, len, sep, 65535, v, 2);

	if (rc == ANN_TEXT_OK)
		*c = v[0] << 16 | v[1];
	return rc;
}

/* The separator a flag's value uses: ':' if it has one, else ','. */
static char
flag_sep(const char *s, size_t len)
{
	return memchr(s, ':', len) != NULL ? ':' : ',';
}

int
ann_text_community_flag(const char *s, size_t len, uint32_t *c)
{
	return ann_text_community(s, len, flag_sep(s, len), c);
}

int
ann_text_large(const char *s, size_t len, char sep, uint32_t out[3])
{
	uint32_t v[3];
	int rc = text_numbers(s, len, sep, UINT32_MAX, v, 3);

	if (rc == ANN_TEXT_OK)
		memcpy(out, v, sizeof(v));
	return rc;
}

int
ann_text_large_flag(const char *s, size_t len, uint32_t out[3])
{
	return ann_text_large(s, len, flag_sep(s, len), out);
}
