#!/usr/bin/env bash
# Black-box tests of `peering decode` on MRT files (RFC 6396, RFC 8050):
# records typed by hand from the RFC layouts (only the MRT and BGP length
# fields are counted by the helpers), read as JSON and as `bgpdump -m`
# lines; the lines are also compared with bgpdump's own when it is
# installed. gzip input, a cut file, options.
# Needs jq, perl, gzip. Ends with "N passed, M failed".
set -u

cd "$(dirname "$0")/../.." || exit 1
PEERING=${PEERING:-./peering}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. tests/cli/lib.sh

strip() {
	local h="$*"
	h=${h//[[:space:]:]/}
	printf '%s' "$h"
}

# rec TIME TYPE SUBTYPE BODY-HEX...: one MRT record (RFC 6396 2).
rec() {
	local t=$1 type=$2 sub=$3 body
	shift 3
	body=$(strip "$@")
	printf '%08x%04x%04x%08x%s' "$t" "$type" "$sub" $((${#body} / 2)) "$body"
}

# bgpmsg TYPE BODY-HEX...: a whole BGP message.
bgpmsg() {
	local type=$1 body
	shift
	body=$(strip "$@")
	printf 'ffffffffffffffffffffffffffffffff%04x%02x%s' \
	    $((19 + ${#body} / 2)) "$type" "$body"
}

# update WITHDRAWN ATTRS NLRI (hex): an UPDATE.
update() {
	local w a n
	w=$(strip "$1")
	a=$(strip "$2")
	n=$(strip "$3")
	bgpmsg 2 "$(printf '%04x%s%04x%s%s' $((${#w} / 2)) "$w" \
	    $((${#a} / 2)) "$a" "$n")"
}

# entry PEER TIME [PATHID] ATTRS: a RIB entry (RFC 6396 4.3.4).
entry() {
	local a
	a=$(strip "${!#}")
	printf '%04x%08x%s%04x%s' "$1" "$2" "$([ $# -eq 4 ] &&
	    printf '%08x' "$3")" $((${#a} / 2)) "$a"
}

bin() {
	perl -ne 's/\s+//g; print pack("H*", $_)'
}

T0=1700000000
ORIGIN_IGP="40 01 01 00"
NH_10_0_0_2="40 03 04 0a000002"

# 1 PEER_INDEX_TABLE: 10.0.0.2 AS 65001 (2-octet); 2001:db8::3 AS
# 4200000001 (IPv6, 4-octet).
{
rec $T0 13 1 "0a000001 0000 0002" \
    "00 0a000002 0a000002 fde9" \
    "03 0a000003 20010db8000000000000000000000003 fa56ea01"
# 2 RIB_IPV4_UNICAST_ADDPATH 184.164.224.0/24, path id 7: 47065 3356
# 4200000000, next hop, communities 47065:1 no-export.
rec $T0 13 8 "00000000 18 b8a4e0 0001" "$(entry 0 $T0 7 \
    "$ORIGIN_IGP 40 02 0e 02 03 0000b7d9 00000d1c fa56ea00 $NH_10_0_0_2
     c0 08 08 b7d90001 ffffff01")"
# 3 RIB_IPV6_UNICAST 2001:db8::/32 from the second peer, AS_SET {1,2},
# origin incomplete, MP_REACH_NLRI whole (as some writers put it).
rec $T0 13 4 "00000001 20 20010db8 0001" "$(entry 1 $T0 \
    "40 01 01 02 40 02 0a 01 02 00000001 00000002
     80 0e 15 0002 01 10 20010db8000000000000000000000009 00")"
# 4 RIB_IPV6_UNICAST_ADDPATH 2001:db8:1::/48, abbreviated MP_REACH_NLRI
# (RFC 6396 4.3.4) with a link-local next hop, path id 9, MED 7.
rec $T0 13 10 "00000002 30 20010db80001 0001" "$(entry 1 $T0 9 \
    "$ORIGIN_IGP 40 02 06 02 01 00000001 80 04 04 00000007
     80 0e 21 20 20010db8000000000000000000000009
     fe800000000000000000000000000009")"
# 5 BGP4MP_ET MESSAGE_AS4_ADDPATH: withdraw 11.0.0.0/8 id 3, announce
# 184.164.224.0/24 id 1 (MED 5, LOCAL_PREF 100); 999999 microseconds.
rec $((T0 + 1)) 17 9 "000f423f 0000fde9 0000b7d9 0000 0001 0a000002 0a000001" \
    "$(update "00000003 08 0b" "$ORIGIN_IGP 40 02 06 02 01 0000fde9
     $NH_10_0_0_2 80 04 04 00000005 40 05 04 00000064" "00000001 18 b8a4e0")"
# 6 BGP4MP STATE_CHANGE OpenConfirm -> Established.
rec $((T0 + 2)) 16 0 "fde9 b7d9 0000 0001 0a000002 0a000001 0005 0006"
# 7 BGP4MP MESSAGE (2-octet): AS_PATH 65001 23456 + AS4_PATH 65001
# 4200000000, merged; aggregator AS 65000 1.2.3.4, ATOMIC_AGGREGATE.
rec $((T0 + 3)) 16 1 "fde9 b7d9 0000 0001 0a000002 0a000001" \
    "$(update "" "$ORIGIN_IGP 40 02 06 02 02 fde9 5ba0 $NH_10_0_0_2
     40 06 00 c0 07 06 fde8 01020304
     c0 11 0a 02 02 0000fde9 fa56ea00" "10 0a01")"
# 8 BGP4MP_ET MESSAGE_AS4_LOCAL (sent): IPv6 withdrawal in MP_UNREACH.
rec $((T0 + 4)) 17 7 "00000001 0000fde9 0000b7d9 0000 0002
     20010db8000000000000000000000002 20010db8000000000000000000000001" \
    "$(update "" "80 0f 0a 0002 01 30 20010db80002" "")"
} | bin >"$TMP/a.mrt"

"$PEERING" decode "$TMP/a.mrt" >"$TMP/out" 2>"$TMP/err"
check_eq "json status" "$?" 0
out=$(cat "$TMP/out")
line() { sed -n "${1}p" <<<"$out"; }
check_eq "json records" "$(grep -c '^' <<<"$out")" 8
check "peer table" "$(line 1)" '.index == 1 and .offset == 0 and .type == "TABLE_DUMP_V2" and .subtype == "PEER_INDEX_TABLE" and .collector_id == "10.0.0.1" and .peers == [{"bgp_id":"10.0.0.2","address":"10.0.0.2","as":65001},{"bgp_id":"10.0.0.3","address":"2001:db8::3","as":4200000001}]'
check "rib addpath" "$(line 2)" '.subtype == "RIB_IPV4_UNICAST_ADDPATH" and .prefix == "184.164.224.0/24" and (.entries | length) == 1 and .entries[0].peer == "10.0.0.2" and .entries[0].peer_as == 65001 and .entries[0].path_id == 7 and .entries[0].attributes.as_path == "47065 3356 4200000000" and .entries[0].attributes.next_hop == "10.0.0.2" and .entries[0].attributes.communities == [[47065,1],[65535,65281]]'
check "rib whole mp_reach" "$(line 3)" '.subtype == "RIB_IPV6_UNICAST" and .prefix == "2001:db8::/32" and .entries[0].peer == "2001:db8::3" and (.entries[0] | has("path_id") | not) and .entries[0].attributes.mp_reach.next_hop == "2001:db8::9" and .entries[0].attributes.origin == "Incomplete"'
check "rib short mp_reach" "$(line 4)" '.entries[0].path_id == 9 and .entries[0].attributes.mp_reach == {"afi":2,"safi":1,"next_hop":"2001:db8::9","next_hop_link_local":"fe80::9","nlri":[]} and .entries[0].attributes.med == 7'
check "bgp4mp_et" "$(line 5)" '.type == "BGP4MP_ET" and .usec == 999999 and .subtype == "MESSAGE_AS4_ADDPATH" and .peer_ip == "10.0.0.2" and .local_ip == "10.0.0.1" and .direction == "received" and .message.type == "UPDATE" and .message.withdrawn == [{"prefix":"11.0.0.0/8","path_id":3}] and .message.nlri == [{"prefix":"184.164.224.0/24","path_id":1}] and .message.attributes.local_pref == 100'
check "state change" "$(line 6)" '.type == "BGP4MP" and (has("usec") | not) and .old_state == "OpenConfirm" and .new_state == "Established" and (has("message") | not)'
check "2-octet merged" "$(line 7)" '.subtype == "MESSAGE" and .message.attributes.as_path == "65001 4200000000" and .message.attributes.aggregator == {"as":65000,"address":"1.2.3.4"}'
check "sent ipv6" "$(line 8)" '.subtype == "MESSAGE_AS4_LOCAL" and .direction == "sent" and .afi == 2 and .peer_ip == "2001:db8::2" and .message.attributes.mp_unreach.withdrawn == [{"prefix":"2001:db8:2::/48"}]'

want="TABLE_DUMP2_AP|1700000000|B|10.0.0.2|65001|184.164.224.0/24|7|47065 3356 4200000000|IGP|10.0.0.2|0|0|47065:1 no-export|NAG||
TABLE_DUMP2|1700000000|B|2001:db8::3|4200000001|2001:db8::/32|{1,2}|INCOMPLETE|2001:db8::9|0|0||NAG||
TABLE_DUMP2_AP|1700000000|B|2001:db8::3|4200000001|2001:db8:1::/48|9|1|IGP|2001:db8::9|0|7||NAG||
BGP4MP_ET_AP|1700000001.999999|W|10.0.0.2|65001|11.0.0.0/8|3
BGP4MP_ET_AP|1700000001.999999|A|10.0.0.2|65001|184.164.224.0/24|1|65001|IGP|10.0.0.2|100|5||NAG||
BGP4MP|1700000002|STATE|10.0.0.2|65001|5|6
BGP4MP|1700000003|A|10.0.0.2|65001|10.1.0.0/16|65001 4200000000|IGP|10.0.0.2|0|0||AG|65000 1.2.3.4|
BGP4MP_ET_LOCAL|1700000004.000001|W|2001:db8::2|65001|2001:db8:2::/48"
got=$("$PEERING" decode -m "$TMP/a.mrt")
check_eq "lines status" "$?" 0
check_eq "lines" "$got" "$want"
if command -v bgpdump >/dev/null 2>&1; then
	check_eq "lines as bgpdump -m" "$got" "$(bgpdump -m "$TMP/a.mrt" 2>/dev/null)"
else
	echo "note: bgpdump not installed, lines not compared with it"
fi

# gzip, and two gzip members back to back (cat a.gz b.gz)
gzip -c "$TMP/a.mrt" >"$TMP/a.mrt.gz"
check_eq "gzip" "$("$PEERING" decode -m "$TMP/a.mrt.gz")" "$want"
cat "$TMP/a.mrt.gz" "$TMP/a.mrt.gz" >"$TMP/aa.gz"
check_eq "two gzip members" "$("$PEERING" decode -m "$TMP/aa.gz" | grep -c '^')" 16
check_eq "gzip on stdin" "$("$PEERING" decode -m <"$TMP/a.mrt.gz")" "$want"
head -c 100 "$TMP/a.mrt.gz" >"$TMP/cut.gz"
"$PEERING" decode "$TMP/cut.gz" >"$TMP/out" 2>"$TMP/err"
check_eq "cut gzip status" "$?" 1
check_eq "cut gzip message" "$(cat "$TMP/err")" "peering decode: $TMP/cut.gz: gzip: corrupt or cut short"

# a file cut inside a record: what came before, then the error
size=$(stat -c %s "$TMP/a.mrt")
head -c $((size - 5)) "$TMP/a.mrt" >"$TMP/cut.mrt"
"$PEERING" decode "$TMP/cut.mrt" >"$TMP/out" 2>"$TMP/err"
check_eq "cut status" "$?" 1
out=$(cat "$TMP/out")
check_eq "cut records" "$(grep -c '^' <<<"$out")" 8
check "cut error" "$(line 8)" '.error == "truncated record" and (.offset | type) == "number" and .bytes > 0'
"$PEERING" decode -m "$TMP/cut.mrt" >"$TMP/out" 2>"$TMP/err"
check_eq "cut lines status" "$?" 1
check_eq "cut lines stderr" "$(grep -c 'truncated record' "$TMP/err")" 1

# TABLE_DUMP (the format before TABLE_DUMP_V2, 2-octet ASes): IPv4 with
# AS4_PATH merged, IPv6 with MP_REACH_NLRI whole.
{
rec $T0 12 1 "0000 0001 b8a4e000 18 01 6553f100 0a000002 fde9 0021
    $ORIGIN_IGP 40 02 06 02 02 fde9 5ba0 $NH_10_0_0_2
    c0 11 0a 02 02 0000fde9 fa56ea00"
rec $T0 12 2 "0000 0002 20010db8000000000000000000000000 20 01 6553f100
    20010db8000000000000000000000002 fde9 002a
    $ORIGIN_IGP 40 02 06 02 02 fde9 0001
    80 0e 1a 0002 01 10 20010db8000000000000000000000009 00 20 20010db8"
} | bin >"$TMP/td.mrt"
want="TABLE_DUMP|1700000000|B|10.0.0.2|65001|184.164.224.0/24|65001 4200000000|IGP|10.0.0.2|0|0||NAG||
TABLE_DUMP|1700000000|B|2001:db8::2|65001|2001:db8::/32|65001 1|IGP|2001:db8::9|0|0||NAG||"
got=$("$PEERING" decode -m "$TMP/td.mrt")
check_eq "table_dump lines" "$got" "$want"
if command -v bgpdump >/dev/null 2>&1; then
	check_eq "table_dump as bgpdump -m" "$got" "$(bgpdump -m "$TMP/td.mrt" 2>/dev/null)"
fi
out=$("$PEERING" decode "$TMP/td.mrt")
check "table_dump json" "$(line 1)" '.type == "TABLE_DUMP" and .subtype == "AFI_IPV4" and .view == 0 and .sequence == 1 and .prefix == "184.164.224.0/24" and .status == 1 and .peer == "10.0.0.2" and .peer_as == 65001 and .attributes.as_path == "65001 4200000000"'
check "table_dump ipv6 json" "$(line 2)" '.subtype == "AFI_IPV6" and .peer == "2001:db8::2" and .attributes.mp_reach.next_hop == "2001:db8::9"'

# a record that does not read is reported, the next one read
{
rec $T0 13 2 "00000000 21 0a000000 0000"
rec $T0 12 3 "0000"
rec $((T0 + 2)) 16 0 "fde9 b7d9 0000 0001 0a000002 0a000001 0005 0006"
} | bin >"$TMP/bad.mrt"
"$PEERING" decode "$TMP/bad.mrt" >"$TMP/out" 2>"$TMP/err"
check_eq "bad record status" "$?" 0
out=$(cat "$TMP/out")
check "bad prefix" "$(line 1)" '.error == "RIB prefix malformed"'
check "bad table_dump subtype" "$(line 2)" '.type == "TABLE_DUMP" and .error == "unknown TABLE_DUMP subtype"'
check "after bad" "$(line 3)" '.new_state == "Established"'

# --mrt on input that does not start like MRT; --help
printf '\0\0' | "$PEERING" decode --mrt >"$TMP/out" 2>"$TMP/err"
check_eq "--mrt short status" "$?" 1
check "--mrt short" "$(cat "$TMP/out")" '.error == "truncated header" and .bytes == 2'
"$PEERING" decode --help >"$TMP/out"
check_eq "help --mrt" "$(grep -c -- '^  --mrt \|^  -m, --lines ' "$TMP/out")" 2

finish
