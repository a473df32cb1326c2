#!/usr/bin/env bash
# `peering proxy`: --help, usage, not root, container.txt missing, an
# unknown mux, the tunnel not up; then, as root in a network namespace of
# this test's own (pap + random hex, a veth standing for tap5), start
# (the old client's lines, the config, TinyProxy listening on 88NN, the
# routes), already running, status, stop (no route, process or pid file
# left), a proxy killed behind our back cleaned up by status, stop
# without a pid file. Needs root and tinyproxy. "N passed, M failed".
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
ns_test_setup tests/cli/proxy.sh
PIDF=$T/client/var/tinyproxy.amsterdam01.pid
cleanup() {
	local pid
	pid=$(cat "$PIDF" 2>/dev/null)
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = tinyproxy ] &&
	    kill "$pid"
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ip netns add "$NS" || exit 1

run() {
	out=$(nsenter --net="/run/netns/$NS" env PEERING_DIR="$T/client" \
	    ${PEERING_WRAP:-} "$PEERING" proxy "$@" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}
expect() {
	local want_rc=$1 want_out=$2 want_err=$3
	shift 3
	run "$@"
	check_outcome "proxy $*" "$want_rc" "$want_out" "$want_err"
}

run --help
check_eq "--help" "$rc $(head -n 1 <<<"$out")" "0 usage: peering proxy status"
run
check_eq "no arguments" "$rc" 2
run start
check_eq "start without a mux" "$rc" 2
run frob x
check_eq "unknown verb" "$rc" 2
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$PEERING" proxy status 2>&1)
check_eq "not root" "$out" "error: peering proxy needs to run as root (sudo ./peering proxy status ...)"
run start amsterdam01
check_eq "no container.txt (status)" "$rc" 1
grep -q "container.txt" <<<"$err" && ok || bad "no container.txt: $err"
echo 2 >"$T/client/container.txt"
expect 1 "" "error: [mux unknown: isi01]" start isi01
expect 1 "" "error: tap5 has no IPv4 address: the tunnel to amsterdam01 is not up (./peering openvpn up amsterdam01)" start amsterdam01
expect 0 "No proxies running" "" status
expect 1 "" "error: pidfile $PIDF not found" stop amsterdam01

ip -n "$NS" link set lo up
ip -n "$NS" link add tap5 type veth peer name "${NS}p"
ip -n "$NS" link set "${NS}p" up
ip -n "$NS" link set tap5 up
ip -n "$NS" addr add 100.69.128.6/16 dev tap5
ip -n "$NS" addr add 2804:269c:ff00:5:1::6/64 dev tap5 nodad
expect 0 "TinyProxy addresses for amsterdam01 (tap5, 5)
  local address: 100.69.128.6:8805
  subnet: 100.125.40.8/30
  pidfile: $PIDF
  logfile: $T/client/var/tinyproxy.amsterdam01.log
updating (add) 100.125.40.8/30 via 100.69.128.1 dev tap5
updating (add) 2804:269c:ff03:5:2::/80 via 2804:269c:ff00:5:1::1 dev tap5
export http_proxy=http://100.69.128.6:8805/" "" start amsterdam01
pid=$(cat "$PIDF")
check_eq "tinyproxy runs" "$(cat "/proc/$pid/comm" 2>/dev/null)" tinyproxy
check_eq "listens on 100.69.128.6:8805" "$(ip netns exec "$NS" ss -Hltn 'sport = :8805' | awk '{ print $4 }')" 100.69.128.6:8805
check_eq "routes" "$(ip -n "$NS" route show 100.125.40.8/30; ip -n "$NS" -6 route show 2804:269c:ff03:5:2::/80 | sed 's/ metric.*//')" \
    "100.125.40.8/30 via 100.69.128.1 dev tap5 proto static 
2804:269c:ff03:5:2::/80 via 2804:269c:ff00:5:1::1 dev tap5 proto static"
expect 1 "" "error: the proxy for amsterdam01 is already running (pid $pid)" start amsterdam01
expect 0 "Running proxies:
amsterdam01 proxy up ($PIDF)" "" status
expect 0 "updating (del) 100.125.40.8/30 via 100.69.128.1 dev tap5
updating (del) 2804:269c:ff03:5:2::/80 via 2804:269c:ff00:5:1::1 dev tap5" "" stop amsterdam01
gone() {	# PID: no such process (a zombie not yet reaped counts as gone)
	local i
	for i in $(seq 40); do
		awk '{ exit !($3 == "Z" || $3 == "X") }' "/proc/$1/stat" 2>/dev/null && return 0
		[ -e "/proc/$1" ] || return 0
		sleep 0.05
	done
	return 1
}
gone "$pid" && ok || bad "tinyproxy $pid still runs after stop"
check_eq "no route left" "$(ip -n "$NS" route show 100.125.40.8/30; ip -n "$NS" -6 route show 2804:269c:ff03:5:2::/80)" ""
check_eq "no pid file" "$(ls "$PIDF" 2>/dev/null)" ""

run start amsterdam01
pid=$(cat "$PIDF")
kill -9 "$pid"
while [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = tinyproxy ]; do sleep 0.05; done
expect 0 "Running proxies:
amsterdam01 proxy apparently down ($PIDF), cleaning up
updating (del) 100.125.40.8/30 via 100.69.128.1 dev tap5
updating (del) 2804:269c:ff03:5:2::/80 via 2804:269c:ff00:5:1::1 dev tap5" "" status
check_eq "dead proxy: no route left" "$(ip -n "$NS" route show 100.125.40.8/30)" ""
expect 0 "No proxies running" "" status

finish
