#!/usr/bin/env bash
# MRT (RFC 6396, RFC 8050) against GoBGP and Debian's bgpdump, in network
# namespaces. GoBGP (iBGP AS 47065, as a mux) holds routes with 4-octet
# ASNs, an AS_SET, communities, MED and LOCAL_PREF, sends them to our
# daemon with ADD-PATH, and writes MRT files of its own ([[mrt-dump]]: its
# RIB as TABLE_DUMP_V2, with ADD-PATH path ids). Checks:
#   - `peering decode -m` prints GoBGP's RIB dump route for route as
#     `bgpdump -m` does;
#   - `dump mrt` of our RIB, read by bgpdump -m, has the same prefixes,
#     path ids, AS paths, communities and next hops as `show route json`;
#   - `log mrt on` while GoBGP announces and withdraws: the BGP4MP_ET file
#     read by bgpdump -m and by `peering decode -m` gives the same lines,
#     with microsecond times, and holds those UPDATEs, and after GoBGP
#     resets the session, the OPEN we sent;
#   - `peering decode` reads the files gzip'ed too, as JSON.
# Needs root, gobgpd, bgpdump (scripts/install-deps), jq.
. "$(dirname "$0")/lib.sh"

iop_init mrt
for b in gobgpd gobgp bgpdump; do
	command -v "$b" >/dev/null 2>&1 ||
	    give_up "$b not found: scripts/install-deps"
done
need_ours
netns_setup

# Two GoBGPs in the peer's namespace: "src" (AS 65001, on 127.0.0.2 port
# 1791) holds the routes and sends them over eBGP with ADD-PATH to "mux"
# (AS 47065), which sends them to us and dumps its RIB. (GoBGP's dump of
# its own local routes names a peer index past its peer table, which
# bgpdump 1.6 aborts on: routes learned from a peer are dumped right.)
API=127.0.0.1:50051	# the mux's, inside the peer's namespace
SRC_API=127.0.0.1:50052
GDIR=$TMP/gobgp
mkdir -p "$GDIR"
# GoBGP reads its MRT file names as Go time layouts ("01", "15", ...
# would be replaced): plain names, relative to its working directory.
# Its RIB dump comes every dump-interval seconds, at least 60 (GoBGP's
# minimum): the test checks it last.
cat >"$GDIR/mux.toml" <<EOF
[global.config]
  as = $MUX_AS
  router-id = "$MUX_V4"
  local-address-list = ["$MUX_V4", "$MUX_V6", "127.0.0.1"]

[[mrt-dump]]
  [mrt-dump.config]
    dump-type = "table"
    file-name = "rib.mrt"
    dump-interval = 60

EOF
{
	GOBGP_REMOTE_PORT=1791 gobgp_neighbor 127.0.0.2 65001 127.0.0.1 \
	    "receive = true" ipv4-unicast ipv6-unicast
	gobgp_neighbor "$OURS_V4" "$MUX_AS" "$MUX_V4" "send-max = 8" ipv4-unicast
	gobgp_neighbor "$OURS_V6" "$MUX_AS" "$MUX_V6" "send-max = 8" ipv6-unicast
} >>"$GDIR/mux.toml"
cat >"$GDIR/src.toml" <<EOF
[global.config]
  as = 65001
  router-id = "10.255.0.2"
  port = 1791
  local-address-list = ["127.0.0.2"]

EOF
gobgp_neighbor 127.0.0.1 "$MUX_AS" 127.0.0.2 "send-max = 8" ipv4-unicast \
    ipv6-unicast >>"$GDIR/src.toml"

gobgp_cli() {
	ip netns exec "$NS_PEER" gobgp -u "${API%:*}" -p "${API#*:}" "$@"
}
src_cli() {
	ip netns exec "$NS_PEER" gobgp -u "${SRC_API%:*}" -p "${SRC_API#*:}" "$@"
}

ip -n "$NS_PEER" addr add 127.0.0.2/8 dev lo ||
    give_up "cannot add 127.0.0.2 in $NS_PEER"
cd "$GDIR" || give_up "cd $GDIR"
start_bg "$NS_PEER" "$TMP/gobgpd-mux.log" gobgpd -f "$GDIR/mux.toml" \
    --api-hosts "$API" --pprof-disable -p
GOBGP_PID=$BG_PID
start_bg "$NS_PEER" "$TMP/gobgpd-src.log" gobgpd -f "$GDIR/src.toml" \
    --api-hosts "$SRC_API" --pprof-disable -p
SRC_PID=$BG_PID
cd - >/dev/null || give_up "cd back"
wait_for 15 "gobgpd API" gobgp_cli global >/dev/null ||
    give_up "gobgpd (mux) did not start: $(tail -3 "$TMP/gobgpd-mux.log")"
wait_for 15 "gobgpd API" src_cli global >/dev/null ||
    give_up "gobgpd (src) did not start: $(tail -3 "$TMP/gobgpd-src.log")"
iop_log "gobgpd running: mux pid $GOBGP_PID, src pid $SRC_PID"

add() {
	src_cli global rib -a "$@" >>"$TMP/gobgp-cli.log" 2>&1 ||
	    fail "gobgp global rib -a $*"
}
add ipv4 add 184.164.224.0/24 nexthop 100.65.0.1 \
    aspath 263842,4200000001,15169 community 47065:1,no-export origin igp
add ipv4 add 184.164.225.0/24 nexthop 100.65.0.2 aspath 3356,4200000002 \
    community 47065:2,65000:100 med 50 origin egp
add ipv4 add 8.8.8.0/24 nexthop 100.65.0.3 aspath "3356 {4200000003,15169}" \
    community 47065:3 origin incomplete
add ipv4 add 1.0.0.0/24 nexthop 100.65.0.1 aspath 13335 origin igp
add ipv6 add 2804:269c:1::/48 nexthop 2804:269c:ff00:1:2::1 \
    aspath 263842,4200000001,15169 community 47065:1 origin igp
add ipv6 add 2001:4860::/32 nexthop 2804:269c:ff00:1:2::2 \
    aspath "3356 {4200000003,15169}" community 47065:2 med 7 origin egp
add ipv6 add 2606:4700::/32 nexthop 2804:269c:ff00:1:2::3 aspath 13335 \
    origin incomplete
N4=4
N6=3
mux_has() {
	[ "$(gobgp_cli -j global rib -a ipv4 | jq length)" = "$N4" ] &&
	    [ "$(gobgp_cli -j global rib -a ipv6 | jq length)" = "$N6" ]
}
if wait_for 30 "the mux has the routes" mux_has; then
	pass "GoBGP mux learned the $N4 + $N6 routes from GoBGP src"
else
	fail "GoBGP mux learned the $N4 + $N6 routes from GoBGP src"
fi

ours_start_pair gobgp4 gobgp6
core_checks gobgp4 gobgp6 "$N4" "$N6"
check_session "IPv4: ADD-PATH receive negotiated with GoBGP" 5 gobgp4 \
    '.addpath_rx == true'

# ---- GoBGP's files, read by bgpdump and by us ----

# same_lines WHAT FILE: `peering decode -m FILE` and `bgpdump -m FILE`
# print the same lines (sorted: the order within one record may differ);
# at least MIN of them.
same_lines() {
	local what=$1 f=$2 min=$3 ours theirs n
	ours=$("$PEERING" decode -m "$f" 2>"$TMP/decode.err" | sort)
	theirs=$(bgpdump -m "$f" 2>/dev/null | sort)
	n=$(printf '%s' "$ours" | grep -c '^' || true)
	if [ -n "$ours" ] && [ "$ours" = "$theirs" ] && [ "$n" -ge "$min" ]; then
		pass "$what: peering decode -m and bgpdump -m agree ($n lines)"
	else
		fail "$what: peering decode -m and bgpdump -m agree ($n lines, at least $min)"
		diff <(printf '%s\n' "$ours") <(printf '%s\n' "$theirs") |
		    head -20 | sed 's/^/  | /'
		sed 's/^/  | /' "$TMP/decode.err" | head -5
	fi
}

# ---- log mrt: what GoBGP announces and withdraws from now on ----
ours_cli bgp cli log mrt on >"$TMP/logmrt.out" 2>&1 ||
    fail "log mrt on: $(cat "$TMP/logmrt.out")"
add ipv4 add 203.0.113.0/24 nexthop 100.65.0.9 aspath 64500,4200000009 \
    community 47065:9 med 9 origin igp
add ipv6 add 2001:db8:9::/48 nexthop 2804:269c:ff00:1:2::9 \
    aspath 64500,4200000009 community 47065:9 origin igp
add ipv4 del 1.0.0.0/24
check_session "IPv4: the new route and the withdrawal arrived" 10 gobgp4 \
    '.stats.withdrawals_in >= 1 and .stats.prefixes_in >= 5'
check_session "IPv6: the new route arrived" 10 gobgp6 \
    '.stats.prefixes_in >= 4'
# GoBGP resets the IPv4 session: the NOTIFICATION we receive, the OPEN
# and KEEPALIVEs we send go to the log too. GoBGP 3.10 keeps a reset
# neighbour Idle for 30 s (idle-hold-time-after-reset; the TOML setting is
# not applied: it reads back as 30), closing our connections meanwhile.
gobgp_cli neighbor "$OURS_V4" reset >>"$TMP/gobgp-cli.log" 2>&1
check_session "IPv4: up again after GoBGP's reset, its routes back" 45 \
    gobgp4 '.state == "Established" and .stats.established >= 2 and .stats.paths == 4' ||
    ours_json | jq -c '.protocols[] | select(.name == "gobgp4")'
NPATHS=8	# 4 + 1 - 1 IPv4, 3 + 1 IPv6
ours_cli bgp cli log mrt off >>"$TMP/logmrt.out" 2>&1 ||
    fail "log mrt off: $(cat "$TMP/logmrt.out")"
LOG=$(ls "$OURS_DIR"/var/mrt/updates.*.mrt 2>/dev/null | head -1)
if [ -n "$LOG" ] && [ -s "$LOG" ]; then
	pass "log mrt wrote $(basename "$LOG") ($(stat -c %s "$LOG") bytes)"
else
	fail "log mrt wrote var/mrt/updates.*.mrt"
	cat "$TMP/logmrt.out"
fi
same_lines "our BGP4MP_ET log" "$LOG" 3
lines=$(bgpdump -m "$LOG" 2>/dev/null)
if grep -q "^BGP4MP_ET_AP|[0-9]*\.[0-9]\{6\}|A|$MUX_V4|$MUX_AS|203.0.113.0/24|[0-9]*|65001 64500 4200000009|IGP|[0-9.]*|100|9|47065:9|NAG||$" <<<"$lines" &&
    grep -q "^BGP4MP_ET_AP|[0-9]*\.[0-9]\{6\}|A|$MUX_V6|$MUX_AS|2001:db8:9::/48|[0-9]*|65001 64500 4200000009|IGP|" <<<"$lines" &&
    grep -q "^BGP4MP_ET_AP|[0-9]*\.[0-9]\{6\}|W|$MUX_V4|$MUX_AS|1.0.0.0/24|[0-9]*$" <<<"$lines"; then
	pass "bgpdump reads the log: both announcements and the withdrawal, with path ids and microsecond times"
else
	fail "bgpdump reads the log: both announcements and the withdrawal, with path ids and microsecond times"
	printf '%s\n' "$lines" | head -10 | sed 's/^/  | /'
fi
# The JSON of the same records: the messages, both directions, times.
json=$("$PEERING" decode "$LOG" 2>/dev/null)
if jq -se 'map(select(.type == "BGP4MP_ET")) | length > 0 and
    all(.usec >= 0 and .usec < 1000000) and
    any(.direction == "received" and .message.type == "UPDATE" and
        any(.message.nlri[]?; .prefix == "203.0.113.0/24")) and
    any(.direction == "received" and .message.type == "UPDATE" and
        any(.message.withdrawn[]?; .prefix == "1.0.0.0/24")) and
    any(.direction == "received" and .message.type == "NOTIFICATION") and
    any(.direction == "sent" and .message.type == "OPEN") and
    any(.direction == "sent" and .message.type == "KEEPALIVE")' \
    <<<"$json" >/dev/null 2>&1; then
	pass "peering decode reads the log as JSON: UPDATEs and a NOTIFICATION received, OPEN and KEEPALIVE sent, microseconds"
else
	fail "peering decode reads the log as JSON: UPDATEs and a NOTIFICATION received, OPEN and KEEPALIVE sent, microseconds"
	printf '%s\n' "$json" | head -5 | sed 's/^/  | /'
fi


# ---- dump mrt: our RIB, read by bgpdump ----
out=$(ours_cli bgp cli dump mrt rib.mrt 2>&1)
DUMP=$OURS_DIR/var/mrt/rib.mrt
if [ -s "$DUMP" ] && [ ! -e "$DUMP.tmp" ] &&
    grep -q "rib.mrt: $NPATHS prefixes, $NPATHS paths" <<<"$out"; then
	pass "dump mrt wrote the RIB ($out)"
else
	fail "dump mrt wrote the RIB: $out"
fi
# prefix|path id|AS path|next hop|communities, from each side.
theirs=$(bgpdump -m "$DUMP" 2>/dev/null |
    awk -F'|' '$1 == "TABLE_DUMP2_AP" { print $6 "|" $7 "|" $8 "|" $10 "|" $13 }' | sort)
ours=$(ours_routes | jq -r '.routes[] | .prefix as $p | .paths[] |
    [$p, (.path_id | tostring),
     ((.attributes.as_path_segments // []) | map(
        if .type == "AS_SET" then "{" + (.asns | map(tostring) | join(",")) + "}"
        else (.asns | map(tostring) | join(" ")) end) | join(" ")),
     .next_hop,
     ((.attributes.communities // []) | map(
        if . == [65535, 65281] then "no-export"
        else (map(tostring) | join(":")) end) | join(" "))] | join("|")' |
    sort)
n=$(printf '%s' "$ours" | grep -c '^' || true)
if [ -n "$ours" ] && [ "$ours" = "$theirs" ] && [ "$n" -eq "$NPATHS" ]; then
	pass "dump mrt read by bgpdump -m: prefixes, path ids, AS paths, next hops and communities as show route json ($n paths)"
else
	fail "dump mrt read by bgpdump -m: prefixes, path ids, AS paths, next hops and communities as show route json ($n paths)"
	diff <(printf '%s\n' "$ours") <(printf '%s\n' "$theirs") | sed 's/^/  | /'
fi
same_lines "our TABLE_DUMP_V2" "$DUMP" "$NPATHS"

# gzip'ed, as collectors publish them: the same lines.
gzip -c "$DUMP" >"$TMP/rib.mrt.gz"
if [ "$("$PEERING" decode -m "$TMP/rib.mrt.gz")" = "$("$PEERING" decode -m "$DUMP")" ]; then
	pass "peering decode reads a gzip'ed MRT file as the plain one"
else
	fail "peering decode reads a gzip'ed MRT file as the plain one"
fi

# ---- GoBGP's RIB dump, read by bgpdump and by us ----
rib_lines() {
	[ "$(bgpdump -m "$GDIR/rib.mrt" 2>/dev/null | grep -c '|B|')" -ge $NPATHS ]
}
if wait_for 80 "GoBGP's RIB dump" rib_lines; then
	pass "GoBGP wrote its RIB as TABLE_DUMP_V2 with the $NPATHS routes"
else
	fail "GoBGP wrote its RIB as TABLE_DUMP_V2 with the $NPATHS routes"
fi
cp "$GDIR/rib.mrt" "$TMP/gobgp-rib.mrt" 2>/dev/null
same_lines "GoBGP's TABLE_DUMP_V2" "$TMP/gobgp-rib.mrt" $NPATHS


ours_stop
stop_pid "$GOBGP_PID" 5
stop_pid "$SRC_PID" 5
iop_finish
