/*
 * The input reader of `peering decode`: whole input in memory in, framed
 * BGP messages (or one error per bad frame or line) out, one at a time.
 *
 * Raw input is a stream of messages framed by their headers; a bad header
 * is reported once and the reader resynchronises on the next marker. Hex
 * input holds one message per line. Nothing here does I/O but
 * decode_input_load(), so a fuzzer can drive the rest directly.
 */
#ifndef PEERING_CLI_DECODE_INPUT_H
#define PEERING_CLI_DECODE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../bgp/bgp.h"

/* One message, or one piece of input that could not be framed. */
struct decode_frame {
	const uint8_t	*msg;		/* whole message; NULL with error */
	size_t		 len;		/* message bytes, or bytes at hand */
	size_t		 index;		/* 1-based message number, 0: error */
	size_t		 line;		/* hex: 1-based line number */
	size_t		 offset;	/* raw: byte offset of the frame */
	const char	*error;		/* static text; NULL for a message */
	size_t		 column;	/* hex: bad character, 1-based; or 0 */
	size_t		 length;	/* header length field, 0 if unread */
	size_t		 skipped;	/* raw: bytes skipped to resync */
};

struct decode_input {
	const uint8_t	*in;
	size_t		 in_len;
	size_t		 pos;
	bool		 hex;
	size_t		 line;
	size_t		 index;
	uint8_t		 msg[BGP_EXT_MAX_LEN];	/* hex: the decoded line */
};

/* in must outlive the reader; raw frames point into it. */
void	decode_input_init(struct decode_input *r, const uint8_t *in,
	    size_t len, bool hex);
/*
 * 1: *f holds the next message or input error (frames of hex lines stay
 * valid until the next call); 0: end of input.
 */
int	decode_input_next(struct decode_input *r, struct decode_frame *f);

/* Reads a whole stream into a malloc'd buffer. 0, or -1 with errno. */
int	decode_input_load(FILE *fp, uint8_t **buf, size_t *len);

/* Does buf start with the gzip magic (RFC 1952)? */
bool	decode_input_gzipped(const uint8_t *buf, size_t len);
/* Replaces *buf (malloc'd) by its gzip members inflated (zlib). 0, or -1
 * with errno (EINVAL: not gzip, or cut short). */
int	decode_input_gunzip(uint8_t **buf, size_t *len);

#endif
