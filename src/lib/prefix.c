#include "prefix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
prefix_mask(struct prefix *p)
{
	unsigned bytes = af_addr_bytes(p->af);
	unsigned full = p->len / 8, rest = p->len % 8;

	if (full < bytes && rest) {
		p->addr[full] &= (uint8_t)(0xff << (8 - rest));
		full++;
	}
	if (full < sizeof(p->addr))
		memset(p->addr + full, 0, sizeof(p->addr) - full);
}

bool
prefix_equal(const struct prefix *a, const struct prefix *b)
{
	return a->af == b->af && a->len == b->len &&
	    memcmp(a->addr, b->addr, af_addr_bytes(a->af)) == 0;
}

int
addr_parse(const char *s, struct prefix *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, out->addr) != 1)
			return -1;
		out->af = AF_IDX_IPV6;
		out->len = 128;
	} else {
		if (inet_pton(AF_INET, s, out->addr) != 1)
			return -1;
		out->af = AF_IDX_IPV4;
		out->len = 32;
	}
	return 0;
}

int
prefix_parse(const char *s, bool strict, struct prefix *out)
{
	char addr[ADDR_STRLEN], *end;
	const char *slash = strchr(s, '/');
	size_t alen;
	long len;
	struct prefix masked;

	if (slash == NULL)
		return -1;
	alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (addr_parse(addr, out) == -1)
		return -1;
	/* Only plain decimal digits: no sign, no spaces, no hex. */
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || len < 0 ||
	    len > (long)af_max_bits(out->af))
		return -1;
	out->len = (uint8_t)len;
	masked = *out;
	prefix_mask(&masked);
	if (strict && memcmp(masked.addr, out->addr, sizeof(out->addr)) != 0)
		return -1;
	*out = masked;
	return 0;
}

char *
addr_format(unsigned af, const uint8_t *addr, char *buf, size_t size)
{
	if (inet_ntop(af == AF_IDX_IPV4 ? AF_INET : AF_INET6, addr, buf,
	    (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
	return buf;
}

char *
prefix_format(const struct prefix *p, char *buf, size_t size)
{
	char a[ADDR_STRLEN];

	addr_format(p->af, p->addr, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, p->len);
	return buf;
}
