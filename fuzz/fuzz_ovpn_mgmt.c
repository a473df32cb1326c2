/*
 * fuzz_ovpn_mgmt: arbitrary bytes as what an OpenVPN management socket
 * sent. Properties: no parser crashes or reads past the input (copied to
 * a buffer of exactly its size); lines are never longer than the limit;
 * an accepted reply took bytes that exist and parses the same from those
 * bytes alone; what it holds is in range and printable; an error is one
 * printable line.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "../src/vpn/ovpn_mgmt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static void
check_rc(int rc, size_t used, size_t size, const char *err)
{
	CHECK(rc == 0 || rc == -1 || rc == OVPN_MGMT_MORE);
	if (rc == 0)
		CHECK(used > 0 && used <= size);
	if (rc == -1)
		CHECK(err[0] != '\0' && printable(err));
}

static void
check_addr(const char *s, int af)
{
	struct prefix p;

	if (s[0] == '\0')
		return;
	CHECK(addr_parse(s, &p) == 0);
	CHECK(af == -1 || p.af == af);
}

static void
check_state(const struct ovpn_state *st)
{
	size_t i;

	CHECK(st->name[0] != '\0');
	for (i = 0; st->name[i] != '\0'; i++)
		CHECK((st->name[i] >= 'A' && st->name[i] <= 'Z') ||
		    st->name[i] == '_');
	CHECK(printable(st->desc));
	check_addr(st->local_v4, AF_IDX_IPV4);
	check_addr(st->local_v6, AF_IDX_IPV6);
	check_addr(st->remote, -1);
	check_addr(st->local_addr, -1);
	CHECK(st->remote_port >= -1 && st->remote_port <= 65535);
	CHECK(st->local_port >= -1 && st->local_port <= 65535);
}

static void
fuzz_lines(const char *buf, size_t size)
{
	struct rbuf b = rbuf_make(buf, size), l;

	while (ovpn_mgmt_line(&b, &l) == 0) {
		CHECK(l.len <= OVPN_MGMT_LINE_MAX);
		CHECK(l.p >= (const uint8_t *)buf &&
		    l.p + l.len <= (const uint8_t *)buf + size);
	}
}

static void
fuzz_state(const char *buf, size_t size)
{
	struct ovpn_state st, again;
	char err[256] = "";
	size_t used = 0, used2 = 0;
	int rc;

	rc = ovpn_mgmt_state_reply(buf, size, &st, &used, err, sizeof(err));
	check_rc(rc, used, size, err);
	if (rc != 0)
		return;
	check_state(&st);
	CHECK(ovpn_mgmt_state_reply(buf, used, &again, &used2, err,
	    sizeof(err)) == 0);
	CHECK(used2 == used && memcmp(&st, &again, sizeof(st)) == 0);
}

static void
fuzz_results(const char *buf, size_t size)
{
	char text[OVPN_MGMT_TEXT_MAX + 1], err[256] = "";
	size_t used = 0;
	pid_t pid = 0;
	int rc;

	rc = ovpn_mgmt_result_reply(buf, size, text, &used, err, sizeof(err));
	check_rc(rc, used, size, err);
	if (rc == 0)
		CHECK(strlen(text) <= OVPN_MGMT_TEXT_MAX && printable(text));
	rc = ovpn_mgmt_pid_reply(buf, size, &pid, &used, err, sizeof(err));
	check_rc(rc, used, size, err);
	if (rc == 0)
		CHECK(pid > 0);
}

/* As a connection reads them: a state reply, then whatever follows. */
static void
fuzz_sequence(const char *buf, size_t size)
{
	struct ovpn_state st;
	char err[256];
	size_t used;

	if (ovpn_mgmt_state_reply(buf, size, &st, &used, err,
	    sizeof(err)) == 0)
		fuzz_results(buf + used, size - used);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_input_copy(data, size);

	if (buf == NULL)
		return 0;
	fuzz_lines(buf, size);
	fuzz_state(buf, size);
	fuzz_results(buf, size);
	fuzz_sequence(buf, size);
	free(buf);
	return 0;
}
