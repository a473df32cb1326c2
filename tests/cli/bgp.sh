#!/usr/bin/env bash
# `peering bgp` / `bgp6` as the old client's scripts use them, against a
# real peering-bgpd in a network namespace of this test's own (no tunnel
# is up there: every session waits in Idle): `bgp6 stop` ends the IPv6
# sessions and withdraws the IPv6 announcements only, IPv4 runs on;
# `bgp6 start` brings the IPv6 sessions back; `bgp adv` / `bgp6 adv` show
# one family each, with what was sent (nothing, to a session that is not
# up); `bgp6 stop` when IPv4 is stopped too ends the daemon; `show
# protocols all NAME`, enable/disable/restart, `show route export`.
# Root (namespaces). Ends with "N passed, M failed".
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
ns_test_setup tests/cli/bgp.sh
cleanup() {
	local pid
	pid=$(cat "$T/client/var/peering-bgpd.pid" 2>/dev/null)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	sleep 0.2
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
echo 184.164.224.0/24 >"$T/client/prefixes.txt"
echo 2804:269c:1::/48 >"$T/client/prefixes6.txt"
echo "router-id 10.0.0.1" >"$T/client/configs/peering-bgpd.conf"

# run ARGS...: `peering ARGS` in the test's namespace; $out $err $rc.
run() {
	out=$(nsenter --net="/run/netns/$NS" env PEERING_DIR="$T/client" \
	    ${PEERING_WRAP:-} "$PEERING" "$@" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}
has() { case $2 in *"$3"*) ok ;; *) bad "$1: no '$3' in: $2" ;; esac; }
hasnt() { case $2 in *"$3"*) bad "$1: '$3' in: $2" ;; *) ok ;; esac; }

run bgp start
check_eq "bgp start (status)" "$rc" 0
has "bgp start" "$out" "peering-bgpd started"
run bgp start
check_outcome "bgp start again" 0 "peering-bgpd is already running" ""

run prefix announce -R 184.164.224.0/24
check_eq "announce v4 (status)" "$rc" 0
run prefix announce -R 2804:269c:1::/48
check_eq "announce v6 (status)" "$rc" 0

# adv: one family each; nothing was sent (the sessions are Idle).
run bgp adv amsterdam01 --json
check "bgp adv: IPv4 only, not sent" "$out" \
    '.exported | length == 1 and .[0].prefix == "184.164.224.0/24" and .[0].af == "ipv4" and .[0].sent == null'
run bgp6 adv amsterdam01 --json
check "bgp6 adv: IPv6 only" "$out" \
    '.exported | length == 1 and .[0].prefix == "2804:269c:1::/48" and .[0].af == "ipv6"'
run bgp6 adv amsterdam01
check_eq "bgp6 adv (status)" "$rc" 0
has "bgp6 adv text" "$out" "2804:269c:1::/48     not sent (session Idle) [i] (mux all)"
run bgp cli show route export amsterdam01
has "show route export: both families" "$out" "184.164.224.0/24"
has "show route export: both families" "$out" "2804:269c:1::/48"
run bgp adv nope
check_outcome "bgp adv nope" 1 "" "error: mux unknown: nope (code refused)"
run bgp cli frobnicate
check_outcome "an unknown command: its code" 1 "" \
    "error: unknown command 'frobnicate' (try: help) (code unknown-command)"

# bgp6 stop: IPv6 only.
run bgp6 stop
check_eq "bgp6 stop (status)" "$rc" 0
has "bgp6 stop" "$out" "1 IPv6 sessions stopped"
has "bgp6 stop" "$out" "1 IPv6 announcements withdrawn"
run bgp6 status
has "bgp6 status after bgp6 stop" "$out" "stopped by bgp6 stop"
run bgp status
hasnt "bgp status after bgp6 stop" "$out" "stopped by"
run bgp6 adv amsterdam01 --json
check "IPv6 announcement withdrawn" "$out" '.exported == []'
run bgp adv amsterdam01 --json
check "IPv4 announcement kept" "$out" '.exported | length == 1'
run bgp cli show status
has "show status says IPv6 is stopped" "$out" "IPv6 sessions stopped (bgp6 start brings them back)"
run bgp6 stop
has "bgp6 stop again" "$out" "IPv6 sessions are stopped already"
run bgp6 start
check_outcome "bgp6 start" 0 "1 IPv6 sessions started" ""
run bgp6 status
hasnt "bgp6 status after bgp6 start" "$out" "stopped by"
run bgp6 start
check_outcome "bgp6 start again" 0 "peering-bgpd is already running" ""

run bgp cli show protocols json
check "show protocols json: both sessions" "$out" '.protocols | length == 2'
run bgp status --json
check "bgp status --json: IPv4 only" "$out" '.protocols | length == 1 and .[0].af == "ipv4"'
run bgp cli show protocols all amsterdam01 ipv6 json
check "show protocols all NAME ipv6 json" "$out" '.protocols | length == 1 and .[0].af == "ipv6"'

# show protocols all NAME; enable, disable, restart.
run bgp cli show protocols all amsterdam01
has "show protocols all" "$out" "Neighbor address: 100.69.128.1"
has "show protocols all" "$out" "Neighbor address: 2804:269c:ff00:5:1::1"
has "show protocols all" "$out" "Messages in:"
run bgp cli show protocols all nope
check_eq "show protocols nope (status)" "$rc" 1
run bgp cli disable amsterdam01
check_outcome "disable" 0 "amsterdam01: 2 sessions disabled" ""
run bgp status
has "status after disable" "$out" "disabled by the user"
run bgp cli enable amsterdam01
check_outcome "enable" 0 "amsterdam01: 2 sessions enabled" ""
run bgp cli restart amsterdam01
check_outcome "restart" 0 "amsterdam01: 2 sessions restarted" ""
run bgp status
has "status after enable" "$out" "waiting for tap5"

# Both families stopped: the daemon ends, as bgp stop ends it.
run bgp cli stop ipv4
has "stop ipv4" "$out" "1 IPv4 announcements withdrawn"
run bgp6 stop
check_eq "bgp6 stop, IPv4 stopped (status)" "$rc" 0
has "bgp6 stop, IPv4 stopped" "$out" "no family is running"
has "bgp6 stop, IPv4 stopped" "$out" "peering-bgpd stopped"
run bgp status
check_eq "bgp status after (status)" "$rc" 1
finish
