/*
 * The fuzz input as a heap copy of exactly its size, so that AddressSanitizer
 * catches a parser reading one byte past it (libFuzzer's own buffer may
 * have slack). malloc(0) may return NULL, so an empty input gets one byte.
 */
#ifndef PEERING_FUZZ_INPUT_H
#define PEERING_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline char *
fuzz_input_copy(const uint8_t *data, size_t size)
{
	char *buf = malloc(size > 0 ? size : 1);

	if (buf != NULL && size > 0)
		memcpy(buf, data, size);
	return buf;
}

#endif
