#include "hex.h"

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t
hex_decode(const char *text, uint8_t *out, size_t size)
{
	size_t n = 0;
	int hi = -1;

	for (; *text != '\0'; text++) {
		int d;

		if (*text == ' ' || *text == '\t' || *text == ':' ||
		    *text == '\n' || *text == '\r')
			continue;
		if ((d = hex_digit(*text)) < 0)
			return -1;
		if (hi < 0) {
			hi = d;
			continue;
		}
		if (n == size)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | d);
		hi = -1;
	}
	return hi < 0 ? (ssize_t)n : -1;
}

char *
hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
	return out;
}
