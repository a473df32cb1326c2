#!/usr/bin/env bash
# `peering bgp routes` and `show route` filters against a table a real peer
# sent: ExaBGP as the mux (iBGP AS 47065, ADD-PATH send) announces a few
# hundred IPv4 paths (1 to 3 ADD-PATH paths per prefix, nested prefixes,
# AS paths with and without an AS_SET, origins, MEDs, LOCAL_PREFs,
# communities, large communities, next hops of the upstream formula) and
# some IPv6 ones. What the test sent is written beside, one JSON object per
# path, as `routes` should show it.
# Checks: `routes --json` is exactly those paths, field by field; each filter
# selects exactly the paths it should (the expected ones selected by jq from
# what was sent); `show route for ADDR` picks the longest match.
# Needs root, exabgp (scripts/install-deps --interop), jq.
. "$(dirname "$0")/lib.sh"

iop_init routes
command -v exabgp >/dev/null 2>&1 ||
    give_up "exabgp not found: scripts/install-deps --interop"
need_ours
netns_setup

SENT=$TMP/sent.jsonl	# the paths announced, as `routes` shows them
ROUTES4=$TMP/routes4
ROUTES6=$TMP/routes6
: >"$SENT"
: >"$ROUTES4"
: >"$ROUTES6"

ORIGINS=(igp egp incomplete)
ORIGIN_NAMES=(IGP EGP Incomplete)

# path AF PREFIX PATHID I: one path, its ExaBGP line and its expected JSON.
# Its attributes follow from I.
path() {
	local af=$1 p=$2 id=$3 i=$4 up nh asp text segs comm= commj='[]'
	local large= largej='[]' med= medj= lp o
	up=$(( 1 + i % 40 + 256 * (id - 1) ))
	if [ "$af" = 4 ]; then
		nh=100.65.$((up / 256)).$((up % 256))
	else
		nh=2804:269c:ff00:1:2::$((id * 100 + i % 40))
	fi
	local u=$((3356 + i % 7)) x=$((64500 + i % 13))
	if [ $((i % 10)) -eq 0 ]; then
		asp="$u ( 64600 $((64601 + i % 3)) )"
		text="$u {64600 $((64601 + i % 3))}"
		segs="[{\"type\":\"AS_SEQUENCE\",\"asns\":[$u]},{\"type\":\"AS_SET\",\"asns\":[64600,$((64601 + i % 3))]}]"
	else
		asp="$u 4200000000 $x"
		text="$u 4200000000 $x"
		segs="[{\"type\":\"AS_SEQUENCE\",\"asns\":[$u,4200000000,$x]}]"
	fi
	if [ $((i % 3)) -eq 0 ]; then
		comm=" community [ 47065:$((i % 5)) 65000:100 ]"
		commj="[[47065,$((i % 5))],[65000,100]]"
	fi
	if [ $((i % 4)) -eq 0 ]; then
		large=" large-community [ 47065:1:$i ]"
		largej="[[47065,1,$i]]"
	fi
	if [ $((i % 2)) -eq 0 ]; then
		med=" med $((i % 100))"
		medj=",\"med\":$((i % 100))"
	fi
	lp=$((100 + (i % 3) * 10))
	o=$((i % 3))
	printf '\t\troute %s next-hop %s path-information 0.0.0.%d as-path [ %s ] origin %s local-preference %d%s%s%s;\n' \
	    "$p" "$nh" "$id" "$asp" "${ORIGINS[$o]}" "$lp" "$med" "$comm" \
	    "$large" >>"$([ "$af" = 4 ] && echo "$ROUTES4" || echo "$ROUTES6")"
	local upj=
	[ "$af" = 4 ] && upj=",\"upstream_peer_id\":$up"
	printf '{"prefix":"%s","path_id":%d,"mux":"%s"%s,"next_hop":"%s","as_path":"%s","as_path_segments":%s,"origin":"%s"%s,"local_pref":%d,"communities":%s,"large_communities":%s}\n' \
	    "$p" "$id" "exa$af" "$upj" "$nh" "$text" "$segs" "${ORIGIN_NAMES[$o]}" \
	    "$medj" "$lp" "$commj" "$largej" >>"$SENT"
}

# The table: nested prefixes (10.1.0.0/16 over 10.1.N.0/24, 10.3.0.0/20
# over 10.3.N.0/24), 1 to 3 paths per prefix.
i=0
prefix() {
	local af=$1 p=$2 n=$3
	for id in $(seq 1 "$n"); do
		path "$af" "$p" "$id" "$i"
		i=$((i + 1))
	done
}
prefix 4 10.1.0.0/16 2
for n in $(seq 0 99); do prefix 4 "10.1.$n.0/24" $((1 + n % 3)); done
for n in $(seq 0 99); do prefix 4 "10.2.$n.0/24" $((1 + n % 2)); done
prefix 4 10.3.0.0/20 1
for n in $(seq 0 15); do prefix 4 "10.3.$n.0/24" 2; done
prefix 4 10.3.0.128/25 3
for n in $(seq 0 49); do prefix 4 "20.$n.0.0/16" 1; done
for n in $(seq 1 20); do prefix 6 "2001:db8:$n::/48" $((1 + n % 2)); done
prefix 6 2001:db8::/32 1
N_SENT=$(wc -l <"$SENT")
iop_log "$N_SENT paths to announce"

cat >"$TMP/exabgp.conf" <<EOF
neighbor $OURS_V4 {
	router-id $MUX_V4;
	local-address $MUX_V4;
	local-as $MUX_AS;
	peer-as $MUX_AS;
	family { ipv4 unicast; }
	capability { add-path send; }
	static {
$(cat "$ROUTES4")
	}
}
neighbor $OURS_V6 {
	router-id $MUX_V4;
	local-address $MUX_V6;
	local-as $MUX_AS;
	peer-as $MUX_AS;
	family { ipv6 unicast; }
	capability { add-path send; }
	static {
$(cat "$ROUTES6")
	}
}
EOF

exabgp_start "$TMP/exabgp.conf" exabgp.log.level=INFO

ours_start_pair exa4 exa6

check_session "IPv4 session Established" 30 exa4 '.state == "Established"'
check_session "IPv6 session Established" 30 exa6 '.state == "Established"'
N4=$(grep -c '"mux":"exa4"' "$SENT")
N6=$(grep -c '"mux":"exa6"' "$SENT")
check_session "IPv4: the $N4 paths arrived" 30 exa4 ".stats.prefixes_in == $N4"
check_session "IPv6: the $N6 paths arrived" 30 exa6 ".stats.prefixes_in == $N6"

# norm: sorted, one compact object per line, without what the RIB decides
# (best) or a restart would (stale).
norm() {
	jq -c 'del(.best, .stale)' | jq -s -c 'sort_by(.prefix, .path_id) | .[]'
}
norm <"$SENT" >"$TMP/sent.norm"

# routes ARGS...: `peering bgp routes --json ARGS`, each line checked to
# be one JSON object.
routes() {
	ours_cli bgp routes --json "$@" >"$TMP/got.jsonl" 2>"$TMP/got.err" ||
	    { echo "routes $*: failed: $(head -3 "$TMP/got.err")"; return 1; }
	if ! jq -e -s 'all(type == "object")' "$TMP/got.jsonl" >/dev/null; then
		echo "routes $*: not one JSON object per line"
		return 1
	fi
	awk 'END { if (NR > 0 && $0 == "") exit 1 }' "$TMP/got.jsonl"
}

if routes; then
	norm <"$TMP/got.jsonl" >"$TMP/got.norm"
	if cmp -s "$TMP/sent.norm" "$TMP/got.norm"; then
		pass "routes --json: exactly the $N_SENT paths sent, every field as sent"
	else
		fail "routes --json: exactly the $N_SENT paths sent, every field as sent"
		diff "$TMP/sent.norm" "$TMP/got.norm" | head -10
	fi
	# One best per prefix, and it is the one show route marks.
	if jq -s -e 'group_by(.prefix) | all(map(select(.best)) | length == 1)' \
	    "$TMP/got.jsonl" >/dev/null; then
		pass "routes --json: one best path per prefix"
	else
		fail "routes --json: one best path per prefix"
	fi
	if jq -s -e 'all(.stale == false)' "$TMP/got.jsonl" >/dev/null; then
		pass "routes --json: no path stale"
	else
		fail "routes --json: no path stale"
	fi
	# Lines in walk order: prefixes never come back.
	if jq -r .prefix "$TMP/got.jsonl" | uniq | sort | uniq -d | grep -q .; then
		fail "routes --json: each prefix's paths together"
	else
		pass "routes --json: each prefix's paths together"
	fi
	cp "$TMP/got.jsonl" "$TMP/all.jsonl"
else
	fail "routes --json answers"
fi

# check_filter DESC JQ-SELECT ARGS...: `routes --json ARGS` is exactly the
# sent paths that JQ-SELECT keeps (and some).
check_filter() {
	local desc=$1 sel=$2 n
	shift 2
	jq -c "select($sel)" "$TMP/sent.norm" >"$TMP/want.norm"
	n=$(wc -l <"$TMP/want.norm")
	if ! routes "$@"; then
		fail "routes $*: $desc"
		return
	fi
	norm <"$TMP/got.jsonl" >"$TMP/got.norm"
	if [ "$n" -gt 0 ] && cmp -s "$TMP/want.norm" "$TMP/got.norm"; then
		pass "routes $*: $desc ($n paths)"
	else
		fail "routes $*: $desc ($n paths wanted, $(wc -l <"$TMP/got.norm") got)"
		diff "$TMP/want.norm" "$TMP/got.norm" | head -6
	fi
}

check_filter "IPv6 only" '.prefix | contains(":")' ipv6
check_filter "IPv4 only" '.prefix | contains(":") | not' ipv4
check_filter "exactly the prefix" '.prefix == "10.1.0.0/16"' 10.1.0.0/16
check_filter "the prefix and its more-specifics" \
    '.prefix | startswith("10.1.")' in 10.1.0.0/16
check_filter "more-specifics of a range with no prefix of its own" \
    '.prefix | test("^10\\.3\\.(0\\.0/20|0\\.128/25|[0-9]+\\.0/24)$")' \
    in 10.3.0.0/19
check_filter "the longest match of an address" \
    '.prefix == "10.3.0.128/25"' for 10.3.0.200
check_filter "the longest match: the /24" '.prefix == "10.3.0.0/24"' \
    for 10.3.0.5
check_filter "the longest match: the covering /16" \
    '.prefix == "10.1.0.0/16"' for 10.1.200.1
check_filter "the longest match, IPv6" '.prefix == "2001:db8:7::/48"' \
    for 2001:db8:7::1
check_filter "the longest match, IPv6: the /32" '.prefix == "2001:db8::/32"' \
    for 2001:db8:ffff::1
check_filter "mux" '.mux == "exa6"' mux exa6
check_filter "upstream peer id (next hop 100.65.1.7)" \
    '.upstream_peer_id == 263' upstream 263
check_filter "an AS anywhere, in an AS_SET" \
    'any(.as_path_segments[].asns[]; . == 64602)' as 64602
check_filter "an AS anywhere, in a sequence" \
    'any(.as_path_segments[].asns[]; . == 3358)' as 3358
check_filter "origin AS (not a path ending in an AS_SET)" \
    '.as_path_segments[-1] | .type == "AS_SEQUENCE" and .asns[-1] == 64505' \
    origin-as 64505
check_filter "community" '.communities | index([[47065,3]]) != null' \
    community 47065:3
check_filter "large community" \
    '.large_communities | index([[47065,1,40]]) != null' \
    large-community 47065:1:40
check_filter "several filters at once" \
    '(.prefix | startswith("10.2.")) and (.communities | index([[65000,100]]) != null) and any(.as_path_segments[].asns[]; . == 3360) and .mux == "exa4"' \
    in 10.2.0.0/16 community 65000:100 as 3360 mux exa4

# best: one path per prefix, the one marked best in the whole dump.
if routes best; then
	if [ "$(jq -r .prefix "$TMP/got.jsonl" | sort -u | wc -l)" = \
	    "$(wc -l <"$TMP/got.jsonl")" ] &&
	    [ "$(wc -l <"$TMP/got.jsonl")" = \
	    "$(jq -r .prefix "$TMP/sent.norm" | sort -u | wc -l)" ] &&
	    cmp -s <(jq -c 'select(.best)' "$TMP/all.jsonl") "$TMP/got.jsonl"; then
		pass "routes best: each prefix's best path, once"
	else
		fail "routes best: each prefix's best path, once"
	fi
else
	fail "routes best answers"
fi

# Filters the daemon refuses, with a reason and a failure status.
if ours_cli bgp routes --json community 1:70000 >/dev/null 2>"$TMP/err"; then
	fail "routes with a bad community is refused"
else
	grep -q 'bad community' "$TMP/err" &&
	    pass "routes with a bad community is refused: $(cat "$TMP/err")" ||
	    fail "routes with a bad community is refused ($(cat "$TMP/err"))"
fi

# show route for ADDR: the longest match, birdc's way.
show_for() {
	ours_cli bgp cli show route for "$1" | awk 'NF > 1 { print $1 }' | sort -u
}
for pair in 10.3.0.200=10.3.0.128/25 10.3.0.5=10.3.0.0/24 \
    10.3.9.9=10.3.9.0/24 10.3.15.255=10.3.15.0/24 10.3.200.1= \
    10.1.200.1=10.1.0.0/16 20.7.1.1=20.7.0.0/16 \
    2001:db8:3::9=2001:db8:3::/48; do
	a=${pair%%=*}
	want=${pair#*=}
	got=$(show_for "$a")
	if [ "$got" = "$want" ]; then
		pass "show route for $a: ${want:-nothing}"
	else
		fail "show route for $a: ${want:-nothing} (got: ${got:-nothing})"
	fi
done
got=$(ours_cli bgp cli show route in 10.1.0.0/16 count)
want="$(jq -c 'select(.prefix | startswith("10.1."))' "$TMP/sent.norm" | wc -l) paths for $(jq -r .prefix "$TMP/sent.norm" | grep '^10\.1\.' | sort -u | wc -l) prefixes"
[ "$got" = "$want" ] && pass "show route in 10.1.0.0/16 count: $got" ||
    fail "show route in 10.1.0.0/16 count: $want (got: $got)"
got=$(ours_cli bgp cli show route for 10.1.5.1 json | jq -r '.routes | map(.prefix) | join(" ")')
[ "$got" = 10.1.5.0/24 ] && pass "show route for 10.1.5.1 json: 10.1.5.0/24" ||
    fail "show route for 10.1.5.1 json: 10.1.5.0/24 (got: $got)"
# show route ... all: the attribute lines (the attribute table's text
# writers, src/bgp/attr.c) of 10.1.0.0/16's first path (i = 0: MED 0,
# two communities, one large one), in BIRD's order.
got=$(ours_cli bgp cli show route for 10.1.200.1 all | grep -A3 ' path 1\]' |
    grep '^[[:space:]]BGP\.' | sed 's/^[[:space:]]*//' | tr '\n' ';')
want='BGP.med: 0;BGP.community: (47065,0) (65000,100);BGP.large_community: (47065, 1, 0);'
[ "$got" = "$want" ] && pass "show route for 10.1.200.1 all: $want" ||
    fail "show route for 10.1.200.1 all: $want (got: $got)"
got=$(ours_cli bgp routes for 10.1.5.1 | awk '{ print $1 }' | sort -u)
[ "$got" = 10.1.5.0/24 ] && pass "peering bgp routes (text) for 10.1.5.1: 10.1.5.0/24" ||
    fail "peering bgp routes (text) for 10.1.5.1: 10.1.5.0/24 (got: $got)"

ours_stop
iop_finish
