/*
 * HTTP for the PEERING REST API through libcurl: one request, its status
 * and body. TLS certificates are verified (libcurl's default, never
 * turned off); only http and https; no redirect followed (a 3xx is
 * reported as it is); bounded in time and in the size of the answer.
 */
#ifndef PEERING_CLI_API_HTTP_H
#define PEERING_CLI_API_HTTP_H

#include <stddef.h>

#define API_HTTP_TIMEOUT_S	60
#define API_HTTP_CONNECT_S	15
#define API_HTTP_BODY_MAX	(16 * 1024 * 1024)
#define API_URL_MAX		2048

struct api_reply {
	long	 status;	/* HTTP status; 0 when none came */
	char	*body;		/* NUL-terminated, malloc'd (may be "") */
	size_t	 len;
};

/* URL/api/ (one slash between them), into out; -1 if it does not fit or
 * URL is not http:// or https://. */
int	api_url(const char *base, char *out, size_t size);
/* method "GET" or "POST" (body JSON, else NULL) with Authorization:
 * Bearer token. Returns 0 when an answer came (any status), -1 with err
 * when none did. Free r->body with free(). */
int	api_http(const char *method, const char *url, const char *token,
	    const char *body, struct api_reply *r, char *err, size_t errlen);

#endif
