#!/usr/bin/env bash
# `peering app`: --help, every usage error with its exact message (the old
# script's texts), not root (through setpriv), and, as root in a network
# namespace of this test's own (pap + random hex; removed on exit), the
# checks that need the client directory and the kernel: a prefix outside
# prefixes.txt (the list printed), an unknown mux, an app address already
# on the host, an ID in use, -d of an app that is not there; then one
# namespace app and one bridge app created, `status` (text and --json),
# removed with -d, nothing left behind. The namespace files go to a
# directory of the test's own (PEERING_NETNS_DIR), not /run/netns.
# Ends with "N passed, M failed"; exits 1 on any failure.
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
ns_test_setup tests/cli/app.sh
cleanup() {
	local f
	for f in "$T"/netns/*; do
		[ -e "$f" ] && umount -l "$f" 2>/dev/null
	done
	umount -l "$T/netns" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ip netns add "$NS" || exit 1
mkdir -p "$T/netns"
echo 184.164.224.0/24 >"$T/client/prefixes.txt"
echo 2804:269c:1::/48 >"$T/client/prefixes6.txt"

# run ARGS...: `peering app ARGS` in the test's namespace; $out $err $rc.
run() {
	out=$(nsenter --net="/run/netns/$NS" env PEERING_DIR="$T/client" \
	    PEERING_NETNS_DIR="$T/netns" ${PEERING_WRAP:-} "$PEERING" app \
	    "$@" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}

# expect RC STDOUT STDERR ARGS...
expect() {
	local want_rc=$1 want_out=$2 want_err=$3
	shift 3
	run "$@"
	check_outcome "app $*" "$want_rc" "$want_out" "$want_err"
}

SYN="usage: peering app -i ID {-n | -b} {-d | -p PREFIX [-u MUX[:PEER]]}
       peering app status [--json]"

# ---- help and usage errors ----
run --help
check_eq "--help (status)" "$rc" 0
check_eq "--help (first lines)" "$(head -n 2 <<<"$out")" "$SYN"
grep -q "^Root required" <<<"$out" && ok || bad "--help: no root line"
run status --help
check_eq "status --help" "$rc" 0
expect 2 "" "$SYN"
for c in "We require 0 < ID < 1000|-i 0 -n -d" \
    "We require 0 < ID < 1000|-i 1000 -n -d" \
    "We require 0 < ID < 1000|-i x -n -d" \
    "Need -i ID|-n -d" \
    "Cannot have -b and -n together|-i 3 -n -b -d" \
    "Need at least one of -p or -d|-i 3 -n" \
    "Need at least one of -b or -n|-i 3 -d" \
    "-i needs a value|-i" \
    "unknown option -x|-i 3 -x" \
    "unexpected argument extra|-i 3 -n -d extra" \
    "--json goes with status|-i 3 -n -d --json" \
    "status takes only --json, not x|status x"; do
	# shellcheck disable=SC2086
	expect 2 "" "peering app: ${c%%|*}
$SYN" ${c#*|}
done

# ---- not root ----
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$PEERING" app \
    -i 3 -n -d 2>&1)
check_eq "not root (status)" "$?" 1
check_eq "not root" "$out" "error: peering app needs to run as root (it creates namespaces, links, rules and routes): sudo ./peering app ..."

# ---- the client directory and the kernel ----
expect 1 "list of configured prefixes:
184.164.224.0/24
2804:269c:1::/48" "error: invalid prefix: 184.164.225.0/24 (not inside one of your prefixes)" \
    -i 3 -n -p 184.164.225.0/24
expect 1 "list of configured prefixes:
184.164.224.0/24
2804:269c:1::/48" "error: invalid prefix: 184.164.224.1/24 (not inside one of your prefixes)" \
    -i 3 -n -p 184.164.224.1/24
expect 1 "" "error: Unknown mux seattle01" -i 3 -n -p 184.164.224.0/28 -u seattle01
expect 1 "" "error: Unknown mux (not a mux name)" -i 3 -n -p 184.164.224.0/28 -u 'A;b'
expect 1 "" "error: -u MUX:PEER takes a peer id of 1..65535 after the colon" \
    -i 3 -n -p 184.164.224.0/28 -u amsterdam01:x
expect 1 "" "error: 184.164.224.0/31 has no room for two hosts (at most /30)" \
    -i 3 -n -p 184.164.224.0/31
expect 1 "" "error: -u amsterdam01:1: leaving through one upstream peer works for IPv4 prefixes only (PEERING has no per-peer IPv6 next hop formula); use -u amsterdam01" \
    -i 3 -n -p 2804:269c:1::/64 -u amsterdam01:1
ip -n "$NS" addr add 184.164.224.1/32 dev lo
expect 1 "" "Application IP 184.164.224.1 is assigned to an interface on the host.
ARP resolution and routing will not work.  Consider using the -R
parameter to the [peering prefix] command.
Aborting." -i 3 -n -p 184.164.224.0/24
ip -n "$NS" addr del 184.164.224.1/32 dev lo
expect 1 "Deleting application with ID 3
Mode: namespace" "error: NS papp3 does not exist" -i 3 -n -d
expect 1 "Deleting application with ID 3
Mode: bridge" "error: bridge pbr3 does not exist" -i 3 -b -d
run -i 3 -n -p 184.164.224.0/28 -u amsterdam01
check_eq "-u without the tunnel (status)" "$rc" 1
check_eq "-u without the tunnel" "$err" "error: tap5 does not exist: is the tunnel up? (./peering openvpn up MUX)"

# ---- create, status, remove ----
ip -n "$NS" link add tap5 type veth peer name "${NS}p"
ip -n "$NS" link set tap5 up
ip -n "$NS" addr add 100.69.128.6/16 dev tap5
expect 0 "Prefix: 184.164.224.16/28
Application IP: 184.164.224.17
Application gateway: 184.164.224.30
Mode: namespace
Egress: table 20000 (the best route from any mux)
Created namespace papp3 (eth0) and papp3h on the host
Rule: from 184.164.224.16/28 lookup 20000 priority 10003" "" \
    -n -i 3 -p 184.164.224.16/28
expect 1 "" "error: NS papp3 already exists" -i 3 -n -p 184.164.224.16/28
expect 1 "" "error: ID 3 is in use by namespace papp3" -i 3 -b -p 184.164.224.16/28
expect 0 "Prefix: 184.164.224.32/28
Application IP: 184.164.224.33
Application gateway: 184.164.224.46
Mode: bridge
Egress: amsterdam01:2 (tap5, via 100.69.0.2 onlink), table 10004
Created bridge pbr4
Rule: from 184.164.224.32/28 lookup 10004 priority 10004" "" \
    -b -i 4 -p 184.164.224.32/28 -u amsterdam01:2
expect 1 "" "Application gateway 184.164.224.46 is assigned to an interface on the host.
Aborting." -i 5 -n -p 184.164.224.32/28
expect 0 "id   mode       prefix                       egress               state
3    namespace  184.164.224.16/28            all                  ok
4    bridge     184.164.224.32/28            amsterdam01:2        ok" "" status
run status --json
check "status --json" "$out" 'length == 2 and .[0].id == 3 and .[0].mode == "namespace" and .[0].egress == "all" and .[0].ok and .[1].id == 4 and .[1].mode == "bridge" and .[1].table == 10004 and .[1].route and .[1].ok and .[1].missing == []'
check_eq "app address in papp3" "$(ip -n "$NS" -j link show papp3h | jq -r '.[0].operstate')" UP
check_eq "ping the host from papp3" "$(nsenter --net="$T/netns/papp3" ping -c 1 -W 2 184.164.224.30 >/dev/null 2>&1; echo $?)" 0
# A half-removed app shows what is missing.
ip -n "$NS" route del default table 10004
run status --json
check "status: route missing" "$out" '.[1].ok == false and .[1].missing == ["route"]'
expect 0 "Deleting application with ID 3
Mode: namespace
Removed namespace papp3 and papp3h, the rules of priority 10003 and table 10003" "" -i 3 -n -d
expect 0 "Deleting application with ID 4
Mode: bridge
Removed bridge pbr4, the rules of priority 10004 and table 10004" "" -i 4 -b -d -p 184.164.224.32/28 -u amsterdam01:2
expect 0 "id   mode       prefix                       egress               state" "" status
check_eq "no rule left" "$(ip -n "$NS" rule show | grep -c '^1000[34]:')" 0
check_eq "no route left" "$(ip -n "$NS" route show table all | grep -c 'papp\|pbr\|table 1000')" 0
check_eq "no link left" "$(ip -n "$NS" -o link show | grep -c 'papp\|pbr')" 0
check_eq "no namespace file left" "$(ls "$T/netns" | wc -l)" 0

finish
