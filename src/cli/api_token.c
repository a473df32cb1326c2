#include "api_token.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/errmsg.h"
#include "../lib/readfile.h"

int
api_token_parse(const char *buf, size_t len, char *out, char *err,
    size_t errlen)
{
	const cJSON *access;
	cJSON *root;
	char *copy;
	size_t n;
	int rc = -1;

	if (len > API_TOKEN_FILE_MAX)
		return errmsg_fail(err, errlen, "larger than %u bytes",
		    (unsigned)API_TOKEN_FILE_MAX);
	if ((copy = malloc(len + 1)) == NULL)
		return errmsg_fail(err, errlen, "out of memory");
	memcpy(copy, buf, len);
	copy[len] = '\0';
	root = cJSON_ParseWithLength(copy, len);
	free(copy);
	access = cJSON_GetObjectItemCaseSensitive(root, "access");
	if (!cJSON_IsObject(root))
		errmsg_set(err, errlen, "not a JSON object like "
		    "{\"access\": \"TOKEN\", \"refresh\": \"\"}");
	else if (!cJSON_IsString(access) || access->valuestring[0] == '\0')
		errmsg_set(err, errlen, "no \"access\" token (a non-empty "
		    "string)");
	else if ((n = strlen(access->valuestring)) > API_TOKEN_MAX)
		errmsg_set(err, errlen, "the access token is longer than %u "
		    "characters", (unsigned)API_TOKEN_MAX);
	else if (strspn(access->valuestring, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-._~+/=!#$%&'*^`|") != n)
		errmsg_set(err, errlen, "the access token holds a character "
		    "a bearer token cannot (a space, a control character or "
		    "non-ASCII)");
	else {
		memcpy(out, access->valuestring, n + 1);
		rc = 0;
	}
	cJSON_Delete(root);
	return rc;
}

int
api_token_read(const char *dir, char *out, char *err, size_t errlen)
{
	char path[4096], why[256];
	struct stat st;
	char *buf;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, API_TOKEN_FILE);
	if (stat(path, &st) == -1)
		return errmsg_fail(err, errlen, "%s: %s (the REST API token: "
		    "{\"access\": \"TOKEN\", \"refresh\": \"\"})", path,
		    strerror(errno));
	if (S_ISREG(st.st_mode) && (st.st_mode & 077) != 0)
		return errmsg_fail(err, errlen, "%s is readable by %s: refused "
		    "(run: chmod 600 %s)", path, st.st_mode & 007 ? "others" :
		    "its group", path);
	if (readfile(path, API_TOKEN_FILE_MAX, &buf, &len) == -1)
		return errmsg_fail(err, errlen, "%s: %s", path,
		    readfile_strerror(errno));
	rc = api_token_parse(buf, len, out, why, sizeof(why));
	free(buf);
	if (rc == -1)
		errmsg_set(err, errlen, "%s: %s", path, why);
	return rc;
}
