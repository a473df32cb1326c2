#!/usr/bin/env bash
# Interop with ExaBGP 4 as a mux would be (iBGP AS 47065, one session per
# address family), and bad input on purpose through its raw
# `attribute [ 0xTYPE 0xFLAGS 0xHEX ]`:
#   - routes with 4-octet ASNs, an AS_SET, communities, large communities,
#     MED and LOCAL_PREF: in our RIB exactly so;
#   - unknown optional transitive attributes (type 0x63, and 0x64 with the
#     Partial bit set): accepted, kept with flags, type and value as sent;
#   - COMMUNITIES of length 5 (RFC 7606 3: treat-as-withdraw): the route is
#     withdrawn, counted in treat_as_withdraw, the session STAYS up;
#   - ATOMIC_AGGREGATE of length 1 (RFC 7606 7.6: attribute discard): the
#     route is kept without it, counted in attribute_discards.
# Needs root, exabgp (scripts/install-deps --interop), jq.
. "$(dirname "$0")/lib.sh"

iop_init exabgp
command -v exabgp >/dev/null 2>&1 ||
    give_up "exabgp not found: scripts/install-deps --interop"
need_ours
netns_setup

cat >"$TMP/exabgp.conf" <<EOF
neighbor $OURS_V4 {
	router-id $MUX_V4;
	local-address $MUX_V4;
	local-as $MUX_AS;
	peer-as $MUX_AS;
	family { ipv4 unicast; }
	static {
		route 184.164.224.0/24 next-hop 100.65.0.1 as-path [ 263842 4200000001 15169 ] community [ 47065:1 65000:100 ] large-community [ 47065:1:4200000001 4200000000:1:2 ] med 50 local-preference 200;
		route 8.8.8.0/24 next-hop 100.65.0.3 as-path [ 3356 ( 4200000003 15169 ) ] community [ 47065:3 ];
		route 9.9.9.0/24 next-hop 100.65.0.2 as-path [ 4200000002 ] attribute [ 0x63 0xc0 0x0102 ] attribute [ 0x64 0xe0 0xdeadbeef ];
		route 1.0.0.0/24 next-hop 100.65.0.2 as-path [ 13335 ] attribute [ 0x08 0xc0 0x0102030405 ];
		route 1.1.1.0/24 next-hop 100.65.0.2 as-path [ 13335 ] attribute [ 0x06 0x40 0x01 ];
	}
}
neighbor $OURS_V6 {
	router-id $MUX_V4;
	local-address $MUX_V6;
	local-as $MUX_AS;
	peer-as $MUX_AS;
	family { ipv6 unicast; }
	static {
		route 2804:269c:1::/48 next-hop 2804:269c:ff00:1:2::1 as-path [ 263842 4200000001 15169 ] community [ 47065:1 ] large-community [ 47065:1:4200000001 ] med 7 local-preference 50;
		route 2001:4860::/32 next-hop 2804:269c:ff00:1:2::3 as-path [ 3356 ( 4200000003 15169 ) ];
		route 2606:4700::/32 next-hop 2804:269c:ff00:1:2::2 as-path [ 13335 ] attribute [ 0x63 0xc0 0x0102 ];
		route 2a00:1450::/32 next-hop 2804:269c:ff00:1:2::2 as-path [ 15169 ] attribute [ 0x08 0xc0 0x0102030405 ];
	}
}
EOF
# Counted as announced: 4 IPv4 (the bad-COMMUNITIES one is withdrawn) and 3
# IPv6.
N4=4
N6=3

exabgp_start "$TMP/exabgp.conf" exabgp.log.level=DEBUG exabgp.log.packets=true

ours_start_pair exa4 exa6

check_session "IPv4 session Established" 30 exa4 '.state == "Established"'
check_session "IPv6 session Established" 30 exa6 '.state == "Established"'
check_session "IPv4: 4-octet AS numbers negotiated" 1 exa4 '.as4 == true'
check_session "IPv6: 4-octet AS numbers negotiated" 1 exa6 '.as4 == true'
check_session "IPv4: the $N4 good routes counted (incl. the unknown attribute's)" \
    20 exa4 ".stats.prefixes_in == $N4"
check_session "IPv6: the $N6 good routes counted (incl. the unknown attribute's)" \
    20 exa6 ".stats.prefixes_in == $N6"
check_session "IPv4: COMMUNITIES of length 5 is treat-as-withdraw" 5 exa4 \
    '.stats.treat_as_withdraw == 1 and .stats.withdrawals_in == 1'
check_session "IPv6: COMMUNITIES of length 5 is treat-as-withdraw" 5 exa6 \
    '.stats.treat_as_withdraw == 1 and .stats.withdrawals_in == 1'
check_session "IPv4: ATOMIC_AGGREGATE of length 1 is discarded, route kept" 5 \
    exa4 '.stats.attribute_discards == 1'
check_session "IPv6: no attribute discarded (none sent)" 1 exa6 \
    '.stats.attribute_discards == 0'
# No reset: still up a few seconds later, never went down.
sleep 3
check_session "IPv4: stays Established, no reset" 1 exa4 \
    '.state == "Established" and .stats.established == 1'
check_session "IPv6: stays Established, no reset" 1 exa6 \
    '.state == "Established" and .stats.established == 1'
if grep -q 'message of type NOTIFICATION' "$TMP/exabgp.log"; then
	fail "ExaBGP received no NOTIFICATION from us"
	grep -A3 'message of type NOTIFICATION' "$TMP/exabgp.log" | head -5
else
	pass "ExaBGP received no NOTIFICATION from us"
fi

# Our RIB: the good routes once each, exactly as configured above; the
# treat-as-withdraw ones absent.
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
	      attributes: ({origin: "IGP", med: null, communities: null,
		large_communities: null, unknown: null,
		atomic_aggregate: null} + $a)}'
}
seq_() { jq -nc --arg a "$1" '{type: "AS_SEQUENCE", asns: ($a | split(",") | map(tonumber))}'; }
set_() { jq -nc --arg a "$1" '{type: "AS_SET", asns: ($a | split(",") | map(tonumber))}'; }
UNKNOWN63='{"flags":192,"type":99,"partial":false,"transitive":true,"hex":"0102"}'
UNKNOWN64='{"flags":224,"type":100,"partial":true,"transitive":true,"hex":"deadbeef"}'
exp_reset
for p in 184.164.224.0/24 8.8.8.0/24 9.9.9.0/24 1.1.1.0/24 \
    2804:269c:1::/48 2001:4860::/32 2606:4700::/32; do
	exp_prefix "$p" 1
done
exp_prefix 1.0.0.0/24 0
exp_prefix 2a00:1450::/32 0
exp_only
rib_expect "RIB: the good routes once each; 1.0.0.0/24 and 2a00:1450::/32 (bad COMMUNITIES) absent" 5
exp_reset
exp_path 184.164.224.0/24 100.65.0.1 "$(want exa4 \
    as_path '"263842 4200000001 15169"' \
    as_path_segments "[$(seq_ 263842,4200000001,15169)]" \
    communities '[[47065,1],[65000,100]]' \
    large_communities '[[47065,1,4200000001],[4200000000,1,2]]' \
    med 50 local_pref 200)"
exp_path 8.8.8.0/24 100.65.0.3 "$(want exa4 as_path '"3356 {4200000003 15169}"' \
    as_path_segments "[$(seq_ 3356),$(set_ 4200000003,15169)]" \
    communities '[[47065,3]]')"
rib_expect "RIB, IPv4: 4-octet AS_PATH, AS_SET {4200000003,15169}, communities, large communities, MED, LOCAL_PREF: intact" 1
exp_reset
exp_path 9.9.9.0/24 100.65.0.2 "$(want exa4 \
    as_path_segments "[$(seq_ 4200000002)]" unknown "[$UNKNOWN63,$UNKNOWN64]")"
exp_path 2606:4700::/32 2804:269c:ff00:1:2::2 "$(want exa6 \
    as_path_segments "[$(seq_ 13335)]" unknown "[$UNKNOWN63]")"
rib_expect "RIB: unknown optional transitive attributes kept as sent: 0x63 flags 0xc0 value 0102, 0x64 flags 0xe0 (Partial) value deadbeef" 1
exp_reset
exp_path 1.1.1.0/24 100.65.0.2 "$(want exa4 as_path_segments "[$(seq_ 13335)]")"
rib_expect "RIB: 1.1.1.0/24 kept without its malformed ATOMIC_AGGREGATE" 1
exp_reset
exp_path 2804:269c:1::/48 2804:269c:ff00:1:2::1 "$(want exa6 \
    as_path_segments "[$(seq_ 263842,4200000001,15169)]" \
    communities '[[47065,1]]' large_communities '[[47065,1,4200000001]]' \
    med 7 local_pref 50)"
exp_path 2001:4860::/32 2804:269c:ff00:1:2::3 "$(want exa6 \
    as_path_segments "[$(seq_ 3356),$(set_ 4200000003,15169)]")"
rib_expect "RIB, IPv6: 4-octet AS_PATH, AS_SET, communities, large communities, MED, LOCAL_PREF: intact" 1

ours_stop
# With exabgp.log.packets, ExaBGP logs every message's bytes. It cannot
# decode a Cease carrying a shutdown communication itself (ExaBGP 4.2.21
# under Python 3 fails in notification.py with "%b requires a bytes-like
# object" and answers with a NOTIFICATION 1/0 of its own), so the check is
# on the bytes: type 3 (NOTIFICATION), then code 6 subcode 2.
exa_got_cease() {
	grep -A1 'received complete TCP payload (  19) .* 03$' \
	    "$TMP/exabgp.log" | grep -q 'received complete TCP payload .*) 0602'
}
if wait_for 5 "ExaBGP cease" exa_got_cease; then
	pass "ExaBGP received our Cease/Administrative Shutdown"
else
	fail "ExaBGP received our Cease/Administrative Shutdown"
	tail -5 "$TMP/exabgp.log"
fi
alive "$EXA_PID" && pass "ExaBGP survived the run" ||
    fail "ExaBGP survived the run"

iop_finish
