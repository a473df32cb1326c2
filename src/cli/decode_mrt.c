/*
 * `peering decode` of MRT files: the walk over records and one JSON object
 * per record. Message and attribute objects are decode_json's, so a BGP4MP
 * message looks exactly as the same message given raw.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../lib/hex.h"
#include "decode_json.h"
#include "decode_mrt_int.h"

bool
decode_mrt_detect(const uint8_t *buf, size_t len)
{
	uint16_t type;

	if (len < MRT_HEADER_LEN)
		return false;
	/* A BGP stream starts with its marker: all ones. */
	if (load_u32(buf) == 0xffffffffu)
		return false;
	type = load_u16(buf + 4);
	return type == MRT_TABLE_DUMP_V2 || type == MRT_BGP4MP ||
	    type == MRT_BGP4MP_ET || type == MRT_TABLE_DUMP;
}

static cJSON *
json_record_start(struct decode_mrt *d, const struct mrt_header *h,
    size_t offset)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "index", (double)d->index);
	cJSON_AddNumberToObject(o, "offset", (double)offset);
	cJSON_AddNumberToObject(o, "time", h->time);
	if (mrt_type_et(h->type))
		cJSON_AddNumberToObject(o, "usec", h->usec);
	cJSON_AddStringToObject(o, "type", mrt_type_name(h->type));
	cJSON_AddStringToObject(o, "subtype", mrt_subtype_name(h->type,
	    h->subtype));
	cJSON_AddNumberToObject(o, "subtype_code", h->subtype);
	cJSON_AddNumberToObject(o, "length", h->length);
	return o;
}

/* Keeps the table for the RIB records after it. -1: out of memory. */
static int
peer_table(struct decode_mrt *d, cJSON *o, struct rbuf body)
{
	struct mrt_peer_table t;
	struct mrt_peer p;
	const char *reason;
	cJSON *arr, *e;
	char *name;

	free(d->peers);
	d->peers = NULL;
	d->n_peers = 0;
	if (mrt_peer_table_decode(body, &t, &reason) == -1) {
		cJSON_AddStringToObject(o, "error", reason);
		return 0;
	}
	if (t.count > 0 && (d->peers = calloc(t.count, sizeof(*d->peers))) ==
	    NULL)
		return -1;
	cJSON_AddItemToObject(o, "collector_id", decode_json_id(t.collector_id));
	if ((name = strndup((const char *)t.view_name.p, t.view_name.len)) ==
	    NULL)
		return -1;
	cJSON_AddStringToObject(o, "view_name", name);
	free(name);
	arr = cJSON_AddArrayToObject(o, "peers");
	while (mrt_peer_next(&t.entries, &p) == 1) {
		d->peers[d->n_peers++] = p;
		e = cJSON_CreateObject();
		cJSON_AddItemToObject(e, "bgp_id", decode_json_id(p.bgp_id));
		decode_json_addr(e, "address", p.af, p.addr);
		cJSON_AddNumberToObject(e, "as", p.as);
		cJSON_AddItemToArray(arr, e);
	}
	return 0;
}

static void
json_rib_entry(struct decode_mrt *d, cJSON *arr, const struct mrt_rib *r,
    const struct mrt_rib_entry *en)
{
	static const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true,
	    .max_len = BGP_EXT_MAX_LEN, .ext_nexthop = true };
	const struct mrt_peer *p = decode_mrt_peer(d, en->peer_index);
	cJSON *e = cJSON_CreateObject(), *err;
	struct bgp_err be;
	enum bgp_action act;

	cJSON_AddNumberToObject(e, "peer_index", en->peer_index);
	if (p != NULL) {
		decode_json_addr(e, "peer", p->af, p->addr);
		cJSON_AddNumberToObject(e, "peer_as", p->as);
	}
	cJSON_AddNumberToObject(e, "originated", en->originated);
	if (r->addpath)
		cJSON_AddNumberToObject(e, "path_id", en->path_id);
	act = mrt_rib_attrs_decode(en->attrs, r->afi, r->safi, &d->attrs,
	    d->attr_scratch, sizeof(d->attr_scratch), &be);
	if (act != BGP_ACT_ACCEPT) {
		err = cJSON_AddObjectToObject(e, "error");
		cJSON_AddStringToObject(err, "action", bgp_action_name(act));
		if (be.reason != NULL)
			cJSON_AddStringToObject(err, "reason", be.reason);
	}
	if (act != BGP_ACT_SESSION_RESET)
		cJSON_AddItemToObject(e, "attributes",
		    decode_json_attrs(&d->attrs, &opts));
	cJSON_AddItemToArray(arr, e);
}

static void
rib(struct decode_mrt *d, cJSON *o, const struct mrt_header *h,
    struct rbuf body)
{
	struct mrt_rib r;
	struct mrt_rib_entry en;
	const char *reason;
	char buf[PREFIX_STRLEN];
	cJSON *arr;

	if (mrt_rib_decode(h->subtype, body, &r, &reason) == -1) {
		cJSON_AddStringToObject(o, "error", reason);
		return;
	}
	if (d->lines) {
		decode_mrt_line_rib(d, h, &r);
		return;
	}
	cJSON_AddNumberToObject(o, "sequence", r.seq);
	cJSON_AddNumberToObject(o, "afi", r.afi);
	cJSON_AddNumberToObject(o, "safi", r.safi);
	if (!r.has_prefix) {
		char *hex = malloc(2 * r.nlri.len + 1);

		if (hex != NULL)
			cJSON_AddStringToObject(o, "nlri", hex_encode(r.nlri.p,
			    r.nlri.len, hex));
		free(hex);
		return;
	}
	cJSON_AddStringToObject(o, "prefix", prefix_format(&r.prefix, buf,
	    sizeof(buf)));
	arr = cJSON_AddArrayToObject(o, "entries");
	while (mrt_rib_entry_next(&r.entries, r.addpath, &en) == 1)
		json_rib_entry(d, arr, &r, &en);
}

static void
bgp4mp(struct decode_mrt *d, cJSON *o, const struct mrt_header *h,
    struct rbuf body)
{
	struct mrt_bgp4mp m;
	struct bgp_codec_opts opts;
	const char *reason;
	unsigned af;
	cJSON *msg;

	if (mrt_bgp4mp_decode(h->subtype, body, &m, &reason) == -1) {
		cJSON_AddStringToObject(o, "error", reason);
		return;
	}
	if (d->lines) {
		decode_mrt_line_bgp4mp(d, h, &m);
		return;
	}
	af = m.afi == BGP_AFI_IPV4 ? AF_IDX_IPV4 : AF_IDX_IPV6;
	cJSON_AddNumberToObject(o, "peer_as", m.peer_as);
	cJSON_AddNumberToObject(o, "local_as", m.local_as);
	cJSON_AddNumberToObject(o, "ifindex", m.ifindex);
	cJSON_AddNumberToObject(o, "afi", m.afi);
	decode_json_addr(o, "peer_ip", af, m.peer_ip);
	decode_json_addr(o, "local_ip", af, m.local_ip);
	if (m.state_change) {
		cJSON_AddStringToObject(o, "old_state",
		    mrt_state_name(m.old_state));
		cJSON_AddStringToObject(o, "new_state",
		    mrt_state_name(m.new_state));
		return;
	}
	cJSON_AddStringToObject(o, "direction", m.local ? "sent" :
	    "received");
	mrt_bgp4mp_codec_opts(&m, &opts);
	msg = cJSON_AddObjectToObject(o, "message");
	decode_json_message(msg, m.msg, &opts, &d->scratch);
}

static void
table_dump(struct decode_mrt *d, cJSON *o, const struct mrt_header *h,
    struct rbuf body)
{
	struct mrt_table_dump t;
	const char *reason;
	char buf[PREFIX_STRLEN];
	struct bgp_err err;
	enum bgp_action act;
	cJSON *e;

	if (mrt_table_dump_decode(h->subtype, body, &t, &reason) == -1) {
		cJSON_AddStringToObject(o, "error", reason);
		return;
	}
	act = mrt_table_dump_attrs_decode(t.attrs, &d->upd, d->attr_scratch,
	    sizeof(d->attr_scratch), &d->scratch, &err);
	if (d->lines) {
		if (act != BGP_ACT_SESSION_RESET)
			decode_mrt_line_table_dump(d, h, &t);
		return;
	}
	cJSON_AddNumberToObject(o, "view", t.view);
	cJSON_AddNumberToObject(o, "sequence", t.seq);
	cJSON_AddStringToObject(o, "prefix", prefix_format(&t.prefix, buf,
	    sizeof(buf)));
	cJSON_AddNumberToObject(o, "status", t.status);
	cJSON_AddNumberToObject(o, "originated", t.originated);
	decode_json_addr(o, "peer", t.prefix.af, t.peer_ip);
	cJSON_AddNumberToObject(o, "peer_as", t.peer_as);
	if (act != BGP_ACT_ACCEPT) {
		e = cJSON_AddObjectToObject(o, "attributes_error");
		cJSON_AddStringToObject(e, "action", bgp_action_name(act));
		if (err.reason != NULL)
			cJSON_AddStringToObject(e, "reason", err.reason);
	}
	if (act != BGP_ACT_SESSION_RESET) {
		static const struct bgp_codec_opts opts = { .as4 = false,
		    .ibgp = true };

		cJSON_AddItemToObject(o, "attributes",
		    decode_json_attrs(&d->upd.attrs, &opts));
	}
}

/* One record: its object, printed unless in line mode (where the lines
 * were printed on the way). -1: stdout or memory failed. */
static int
record(struct decode_mrt *d, const struct mrt_header *h, struct rbuf body,
    size_t offset)
{
	cJSON *o;
	char *s;
	int rc = 0;

	if ((o = json_record_start(d, h, offset)) == NULL)
		return -1;
	if (h->type == MRT_TABLE_DUMP_V2 && h->subtype == MRT_PEER_INDEX_TABLE)
		rc = peer_table(d, o, body);
	else if (h->type == MRT_TABLE_DUMP_V2 && mrt_rib_subtype(h->subtype))
		rib(d, o, h, body);
	else if (h->type == MRT_BGP4MP || h->type == MRT_BGP4MP_ET)
		bgp4mp(d, o, h, body);
	else if (h->type == MRT_TABLE_DUMP)
		table_dump(d, o, h, body);
	else
		cJSON_AddStringToObject(o, "error", "type not decoded");
	if (rc == 0 && d->lines)
		rc = ferror(d->out) ? -1 : 0;
	else if (rc == 0 && (s = cJSON_PrintUnformatted(o)) != NULL) {
		rc = fputs(s, d->out) == EOF || putc('\n', d->out) == EOF ?
		    -1 : 0;
		cJSON_free(s);
	} else
		rc = -1;
	cJSON_Delete(o);
	return rc;
}

struct decode_mrt *
decode_mrt_new(void)
{
	/* Large (scratch space): not zeroed, every decoder sets its own. */
	struct decode_mrt *d = malloc(sizeof(*d));

	if (d != NULL) {
		d->peers = NULL;
		d->n_peers = 0;
	}
	return d;
}

void
decode_mrt_free(struct decode_mrt *d)
{
	if (d == NULL)
		return;
	free(d->peers);
	free(d);
}

int
decode_mrt_run(struct decode_mrt *d, const uint8_t *buf, size_t len,
    bool lines, FILE *out)
{
	struct rbuf in = rbuf_make(buf, len), body;
	struct mrt_header h;
	const char *reason = NULL;
	int r, status = 0;

	d->out = out;
	d->lines = lines;
	d->index = 0;
	free(d->peers);
	d->peers = NULL;
	d->n_peers = 0;
	while ((r = mrt_record_next(&in, &h, &body, &reason)) == 1) {
		d->index++;
		if (record(d, &h, body, (size_t)(in.p - buf) - body.len -
		    MRT_HEADER_LEN - (mrt_type_et(h.type) ? 4 : 0)) == -1) {
			status = 1;
			break;
		}
	}
	if (r == -1) {
		/* MRT has no marker to find the next record by. */
		if (lines)
			fprintf(stderr, "peering decode: offset %zu: %s\n",
			    (size_t)(in.p - buf), reason);
		else
			fprintf(out, "{\"offset\":%zu,\"error\":\"%s\","
			    "\"bytes\":%zu}\n", (size_t)(in.p - buf), reason,
			    in.len);
		status = 1;
	}
	return status;
}
