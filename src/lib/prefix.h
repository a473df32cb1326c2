/*
 * prefix: an IPv4 or IPv6 prefix, the one address type used everywhere.
 * Bits past `len` are always zero, so two equal prefixes compare equal with
 * memcmp over the whole struct.
 */
#ifndef PEERING_PREFIX_H
#define PEERING_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum afi_index {
	AF_IDX_IPV4 = 0,
	AF_IDX_IPV6 = 1,
	AF_IDX_COUNT
};

struct prefix {
	uint8_t	af;		/* enum afi_index */
	uint8_t	len;		/* prefix length in bits */
	uint8_t	addr[16];	/* network byte order; IPv4 uses 4 bytes */
};

/* Longest text forms, with the terminating NUL. */
#define PREFIX_STRLEN	(46 + 4)
#define ADDR_STRLEN	46

static inline unsigned
af_max_bits(unsigned af)
{
	return af == AF_IDX_IPV4 ? 32 : 128;
}

static inline unsigned
af_addr_bytes(unsigned af)
{
	return af == AF_IDX_IPV4 ? 4 : 16;
}

/* Zero the bits past len (and all bytes past the family's width). */
void	prefix_mask(struct prefix *p);
bool	prefix_equal(const struct prefix *a, const struct prefix *b);

/* "184.164.224.0/24", "2804:269c::/42". Returns -1 on anything else.
 * With strict, bits set past the length are an error instead of masked. */
int	prefix_parse(const char *s, bool strict, struct prefix *out);
/* "100.65.128.1" or "2804:269c:ff00:1:1::1" into a /32 or /128. */
int	addr_parse(const char *s, struct prefix *out);

/* Text forms; buf must hold PREFIX_STRLEN / ADDR_STRLEN bytes. */
char	*prefix_format(const struct prefix *p, char *buf, size_t size);
char	*addr_format(unsigned af, const uint8_t *addr, char *buf, size_t size);

#endif
