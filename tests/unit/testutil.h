/* Helpers shared by the unit tests. */
#ifndef PEERING_TESTUTIL_H
#define PEERING_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "../../src/lib/hex.h"

/* Hex text ("ffff 00 13", spaces ignored) into buf; aborts the test on bad
 * text. Returns the byte count. */
static inline size_t
th_hex(const char *text, uint8_t *buf, size_t size)
{
	ssize_t n = hex_decode(text, buf, size);

	ck_assert_msg(n >= 0, "bad hex in test vector: %s", text);
	return (size_t)n;
}

#endif
