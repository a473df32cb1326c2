#include "api_http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/errmsg.h"

int
api_url(const char *base, char *out, size_t size)
{
	size_t n = strlen(base);
	int k;

	if (strncmp(base, "http://", 7) != 0 &&
	    strncmp(base, "https://", 8) != 0)
		return -1;
	while (n > 0 && base[n - 1] == '/')
		n--;
	k = snprintf(out, size, "%.*s/api/", (int)n, base);
	return k < 0 || (size_t)k >= size ? -1 : 0;
}

struct body_acc {
	struct api_reply	*r;
	size_t			 cap;
	int			 too_big;
};

static size_t
body_write(char *p, size_t size, size_t n, void *ctx)
{
	struct body_acc *a = ctx;
	size_t len = size * n;
	char *nb;

	if (a->r->len + len > API_HTTP_BODY_MAX) {
		a->too_big = 1;
		return 0;	/* libcurl stops with a write error */
	}
	if (a->r->len + len + 1 > a->cap) {
		size_t cap = (a->r->len + len + 1) * 2;

		if ((nb = realloc(a->r->body, cap)) == NULL)
			return 0;
		a->r->body = nb;
		a->cap = cap;
	}
	memcpy(a->r->body + a->r->len, p, len);
	a->r->len += len;
	a->r->body[a->r->len] = '\0';
	return len;
}

int
api_http(const char *method, const char *url, const char *token,
    const char *body, struct api_reply *r, char *err, size_t errlen)
{
	char auth[64 + 4096], cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = NULL;
	struct body_acc acc = { r, 0, 0 };
	CURLcode rc;
	CURL *c;

	memset(r, 0, sizeof(*r));
	if ((r->body = calloc(1, 1)) == NULL)
		return errmsg_fail(err, errlen, "out of memory");
	acc.cap = 1;
	if ((c = curl_easy_init()) == NULL) {
		free(r->body);
		r->body = NULL;
		return errmsg_fail(err, errlen, "libcurl: cannot start");
	}
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, "Accept: application/json");
	if (body != NULL)
		h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "peering-client");
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)API_HTTP_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)API_HTTP_CONNECT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &acc);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (rc == CURLE_OK)
		return 0;
	if (acc.too_big)
		errmsg_set(err, errlen, "%s: the answer is larger than %u "
		    "bytes", url, (unsigned)API_HTTP_BODY_MAX);
	else
		errmsg_set(err, errlen, "%s: %s", url, cerr[0] ? cerr :
		    curl_easy_strerror(rc));
	free(r->body);
	r->body = NULL;
	return -1;
}
