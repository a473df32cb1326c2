/*
 * `peering decode` of MRT files (RFC 6396, RFC 8050): one JSON object per
 * record, or (lines) one line per route in the form `bgpdump -m` prints,
 * so the two can be compared. docs/decode.md lists every field.
 */
#ifndef PEERING_CLI_DECODE_MRT_H
#define PEERING_CLI_DECODE_MRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Does the input look like MRT (a known type in the first header, and not
 * a BGP marker)? */
bool	decode_mrt_detect(const uint8_t *buf, size_t len);

struct decode_mrt;

/* The reader's room (scratch space for the codec: a few hundred KB);
 * NULL when memory runs out. One may read many inputs. */
struct decode_mrt *decode_mrt_new(void);
void	decode_mrt_free(struct decode_mrt *d);
/*
 * Every record of buf, printed to out. 0: every record read; 1: the
 * input ended inside a record, or out could not be written (after
 * everything else was printed).
 */
int	decode_mrt_run(struct decode_mrt *d, const uint8_t *buf, size_t len,
	    bool lines, FILE *out);

#endif
