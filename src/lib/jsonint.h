/*
 * A whole number into a cJSON object, as its digits. cJSON keeps numbers
 * as doubles and prints one of 16 digits or more whose last digits are
 * zeros in exponent form: a microsecond time such as 1796632712123450
 * came out as 1.79663271212345e+15, about one time in ten (valid JSON,
 * but not what a script matching or reading integers expects).
 */
#ifndef PEERING_JSONINT_H
#define PEERING_JSONINT_H

#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

static inline cJSON *
json_add_int(cJSON *o, const char *name, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return cJSON_AddRawToObject(o, name, buf);
}

#endif
