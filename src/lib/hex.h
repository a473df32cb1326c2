/* Hex text to bytes and back, for tools, logs and tests. */
#ifndef PEERING_HEX_H
#define PEERING_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The value of one hex digit, or -1. */
int	hex_digit(int c);
/* Decodes hex digits, skipping white space and ':' separators. Returns the
 * byte count, or -1 on a bad character, an odd digit count or no room. */
ssize_t	hex_decode(const char *text, uint8_t *out, size_t size);
/* Lowercase hex, no separators; out needs 2 * len + 1 bytes. */
char	*hex_encode(const uint8_t *in, size_t len, char *out);

#endif
