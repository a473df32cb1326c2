/* Parsing one control request line: the only outside bytes the control
 * server reads. */
#include "control.h"

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
