/*
 * The text forms of announcement values, shared by the control request
 * (announce.c), `peering prefix` (cmd_prefix.c) and anything else that
 * reads them: plain decimal numbers (no sign, no leading zero, no space,
 * as in the daemon's config), communities "A:B" and large communities
 * "A:B:C", with the separator chosen by the caller ("," on the command
 * line, ":" in the control request). Lengths are explicit so values can
 * be read out of a comma-separated list without copying.
 */
#ifndef PEERING_ANN_TEXT_H
#define PEERING_ANN_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define ANN_TEXT_OK	0
#define ANN_TEXT_SYNTAX	(-1)	/* not numbers and separators */
#define ANN_TEXT_RANGE	(-2)	/* numbers, but one is too large */

/* A number of 1..10 digits that fits max. */
int	ann_text_u32(const char *s, size_t len, uint32_t max, uint32_t *v);
/* Two 16-bit numbers: *c = a << 16 | b. */
int	ann_text_community(const char *s, size_t len, char sep, uint32_t *c);
/* `peering prefix -c`: "A,B" as the old client took it, or "A:B"; the
 * first ':' picks the colon form, so "1,2:3" is a syntax error. */
int	ann_text_community_flag(const char *s, size_t len, uint32_t *c);
/* Three 32-bit numbers. */
int	ann_text_large(const char *s, size_t len, char sep, uint32_t out[3]);
/* `peering prefix -l`: "A,B,C" as the old client took it, or "A:B:C";
 * the first ':' picks the colon form, so "1,2:3" is a syntax error. */
int	ann_text_large_flag(const char *s, size_t len, uint32_t out[3]);

#endif
