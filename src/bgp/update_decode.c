/*
 * UPDATE decoding with RFC 7606 verdicts. The walk is in place: only an
 * old speaker's AS path is rewritten, into the caller's scratch space.
 */
#include "attr.h"
#include "aspath.h"
#include "msg_body.h"

void
bgp_attrs_init(struct bgp_attrs *a)
{
	memset(a->present, 0, sizeof(a->present));
	memset(a->partial, 0, sizeof(a->partial));
	a->as4_path = rbuf_make(NULL, 0);
	a->n_unknown = 0;
	a->n_notes = 0;
	a->n_notes_lost = 0;
}

static void
note_add(struct bgp_attrs *a, uint8_t type, enum bgp_action action,
    const char *reason)
{
	if (a->n_notes < BGP_MAX_NOTES) {
		a->notes[a->n_notes].type = type;
		a->notes[a->n_notes].action = action;
		a->notes[a->n_notes].reason = reason;
		a->n_notes++;
	} else if (a->n_notes_lost < UINT16_MAX)
		a->n_notes_lost++;
}

/* An attribute-level error: noted, and raised as the verdict. */
static void
attr_error(struct attr_ctx *c, struct bgp_err *err, enum bgp_action action,
    uint8_t subcode, uint8_t type, struct rbuf whole, const char *reason)
{
	note_add(c->a, type, action, reason);
	bgp_err_raise(err, action, BGP_ERR_UPDATE, subcode, type, whole.p,
	    whole.len, reason);
}

static void
unknown_add(struct attr_ctx *c, struct bgp_err *err, uint8_t flags,
    uint8_t type, struct rbuf v, struct rbuf whole)
{
	struct bgp_attrs *a = c->a;

	/* RFC 4271 6.3: an unrecognized well-known attribute. */
	if (!(flags & BGP_ATTR_FLAG_OPTIONAL)) {
		attr_error(c, err, BGP_ACT_SESSION_RESET,
		    BGP_ERR_UPD_UNKNOWN_WK, type, whole,
		    "unrecognized well-known attribute");
		return;
	}
	if (a->n_unknown == BGP_MAX_UNKNOWN_ATTRS) {
		note_add(a, type, BGP_ACT_ATTR_DISCARD,
		    "too many unknown attributes");
		bgp_err_raise(err, BGP_ACT_ATTR_DISCARD, BGP_ERR_UPDATE,
		    BGP_ERR_UPD_OPTATTR, type, whole.p, whole.len,
		    "too many unknown attributes");
		return;
	}
	a->unknown[a->n_unknown].flags = flags & ~BGP_ATTR_FLAG_EXTLEN;
	a->unknown[a->n_unknown].type = type;
	a->unknown[a->n_unknown].value = v;
	a->n_unknown++;
	bgp_attr_set(a, type);
}

/* The row's length rule (attr.h); its note when the value breaks it.
 * The common sizes are constants: no division on the hot path. */
static const char *
attr_len_check(const struct attr_def *d, struct rbuf v,
    const struct bgp_codec_opts *opts)
{
	size_t n = d->len.n, len = v.len;
	bool ok;

	if (d->len.kind == ATTR_LEN_FIXED)
		ok = len == n;
	else if (d->len.kind == ATTR_LEN_DECODER)
		return NULL;
	else if (d->len.kind == ATTR_LEN_LIST)
		ok = len != 0 && (n == 4 ? len % 4 : n == 8 ? len % 8 :
		    n == 12 ? len % 12 : len % n) == 0;
	else
		ok = len == (opts->as4 ? 4u : 2u) + n;	/* ATTR_LEN_AS_PLUS */
	return ok ? NULL : d->len.reason;
}

/* A repeat (RFC 7606 3(g)): fatal for the multiprotocol ones, whose NLRI
 * cannot be trusted; any other attribute's later copies are dropped. */
static bool
attr_repeated(struct attr_ctx *c, struct bgp_err *err,
    const struct attr_def *d, uint8_t type, struct rbuf whole)
{
	if (!((c->seen[type >> 3] >> (type & 7)) & 1)) {
		c->seen[type >> 3] |= (uint8_t)(1u << (type & 7));
		return false;
	}
	if (d != NULL && (d->props & ATTR_P_FIRST))
		attr_error(c, err, BGP_ACT_SESSION_RESET, BGP_ERR_UPD_ATTRLIST,
		    type, whole, "multiprotocol attribute repeated");
	else
		attr_error(c, err, BGP_ACT_ATTR_DISCARD, BGP_ERR_UPD_ATTRLIST,
		    type, whole, "attribute repeated");
	return true;
}

/* One attribute whose header and value were carved out already: the
 * checks every type shares, then its row's own. */
static void
attr_decode_one(struct attr_ctx *c, struct bgp_err *err, uint8_t flags,
    uint8_t type, struct rbuf v, struct rbuf whole)
{
	const struct attr_def *d = attr_def_get(type);
	const char *reason = NULL;

	if (attr_repeated(c, err, d, type, whole))
		return;
	if (d == NULL) {
		unknown_add(c, err, flags, type, v, whole);
		return;
	}
	/* RFC 7606 3(c): Optional/Transitive bits that contradict the
	 * attribute's definition make it malformed. */
	if ((flags & (BGP_ATTR_FLAG_OPTIONAL | BGP_ATTR_FLAG_TRANSITIVE)) !=
	    d->flags) {
		attr_error(c, err, d->bad_flags, BGP_ERR_UPD_FLAGS, type,
		    whole, "attribute flags conflict with its type");
		return;
	}
	if (d->admit != NULL && (reason = d->admit(c)) != NULL) {
		attr_error(c, err, BGP_ACT_ATTR_DISCARD, BGP_ERR_UPD_OPTATTR,
		    type, whole, reason);
		return;
	}
	if ((reason = attr_len_check(d, v, c->opts)) != NULL ||
	    d->decode(v, c, &reason) == -1) {
		attr_error(c, err, d->malformed, d->subcode, type, whole, reason);
		return;
	}
	bgp_attr_set(c->a, type);
	if (flags & BGP_ATTR_FLAG_PARTIAL && d->flags ==
	    (BGP_ATTR_FLAG_OPTIONAL | BGP_ATTR_FLAG_TRANSITIVE))
		c->a->partial[type >> 3] |= (uint8_t)(1u << (type & 7));
}

/* The path attributes block (RFC 4271 4.3, RFC 7606 4). */
static void
attrs_walk(struct rbuf blk, struct attr_ctx *c, struct bgp_err *err)
{
	while (blk.len > 0) {
		const uint8_t *start = blk.p;
		uint8_t flags, type, len8;
		uint16_t len;
		struct rbuf v;

		if (rbuf_get_u8(&blk, &flags) == -1 ||
		    rbuf_get_u8(&blk, &type) == -1)
			goto short_attr;
		if (flags & BGP_ATTR_FLAG_EXTLEN) {
			if (rbuf_get_u16(&blk, &len) == -1)
				goto short_attr;
		} else {
			if (rbuf_get_u8(&blk, &len8) == -1)
				goto short_attr;
			len = len8;
		}
		if (rbuf_sub(&blk, len, &v) == -1) {
			/* The NLRI of an overrunning multiprotocol attribute
			 * cannot be found: no treat-as-withdraw possible. */
			const struct attr_def *d = attr_def_get(type);
			enum bgp_action act = d != NULL &&
			    (d->props & ATTR_P_FIRST) ?
			    BGP_ACT_SESSION_RESET : BGP_ACT_TREAT_AS_WITHDRAW;

			attr_error(c, err, act, BGP_ERR_UPD_LENGTH, type,
			    rbuf_make(start, (size_t)(blk.p - start) + blk.len),
			    "attribute overruns the attribute block");
			return;
		}
		attr_decode_one(c, err, flags, type, v,
		    rbuf_make(start, (size_t)(v.p - start) + v.len));
	}
	return;
short_attr:
	/* RFC 7606 4: too few bytes left for an attribute header. */
	attr_error(c, err, BGP_ACT_TREAT_AS_WITHDRAW, BGP_ERR_UPD_LENGTH, 0,
	    rbuf_make(NULL, 0), "attribute header truncated");
}

/* RFC 6793 4.2.3: an old speaker's AS4_PATH and AS4_AGGREGATOR. */
static void
as4_merge(struct attr_ctx *c)
{
	struct bgp_attrs *a = c->a;
	bool use_as4_path = bgp_attr_has(a, BGP_ATTR_AS4_PATH);

	if (c->has_as4_aggregator && bgp_attr_has(a, BGP_ATTR_AGGREGATOR)) {
		if (a->aggregator_as != BGP_AS_TRANS) {
			/* An old speaker aggregated after the AS4 attributes
			 * were made: both are stale. */
			use_as4_path = false;
		} else {
			a->aggregator_as = c->as4_aggregator_as;
			memcpy(a->aggregator_addr, c->as4_aggregator_addr, 4);
		}
	}
	if (use_as4_path && bgp_attr_has(a, BGP_ATTR_AS_PATH)) {
		size_t start = c->scratch.len;

		aspath_merge_as4(a->as_path, a->as4_path, &c->scratch);
		if (!c->scratch.overflow)
			a->as_path = rbuf_make(c->scratch.p + start,
			    c->scratch.len - start);
	}
	/* Consumed: they are regenerated when sent to an old speaker. */
	bgp_attr_unset(a, BGP_ATTR_AS4_PATH);
	bgp_attr_unset(a, BGP_ATTR_AS4_AGGREGATOR);
}

/* RFC 7606 3(d): reachable NLRI needs the well-known mandatory ones. */
static void
mandatory_check(struct attr_ctx *c, const struct bgp_update *u,
    struct bgp_err *err)
{
	static const uint8_t need[] = {
		BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH, BGP_ATTR_NEXT_HOP,
	};
	const struct bgp_attrs *a = c->a;
	bool v4 = u->nlri.len > 0;

	if (!v4 && !bgp_attr_has(a, BGP_ATTR_MP_REACH))
		return;
	for (size_t i = 0; i < sizeof(need); i++) {
		if (need[i] == BGP_ATTR_NEXT_HOP && !v4)
			continue;
		if (bgp_attr_has(a, need[i]))
			continue;
		/* A malformed copy was noted already; it is not missing. */
		if ((c->seen[need[i] >> 3] >> (need[i] & 7)) & 1)
			continue;
		note_add(c->a, need[i], BGP_ACT_TREAT_AS_WITHDRAW,
		    "missing well-known attribute");
		if (err->action < BGP_ACT_TREAT_AS_WITHDRAW) {
			bgp_err_raise(err, BGP_ACT_TREAT_AS_WITHDRAW,
			    BGP_ERR_UPDATE, BGP_ERR_UPD_MISSING_WK, need[i],
			    NULL, 0, "missing well-known attribute");
			err->own[0] = need[i];
			err->data_own = true;
			err->data_len = 1;
		}
	}
}

static int
update_reset(struct bgp_err *err, uint8_t subcode, const char *reason)
{
	bgp_err_raise(err, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE, subcode, 0,
	    NULL, 0, reason);
	return -1;
}

/* Withdrawn routes, attributes and NLRI (RFC 4271 4.3, RFC 7606 5.3). */
static int
update_split(struct rbuf body, const struct bgp_codec_opts *opts,
    struct bgp_update *u, struct rbuf *attrs, struct bgp_err *err)
{
	uint16_t wlen, alen;
	bool ap = opts->addpath[AF_IDX_IPV4];

	if (rbuf_get_u16(&body, &wlen) == -1 ||
	    rbuf_sub(&body, wlen, &u->withdrawn) == -1 ||
	    rbuf_get_u16(&body, &alen) == -1)
		return update_reset(err, BGP_ERR_UPD_ATTRLIST,
		    "withdrawn routes length overruns the message");
	if (rbuf_sub(&body, alen, attrs) == -1)
		return update_reset(err, BGP_ERR_UPD_ATTRLIST,
		    "path attribute length overruns the message");
	u->nlri = body;
	if (nlri_validate(u->withdrawn, AF_IDX_IPV4, ap, NULL) == -1)
		return update_reset(err, BGP_ERR_UPD_NETWORK,
		    "malformed withdrawn routes");
	if (nlri_validate(u->nlri, AF_IDX_IPV4, ap, NULL) == -1)
		return update_reset(err, BGP_ERR_UPD_NETWORK, "malformed NLRI");
	return 0;
}

enum bgp_action
bgp_update_decode(struct rbuf msg, const struct bgp_codec_opts *opts,
    struct bgp_update *u, struct bgp_scratch *scratch, struct bgp_err *err)
{
	struct attr_ctx c;
	struct rbuf body, attrs;

	if (bgp_msg_body(msg, BGP_UPDATE, opts->max_len ? opts->max_len :
	    BGP_MAX_LEN, &body, err) == -1)
		return err->action;
	bgp_attrs_init(&u->attrs);
	if (update_split(body, opts, u, &attrs, err) == -1)
		return err->action;
	c.a = &u->attrs;
	c.opts = opts;
	c.has_as4_aggregator = false;
	memset(c.seen, 0, sizeof(c.seen));
	if (scratch != NULL)
		wbuf_init(&c.scratch, scratch->buf, sizeof(scratch->buf));
	else
		wbuf_init(&c.scratch, NULL, 0);
	attrs_walk(attrs, &c, err);
	if (err->action == BGP_ACT_SESSION_RESET)
		return err->action;
	if (!opts->as4)
		as4_merge(&c);
	mandatory_check(&c, u, err);
	return err->action;
}

enum bgp_action
bgp_attrs_decode_block(struct rbuf block, struct bgp_attrs *a,
    struct bgp_err *err)
{
	static const struct bgp_codec_opts opts = { .as4 = true, .ibgp = true,
	    .max_len = BGP_EXT_MAX_LEN };
	struct attr_ctx c;

	bgp_err_clear(err);
	bgp_attrs_init(a);
	c.a = a;
	c.opts = &opts;
	c.has_as4_aggregator = false;
	memset(c.seen, 0, sizeof(c.seen));
	wbuf_init(&c.scratch, NULL, 0);
	attrs_walk(block, &c, err);
	return err->action;
}

int
bgp_update_eor(const struct bgp_update *u)
{
	const struct bgp_attrs *a = &u->attrs;

	if (u->withdrawn.len != 0 || u->nlri.len != 0)
		return -1;
	for (size_t i = 0; i < sizeof(a->present); i++) {
		uint8_t bits = a->present[i];

		if (i == BGP_ATTR_MP_UNREACH >> 3)
			bits &= (uint8_t)~(1u << (BGP_ATTR_MP_UNREACH & 7));
		if (bits != 0)
			return -1;
	}
	if (a->n_unknown != 0)
		return -1;
	if (!bgp_attr_has(a, BGP_ATTR_MP_UNREACH))
		return AF_IDX_IPV4;
	/* RFC 4724 2: an MP_UNREACH_NLRI with no withdrawn routes. */
	if (a->mp_unreach.nlri.len == 0 && a->mp_unreach.af >= 0)
		return a->mp_unreach.af;
	return -1;
}

/* A block of another family than af: dropped; true if it held routes. */
static bool
mp_keep_family(struct bgp_mp_nlri *m, bool present, unsigned af)
{
	bool had;

	if (!present || m->af < 0 || (unsigned)m->af == af)
		return false;
	had = m->nlri.len > 0;
	m->af = -1;
	m->nlri.len = 0;
	return had;
}

unsigned
bgp_update_keep_family(struct bgp_update *u, unsigned af)
{
	struct bgp_attrs *a = &u->attrs;
	unsigned dropped = 0;

	if (af != AF_IDX_IPV4) {
		dropped += u->withdrawn.len > 0;
		dropped += u->nlri.len > 0;
		u->withdrawn.len = 0;
		u->nlri.len = 0;
	}
	dropped += mp_keep_family(&a->mp_reach,
	    bgp_attr_has(a, BGP_ATTR_MP_REACH), af);
	dropped += mp_keep_family(&a->mp_unreach,
	    bgp_attr_has(a, BGP_ATTR_MP_UNREACH), af);
	return dropped;
}
