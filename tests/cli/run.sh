#!/usr/bin/env bash
# Black-box tests of `peering decode`: hand-built BGP messages in, JSON
# fields checked with jq. The vectors are written from the RFC layouts;
# only the outer lengths are counted by the helpers below, every field
# inside is typed by hand (the malformed ones entirely by hand).
# Needs jq and perl. Ends with "N passed, M failed".
# PEERING_WRAP runs every decode under a checker, e.g.
#   PEERING_WRAP="valgrind -q --leak-check=full --error-exitcode=99"
set -u

cd "$(dirname "$0")/../.." || exit 1
PEERING=${PEERING:-./peering}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. tests/cli/lib.sh

# ---- building blocks (RFC 4271 4.1, 4.3) ----
MARKER=ffffffffffffffffffffffffffffffff

strip() {
	local h="$*"
	h=${h//[ :]/}
	printf '%s' "$h"
}

# msg TYPE BODY-HEX...: one whole message, header length counted.
msg() {
	local type=$1 body
	shift
	body=$(strip "$@")
	printf '%s%04x%02x%s\n' "$MARKER" $((19 + ${#body} / 2)) "$type" "$body"
}

# attr FLAGS TYPE VALUE-HEX...: one path attribute (1-octet length).
attr() {
	local flags=$1 type=$2 value
	shift 2
	value=$(strip "$@")
	printf '%s%s%02x%s' "$flags" "$type" $((${#value} / 2)) "$value"
}

# update WITHDRAWN-HEX ATTRS-HEX NLRI-HEX: an UPDATE body.
update() {
	local w a n
	w=$(strip "$1")
	a=$(strip "$2")
	n=$(strip "$3")
	msg 2 "$(printf '%04x%s%04x%s%s' $((${#w} / 2)) "$w" $((${#a} / 2)) \
	    "$a" "$n")"
}

# decode ARGS... < input: the tool's stdout in $out, its status in $STATUS.
decode() {
	${PEERING_WRAP:-} "$PEERING" decode "$@" >"$TMP/out" 2>"$TMP/err"
	STATUS=$?
	out=$(cat "$TMP/out")
}

line() {
	sed -n "${1}p" <<<"$2"
}

ORIGIN_IGP=$(attr 40 01 00)
NH_10_0_0_1=$(attr 40 03 0a000001)

# ---- KEEPALIVE, written out whole (RFC 4271 4.4) ----
KEEPALIVE=ffffffffffffffffffffffffffffffff001304
decode --hex <<<"$KEEPALIVE"
check "keepalive" "$out" '.index == 1 and .line == 1 and .type == "KEEPALIVE" and .length == 19'
check "keepalive has nothing more" "$out" 'keys | sort == ["index","length","line","type"]'
check_eq "keepalive status" "$STATUS" 0

# ---- OPEN with capabilities (RFC 4271 4.2, RFC 5492) ----
# AS_TRANS as My AS, hold 90, id 1.2.3.4; one Capabilities parameter.
CAPS="0104 0001 0001"		# MP IPv4 unicast (RFC 4760)
CAPS+="0104 0002 0001"		# MP IPv6 unicast
CAPS+="0200"			# route refresh (RFC 2918)
CAPS+="4104 fa56ea00"		# 4-octet AS 4200000000 (RFC 6793)
CAPS+="4006 8078 0001 01 80"	# GR: R bit, 120 s; IPv4 unicast, F bit
CAPS+="4504 0001 01 03"		# ADD-PATH IPv4 unicast send+receive
CAPS+="ee02 abcd"		# unassigned code 238
caps=$(strip "$CAPS")
OPEN=$(msg 1 "04 5ba0 005a 01020304" \
    "$(printf '%02x02%02x%s' $((${#caps} / 2 + 2)) $((${#caps} / 2)) "$caps")")
decode --hex <<<"$OPEN"
check "open type" "$out" '.type == "OPEN" and .length == 69'
check "open fields" "$out" '.version == 4 and .my_as == 23456 and .hold_time == 90 and .bgp_id == "1.2.3.4"'
check "open peer_as from capability" "$out" '.peer_as == 4200000000'
check "open mp" "$out" '.capabilities[] | select(.code == 1) | .afi_safi == [{"afi":1,"safi":1},{"afi":2,"safi":1}]'
check "open route refresh" "$out" '[.capabilities[] | select(.code == 2)] | length == 1'
check "open as4" "$out" '.capabilities[] | select(.code == 65) | .as4 == 4200000000'
check "open graceful restart" "$out" '.capabilities[] | select(.code == 64) | .restarting and (.notification | not) and .restart_time == 120 and .afi_safi == [{"afi":1,"safi":1,"forwarding":true}]'
check "open add-path" "$out" '.capabilities[] | select(.code == 69) | .afi_safi == [{"afi":1,"safi":1,"send":true,"receive":true}]'
check "open unknown capability" "$out" '.capabilities[] | select(.code == 238) | .hex == "abcd"'
check "open capability names" "$out" '[.capabilities[].name] | all(type == "string")'

# ---- UPDATE, 4-octet session: IPv4 and IPv6 NLRI, communities ----
ATTRS=$ORIGIN_IGP
# AS_PATH: AS_SEQUENCE 47065 3356 4200000000, AS_SET {1 2}
ATTRS+=$(attr 40 02 "02 03 0000b7d9 00000d1c fa56ea00  01 02 00000001 00000002")
ATTRS+=$NH_10_0_0_1
ATTRS+=$(attr 80 04 00000064)				# MED 100
ATTRS+=$(attr 40 05 000000c8)				# LOCAL_PREF 200
ATTRS+=$(attr c0 08 b7d90001 b7d903e9)			# (47065,1) (47065,1001)
ATTRS+=$(attr c0 20 0000b7d9 00000001 00000002)	# (47065, 1, 2)
# MP_REACH_NLRI: IPv6 unicast, next hop 2804:269c::1,
# 2804:269c::/32 and 2804:269c:ff00::/48
ATTRS+=$(attr 80 0e "0002 01 10 2804269c000000000000000000000001 00" \
    "20 2804269c  30 2804269cff00")
UPD4=$(update "" "$ATTRS" "18 b8a4e0")
decode --hex --as4 <<<"$UPD4"
check "update type" "$out" '.type == "UPDATE" and .action == "accept" and (has("error") | not)'
check "update nlri" "$out" '.nlri == [{"prefix":"184.164.224.0/24"}] and .withdrawn == []'
check "update origin" "$out" '.attributes.origin == "IGP"'
check "update as_path text" "$out" '.attributes.as_path == "47065 3356 4200000000 {1 2}"'
check "update as_path segments" "$out" '.attributes.as_path_segments == [{"type":"AS_SEQUENCE","asns":[47065,3356,4200000000]},{"type":"AS_SET","asns":[1,2]}]'
check "update next_hop" "$out" '.attributes.next_hop == "10.0.0.1"'
check "update med, local_pref" "$out" '.attributes.med == 100 and .attributes.local_pref == 200'
check "update communities" "$out" '.attributes.communities == [[47065,1],[47065,1001]]'
check "update communities text" "$out" '.attributes.communities_text == "(47065,1) (47065,1001)"'
check "update large communities" "$out" '.attributes.large_communities == [[47065,1,2]]'
check "update large communities text" "$out" '.attributes.large_communities_text == "(47065, 1, 2)"'
check "update mp_reach family" "$out" '.attributes.mp_reach.afi == 2 and .attributes.mp_reach.safi == 1'
check "update mp_reach next hop" "$out" '.attributes.mp_reach.next_hop == "2804:269c::1" and (.attributes.mp_reach | has("next_hop_link_local") | not)'
check "update mp_reach nlri" "$out" '.attributes.mp_reach.nlri == [{"prefix":"2804:269c::/32"},{"prefix":"2804:269c:ff00::/48"}]'
check "update no as4_path" "$out" '.attributes | has("as4_path") | not'

# ---- UPDATE from a 2-octet speaker: AS4_PATH merged (RFC 6793 4.2.3) ----
ATTRS=$ORIGIN_IGP
ATTRS+=$(attr 40 02 "02 03 b7d9 5ba0 0d1c")		# 47065 AS_TRANS 3356
ATTRS+=$NH_10_0_0_1
ATTRS+=$(attr c0 11 "02 03 0000b7d9 fa56ea00 00000d1c")	# AS4_PATH
UPD2=$(update "" "$ATTRS" "08 0a")
decode --hex <<<"$UPD2"
check "as4 merge action" "$out" '.action == "accept"'
check "as4 merge path" "$out" '.attributes.as_path == "47065 4200000000 3356"'
check "as4 merge segments" "$out" '.attributes.as_path_segments == [{"type":"AS_SEQUENCE","asns":[47065,4200000000,3356]}]'
check "as4_path as sent" "$out" '.attributes.as4_path == "47065 4200000000 3356"'
check "as4 merge nlri" "$out" '.nlri == [{"prefix":"10.0.0.0/8"}]'

# ---- more attributes: aggregator, atomic, ext communities, RR ----
ATTRS=$ORIGIN_IGP
ATTRS+=$(attr 40 02 "02 01 0000b7d9")
ATTRS+=$NH_10_0_0_1
ATTRS+=$(attr 40 06 "")					# ATOMIC_AGGREGATE
ATTRS+=$(attr c0 07 "0000b7d9 0a000002")		# AGGREGATOR 47065 10.0.0.2
ATTRS+=$(attr 80 09 01020304)				# ORIGINATOR_ID
ATTRS+=$(attr 80 0a "0a000001 0a000002")		# CLUSTER_LIST
ATTRS+=$(attr c0 10 "0002b7d900000064")			# rt 47065:100
ATTRS+=$(attr c0 fe abcd)				# unknown, transitive
UPD=$(update "" "$ATTRS" "18 b8a4e0")
decode --hex --as4 <<<"$UPD"
check "atomic_aggregate" "$out" '.attributes.atomic_aggregate == true'
check "aggregator" "$out" '.attributes.aggregator == {"as":47065,"address":"10.0.0.2"}'
check "originator_id" "$out" '.attributes.originator_id == "1.2.3.4"'
check "cluster_list" "$out" '.attributes.cluster_list == ["10.0.0.1","10.0.0.2"]'
check "extended communities" "$out" '.attributes.extended_communities == ["0002b7d900000064"]'
check "extended communities text" "$out" '.attributes.extended_communities_text | test("47065")'
check "unknown attribute" "$out" '.attributes.unknown == [{"flags":192,"type":254,"partial":false,"transitive":true,"hex":"abcd"}]'

# ---- withdrawals and End-of-RIB (RFC 4724 2) ----
decode --hex <<<"$(update "18 b8a4e0  08 0a" "" "")"
check "ipv4 withdrawn" "$out" '.withdrawn == [{"prefix":"184.164.224.0/24"},{"prefix":"10.0.0.0/8"}] and .nlri == []'
check "withdraw is no end-of-rib" "$out" 'has("end_of_rib") | not'
decode --hex <<<"ffffffffffffffffffffffffffffffff0017020000 0000"
check "ipv4 end-of-rib" "$out" '.end_of_rib == "ipv4" and .action == "accept"'
decode --hex <<<"$(update "" "$(attr 80 0f "0002 01")" "")"
check "ipv6 end-of-rib" "$out" '.end_of_rib == "ipv6"'
check "ipv6 end-of-rib mp_unreach" "$out" '.attributes.mp_unreach == {"afi":2,"safi":1,"withdrawn":[]}'
decode --hex <<<"$(update "" "$(attr 80 0f "0002 01  40 2804269cff000000")" "")"
check "ipv6 withdrawn" "$out" '.attributes.mp_unreach.withdrawn == [{"prefix":"2804:269c:ff00::/64"}]'

# ---- ADD-PATH (RFC 7911 3) ----
ATTRS=$ORIGIN_IGP$(attr 40 02 "")$NH_10_0_0_1
decode --hex --addpath <<<"$(update "00000007 08 0a" "$ATTRS" "00000001 18 b8a4e0")"
check "addpath nlri" "$out" '.nlri == [{"prefix":"184.164.224.0/24","path_id":1}]'
check "addpath withdrawn" "$out" '.withdrawn == [{"prefix":"10.0.0.0/8","path_id":7}]'

# ---- unknown AFI/SAFI in MP_REACH: numbers and hex ----
decode --hex --as4 <<<"$(update "" "$(attr 80 0e "0001 80 04 0a000001 00 aabbcc")" "")"
check "foreign family" "$out" '.attributes.mp_reach == {"afi":1,"safi":128,"next_hop":"0a000001","nlri":"aabbcc"}'

# ---- NOTIFICATION with a shutdown communication (RFC 9003) ----
NOTIF=$(msg 3 "06 02 0b 6d61696e74656e616e6365")	# "maintenance"
decode --hex <<<"$NOTIF"
check "notification" "$out" '.type == "NOTIFICATION" and .length == 33 and .code == 6 and .subcode == 2'
check "notification names" "$out" '.code_name == "Cease" and .subcode_name == "Administrative Shutdown"'
check "notification data" "$out" '.data == "0b6d61696e74656e616e6365"'
check "shutdown communication" "$out" '.shutdown_communication == "maintenance"'
decode --hex <<<"$(msg 3 "04 00")"
check "notification without data" "$out" '.code == 4 and .data == "" and (has("shutdown_communication") | not)'

# ---- ROUTE-REFRESH (RFC 2918, RFC 7313) ----
decode --hex <<<"ffffffffffffffffffffffffffffffff0017050002 00 01"
check "route refresh" "$out" '.type == "ROUTE-REFRESH" and .afi == 2 and .safi == 1 and .subtype == "normal"'
decode --hex <<<"ffffffffffffffffffffffffffffffff0017050001 02 01"
check "route refresh EoRR" "$out" '.afi == 1 and .subtype == "EoRR"'

# ---- malformed UPDATEs: RFC 7606 verdicts are data, status stays 0 ----
# ORIGIN 3 (RFC 7606 7.1): treat-as-withdraw, whole message by hand:
# 19 + 2 + 2 + attributes 4+3+7 = 14 + NLRI 2 = 39 = 0x27
TAW="ffffffffffffffffffffffffffffffff002702000000 0e 40010103 400200 4003040a000001 080a"
decode --hex <<<"$TAW"
check "bad origin verdict" "$out" '.action == "treat-as-withdraw" and .error.action == "treat-as-withdraw"'
check "bad origin error" "$out" '.error.code == 3 and .error.subcode == 6 and .error.code_name == "UPDATE Message Error"'
check "bad origin prefixes kept for the withdraw" "$out" '.nlri == [{"prefix":"10.0.0.0/8"}]'
check_eq "bad origin status" "$STATUS" 0
# Withdrawn Routes Length 255 in a 23-byte message (RFC 4271 6.3)
RESET=ffffffffffffffffffffffffffffffff00170200ff0000
decode --hex <<<"$RESET"
check "overrun verdict" "$out" '.action == "session-reset" and .error.action == "session-reset"'
check "overrun error" "$out" '.error.code == 3 and .error.subcode == 1 and (.error.reason | type == "string") and (.error.data | type == "string")'
check "overrun has nothing else" "$out" 'has("nlri") | not'
# ATOMIC_AGGREGATE of length 1 (RFC 7606 7.6): attribute discard
DISC="ffffffffffffffffffffffffffffffff002b020000 0012 40010100 400200 4003040a000001 40060100 080a"
decode --hex <<<"$DISC"
check "discard verdict" "$out" '.action == "attribute-discard" and .error.action == "attribute-discard"'
check "discard note" "$out" '.discarded[0].type == 6 and .discarded[0].name == "ATOMIC_AGGREGATE" and (.discarded[0].reason | type == "string")'
check "discard keeps the route" "$out" '.nlri == [{"prefix":"10.0.0.0/8"}] and (.attributes | has("atomic_aggregate") | not)'

# ---- header errors from the codec ----
decode --hex <<<"ffffffffffffffffffffffffffffffff001309"
check "unknown type" "$out" '.type == "unknown" and .error.code == 1 and .error.subcode == 3 and .error.data == "09"'
decode --hex <<<"ffffffffffffffffffffffffffffffff00140400"
check "long keepalive" "$out" '.error.code == 1 and .error.subcode == 2 and .error.data == "0014"'
decode --hex <<<"00ffffffffffffffffffffffffffffff001304"
check "bad marker in a line" "$out" '.error.code == 1 and .error.subcode == 1'

# ---- extended messages (RFC 8654) ----
BIG=$(update "" "$ORIGIN_IGP$(attr 40 02 "")$NH_10_0_0_1" "$(printf '200a%06x' $(seq 1 1000))")
decode --hex <<<"$BIG"
check "5037 bytes without --ext" "$out" '.length == 5037 and .error.subcode == 2'
decode --hex --ext <<<"$BIG"
check "5037 bytes with --ext" "$out" '.action == "accept" and (.nlri | length) == 1000 and .nlri[999].prefix == "10.0.3.232/32"'

# ---- hex input: comments, separators, bad lines ----
{
	echo "# a comment"
	echo ""
	echo "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:00:13:04"
	echo "  ffff ffff ffff ffff ffff ffff ffff ffff 0013 04  "
	echo "ffffffffffffffffffffffffffffffff0013zz"
	echo "ffffffffffffffffffffffffffffffff00130"
	echo "ffffffffffffffffffffffffffffffff0014 04"
	echo "ffff"
	printf 'ff%.0s' $(seq 1 65536); echo
	printf '%s\r\n' "$KEEPALIVE"
} >"$TMP/lines"
decode --hex "$TMP/lines"
check_eq "bad lines status" "$STATUS" 1
check_eq "bad lines count" "$(wc -l <<<"$out")" 8
check "colons" "$(line 1 "$out")" '.index == 1 and .line == 3 and .type == "KEEPALIVE"'
check "spaces" "$(line 2 "$out")" '.index == 2 and .line == 4 and .type == "KEEPALIVE"'
check "bad digit" "$(line 3 "$out")" '. == {"line":5,"error":"invalid hex digit","column":37}'
check "odd digits" "$(line 4 "$out")" '.line == 6 and .error == "odd number of hex digits"'
check "length disagrees" "$(line 5 "$out")" '.line == 7 and .error == "length field disagrees with line" and .length == 20 and .bytes == 19'
check "short line" "$(line 6 "$out")" '.line == 8 and .error == "message shorter than a header" and .bytes == 2'
check "too long line" "$(line 7 "$out")" '.line == 9 and .error == "line too long"'
check "line after a long one" "$(line 8 "$out")" '.index == 3 and .line == 10 and .type == "KEEPALIVE"'

# ---- raw input: framing, resync, truncation ----
raw() {
	perl -ne 's/[\s:]//g; print pack("H*", $_)'
}
printf '%s\n' "$KEEPALIVE" "$NOTIF" | raw >"$TMP/raw"
decode "$TMP/raw"
check_eq "raw status" "$STATUS" 0
check "raw first" "$(line 1 "$out")" '.index == 1 and .offset == 0 and .type == "KEEPALIVE"'
check "raw second" "$(line 2 "$out")" '.index == 2 and .offset == 19 and .shutdown_communication == "maintenance"'
decode - <"$TMP/raw"
check_eq "raw from stdin" "$(wc -l <<<"$out")" 2
printf '%s\n' "$KEEPALIVE" "0102030405" "$UPD4" "$KEEPALIVE" | raw >"$TMP/raw"
decode --as4 "$TMP/raw"
check_eq "resync status" "$STATUS" 1
check "resync error" "$(line 2 "$out")" '. == {"offset":19,"error":"bad marker","skipped":5}'
check "resync update" "$(line 3 "$out")" '.index == 2 and .offset == 24 and .action == "accept"'
check "resync after" "$(line 4 "$out")" '.index == 3 and .type == "KEEPALIVE"'
printf '%s\n' "$KEEPALIVE" "ffffffffffffffffffffffffffffffff0005 04" "$KEEPALIVE" | raw >"$TMP/raw"
decode "$TMP/raw"
check "bad length" "$(line 2 "$out")" '.offset == 19 and .error == "bad length" and .length == 5 and .skipped == 19'
check "after bad length" "$(line 3 "$out")" '.index == 2 and .offset == 38'
printf '%s\n' "$KEEPALIVE" "${NOTIF:0:40}" | raw >"$TMP/raw"
decode "$TMP/raw"
check_eq "truncated status" "$STATUS" 1
check "truncated" "$(line 2 "$out")" '. == {"offset":19,"error":"truncated message","length":33,"bytes":20}'
printf '%s\n' "$KEEPALIVE" "ffffffffffffffffffff" | raw >"$TMP/raw"
decode "$TMP/raw"
check "truncated header" "$(line 2 "$out")" '.error == "truncated header" and .bytes == 10'
: >"$TMP/empty"
decode "$TMP/empty"
check_eq "empty input" "$STATUS:$out" "0:"

# ---- usage and exit status ----
"$PEERING" decode --bogus </dev/null >"$TMP/out" 2>"$TMP/err"
check_eq "unknown option status" "$?" 2
check_eq "unknown option message" "$(head -n 1 "$TMP/err")" "peering decode: unknown option: --bogus"
check_eq "unknown option usage" "$(grep -c '^usage: peering decode' "$TMP/err")" 1
"$PEERING" decode a b </dev/null >/dev/null 2>&1
check_eq "two files" "$?" 2
"$PEERING" decode "$TMP/does-not-exist" >/dev/null 2>"$TMP/err"
check_eq "missing file status" "$?" 1
check_eq "missing file message" "$(grep -c 'does-not-exist' "$TMP/err")" 1
"$PEERING" frobnicate >/dev/null 2>"$TMP/err"
check_eq "unknown command" "$?" 2
check_eq "unknown command message" "$(head -n 1 "$TMP/err")" "peering: unknown command: frobnicate"
"$PEERING" >/dev/null 2>&1
check_eq "no command" "$?" 2
check_eq "version" "$("$PEERING" --version)" "peering $(sed -n 's/.*PEERING_VERSION "\(.*\)"/\1/p' src/version.h)"
"$PEERING" help | grep -q '^  decode'
check_eq "help lists decode" "$?" 0
"$PEERING" decode --help | grep -q '^usage: peering decode'
check_eq "decode --help" "$?" 0

finish
