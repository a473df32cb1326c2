#!/usr/bin/env bash
# bench/bench_ctl.sh: `make bench-ctl`. Dumping the RIB over the control
# socket while the daemon keeps serving. Numbers, not pass/fail.
#
# An S3-shaped table (BENCH_PREFIXES 200000 IPv4 prefixes x BENCH_PATHS 10
# ADD-PATH paths, bench/bgpfeed over a real session between namespaces) is
# loaded; then each dump below is streamed by `peering` into /dev/null
# while build/bench/loopprobe asks `show status` every 50 ms and the
# daemon's VmRSS is read every 10 ms. For each dump:
#   paths       paths in the dump (counted in a second, untimed run)
#   paths_per_s paths / the dump's wall time
#   rss_growth_mib  peak VmRSS during the dump - VmRSS before it
#   probe_max_ms    the slowest `show status` answer during the dump: the
#                   longest the loop did not serve another client (give or
#                   take the 50 ms interval)
#   daemon_cpu_s, client_cpu_s  CPU (user + system) each used for it
#   sessions    "kept" when the feeder's session is still Established with
#               established == 1 afterwards
# Dumps: `routes` (`peering bgp routes --json`, every path) and
# `show route all json limit N` (BENCH_SHOW_LIMIT prefixes, 1000000: all).
# BENCH_BGPD / BENCH_PEERING: the daemon and client to run (e.g. those of
# an older commit: the `routes` dump is skipped when the daemon does not
# know it). BENCH_REPEAT: how many times the `routes` dump runs (1);
# BENCH_PEERING_ALT: a second client, run for every other `routes` dump
# (before/after of the client on one loaded table); BENCH_SHOW=0 skips
# the `show route` dump; BENCH_PERF=DIR records `perf record -g` of the
# daemon and of the client during each `routes` dump into DIR.
# Results on stdout. Needs root.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../tests/interop/lib.sh"
PEERING_BGPD=${BENCH_BGPD:-$PEERING_BGPD}
PEERING=${BENCH_PEERING:-$PEERING}
FEED=$IOP_ROOT/build/bench/bgpfeed
PROBE=$IOP_ROOT/build/bench/loopprobe
N=${BENCH_PREFIXES:-200000}
P=${BENCH_PATHS:-10}
SHOW_LIMIT=${BENCH_SHOW_LIMIT:-1000000}

iop_init bench-ctl
need_ours
[ -x "$FEED" ] && [ -x "$PROBE" ] || give_up "make $FEED $PROBE first"
netns_setup

ours_start "local-as $MUX_AS
router-id $OURS_V4
neighbor $MUX_V4 {
	name feed
	remote-as $MUX_AS
	interface $IF_OURS
}"
start_bg "$NS_PEER" "$TMP/feed.log" "$FEED" -r "$OURS_V4" -l "$MUX_V4" \
    -a 4 -n "$N" -p "$P" -N 100.65.128.101 -T 300
generated() { grep -q '^generated' "$TMP/feed.log"; }
wait_for 300 "the table generated" generated || give_up "bgpfeed: $(tail -2 "$TMP/feed.log")"
TOTAL=$(sed -n 's/^generated .* paths=\([0-9]*\).*/\1/p' "$TMP/feed.log")
iop_log "feeding $TOTAL paths"
rib_full() {
	[ "$(ours_cli bgp cli show memory json 2>/dev/null | jq .paths)" = "$TOTAL" ]
}
wait_for 600 "the RIB" rib_full || give_up "RIB at $(ours_cli bgp cli show memory json | jq .paths) of $TOTAL"
sleep 2

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$OURS_PID/status"; }
# CPU seconds (user + system) of a process so far.
cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' \
	    "/proc/$1/stat"
}

# `peering ARGS` (under perf when asked).
dump_client() {
	if [ -z "$DUMP_PERF" ]; then
		ours_cli "$@"
		return
	fi
	ip netns exec "$NS_OURS" env PEERING_DIR="$OURS_DIR" perf record -q \
	    -g -o "$BENCH_PERF/client.$RUN.data" -- "$PEERING" "$@"
}

# dump NAME ARGS...: one timed dump (`peering ARGS` > /dev/null).
dump() {
	local name=$1 base t0 t1 sampler probe paths peak max s c0 c1 ccpu perf=
	shift
	base=$(rss_kib)
	( while :; do rss_kib; sleep 0.01; done ) >"$TMP/rss.log" 2>/dev/null &
	sampler=$!
	"$PROBE" "$OURS_DIR/var/peering-bgpd.sock" 50 >"$TMP/probe.log" 2>&1 &
	probe=$!
	sleep 0.5
	if [ -n "$DUMP_PERF" ]; then
		perf record -q -g -o "$BENCH_PERF/daemon.$RUN.data" \
		    -p "$OURS_PID" >/dev/null 2>&1 &
		perf=$!
		sleep 0.5
	fi
	c0=$(cpu_s "$OURS_PID")
	t0=$(date +%s.%N)
	TIMEFORMAT='%U %S'
	ccpu=$( { time dump_client "$@" >/dev/null 2>"$TMP/dump.err"; } 2>&1 |
	    awk '{ printf "%.2f", $1 + $2 }')
	t1=$(date +%s.%N)
	c1=$(cpu_s "$OURS_PID")
	[ -z "$perf" ] || { kill -INT "$perf"; wait "$perf"; }
	sleep 0.2
	kill "$sampler" 2>/dev/null
	kill -TERM "$probe" 2>/dev/null
	wait "$sampler" "$probe" 2>/dev/null
	paths=$(ours_cli "$@" 2>/dev/null | if [ "$name" = routes ]; then
		wc -l; else grep -o '"path_id"' | wc -l; fi)
	peak=$(sort -n "$TMP/rss.log" | tail -1)
	max=$(sed -n 's/^probe .* max_ms=\([0-9.]*\).*/\1/p' "$TMP/probe.log")
	s=$(ours_cli bgp cli show protocols json | jq -r '.protocols[0] |
	    if .state == "Established" and .stats.established == 1
	    then "kept" else "LOST" end')
	echo "bench-ctl $name client=$(basename "$(dirname "$PEERING")")/$(basename "$PEERING") paths=$paths seconds=$(awk -v a="$t0" -v b="$t1" \
	    'BEGIN { printf "%.2f", b - a }') paths_per_s=$(awk -v a="$t0" \
	    -v b="$t1" -v n="$paths" 'BEGIN { printf "%.0f", n / (b - a) }') \
rss_growth_mib=$(awk -v a="$base" -v b="$peak" 'BEGIN { printf "%.1f", (b - a) / 1024 }') \
probe_max_ms=${max:-fail} daemon_cpu_s=$(awk -v a="$c0" -v b="$c1" \
	    'BEGIN { printf "%.2f", b - a }') client_cpu_s=$ccpu probe=\"$(cat "$TMP/probe.log")\" sessions=$s"
	[ ! -s "$TMP/dump.err" ] || iop_log "$name said: $(head -2 "$TMP/dump.err")"
}

DUMP_PERF=
if ours_cli bgp cli help | grep -q '^routes'; then
	CLIENT=$PEERING
	for RUN in $(seq "${BENCH_REPEAT:-1}"); do
		[ -z "${BENCH_PEERING_ALT:-}" ] || [ $((RUN % 2)) = 1 ] ||
		    PEERING=$BENCH_PEERING_ALT
		DUMP_PERF=${BENCH_PERF:-}
		dump routes bgp routes --json
		PEERING=$CLIENT
	done
	DUMP_PERF=
	# A filter that matches nothing: the whole RIB looked at, no output.
	dump routes_filtered_none bgp routes --json community 1:1
fi
[ "${BENCH_SHOW:-1}" = 0 ] ||
    dump show_route_json bgp cli show route all json limit "$SHOW_LIMIT"
ours_stop
iop_finish
