/* Parsing one control request line, words or JSON: the only outside
 * bytes the control server reads. */
#include "control.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <string.h>

int
control_parse_request(char *buf, size_t len, char **words, int max,
    const char **why)
{
	int n = 0;
	size_t i = 0;

	if (len == 0 || buf[len - 1] != '\n') {
		*why = "request is not one line";
		return -1;
	}
	buf[len - 1] = '\0';
	for (size_t k = 0; k + 1 < len; k++) {
		unsigned char c = (unsigned char)buf[k];

		if (c == '\t')
			buf[k] = ' ';
		else if (c < 0x20 || c > 0x7e) {
			*why = "request has a non-printable byte";
			return -1;
		}
	}
	while (i + 1 < len) {
		while (buf[i] == ' ')
			buf[i++] = '\0';
		if (buf[i] == '\0')
			break;
		if (n == max) {
			*why = "too many words";
			return -1;
		}
		words[n++] = buf + i;
		while (buf[i] != ' ' && buf[i] != '\0')
			i++;
	}
	if (n == 0) {
		*why = "empty request";
		return -1;
	}
	return n;
}

/* A word of the JSON form: what a words request could hold. */
static bool
word_ok(const char *w)
{
	if (*w == '\0')
		return false;
	for (; *w != '\0'; w++)
		if ((unsigned char)*w <= 0x20 || (unsigned char)*w > 0x7e)
			return false;
	return true;
}

static int
json_word(struct ctl_request *rq, size_t *used, const char *w,
    const char **why)
{
	size_t n = strlen(w) + 1;

	if (!word_ok(w)) {
		*why = "a command word is empty, or has a space or a "
		    "non-printable byte";
		return -1;
	}
	if (rq->argc == CONTROL_MAX_WORDS) {
		*why = "too many words";
		return -1;
	}
	if (n > sizeof(rq->store) - *used) {	/* cannot: words < line */
		*why = "request too long";
		return -1;
	}
	memcpy(rq->store + *used, w, n);
	rq->argv[rq->argc++] = rq->store + *used;
	*used += n;
	return 0;
}

/* {"command": [...] | "...", "json": bool, "version": N} */
/* The "version" field: a whole number from 1, at most ours. */
static int
json_version(const cJSON *it, enum ctl_code *code, const char **why)
{
	double v = cJSON_IsNumber(it) ? it->valuedouble : 0;

	/* Bounded before the cast: no overflow. */
	if (!(v >= 1 && v <= 1e6) || v != (double)(long)v) {
		*why = "\"version\" is not a whole number from 1";
		return -1;
	}
	if (v > CONTROL_PROTOCOL_VERSION) {
		*code = CTL_E_VERSION;
		*why = "this daemon speaks version 1 of the control protocol";
		return -1;
	}
	return 0;
}

/* The object's fields: "command" into *cmd, "json" into rq, "version"
 * checked; anything else refused. */
static int
json_fields(const cJSON *root, struct ctl_request *rq, const cJSON **cmd,
    enum ctl_code *code, const char **why)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, root) {
		if (strcmp(it->string, "command") == 0)
			*cmd = it;
		else if (strcmp(it->string, "json") == 0) {
			if (!cJSON_IsBool(it)) {
				*why = "\"json\" is not true or false";
				return -1;
			}
			rq->json = cJSON_IsTrue(it);
		} else if (strcmp(it->string, "version") == 0) {
			if (json_version(it, code, why) == -1)
				return -1;
		} else {
			*why = "unknown field (command, json, version)";
			return -1;
		}
	}
	return 0;
}

/* "command": a string split at blanks, or an array of strings. */
static int
json_command(const cJSON *cmd, struct ctl_request *rq, size_t *used,
    const char **why)
{
	const cJSON *it;

	if (cJSON_IsString(cmd)) {
		char *save = NULL;
		char *w = strtok_r(cmd->valuestring, " \t", &save);

		for (; w != NULL; w = strtok_r(NULL, " \t", &save))
			if (json_word(rq, used, w, why) == -1)
				return -1;
		return 0;
	}
	if (!cJSON_IsArray(cmd)) {
		*why = "no \"command\" (an array of words, or a string)";
		return -1;
	}
	cJSON_ArrayForEach(it, cmd) {
		if (!cJSON_IsString(it)) {
			*why = "\"command\" has a word that is not a string";
			return -1;
		}
		if (json_word(rq, used, it->valuestring, why) == -1)
			return -1;
	}
	return 0;
}

static int
json_request(const char *buf, size_t len, struct ctl_request *rq,
    enum ctl_code *code, const char **why)
{
	cJSON *root = cJSON_ParseWithLength(buf, len);
	const cJSON *cmd = NULL;
	size_t used = 0;
	int rc = -1;

	*code = CTL_E_BAD_REQUEST;
	rq->json = true;
	if (root == NULL || !cJSON_IsObject(root)) {
		*why = "not a JSON object";
		goto out;
	}
	if (json_fields(root, rq, &cmd, code, why) == -1 ||
	    json_command(cmd, rq, &used, why) == -1)
		goto out;
	if (rq->argc == 0) {
		*why = "empty request";
		goto out;
	}
	/* A JSON request asks for a JSON reply unless "json" said no. */
	if (rq->json && strcmp(rq->argv[rq->argc - 1], "json") != 0 &&
	    json_word(rq, &used, "json", why) == -1)
		goto out;
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

int
ctl_request_parse(char *buf, size_t len, struct ctl_request *rq,
    enum ctl_code *code, const char **why)
{
	size_t i = 0;
	int n;

	memset(rq, 0, offsetof(struct ctl_request, store));
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	if (i < len && buf[i] == '{') {
		if (buf[len - 1] != '\n' || memchr(buf, '\n', len) !=
		    buf + len - 1) {
			*code = CTL_E_BAD_REQUEST;
			*why = "request is not one line";
			return -1;
		}
		rq->json_form = true;
		return json_request(buf, len - 1, rq, code, why);
	}
	n = control_parse_request(buf, len, rq->argv, CONTROL_MAX_WORDS, why);
	if (n < 0) {
		*code = CTL_E_BAD_REQUEST;
		return -1;
	}
	rq->argc = n;
	for (int k = 0; k < n; k++)
		rq->json |= strcmp(rq->argv[k], "json") == 0;
	return 0;
}
