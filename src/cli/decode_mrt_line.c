/*
 * `peering decode --lines`: one line per route, in the form `bgpdump -m`
 * (Debian's bgpdump 1.6) prints, so a file can be checked against it:
 *
 *   TABLE_DUMP2|time|B|peer|peer_as|prefix|as_path|origin|next_hop|
 *       local_pref|med|communities|AG or NAG|aggregator|
 *   BGP4MP_ET|time.usec|A|peer|peer_as|prefix|as_path|...  (announced)
 *   BGP4MP_ET|time.usec|W|peer|peer_as|prefix               (withdrawn)
 *   BGP4MP_ET|time.usec|STATE|peer|peer_as|old|new
 *
 * With ADD-PATH the path id follows the prefix and the first field ends
 * in _AP; messages we sent (the _LOCAL subtypes) have _LOCAL in it.
 */
#include <stdio.h>
#include <string.h>

#include "../bgp/aspath.h"
#include "../bgp/nlri.h"
#include "decode_mrt_int.h"

/* RFC 1997 names, as bgpdump spells them. */
static void
line_communities(FILE *f, struct rbuf c)
{
	for (size_t i = 0; i + 4 <= c.len; i += 4) {
		uint32_t v = load_u32(c.p + i);
		const char *sep = i > 0 ? " " : "";

		if (v == 0xffffff01u)
			fprintf(f, "%sno-export", sep);
		else if (v == 0xffffff02u)
			fprintf(f, "%sno-advertise", sep);
		else if (v == 0xffffff03u)
			fprintf(f, "%slocal-AS", sep);
		else
			fprintf(f, "%s%u:%u", sep, v >> 16, v & 0xffff);
	}
}

/* Sequences with spaces, sets {a,b}, confederation (a b) and [a,b]. */
static void
line_aspath(FILE *f, struct rbuf path)
{
	static const char open[] = " {(["; 
	static const char close[] = " })]";
	struct aspath_iter it;
	struct aspath_seg seg;
	bool first = true;

	aspath_iter_init(&it, path);
	while (aspath_iter_next(&it, &seg) == 1) {
		unsigned k = seg.type == BGP_AS_SET ? 1 :
		    seg.type == BGP_AS_CONFED_SEQUENCE ? 2 :
		    seg.type == BGP_AS_CONFED_SET ? 3 : 0;
		char sep = (k == 1 || k == 3) ? ',' : ' ';

		if (!first)
			putc(' ', f);
		first = false;
		if (k != 0)
			putc(open[k], f);
		for (unsigned i = 0; i < seg.count; i++)
			fprintf(f, "%s%u", i > 0 ? (sep == ',' ? "," : " ") :
			    "", aspath_seg_as(&seg, i));
		if (k != 0)
			putc(close[k], f);
	}
}

/* as_path|origin|next_hop|local_pref|med|communities|AG|aggregator| */
static void
line_attrs(FILE *f, const struct bgp_attrs *a, const char *nh)
{
	static const char *const origins[] = { "IGP", "EGP", "INCOMPLETE" };
	char agg[ADDR_STRLEN];

	if (bgp_attr_has(a, BGP_ATTR_AS_PATH))
		line_aspath(f, a->as_path);
	fprintf(f, "|%s|%s|%u|%u|", a->origin < 3 ? origins[a->origin] :
	    "INCOMPLETE", nh,
	    bgp_attr_has(a, BGP_ATTR_LOCAL_PREF) ? a->local_pref : 0,
	    bgp_attr_has(a, BGP_ATTR_MED) ? a->med : 0);
	if (bgp_attr_has(a, BGP_ATTR_COMMUNITIES))
		line_communities(f, a->communities);
	fprintf(f, "|%s|", bgp_attr_has(a, BGP_ATTR_ATOMIC_AGGREGATE) ?
	    "AG" : "NAG");
	if (bgp_attr_has(a, BGP_ATTR_AGGREGATOR))
		fprintf(f, "%u %s", a->aggregator_as, addr_format(AF_IDX_IPV4,
		    a->aggregator_addr, agg, sizeof(agg)));
	fputs("|\n", f);
}

/* The next hop a route of family af shows: MP_REACH_NLRI's (IPv6 when
 * 16 or 32 bytes long, RFC 8950 included), else NEXT_HOP. */
static const char *
line_nexthop(const struct bgp_attrs *a, unsigned af, char *buf, size_t size)
{
	const struct bgp_mp_nlri *mp = &a->mp_reach;
	static const uint8_t zero[16];

	if (bgp_attr_has(a, BGP_ATTR_MP_REACH) && (af == AF_IDX_IPV6 ||
	    mp->nh_len != 4 || !bgp_attr_has(a, BGP_ATTR_NEXT_HOP))) {
		if (mp->nh_len == 16 || mp->nh_len == 32)
			return addr_format(AF_IDX_IPV6, mp->nexthop, buf, size);
		if (mp->nh_len == 4)
			return addr_format(AF_IDX_IPV4, mp->nexthop, buf, size);
	}
	if (bgp_attr_has(a, BGP_ATTR_NEXT_HOP))
		return addr_format(AF_IDX_IPV4, a->next_hop, buf, size);
	return addr_format(af, zero, buf, size);
}

void
decode_mrt_line_rib(struct decode_mrt *d, const struct mrt_header *h,
    struct mrt_rib *r)
{
	struct mrt_rib_entry e;
	const struct mrt_peer *p;
	struct bgp_err err;
	char pfx[PREFIX_STRLEN], peer[ADDR_STRLEN], nh[ADDR_STRLEN];

	if (!r->has_prefix)
		return;
	prefix_format(&r->prefix, pfx, sizeof(pfx));
	while (mrt_rib_entry_next(&r->entries, r->addpath, &e) == 1) {
		if ((p = decode_mrt_peer(d, e.peer_index)) == NULL ||
		    mrt_rib_attrs_decode(e.attrs, r->afi, r->safi, &d->attrs,
		    d->attr_scratch, sizeof(d->attr_scratch), &err) ==
		    BGP_ACT_SESSION_RESET)
			continue;
		fprintf(d->out, "TABLE_DUMP2%s|%u|B|%s|%u|%s|",
		    r->addpath ? "_AP" : "", h->time,
		    addr_format(p->af, p->addr, peer, sizeof(peer)), p->as, pfx);
		if (r->addpath)
			fprintf(d->out, "%u|", e.path_id);
		line_attrs(d->out, &d->attrs, line_nexthop(&d->attrs,
		    r->prefix.af, nh, sizeof(nh)));
	}
}

void
decode_mrt_line_table_dump(struct decode_mrt *d, const struct mrt_header *h,
    const struct mrt_table_dump *t)
{
	char pfx[PREFIX_STRLEN], peer[ADDR_STRLEN], nh[ADDR_STRLEN];

	fprintf(d->out, "TABLE_DUMP|%u|B|%s|%u|%s|", h->time,
	    addr_format(t->prefix.af, t->peer_ip, peer, sizeof(peer)),
	    t->peer_as, prefix_format(&t->prefix, pfx, sizeof(pfx)));
	line_attrs(d->out, &d->upd.attrs, line_nexthop(&d->upd.attrs,
	    t->prefix.af, nh, sizeof(nh)));
}

/* "BGP4MP_ET_LOCAL_AP|1700000000.000001|" and the rest of the start. */
static void
line_start(struct decode_mrt *d, const struct mrt_header *h,
    const struct mrt_bgp4mp *m, const char *what)
{
	char peer[ADDR_STRLEN];

	fprintf(d->out, "%s%s%s|%u", mrt_type_name(h->type),
	    m->local ? "_LOCAL" : "", m->addpath ? "_AP" : "", h->time);
	if (mrt_type_et(h->type))
		fprintf(d->out, ".%06u", h->usec);
	fprintf(d->out, "|%s|%s|%u|", what, addr_format(m->afi ==
	    BGP_AFI_IPV4 ? AF_IDX_IPV4 : AF_IDX_IPV6, m->peer_ip, peer,
	    sizeof(peer)), m->peer_as);
}

/* One line per prefix of nlri (family af; -1 for a family not ours). */
static void
line_prefixes(struct decode_mrt *d, const struct mrt_header *h,
    const struct mrt_bgp4mp *m, struct rbuf nlri, unsigned af,
    const struct bgp_attrs *a_or_null_to_withdraw)
{
	const struct bgp_attrs *a = a_or_null_to_withdraw;
	struct nlri_iter it;
	struct prefix p;
	uint32_t id;
	char pfx[PREFIX_STRLEN], nh[ADDR_STRLEN];

	nlri_iter_init(&it, nlri, af, m->addpath);
	while (nlri_iter_next(&it, &p, &id) == 1) {
		line_start(d, h, m, a != NULL ? "A" : "W");
		fputs(prefix_format(&p, pfx, sizeof(pfx)), d->out);
		if (m->addpath)
			fprintf(d->out, "|%u", id);
		if (a == NULL) {
			putc('\n', d->out);
			continue;
		}
		putc('|', d->out);
		line_attrs(d->out, a, line_nexthop(a, af, nh, sizeof(nh)));
	}
}

/* The family of a multiprotocol block, unicast or multicast; -1 if none
 * we can walk. */
static int
line_mp_af(const struct bgp_mp_nlri *mp)
{
	if (mp->safi != 1 && mp->safi != 2)
		return -1;
	return mp->afi == BGP_AFI_IPV4 ? AF_IDX_IPV4 :
	    mp->afi == BGP_AFI_IPV6 ? AF_IDX_IPV6 : -1;
}

void
decode_mrt_line_bgp4mp(struct decode_mrt *d, const struct mrt_header *h,
    const struct mrt_bgp4mp *m)
{
	struct bgp_codec_opts o;
	struct bgp_err err;
	struct bgp_update *u = &d->upd;
	const struct bgp_attrs *a = &u->attrs;
	int af;

	if (m->state_change) {
		line_start(d, h, m, "STATE");
		fprintf(d->out, "%u|%u\n", m->old_state, m->new_state);
		return;
	}
	if (m->msg.len < BGP_HEADER_LEN || m->msg.p[18] != BGP_UPDATE)
		return;
	mrt_bgp4mp_codec_opts(m, &o);
	bgp_err_clear(&err);
	if (bgp_update_decode(m->msg, &o, u, &d->scratch, &err) ==
	    BGP_ACT_SESSION_RESET)
		return;
	/* Withdrawals first, then announcements, as bgpdump does. */
	line_prefixes(d, h, m, u->withdrawn, AF_IDX_IPV4, NULL);
	if (bgp_attr_has(a, BGP_ATTR_MP_UNREACH) &&
	    (af = line_mp_af(&a->mp_unreach)) >= 0)
		line_prefixes(d, h, m, a->mp_unreach.nlri, (unsigned)af, NULL);
	line_prefixes(d, h, m, u->nlri, AF_IDX_IPV4, a);
	if (bgp_attr_has(a, BGP_ATTR_MP_REACH) &&
	    (af = line_mp_af(&a->mp_reach)) >= 0)
		line_prefixes(d, h, m, a->mp_reach.nlri, (unsigned)af, a);
}
