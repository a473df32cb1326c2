#!/usr/bin/env bash
# Interop with FRR 8 bgpd (no zebra) as a mux would be: iBGP AS 47065, one
# session per address family, `network` routes whose route-maps prepend
# 4-octet ASNs and set communities, large communities, MED and LOCAL_PREF,
# and an `aggregate-address ... as-set` whose AS_PATH carries an AS_SET.
# Checks: both sessions Established, every route counted, no attribute
# error, every route in our RIB with exactly those attributes (the AS_SET
# and AGGREGATOR included), FRR's own view, our clean shutdown.
# Needs root, frr (scripts/install-deps --interop), jq.
. "$(dirname "$0")/lib.sh"

iop_init frr
BGPD=/usr/lib/frr/bgpd
[ -x "$BGPD" ] && command -v vtysh >/dev/null 2>&1 ||
    give_up "FRR not found: scripts/install-deps --interop"
need_ours
netns_setup

mkdir -p "$TMP/frr"
cat >"$TMP/frr/bgpd.conf" <<EOF
frr defaults traditional
hostname mux
log file $TMP/frr.log informational
!
route-map UP1 permit 10
 set as-path prepend 263842 4200000001 15169
 set community 47065:1 65000:100
 set large-community 47065:1:4200000001
 set metric 50
!
route-map UP2 permit 10
 set as-path prepend 3356 4200000002
 set community 47065:2
 set large-community 4200000000:1:2 47065:2:2
 set local-preference 200
!
route-map C1 permit 10
 set as-path prepend 4200000011
!
route-map C2 permit 10
 set as-path prepend 4200000012
!
router bgp $MUX_AS
 bgp router-id $MUX_V4
 bgp log-neighbor-changes
 no bgp ebgp-requires-policy
 no bgp network import-check
 no bgp default ipv4-unicast
 neighbor $OURS_V4 remote-as $MUX_AS
 neighbor $OURS_V4 timers connect 2
 neighbor $OURS_V6 remote-as $MUX_AS
 neighbor $OURS_V6 timers connect 2
 !
 address-family ipv4 unicast
  network 184.164.224.0/24 route-map UP1
  network 184.164.225.0/24 route-map UP2
  network 10.1.1.0/24 route-map C1
  network 10.1.2.0/24 route-map C2
  aggregate-address 10.1.0.0/16 as-set
  neighbor $OURS_V4 activate
 exit-address-family
 !
 address-family ipv6 unicast
  network 2804:269c:1::/48 route-map UP1
  network 2001:4860::/32 route-map UP2
  neighbor $OURS_V6 activate
 exit-address-family
!
EOF
N4=5	# two upstream routes, two contributors and their aggregate
N6=2

vtysh_bgp() {
	ip netns exec "$NS_PEER" vtysh --vty_socket "$TMP/frr" -d bgpd -c "$@"
}

start_bg "$NS_PEER" "$TMP/frr.out" "$BGPD" -f "$TMP/frr/bgpd.conf" \
    -i "$TMP/frr/bgpd.pid" --vty_socket "$TMP/frr" -Z -S -P 0
FRR_PID=$BG_PID
wait_for 15 "FRR vty" vtysh_bgp "show bgp summary json" >/dev/null ||
    give_up "FRR bgpd did not start: $(tail -3 "$TMP/frr.out")"
iop_log "FRR bgpd running, pid $FRR_PID"

frr_has() {
	vtysh_bgp "show bgp ipv4 unicast json" | jq -e \
	    '.routes["10.1.0.0/16"][0].path | test("\\{")' >/dev/null
}
if wait_for 10 "FRR aggregate" frr_has; then
	pass "FRR will send 4-octet ASNs and an AS_SET (aggregate as-set)"
else
	fail "FRR will send 4-octet ASNs and an AS_SET (aggregate as-set)"
	vtysh_bgp "show bgp ipv4 unicast"
fi

ours_start_pair frr4 frr6

core_checks frr4 frr6 "$N4" "$N6"

# Our RIB: each route once, next hop FRR itself (its own `network`s), with
# what the route-maps set; FRR sends MED 0 and LOCAL_PREF 100 unless told.
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
	      attributes: ({origin: "IGP", med: 0, local_pref: 100,
		communities: null, large_communities: null, unknown: null,
		atomic_aggregate: null, aggregator: null} + $a)}'
}
seq_() { jq -nc --arg a "$1" '[{type: "AS_SEQUENCE", asns: ($a | split(",") | map(tonumber))}]'; }
UP1=(as_path_segments "$(seq_ 263842,4200000001,15169)"
    communities '[[47065,1],[65000,100]]'
    large_communities '[[47065,1,4200000001]]' med 50)
UP2=(as_path_segments "$(seq_ 3356,4200000002)" communities '[[47065,2]]'
    large_communities '[[4200000000,1,2],[47065,2,2]]' local_pref 200)
exp_reset
for p in 184.164.224.0/24 184.164.225.0/24 10.1.1.0/24 10.1.2.0/24 \
    10.1.0.0/16 2804:269c:1::/48 2001:4860::/32; do
	exp_prefix "$p" 1
done
exp_only
rib_expect "RIB: the $N4 + $N6 routes, one path each" 5
exp_reset
exp_path 184.164.224.0/24 "$MUX_V4" "$(want frr4 "${UP1[@]}" as_path '"263842 4200000001 15169"')"
exp_path 184.164.225.0/24 "$MUX_V4" "$(want frr4 "${UP2[@]}")"
exp_path 10.1.1.0/24 "$MUX_V4" "$(want frr4 as_path_segments "$(seq_ 4200000011)")"
exp_path 10.1.2.0/24 "$MUX_V4" "$(want frr4 as_path_segments "$(seq_ 4200000012)")"
exp_path 10.1.0.0/16 "$MUX_V4" "$(want frr4 as_path '"{4200000011 4200000012}"' \
    as_path_segments '[{"type":"AS_SET","asns":[4200000011,4200000012]}]' \
    aggregator "{\"as\":$MUX_AS,\"address\":\"$MUX_V4\"}")"
rib_expect "RIB, IPv4: 4-octet AS_PATHs, the aggregate's AS_SET {4200000011 4200000012} and AGGREGATOR, communities, large communities, MED, LOCAL_PREF: intact" 1
exp_reset
exp_path 2804:269c:1::/48 "$MUX_V6" "$(want frr6 "${UP1[@]}")"
exp_path 2001:4860::/32 "$MUX_V6" "$(want frr6 "${UP2[@]}")"
rib_expect "RIB, IPv6: the same attributes intact, next hop $MUX_V6" 1

frr_established() {
	vtysh_bgp "show bgp neighbors $1 json" |
	    jq -e --arg n "$1" '.[$n].bgpState == "Established"' >/dev/null
}
if wait_for 5 "FRR v4" frr_established "$OURS_V4" &&
    wait_for 5 "FRR v6" frr_established "$OURS_V6"; then
	pass "FRR sees both sessions Established"
else
	fail "FRR sees both sessions Established"
	vtysh_bgp "show bgp summary"
fi
sent=$(vtysh_bgp "show bgp neighbors $OURS_V4 json" | jq -r \
    --arg n "$OURS_V4" '.[$n].addressFamilyInfo.ipv4Unicast.sentPrefixCounter')
if [ "$sent" = "$N4" ]; then
	pass "FRR says it sent $N4 IPv4 prefixes"
else
	fail "FRR says it sent $N4 IPv4 prefixes: $sent"
fi

ours_stop
frr_got_cease() {
	grep -qi 'Administrative Shutdown\|peering-bgpd shutting down' \
	    "$TMP/frr.log"
}
if wait_for 5 "FRR cease" frr_got_cease; then
	pass "FRR received our Cease/Administrative Shutdown"
else
	fail "FRR received our Cease/Administrative Shutdown"
	tail -5 "$TMP/frr.log"
fi
alive "$FRR_PID" && pass "FRR bgpd survived the run" ||
    fail "FRR bgpd survived the run"

iop_finish
