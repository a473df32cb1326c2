#!/usr/bin/env bash
# MRT numbers, not pass/fail: bgpfeed (bench/bgpfeed.c) feeds N prefixes x
# P ADD-PATH paths to our daemon in a namespace while `log mrt` is on; then
# `dump mrt` of the RIB, and the dump read back by `peering decode` (JSON
# and -m lines) and by `bgpdump -m`. Prints one line per number.
#   bash bench/bench_mrt.sh [PREFIXES [PATHS]]     (root; defaults 500000 2)
# MRT_LOG=off feeds without the log (to see what the log costs the feed).
# Needs build/bench/bgpfeed (make build/bench/bgpfeed), bgpdump, jq.
. "$(dirname "$0")/../tests/interop/lib.sh"

N=${1:-500000}
P=${2:-2}
FEED=$IOP_ROOT/build/bench/bgpfeed
iop_init bench_mrt
[ -x "$FEED" ] || give_up "$FEED not built (make build/bench/bgpfeed)"
command -v bgpdump >/dev/null || give_up "bgpdump not installed"
need_ours
netns_setup

ours_start "local-as $MUX_AS
router-id $OURS_V4
neighbor $MUX_V4 {
	name feed
	remote-as $MUX_AS
	interface $IF_OURS
	passive yes
}"
[ "${MRT_LOG:-on}" = off ] || ours_cli bgp cli log mrt on >/dev/null
start_bg "$NS_PEER" "$TMP/feed.out" "$FEED" -r "$OURS_V4" -l "$MUX_V4" \
    -a 4 -n "$N" -p "$P" -A -T 600
FEED_PID=$BG_PID
paths_in() {
	[ "$(ours_json | jq '.protocols[] | select(.name == "feed") |
	    .stats.paths')" = $((N * P)) ]
}
t0=$(date +%s.%N)
wait_for 600 "the table" paths_in >/dev/null || give_up "the table did not arrive"
t1=$(date +%s.%N)
echo "feed: $N prefixes x $P paths in $(echo "$t1 - $t0" | bc) s, log mrt ${MRT_LOG:-on}"
ours_cli bgp cli log mrt | sed 's/^/log mrt: /'
ours_cli bgp cli log mrt off >/dev/null

t0=$(date +%s.%N)
out=$(ours_cli bgp cli dump mrt rib.mrt | tail -1)
t1=$(date +%s.%N)
echo "dump mrt: $out (client wall $(echo "$t1 - $t0" | bc) s)"
grep -o 'dump mrt .*' "$TMP/ours.log" | tail -1 | sed 's/^/daemon log: /'
DUMP=$OURS_DIR/var/mrt/rib.mrt
records=$(( N + 1 ))
for what in "peering decode:$PEERING decode" "peering decode -m:$PEERING decode -m" \
    "bgpdump -m:bgpdump -m"; do
	name=${what%%:*}
	t0=$(date +%s.%N)
	${what#*:} "$DUMP" 2>/dev/null | wc -l >"$TMP/n"
	t1=$(date +%s.%N)
	s=$(echo "$t1 - $t0" | bc)
	echo "$name: $(cat "$TMP/n") lines, $records records in $s s ($(echo "$records / $s" | bc) records/s)"
done
stop_pid "$FEED_PID" 5
ours_stop
iop_finish
