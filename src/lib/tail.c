#include "tail.h"

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAIL_CHUNK	4096

int
tail_offset(int fd, unsigned n, off_t *off)
{
	char buf[TAIL_CHUNK];
	struct stat st;
	off_t end, pos;
	bool final = true;	/* the file's last byte ends no line */
	ssize_t r, i;

	if (fstat(fd, &st) == -1)
		return -1;
	*off = n == 0 ? st.st_size : 0;
	for (end = st.st_size; end > 0 && n > 0; end = pos) {
		pos = end > TAIL_CHUNK ? end - TAIL_CHUNK : 0;
		if ((r = pread(fd, buf, (size_t)(end - pos), pos)) == -1)
			return -1;
		/* The file shrank under us (a restart truncates the log):
		 * show it from the start. */
		if (r != end - pos)
			return 0;
		for (i = r - 1; i >= 0; i--) {
			if (buf[i] == '\n' && !final && --n == 0) {
				*off = pos + i + 1;
				return 0;
			}
			final = false;
		}
	}
	return 0;
}

int
tail_copy(int fd, off_t off, FILE *out, const char *indent)
{
	char buf[TAIL_CHUNK];
	bool bol = true;	/* at the beginning of a line */
	ssize_t r, i;

	while ((r = pread(fd, buf, sizeof(buf), off)) > 0) {
		off += r;
		for (i = 0; i < r; i++) {
			if (bol)
				fputs(indent, out);
			putc(buf[i], out);
			bol = buf[i] == '\n';
		}
	}
	if (!bol)
		putc('\n', out);
	return r == -1 ? -1 : 0;
}
