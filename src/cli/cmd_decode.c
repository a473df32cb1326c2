/*
 * `peering decode`: BGP messages from a file or stdin, one JSON object per
 * message on stdout. The reader frames, the codec judges, decode_json
 * names; this file only ties them together.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "decode_input.h"
#include "decode_json.h"
#include "decode_mrt.h"

struct decode_args {
	bool		 hex;
	bool		 as4;
	bool		 addpath;
	bool		 ext;
	bool		 mrt;
	bool		 lines;
	bool		 help;
	const char	*file;		/* NULL: stdin */
};

static void
decode_usage(FILE *f)
{
	fprintf(f, "usage: peering decode [--hex] [--as4] [--addpath] [--ext] "
	    "[FILE|-]\n"
	    "       peering decode [--mrt] [-m|--lines] [FILE|-]\n"
	    "  --hex      one message per line as hex text (default: raw "
	    "bytes)\n"
	    "  --as4      the session negotiated 4-octet AS numbers\n"
	    "  --addpath  ADD-PATH path ids in IPv4 and IPv6 NLRI\n"
	    "  --ext      extended messages, up to 65535 bytes (RFC 8654)\n"
	    "  --mrt      the input is an MRT file (RFC 6396: TABLE_DUMP_V2, "
	    "BGP4MP,\n"
	    "             BGP4MP_ET); found by itself when it starts with an "
	    "MRT header\n"
	    "  -m, --lines  MRT: one line per route as `bgpdump -m` prints "
	    "it\n"
	    "A gzip file (RIS, RouteViews) is inflated first.\n");
}

static int
decode_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "peering decode: %s: %s\n", what, arg);
	decode_usage(stderr);
	return EXIT_USAGE;
}

static bool *
decode_flag(struct decode_args *a, const char *arg)
{
	if (strcmp(arg, "--hex") == 0)
		return &a->hex;
	if (strcmp(arg, "--as4") == 0)
		return &a->as4;
	if (strcmp(arg, "--addpath") == 0)
		return &a->addpath;
	if (strcmp(arg, "--ext") == 0)
		return &a->ext;
	if (strcmp(arg, "--mrt") == 0)
		return &a->mrt;
	if (strcmp(arg, "--lines") == 0 || strcmp(arg, "-m") == 0)
		return &a->lines;
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
		return &a->help;
	return NULL;
}

/* 0, or the exit status of a usage error (already reported). */
static int
decode_parse_args(int argc, char **argv, struct decode_args *a)
{
	bool *flag, options = true;
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (options && strcmp(argv[i], "--") == 0) {
			options = false;
			continue;
		}
		if (options && argv[i][0] == '-' && argv[i][1] != '\0') {
			if ((flag = decode_flag(a, argv[i])) == NULL)
				return decode_usage_error("unknown option",
				    argv[i]);
			*flag = true;
			continue;
		}
		if (a->file != NULL)
			return decode_usage_error("more than one input",
			    argv[i]);
		a->file = argv[i];
	}
	if (a->file != NULL && strcmp(a->file, "-") == 0)
		a->file = NULL;
	return 0;
}

/* The whole input in memory; -1 after saying why not. */
static int
decode_load(const char *file, uint8_t **buf, size_t *len)
{
	FILE *fp = stdin;
	int rc;

	if (file != NULL && (fp = fopen(file, "rb")) == NULL) {
		fprintf(stderr, "peering decode: %s: %s\n", file,
		    strerror(errno));
		return -1;
	}
	if ((rc = decode_input_load(fp, buf, len)) == -1)
		fprintf(stderr, "peering decode: %s: %s\n",
		    file != NULL ? file : "stdin", strerror(errno));
	if (fp != stdin)
		fclose(fp);
	return rc;
}

static int
decode_print(cJSON *obj)
{
	char *s;
	int rc;

	if (obj == NULL || (s = cJSON_PrintUnformatted(obj)) == NULL) {
		cJSON_Delete(obj);
		fprintf(stderr, "peering decode: out of memory\n");
		return -1;
	}
	/* A reader gone (`| head`): stop; `peering` ignores SIGPIPE. */
	rc = puts(s) == EOF ? -1 : 0;
	cJSON_free(s);
	cJSON_Delete(obj);
	return rc;
}

/* Every frame of the input, printed. 0: all framed, 1: some input bad. */
static int
decode_run(const uint8_t *buf, size_t len, const struct decode_args *a)
{
	struct decode_input *r;
	struct bgp_scratch *scratch;
	struct bgp_codec_opts opts;
	struct decode_frame f;
	int status = 0;

	r = malloc(sizeof(*r));
	scratch = malloc(sizeof(*scratch));
	if (r == NULL || scratch == NULL) {
		fprintf(stderr, "peering decode: out of memory\n");
		status = 1;
		goto done;
	}
	decode_json_opts(&opts, a->as4, a->addpath, a->ext);
	decode_input_init(r, buf, len, a->hex);
	while (decode_input_next(r, &f) == 1) {
		if (f.error != NULL)
			status = 1;
		if (decode_print(decode_json_frame(&f, &opts, scratch)) == -1) {
			status = 1;
			break;
		}
	}
 done:
	free(scratch);
	free(r);
	return status;
}

int
cmd_decode(int argc, char **argv)
{
	struct decode_args a;
	uint8_t *buf;
	size_t len;
	int status;

	if ((status = decode_parse_args(argc, argv, &a)) != 0)
		return status;
	if (a.help) {
		decode_usage(stdout);
		return 0;
	}
	if (decode_load(a.file, &buf, &len) == -1)
		return 1;
	if (decode_input_gzipped(buf, len) &&
	    decode_input_gunzip(&buf, &len) == -1) {
		fprintf(stderr, "peering decode: %s: gzip: %s\n",
		    a.file != NULL ? a.file : "stdin", errno == EINVAL ?
		    "corrupt or cut short" : strerror(errno));
		free(buf);
		return 1;
	}
	if (!a.hex && (a.mrt || a.lines || decode_mrt_detect(buf, len))) {
		struct decode_mrt *d = decode_mrt_new();

		if (d == NULL) {
			fprintf(stderr, "peering decode: out of memory\n");
			status = 1;
		} else
			status = decode_mrt_run(d, buf, len, a.lines, stdout);
		decode_mrt_free(d);
	} else
		status = decode_run(buf, len, &a);
	free(buf);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno != EPIPE)	/* a reader that left knows */
			fprintf(stderr, "peering decode: stdout: %s\n",
			    strerror(errno));
		return 1;
	}
	return status;
}
