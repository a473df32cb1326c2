#!/usr/bin/env bash
# Interop with GoBGP 3 as a mux would be: iBGP AS 47065, one session per
# address family, routes injected through its API (`gobgp global rib add`)
# with 4-octet ASNs in the AS_PATH, an AS_SET, communities, large
# communities, MED and LOCAL_PREF. Checks: both sessions Established, every
# route counted, no attribute error, every route in our RIB with exactly
# those attributes, GoBGP's own view, a withdrawal (counted, and gone from
# our RIB), our clean shutdown.
# Needs root, gobgpd (scripts/install-deps --interop), jq.
. "$(dirname "$0")/lib.sh"

iop_init gobgp
for b in gobgpd gobgp; do
	command -v "$b" >/dev/null 2>&1 ||
	    give_up "$b not found: scripts/install-deps --interop"
done
need_ours
netns_setup

API=127.0.0.1:50051	# inside the peer's namespace
cat >"$TMP/gobgpd.toml" <<EOF
[global.config]
  as = $MUX_AS
  router-id = "$MUX_V4"
  local-address-list = ["$MUX_V4", "$MUX_V6"]

EOF
{
	gobgp_neighbor "$OURS_V4" "$MUX_AS" "$MUX_V4" "" ipv4-unicast
	gobgp_neighbor "$OURS_V6" "$MUX_AS" "$MUX_V6" "" ipv6-unicast
} >>"$TMP/gobgpd.toml"

gobgp_cli() {
	ip netns exec "$NS_PEER" gobgp -u "${API%:*}" -p "${API#*:}" "$@"
}

start_bg "$NS_PEER" "$TMP/gobgpd.log" gobgpd -f "$TMP/gobgpd.toml" \
    --api-hosts "$API" --pprof-disable -p
GOBGP_PID=$BG_PID
wait_for 15 "gobgpd API" gobgp_cli global >/dev/null ||
    give_up "gobgpd did not start: $(tail -3 "$TMP/gobgpd.log")"
iop_log "gobgpd running, pid $GOBGP_PID"

# The routes: 4-octet ASNs, an AS_SET, communities, large communities.
add4() {
	gobgp_cli global rib -a ipv4 add "$@" >>"$TMP/gobgp-cli.log" 2>&1 ||
	    fail "gobgp global rib add $*"
}
add6() {
	gobgp_cli global rib -a ipv6 add "$@" >>"$TMP/gobgp-cli.log" 2>&1 ||
	    fail "gobgp global rib add $*"
}
add4 184.164.224.0/24 nexthop 100.65.0.1 aspath 263842,4200000001,15169 \
    community 47065:1 large-community 47065:1:4200000001 origin igp
add4 184.164.225.0/24 nexthop 100.65.0.2 aspath 3356,4200000002 \
    community 47065:2,65000:100 large-community 4200000000:1:2,47065:2:2 \
    med 50 origin egp
add4 8.8.8.0/24 nexthop 100.65.0.3 aspath "3356 {4200000003,15169}" \
    community 47065:3 local-pref 200 origin incomplete
add4 1.0.0.0/24 nexthop 100.65.0.1 aspath 13335 origin igp
add6 2804:269c:1::/48 nexthop 2804:269c:ff00:1:2::1 \
    aspath 263842,4200000001,15169 community 47065:1 \
    large-community 47065:1:4200000001 origin igp
add6 2001:4860::/32 nexthop 2804:269c:ff00:1:2::2 \
    aspath "3356 {4200000003,15169}" community 47065:2 med 7 origin egp
add6 2606:4700::/32 nexthop 2804:269c:ff00:1:2::3 aspath 13335 \
    large-community 47065:3:3 local-pref 50 origin incomplete
N4=4
N6=3
n=$(gobgp_cli -j global rib -a ipv4 | jq 'length')
n6=$(gobgp_cli -j global rib -a ipv6 | jq 'length')
if [ "$n" = "$N4" ] && [ "$n6" = "$N6" ]; then
	pass "GoBGP holds the $N4 + $N6 routes to send"
else
	fail "GoBGP holds the $N4 + $N6 routes to send: it has $n + $n6"
	cat "$TMP/gobgp-cli.log"
fi

if gobgp_cli global rib -a ipv4 | grep -q '{4200000003, *15169}' &&
    gobgp_cli global rib -a ipv4 | grep -q '4200000001'; then
	pass "GoBGP will send 4-octet ASNs and an AS_SET"
else
	fail "GoBGP will send 4-octet ASNs and an AS_SET"
	gobgp_cli global rib -a ipv4
fi

ours_start_pair gobgp4 gobgp6

core_checks gobgp4 gobgp6 "$N4" "$N6"

# Our RIB: each route once, as GoBGP was told to send it.
seq_() { jq -nc --arg a "$1" '{type: "AS_SEQUENCE", asns: ($a | split(",") | map(tonumber))}'; }
set_() { jq -nc --arg a "$1" '{type: "AS_SET", asns: ($a | split(",") | map(tonumber))}'; }
# want PEER [KEY JSON]...: a path from PEER with these attributes.
want() {
	local peer=$1 a='{}'
	shift
	while [ $# -gt 1 ]; do
		a=$(jq -nc --argjson a "$a" --arg k "$1" --argjson v "$2" '$a + {($k): $v}')
		shift 2
	done
	jq -nc --arg peer "$peer" --arg ifn "$IF_OURS" --argjson a "$a" \
	    '{peer: $peer, interface: $ifn, stale: false,
	      attributes: ({unknown: null, atomic_aggregate: null} + $a)}'
}
exp_reset
for p in 184.164.224.0/24 184.164.225.0/24 8.8.8.0/24 1.0.0.0/24 \
    2804:269c:1::/48 2001:4860::/32 2606:4700::/32; do
	exp_prefix "$p" 1
done
exp_only
rib_expect "RIB: the $N4 + $N6 routes, one path each" 5
exp_reset
exp_path 184.164.224.0/24 100.65.0.1 "$(want gobgp4 origin '"IGP"' \
    as_path '"263842 4200000001 15169"' \
    as_path_segments "[$(seq_ 263842,4200000001,15169)]" \
    communities '[[47065,1]]' large_communities '[[47065,1,4200000001]]' \
    med null)"
exp_path 184.164.225.0/24 100.65.0.2 "$(want gobgp4 origin '"EGP"' \
    as_path_segments "[$(seq_ 3356,4200000002)]" \
    communities '[[47065,2],[65000,100]]' \
    large_communities '[[4200000000,1,2],[47065,2,2]]' med 50)"
exp_path 8.8.8.0/24 100.65.0.3 "$(want gobgp4 origin '"Incomplete"' \
    as_path '"3356 {4200000003 15169}"' \
    as_path_segments "[$(seq_ 3356),$(set_ 4200000003,15169)]" \
    communities '[[47065,3]]' large_communities null local_pref 200)"
exp_path 1.0.0.0/24 100.65.0.1 "$(want gobgp4 origin '"IGP"' \
    as_path_segments "[$(seq_ 13335)]" communities null \
    large_communities null med null)"
rib_expect "RIB, IPv4: ORIGIN, 4-octet AS_PATHs, the AS_SET {4200000003,15169}, communities, large communities, MED, LOCAL_PREF, next hops: intact" 1
exp_reset
exp_path 2804:269c:1::/48 2804:269c:ff00:1:2::1 "$(want gobgp6 origin '"IGP"' \
    as_path_segments "[$(seq_ 263842,4200000001,15169)]" \
    communities '[[47065,1]]' large_communities '[[47065,1,4200000001]]')"
exp_path 2001:4860::/32 2804:269c:ff00:1:2::2 "$(want gobgp6 origin '"EGP"' \
    as_path_segments "[$(seq_ 3356),$(set_ 4200000003,15169)]" \
    communities '[[47065,2]]' med 7)"
exp_path 2606:4700::/32 2804:269c:ff00:1:2::3 "$(want gobgp6 origin '"Incomplete"' \
    as_path_segments "[$(seq_ 13335)]" communities null \
    large_communities '[[47065,3,3]]' local_pref 50)"
rib_expect "RIB, IPv6: the same, next hops 2804:269c:ff00:1:2::N" 1

# GoBGP's side of it.
gobgp_state() {
	gobgp_cli -j neighbor "$1" | jq -r '.state.session_state'
}
gobgp_established() {
	local s
	s=$(gobgp_state "$1")
	[ "$s" = 6 ] || [ "$s" = established ] || [ "$s" = ESTABLISHED ]
}
if wait_for 5 "gobgp sees v4" gobgp_established "$OURS_V4" &&
    wait_for 5 "gobgp sees v6" gobgp_established "$OURS_V6"; then
	pass "GoBGP sees both sessions Established"
else
	fail "GoBGP sees both sessions Established ($(gobgp_state "$OURS_V4"), $(gobgp_state "$OURS_V6"))"
fi

# A withdrawal through the API.
gobgp_cli global rib -a ipv4 del 1.0.0.0/24 >/dev/null 2>&1
check_session "IPv4: a withdrawal counted" 10 gobgp4 \
    '.stats.withdrawals_in == 1'
exp_reset
exp_prefix 1.0.0.0/24 0
exp_prefix 184.164.224.0/24 1
rib_expect "RIB: the withdrawn 1.0.0.0/24 gone, the others kept" 5

ours_stop
gobgp_got_cease() {
	grep -qi 'cease\|admin.*shutdown\|peering-bgpd shutting down' \
	    "$TMP/gobgpd.log" && ! gobgp_established "$OURS_V4"
}
if wait_for 5 "gobgp cease" gobgp_got_cease; then
	pass "GoBGP saw our session close with a Cease"
else
	fail "GoBGP saw our session close with a Cease"
	tail -5 "$TMP/gobgpd.log"
fi
alive "$GOBGP_PID" && pass "gobgpd survived the run" ||
    fail "gobgpd survived the run"

iop_finish
