/*
 * badpeer: a BGP peer that misbehaves on purpose, for testing how the
 * daemon answers bad input. It listens on ADDR port 179, takes the
 * daemon's connection, plays one scenario and prints what the daemon
 * answered: "notification CODE/SUBCODE", "established" (the daemon kept
 * the session: it sent a KEEPALIVE after our bad input) or "timeout".
 *
 * usage: badpeer ADDR AS SCENARIO [SECONDS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../src/bgp/msg.h"
#include "../../src/lib/hex.h"

#define MARKER	"ffffffffffffffffffffffffffffffff"

struct scenario {
	const char	*name;
	bool		 good_open;	/* send a valid OPEN + KEEPALIVE first */
	const char	*hex;		/* then these bytes ("" for none) */
	const char	*what;
};

/* Each hex string is a whole message (or deliberately not one). */
static const struct scenario scenarios[] = {
	{ "garbage", false, "00112233445566778899aabbccddeeff001304",
	    "a header without the marker" },
	{ "bad-length", false, MARKER "ffff04",
	    "a KEEPALIVE claiming 65535 bytes" },
	{ "bad-type", false, MARKER "001309", "message type 9" },
	{ "hold-time-1", false,
	    MARKER "001d01" "04" "b7d9" "0001" "0a000001" "00",
	    "an OPEN with hold time 1" },
	{ "wrong-as", false,
	    MARKER "001d01" "04" "fde8" "005a" "0a000001" "00",
	    "an OPEN from AS 65000 where 47065 is configured" },
	{ "version-3", false,
	    MARKER "001d01" "03" "b7d9" "005a" "0a000001" "00",
	    "an OPEN of BGP version 3" },
	{ "no-family", false,
	    MARKER "002501" "04" "b7d9" "005a" "0a000001" "08"
	    "0206" "0104" "0002" "0080",
	    "an OPEN carrying only an unknown family" },
	{ "update-in-opensent", false, MARKER "001702" "00000000",
	    "an UPDATE before any OPEN" },
	{ "bad-nlri", true, MARKER "001c02" "0000" "0000" "21" "0a000001",
	    "an UPDATE with a /33 IPv4 prefix" },
	{ "unknown-well-known", true,
	    MARKER "001b02" "0000" "0004" "40630100",
	    "an UPDATE with an unrecognized well-known attribute" },
	{ "bad-communities", true,
	    MARKER "003702" "0000" "001c"
	    "40010100" "400206020100000d1c" "40030464418001" "c008050000000001"
	    "18b8a4e0",
	    "an UPDATE whose COMMUNITIES are 5 bytes (treat-as-withdraw)" },
	{ "unknown-transitive", true,
	    MARKER "003502" "0000" "001a"
	    "40010100" "400206020100000d1c" "40030464418001" "c06303010203"
	    "18b8a4e0",
	    "an UPDATE with an unknown optional transitive attribute" },
	{ "other-family", true,
	    MARKER "004102" "0000" "002a"
	    "40010100" "400206020100000d1c"
	    "800e1a" "0002" "01" "10" "20010db8000000000000000000000001" "00"
	    "2020010db8",
	    "an UPDATE with IPv6 routes (MP_REACH) on an IPv4-only session" },
	{ "shutdown-text", true,
	    MARKER "004303" "06022d" "6279650a323032362d30312d30312030303a3030"
	    "3a3030207761726e3a20666f72676564206c696e651b5b324a",
	    "a Cease whose shutdown communication holds a newline, a forged "
	    "log line and a terminal escape" },
	{ "truncated", true, MARKER "002802" "0000",
	    "an UPDATE cut short, then the connection closed" },
};

static int
listen_on(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(179);
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			return -1;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(179);
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			return -1;
		sl = sizeof(*s4);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 || listen(fd, 1) == -1)
		return -1;
	return fd;
}

static int
send_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_hex(int fd, const char *hex)
{
	uint8_t buf[BGP_MAX_LEN * 2];
	ssize_t n = hex_decode(hex, buf, sizeof(buf));

	return n < 0 ? -1 : send_all(fd, buf, (size_t)n);
}

static int
send_good_open(int fd, uint32_t as, bool v6)
{
	uint8_t buf[BGP_MAX_LEN];
	struct wbuf w;
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = as > 0xffff ? BGP_AS_TRANS : (uint16_t)as;
	o.hold_time = 90;
	o.bgp_id = 0x0a0000fe;
	o.caps.n_mp = 1;
	o.caps.mp[0] = (struct bgp_afi_safi){ v6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4,
	    BGP_SAFI_UNICAST, 0 };
	o.caps.as4 = true;
	o.caps.as4_number = as;
	wbuf_init(&w, buf, sizeof(buf));
	bgp_open_encode(&w, &o);
	bgp_keepalive_encode(&w);
	return w.overflow ? -1 : send_all(fd, buf, w.len);
}

/* Reads whole messages until one of interest or the deadline. Returns the
 * message type (NOTIFICATION with code/subcode filled), 0 on timeout or
 * close. skip_keepalives counts KEEPALIVEs to pass over first. */
static int
read_answer(int fd, time_t deadline, int skip_keepalives, uint8_t *code,
    uint8_t *subcode)
{
	static uint8_t buf[2 * BGP_EXT_MAX_LEN];
	static size_t len;

	for (;;) {
		while (len >= BGP_HEADER_LEN) {
			size_t mlen = load_u16(buf + 16);
			uint8_t type = buf[18];

			if (mlen < BGP_HEADER_LEN || mlen > sizeof(buf))
				return 0;
			if (len < mlen)
				break;
			if (type == BGP_NOTIFICATION && mlen >= 21) {
				*code = buf[19];
				*subcode = buf[20];
			}
			memmove(buf, buf + mlen, len - mlen);
			len -= mlen;
			if (type == BGP_NOTIFICATION)
				return type;
			if (type == BGP_KEEPALIVE && skip_keepalives-- <= 0)
				return type;
		}
		struct pollfd pfd = { fd, POLLIN, 0 };
		int left = (int)(deadline - time(NULL));
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, left * 1000) <= 0)
			return 0;
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n <= 0)
			return 0;
		len += (size_t)n;
	}
}

int
main(int argc, char **argv)
{
	const struct scenario *sc = NULL;
	uint8_t code = 0, subcode = 0;
	int lfd, fd, secs, type;
	time_t deadline;
	uint32_t as;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: badpeer ADDR AS SCENARIO [SECONDS]\n"
		    "scenarios:\n");
		for (size_t i = 0; i < sizeof(scenarios) / sizeof(*scenarios);
		    i++)
			fprintf(stderr, "  %-20s %s\n", scenarios[i].name,
			    scenarios[i].what);
		return 2;
	}
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(*scenarios); i++)
		if (strcmp(scenarios[i].name, argv[3]) == 0)
			sc = &scenarios[i];
	as = (uint32_t)strtoul(argv[2], NULL, 10);
	secs = argc == 5 ? atoi(argv[4]) : 20;
	if (sc == NULL || (lfd = listen_on(argv[1])) < 0) {
		fprintf(stderr, "badpeer: bad scenario or cannot listen: %s\n",
		    strerror(errno));
		return 2;
	}
	deadline = time(NULL) + secs;
	{
		struct pollfd pfd = { lfd, POLLIN, 0 };

		if (poll(&pfd, 1, secs * 1000) <= 0 ||
		    (fd = accept(lfd, NULL, NULL)) < 0) {
			printf("timeout\n");
			return 1;
		}
	}
	/* The daemon speaks first: its OPEN. */
	if (sc->good_open) {
		if (send_good_open(fd, as, strchr(argv[1], ':') != NULL) == -1)
			return 1;
		/* Its KEEPALIVE answers our OPEN: the session is up. */
		if (read_answer(fd, deadline, 0, &code, &subcode) !=
		    BGP_KEEPALIVE) {
			printf("no session\n");
			return 1;
		}
	}
	if (send_hex(fd, sc->hex) == -1)
		return 1;
	if (strcmp(sc->name, "truncated") == 0)
		shutdown(fd, SHUT_WR);
	type = read_answer(fd, deadline, 0, &code, &subcode);
	if (type == BGP_NOTIFICATION)
		printf("notification %u/%u\n", code, subcode);
	else if (type == BGP_KEEPALIVE)
		printf("established\n");
	else
		printf("timeout\n");
	close(fd);
	close(lfd);
	return 0;
}
