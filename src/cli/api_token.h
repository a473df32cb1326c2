/*
 * The REST API's bearer token: certs/token.json, {"access": "<token>",
 * "refresh": ""}, as the old client kept it. Parsing is pure (and fuzzed);
 * reading refuses a file others may read.
 */
#ifndef PEERING_CLI_API_TOKEN_H
#define PEERING_CLI_API_TOKEN_H

#include <stddef.h>

#define API_TOKEN_FILE		"certs/token.json"
#define API_TOKEN_MAX		4096	/* characters of the token */
#define API_TOKEN_FILE_MAX	(64 * 1024)

/* The "access" token of len bytes of JSON into out (API_TOKEN_MAX + 1
 * bytes): printable ASCII without spaces, since it goes into an HTTP
 * header. Returns 0, or -1 with err. */
int	api_token_parse(const char *buf, size_t len, char *out, char *err,
	    size_t errlen);
/* Reads dir/certs/token.json: a regular file, not readable by group or
 * others (the chmod to run is in err), then api_token_parse. */
int	api_token_read(const char *dir, char *out, char *err, size_t errlen);

#endif
