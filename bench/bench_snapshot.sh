#!/usr/bin/env bash
# bench/bench_snapshot.sh: `make bench-snapshot`. An experiment's RIB
# snapshot (docs/experiment.md) of a full table, and how long the loop is
# kept from serving meanwhile. Numbers, not pass/fail.
#
# peering-bgpd in a namespace of its own, fed BENCH_PREFIXES (1,000,000)
# IPv4 prefixes by build/bench/bgpfeed over a real session (a configured
# neighbour "f1"); once they are all in the RIB, a one-round experiment on
# f1 on the test schedule (rounds of 2 s): at its end the daemon writes
# the whole best-route table to round-1.rib.jsonl in slices.
# build/bench/loopprobe asks `show status` every 10 ms from before the
# snapshot until after it. Printed:
#   routes         lines of the snapshot (= prefixes)
#   snap_ms        from the round's end to the rename (the journal's ms)
#   slices         loop turns it took
#   busy_ms        the time spent in them (the rest: the loop's other work,
#                  and other processes on a shared machine)
#   max_slice_ms   the longest slice (the daemon's own measure)
#   stall_ms       the slowest `show status` answer meanwhile (loopprobe)
#   probe_p99_ms   its 99th percentile
#   idle_stall_ms  for comparison: the slowest answer over 10 s just before,
#                  the same daemon and table, no snapshot (what the machine
#                  itself costs: other processes, the probe's own turns)
#   cpu_s          the daemon's CPU time (user + system) from the
#                  experiment's start to the snapshot's end
#   bytes          the snapshot's size
#
# Usage: bash bench/bench_snapshot.sh   (root; after make all, and
# build/bench/bgpfeed, build/bench/loopprobe). BENCH_PREFIXES to change
# the table's size, BENCH_KEEP=1 to keep the files.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FEED=$ROOT/build/bench/bgpfeed
PROBE=$ROOT/build/bench/loopprobe
BGPD=$ROOT/peering-bgpd
PEERING=$ROOT/peering
N=${BENCH_PREFIXES:-1000000}
for t in "$FEED" "$PROBE" "$BGPD" "$PEERING"; do
	[ -x "$t" ] || { echo "$t not built (make bench-snapshot)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }

PFX=pbs$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
NS_F=${PFX}f
NS_D=${PFX}d
TMP=$(mktemp -d "${TMPDIR:-/tmp}/$PFX.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 1 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
	done
	ip netns del "$NS_F" 2>/dev/null
	ip netns del "$NS_D" 2>/dev/null
	[ -n "${BENCH_KEEP:-}" ] && echo "files kept in $TMP" >&2 ||
	    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
note() { echo "[bench-snapshot $(date +%T)] $*" >&2; }
wait_until() {	# SECONDS CMD...: polls CMD every 0.2 s
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

ip netns add "$NS_F" && ip netns add "$NS_D" || exit 1
ip link add "${PFX}a" netns "$NS_F" type veth peer name "${PFX}b" netns "$NS_D" || exit 1
for ns in "$NS_F" "$NS_D"; do
	ip -n "$ns" link set lo up
done
ip -n "$NS_F" addr add 10.77.0.2/24 dev "${PFX}a"
ip -n "$NS_D" addr add 10.77.0.1/24 dev "${PFX}b"
ip -n "$NS_F" link set "${PFX}a" up
ip -n "$NS_D" link set "${PFX}b" up

C=$TMP/client
mkdir -p "$C/configs/openvpn" "$C/var"
echo 184.164.224.0/24 >"$C/prefixes.txt"
cat >"$C/configs/peering-bgpd.conf" <<EOF
local-as 47065
router-id 10.77.0.1
hold-time 240
neighbor 10.77.0.2 {
	name f1
	remote-as 47065
	interface ${PFX}b
	passive yes
}
EOF
ip netns exec "$NS_D" "$BGPD" -f -d "$C" >"$TMP/daemon.log" 2>&1 &
DPID=$!
PIDS+=("$DPID")
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$DPID/stat"; }
cli() { ip netns exec "$NS_D" env PEERING_DIR="$C" "$PEERING" "$@"; }
paths() { cli bgp cli show memory json 2>/dev/null | jq -r '.paths // 0'; }
all_in() { [ "$(paths)" = "$N" ]; }
ip netns exec "$NS_F" "$FEED" -r 10.77.0.1 -l 10.77.0.2 -a 4 -n "$N" \
    -T 120 >"$TMP/feed.log" 2>&1 &
PIDS+=($!)
note "feeding $N prefixes"
wait_until 600 all_in || { note "the table did not arrive: $(paths) paths"; tail -n 5 "$TMP/daemon.log" "$TMP/feed.log" >&2; exit 1; }
note "$(paths) paths in the RIB; the experiment (one round of 2 s)"
"$PROBE" "$C/var/peering-bgpd.sock" 10 >"$TMP/idle.log" 2>&1 &
PROBE_PID=$!
PIDS+=("$PROBE_PID")
sleep 10
kill -TERM "$PROBE_PID"
wait "$PROBE_PID" 2>/dev/null
cat >"$TMP/exp.json" <<'EOF'
{"description": "snapshot", "email": "b@example.org", "rounds": [
 {"A": {"announce": [{"muxes": ["f1"]}]}}]}
EOF
"$PROBE" "$C/var/peering-bgpd.sock" 10 >"$TMP/probe.log" 2>&1 &
PROBE_PID=$!
PIDS+=("$PROBE_PID")
sleep 0.5
cpu0=$(cpu_ticks)
out=$(cli experiment run "$TMP/exp.json" --bind A=184.164.224.0/24 --round-seconds 2 2>&1) ||
    { note "experiment run: $out"; exit 1; }
id=$(sed -n 's/^experiment \([^:]*\):.*/\1/p' <<<"$out" | head -n 1)
J=$C/var/experiments/$id/journal.jsonl
snap_done() { jq -e 'select(.event == "snapshot")' "$J" >/dev/null 2>&1; }
wait_until 300 snap_done || { note "no snapshot in the journal"; exit 1; }
cpu1=$(cpu_ticks)
sleep 0.5
kill -TERM "$PROBE_PID"
wait "$PROBE_PID" 2>/dev/null
s=$(jq -c 'select(.event == "snapshot")' "$J")
jq -e '.error' <<<"$s" >/dev/null && { note "snapshot failed: $s"; exit 1; }
f=$C/var/experiments/$id/round-1.rib.jsonl
printf 'snapshot prefixes=%s routes=%s snap_ms=%s slices=%s busy_ms=%s max_slice_ms=%s stall_ms=%s probe_p99_ms=%s idle_stall_ms=%s cpu_s=%s bytes=%s\n' \
    "$N" "$(jq -r .routes <<<"$s")" "$(jq -r .ms <<<"$s")" \
    "$(jq -r .slices <<<"$s")" "$(jq -r .busy_ms <<<"$s")" \
    "$(jq -r .max_slice_ms <<<"$s")" \
    "$(sed -n 's/.* max_ms=\([0-9.]*\).*/\1/p' "$TMP/probe.log")" \
    "$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' "$TMP/probe.log")" \
    "$(sed -n 's/.* max_ms=\([0-9.]*\).*/\1/p' "$TMP/idle.log")" \
    "$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }')" \
    "$(stat -c %s "$f")"
