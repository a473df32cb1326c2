/*
 * CHECK(cond): a property every fuzz target asserts; a failure names the
 * target (its file), the condition and the line, then traps so libFuzzer
 * keeps the input.
 */
#ifndef PEERING_FUZZ_CHECK_H
#define PEERING_FUZZ_CHECK_H

#include <stdio.h>

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s: check failed: %s (line %d)\n",	\
		    __FILE__, #c, __LINE__);				\
		__builtin_trap();					\
	}								\
} while (0)

#endif
