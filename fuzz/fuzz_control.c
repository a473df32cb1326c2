/* libFuzzer: the control socket's request parser over arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/cli/control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[CONTROL_MAX_WORDS];
	const char *why;
	char *buf;
	int n;

	if (size > CONTROL_MAX_REQUEST)
		return 0;
	/* Exactly size bytes, so a read past the end is caught. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	n = control_parse_request(buf, size, words, CONTROL_MAX_WORDS, &why);
	for (int i = 0; i < n; i++) {
		/* Every word is inside the buffer, non-empty, printable. */
		if (words[i] < buf || words[i] >= buf + size ||
		    words[i][0] == '\0' || strchr(words[i], ' ') != NULL)
			__builtin_trap();
	}
	free(buf);
	return 0;
}
