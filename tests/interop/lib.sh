# tests/interop/lib.sh: what every interop script shares. Sourced, not run.
#
# A test gets two network namespaces of its own joined by a veth pair:
#   $NS_PEER  the real daemon (the "mux"), veth $IF_PEER: 100.65.128.1/24,
#             2804:269c:ff00:1:1::1/64
#   $NS_OURS  peering-bgpd, veth $IF_OURS: 100.65.128.2/24,
#             2804:269c:ff00:1:1::2/64
# Every name starts with $PFX ("pbi" + 6 hex digits, unique per run), every
# file lives in $TMP (mktemp -d), every process is started through start_bg
# and so stopped by its PID. Cleanup runs on exit, error and signals.
#
# Checks: pass/fail/skip count, check_session waits (bounded) for a session
# to satisfy a jq expression, rib_expect for our RIB (`show route json`) to
# meet stated expectations, check_kernel_rib / check_kernel_is for table
# 20000 of $NS_OURS. iop_finish prints "N passed, M failed" (the last line)
# and exits 1 on any failure.

set -u

IOP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IOP_ROOT=$(cd "$IOP_DIR/../.." && pwd)
PEERING_BGPD=${PEERING_BGPD:-$IOP_ROOT/peering-bgpd}
PEERING=${PEERING:-$IOP_ROOT/peering}
BIRD2_DIR=${BIRD2_DIR:-$IOP_ROOT/build/peers/bird2}

# The PEERING plan for mux tap1 (REFERENCE.md).
MUX_V4=100.65.128.1
OURS_V4=100.65.128.2
MUX_V6=2804:269c:ff00:1:1::1
OURS_V6=2804:269c:ff00:1:1::2
MUX_AS=47065

IOP_PASS=0
IOP_FAIL=0
IOP_SKIP=0
IOP_NAME=
IOP_PIDS=()		# every process this test started, to stop at the end
IOP_EXTRA_NS=()		# namespaces a test adds to the two, removed at the end
OURS_PID=
OURS_DIR=
TMP=

# ---- output and counting ----

iop_log() {
	echo "[$IOP_NAME $(date +%T)] $*"
}

pass() {
	IOP_PASS=$((IOP_PASS + 1))
	echo "ok   $*"
}

fail() {
	IOP_FAIL=$((IOP_FAIL + 1))
	echo "FAIL $*"
}

# skip DESCRIPTION WHY: a check that cannot run yet; not counted as either.
skip() {
	IOP_SKIP=$((IOP_SKIP + 1))
	echo "SKIPPED $1 ($2)"
}

iop_finish() {
	iop_cleanup
	trap - EXIT INT TERM
	if [ "$IOP_SKIP" -gt 0 ]; then
		echo "$IOP_SKIP checks skipped"
	fi
	echo "$IOP_PASS passed, $IOP_FAIL failed"
	[ "$IOP_FAIL" -eq 0 ] && exit 0
	exit 1
}

# give_up WHY: the test cannot go on; counts one failure and finishes.
give_up() {
	fail "$IOP_NAME: $*"
	iop_finish
}

# ---- setup and cleanup ----

# iop_init NAME: root check, temp dir, names, traps.
iop_init() {
	IOP_NAME=$1
	if [ "$(id -u)" -ne 0 ]; then
		echo "$IOP_NAME: must run as root (network namespaces)" >&2
		IOP_FAIL=1
		echo "0 passed, 1 failed"
		exit 1
	fi
	for tool in ip jq; do
		command -v "$tool" >/dev/null 2>&1 || {
			echo "$IOP_NAME: $tool is not installed" >&2
			echo "0 passed, 1 failed"
			exit 1
		}
	done
	local tries=0
	while :; do
		PFX=pbi$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
		if ! ip netns list | grep -q "^$PFX" &&
		    ! ip link show "${PFX}a" >/dev/null 2>&1 &&
		    ! ip link show "${PFX}b" >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		[ "$tries" -lt 10 ] || { echo "cannot pick a name" >&2; exit 1; }
	done
	NS_PEER=${PFX}p
	NS_OURS=${PFX}o
	IF_PEER=${PFX}a
	IF_OURS=${PFX}b
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/$PFX.XXXXXX")
	chmod 755 "$TMP"	# daemons that drop privileges read their files
	trap 'iop_cleanup' EXIT
	trap 'echo "$IOP_NAME: interrupted" >&2; iop_cleanup; exit 130' INT
	trap 'echo "$IOP_NAME: terminated" >&2; iop_cleanup; exit 143' TERM
	iop_log "namespaces $NS_PEER (peer) and $NS_OURS (ours), files in $TMP"
}

ns_exists() {
	[ -n "$1" ] && ip netns list | awk '{ print $1 }' | grep -qx "$1"
}

# tmp_remove: the test's files go, unless IOP_KEEP asks to keep them.
tmp_remove() {
	[ -n "${TMP:-}" ] && [ -d "$TMP" ] || return 0
	if [ -n "${IOP_KEEP:-}" ]; then
		echo "$IOP_NAME: files kept in $TMP" >&2
	else
		rm -rf "$TMP"
	fi
}

# netns_remove NS: deletes one of this test's namespaces, if it exists,
# after stopping what still runs in it. Only this test's processes can be
# there (a peer's child that outlived its parent, say); none should be.
netns_remove() {
	local ns=$1 left pid
	[ -n "$ns" ] || return 0
	ns_exists "$ns" || return 0
	left=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
	if [ -n "$left" ]; then
		echo "$IOP_NAME: processes left in $ns: $left" >&2
		for pid in $left; do
			stop_pid "$pid" 2
		done
	fi
	ip netns del "$ns" 2>/dev/null
	return 0
}

IOP_CLEANED=0
iop_cleanup() {
	local pid ns
	[ "$IOP_CLEANED" -eq 0 ] || return 0
	IOP_CLEANED=1
	for pid in "${IOP_PIDS[@]}"; do
		stop_pid "$pid" 5
	done
	for ns in "${NS_PEER:-}" "${NS_OURS:-}" "${IOP_EXTRA_NS[@]}"; do
		netns_remove "$ns"
	done
	# The veth pair is made inside the namespaces; should one have been
	# left in this namespace, remove it too.
	for ns in "${IF_PEER:-}" "${IF_OURS:-}"; do
		[ -n "$ns" ] && ip link del "$ns" >/dev/null 2>&1
	done
	tmp_remove
	return 0
}

# stop_pid PID SECONDS: TERM (after CONT, in case it is frozen), then KILL.
stop_pid() {
	local pid=$1 limit=$(($2 * 10)) i=0
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -CONT "$pid" 2>/dev/null
	kill -TERM "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt "$limit" ]; do
		# a child of ours becomes a zombie until waited for
		if [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ]; then
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null &&
	    [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ]; then
		echo "$IOP_NAME: pid $pid ignored SIGTERM, killing it" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# netns_setup: both namespaces and the veth between them, addressed.
netns_setup() {
	ip netns add "$NS_PEER" || give_up "ip netns add $NS_PEER"
	ip netns add "$NS_OURS" || give_up "ip netns add $NS_OURS"
	# Made directly inside the namespaces: nothing is ever in the host's.
	ip link add "$IF_PEER" netns "$NS_PEER" type veth peer name "$IF_OURS" \
	    netns "$NS_OURS" || give_up "cannot create the veth pair"
	ip -n "$NS_PEER" link set lo up
	ip -n "$NS_OURS" link set lo up
	ip -n "$NS_PEER" addr add "$MUX_V4/24" dev "$IF_PEER"
	ip -n "$NS_OURS" addr add "$OURS_V4/24" dev "$IF_OURS"
	ip -n "$NS_PEER" addr add "$MUX_V6/64" dev "$IF_PEER" nodad
	ip -n "$NS_OURS" addr add "$OURS_V6/64" dev "$IF_OURS" nodad
	# No duplicate address detection on the link-local addresses either:
	# an address turning from tentative to valid a second after start
	# makes a peer (BIRD6) re-announce its routes.
	ip netns exec "$NS_PEER" sysctl -qw "net.ipv6.conf.$IF_PEER.accept_dad=0"
	ip netns exec "$NS_OURS" sysctl -qw "net.ipv6.conf.$IF_OURS.accept_dad=0"
	ip -n "$NS_PEER" link set "$IF_PEER" up
	ip -n "$NS_OURS" link set "$IF_OURS" up
	wait_for 10 "veth up" link_is_up "$NS_PEER" "$IF_PEER" ||
	    give_up "$IF_PEER did not come up"
	wait_for 10 "veth up" link_is_up "$NS_OURS" "$IF_OURS" ||
	    give_up "$IF_OURS did not come up"
}

# link_is_up NS IFNAME: operationally up (carrier on both ends of a veth).
link_is_up() {
	[ "$(ip -n "$1" -br link show dev "$2" 2>/dev/null | awk '{print $2}')" = UP ]
}

# start_bg NS LOGFILE CMD...: runs CMD in NS in the background, output to
# LOGFILE; its PID is in $BG_PID and remembered for cleanup. `ip netns exec`
# and `env` exec the command, so the PID is the daemon's own.
start_bg() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$ns" "$@" </dev/null >>"$logf" 2>&1 &
	BG_PID=$!
	IOP_PIDS+=("$BG_PID")
}

# wait_for SECONDS DESCRIPTION CMD...: polls CMD (every 0.2 s) until it
# succeeds; returns 1 on timeout. Output of the last try is printed.
wait_for() {
	local limit=$(($1 * 5)) i=0 out
	shift 2
	while :; do
		if out=$("$@" 2>&1); then
			[ -z "$out" ] || printf '%s\n' "$out"
			return 0
		fi
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || return 1
		sleep 0.2
	done
}

# wait_file SECONDS PATH: until PATH exists (a socket, a pid file).
wait_file() {
	local limit=$(($1 * 5)) i=0
	while [ ! -e "$2" ]; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || return 1
		sleep 0.2
	done
}

# alive PID: the process runs (and is not a zombie).
alive() {
	kill -0 "$1" 2>/dev/null &&
	    [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]
}

# ---- our daemon ----

# need_ours: the binaries must be built.
need_ours() {
	[ -x "$PEERING_BGPD" ] && [ -x "$PEERING" ] ||
	    give_up "$PEERING_BGPD or $PEERING not built (run make)"
}

# ours_start CONFIG-TEXT: a client directory in $TMP/client, our daemon in
# $NS_OURS (log: $TMP/ours.log), ready when its control socket answers.
ours_start() {
	OURS_DIR=$TMP/client
	mkdir -p "$OURS_DIR/configs" "$OURS_DIR/var"
	printf '%s\n' "$1" >"$OURS_DIR/configs/peering-bgpd.conf"
	start_bg "$NS_OURS" "$TMP/ours.log" "$PEERING_BGPD" -f -v -d "$OURS_DIR"
	OURS_PID=$BG_PID
	if ! wait_for 10 "control socket" ours_json >/dev/null; then
		ours_log_tail
		give_up "peering-bgpd did not answer on its control socket"
	fi
	iop_log "peering-bgpd running, pid $OURS_PID"
}

# exabgp_start CONF [SETTING=VALUE...]: ExaBGP as the mux in $NS_PEER with
# this configuration file (PID in EXA_PID, output in $TMP/exabgp.out, log
# $TMP/exabgp.log); gives up when it does not start.
exabgp_start() {
	local conf=$1
	shift
	start_bg "$NS_PEER" "$TMP/exabgp.out" env \
	    exabgp.daemon.daemonize=false exabgp.daemon.user=root \
	    exabgp.log.destination="$TMP/exabgp.log" \
	    exabgp.api.cli=false exabgp.tcp.bind="$MUX_V4" "$@" \
	    exabgp "$conf"
	EXA_PID=$BG_PID
	wait_file 15 "$TMP/exabgp.log" ||
	    give_up "ExaBGP did not start: $(tail -3 "$TMP/exabgp.out")"
	alive "$EXA_PID" ||
	    give_up "ExaBGP exited: $(tail -5 "$TMP/exabgp.out")"
	iop_log "ExaBGP running, pid $EXA_PID"
}

# ours_start_pair NAME4 NAME6 [REMOTE_AS [LINE]]: our daemon with one
# neighbour per family, the mux's two addresses, named NAME4 and NAME6,
# of REMOTE_AS ($MUX_AS), each with LINE added (e.g. "add-path receive").
ours_start_pair() {
	local as=${3:-$MUX_AS} extra=${4:+
	$4}
	ours_start "local-as $MUX_AS
router-id $OURS_V4
neighbor $MUX_V4 {
	name $1
	remote-as $as
	interface $IF_OURS$extra
}
neighbor $MUX_V6 {
	name $2
	remote-as $as
	interface $IF_OURS$extra
}"
}

# gobgp_neighbor ADDR PEER_AS LOCAL ADDPATH AFI...: one GoBGP [[neighbors]]
# block (TOML): connect-retry 2 s, ADDPATH "send-max = N", "receive = true"
# or "" for none, then one afi-safi per AFI ("ipv4-unicast", ...); with
# GOBGP_REMOTE_PORT set, the peer's port.
gobgp_neighbor() {
	local addr=$1 as=$2 local=$3 addpath=$4 afi
	shift 4
	printf '[[neighbors]]\n  [neighbors.config]\n'
	printf '    neighbor-address = "%s"\n    peer-as = %s\n' "$addr" "$as"
	printf '  [neighbors.timers.config]\n    connect-retry = 2\n'
	printf '  [neighbors.transport.config]\n    local-address = "%s"\n' \
	    "$local"
	[ -n "${GOBGP_REMOTE_PORT:-}" ] &&
	    printf '    remote-port = %s\n' "$GOBGP_REMOTE_PORT"
	[ -n "$addpath" ] &&
	    printf '  [neighbors.add-paths.config]\n    %s\n' "$addpath"
	for afi in "$@"; do
		printf '  [[neighbors.afi-safis]]\n'
		printf '    [neighbors.afi-safis.config]\n'
		printf '      afi-safi-name = "%s"\n' "$afi"
	done
	echo
}

# ours_stop: SIGTERM, and it must exit by itself (within 10 s) with status 0.
ours_stop() {
	local i=0 rc
	[ -n "$OURS_PID" ] || return 0
	kill -TERM "$OURS_PID" 2>/dev/null
	while alive "$OURS_PID" && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if alive "$OURS_PID"; then
		fail "peering-bgpd exits within 10 s of SIGTERM"
		stop_pid "$OURS_PID" 1
	else
		wait "$OURS_PID" 2>/dev/null
		rc=$?
		if [ "$rc" -eq 0 ]; then
			pass "peering-bgpd exits cleanly on SIGTERM"
		else
			fail "peering-bgpd exits cleanly on SIGTERM (status $rc)"
			ours_log_tail
		fi
	fi
	OURS_PID=
}

ours_log_tail() {
	echo "  --- last lines of peering-bgpd's log ($TMP/ours.log):"
	tail -n "${1:-15}" "$TMP/ours.log" 2>/dev/null | sed 's/^/  | /'
}

# ours_cli ARGS...: `peering ARGS` in our namespace.
ours_cli() {
	ip netns exec "$NS_OURS" env PEERING_DIR="$OURS_DIR" "$PEERING" "$@"
}

# ours_json: `show protocols json`, checked to be JSON with a protocols array.
ours_json() {
	local j
	j=$(ours_cli bgp cli show protocols json 2>/dev/null) || return 1
	jq -e '.protocols | type == "array"' <<<"$j" >/dev/null 2>&1 ||
	    return 1
	printf '%s\n' "$j"
}

# session NAME: that session's JSON object (empty if none).
session() {
	ours_json | jq -c --arg n "$1" '.protocols[] | select(.name == $n)'
}

# session_true NAME JQ-EXPR: the expression holds for the session.
session_true() {
	local s
	s=$(session "$1") && [ -n "$s" ] && jq -e "$2" <<<"$s" >/dev/null 2>&1
}

# check_session DESCRIPTION SECONDS NAME JQ-EXPR: waits up to SECONDS for
# the expression to hold on session NAME; one pass or one fail.
check_session() {
	local desc=$1 secs=$2 name=$3 expr=$4
	if wait_for "$secs" "$desc" session_true "$name" "$expr"; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	echo "  wanted within ${secs}s: $expr"
	echo "  got: $(session "$name")"
	ours_log_tail 10
	return 1
}

# elapsed_since START (from `date +%s.%N`): seconds, one decimal.
elapsed_since() {
	awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'
}

# ---- shared checks ----

# core_checks NAME4 NAME6 N4 N6: both sessions Established with the
# 4-octet AS capability, every path counted, nothing treated as withdraw or
# discarded, no flap. What arrived is checked with rib_expect.
core_checks() {
	local n4=$1 n6=$2 p4=$3 p6=$4
	check_session "IPv4 session Established" 30 "$n4" \
	    '.state == "Established"'
	check_session "IPv6 session Established" 30 "$n6" \
	    '.state == "Established"'
	check_session "IPv4: 4-octet AS numbers negotiated" 1 "$n4" \
	    '.as4 == true'
	check_session "IPv6: 4-octet AS numbers negotiated" 1 "$n6" \
	    '.as4 == true'
	check_session "IPv4: all $p4 prefixes received" 20 "$n4" \
	    ".stats.prefixes_in == $p4"
	check_session "IPv6: all $p6 prefixes received" 20 "$n6" \
	    ".stats.prefixes_in == $p6"
	check_session "IPv4: no attribute error" 1 "$n4" \
	    '.stats.treat_as_withdraw == 0 and .stats.attribute_discards == 0'
	check_session "IPv6: no attribute error" 1 "$n6" \
	    '.stats.treat_as_withdraw == 0 and .stats.attribute_discards == 0'
	check_session "IPv4: came up once, no flap" 1 "$n4" \
	    '.stats.established == 1 and .state == "Established"'
	check_session "IPv6: came up once, no flap" 1 "$n6" \
	    '.stats.established == 1 and .state == "Established"'
}

# ---- what arrived: the RIB (`show route json`) ----
#
# A check states expectations, then waits (bounded) for the RIB to meet all
# of them:
#   exp_reset
#   exp_prefix 8.8.8.0/24 3 100.65.0.1   # 3 paths, ids distinct, one best
#                                        # (listed first), via 100.65.0.1
#   exp_path 8.8.8.0/24 100.65.0.2 '{"stale": false, "attributes":
#       {"med": 20, "atomic_aggregate": null}}'   # subset; null: absent
#   exp_prefix 1.0.0.0/24 0              # not in the RIB
#   exp_only                             # and no other prefix
#   rib_expect "what it checks" 10 [ipv4|ipv6|PREFIX]
# exp_path's next hop "*" means every path of the prefix; exp_all JSON
# applies to every path in the RIB. Communities and large communities are
# compared as sets (a peer may sort them); every other field exactly.

# ours_routes [ARGS...]: `show route ARGS json` with every prefix, checked
# to be JSON with a routes array and nothing left out.
ours_routes() {
	local j
	j=$(ours_cli bgp cli show route "$@" json limit 100000 2>/dev/null) ||
	    return 1
	jq -e '(.routes | type == "array") and .more == 0' <<<"$j" \
	    >/dev/null 2>&1 || return 1
	printf '%s\n' "$j"
}

exp_reset() {
	: >"$TMP/rib.exp"
}

# A broken expectation (a test bug: bad JSON) must not make a check pass:
# it is kept as such, and rib_expect fails on it.
exp_add() {
	local e
	if e=$(jq -nc "$@" 2>&1); then
		printf '%s\n' "$e" >>"$TMP/rib.exp"
	else
		jq -nc --arg e "$e" '{kind: "broken", error: $e}' >>"$TMP/rib.exp"
	fi
}

exp_prefix() {
	exp_add --arg p "$1" --argjson n "$2" --arg b "${3:-}" \
	    '{kind: "prefix", prefix: $p, paths: $n,
	      best: (if $b == "" then null else $b end)}'
}

exp_path() {
	exp_add --arg p "$1" --arg nh "$2" --argjson w "$3" \
	    '{kind: "path", prefix: $p, nh: $nh, want: $w}'
}

exp_all() {
	exp_add --argjson w "$1" '{kind: "all", want: $w}'
}

exp_only() {
	echo '{"kind": "only"}' >>"$TMP/rib.exp"
}

RIB_JQ='
def val($o; $k):
	if ($o | type) == "object" and ($o | has($k)) then $o[$k] else null end;
def norm($k):
	if ($k | test("communities$")) and type == "array" then sort else . end;
def diff($got; $want; $where):
	$want | to_entries[] | .key as $k | .value as $w | val($got; $k) as $g
	| if $k == "attributes" and ($w | type) == "object" then
		diff($g; $w; $where)
	  elif ($g | norm($k)) != ($w | norm($k)) then
		"\($where): \($k) is \($g | tojson), want \($w | tojson)"
	  else empty end;
def show($ps): $ps | map("via \(.next_hop) id \(.path_id)\(if .best then " best" else "" end)") | join(", ");
(.routes | map({key: .prefix, value: .paths}) | from_entries) as $rib
| ($exp | map(select(.kind == "prefix" and .paths > 0) | .prefix)) as $named
| $exp[] as $e
| if $e.kind == "prefix" then
	($rib[$e.prefix] // []) as $ps
	| if ($ps | length) != $e.paths then
		"\($e.prefix): \($ps | length) paths, want \($e.paths) [\(show($ps))]"
	  elif $e.paths == 0 then empty
	  else
		(if ($ps | map(.path_id) | unique | length) != ($ps | length)
		 then "\($e.prefix): path ids not distinct [\(show($ps))]"
		 else empty end),
		(($ps | map(select(.best == true)) | length) as $nb
		 | if $nb != 1 then "\($e.prefix): \($nb) best paths, want 1 [\(show($ps))]"
		   elif $ps[0].best != true then "\($e.prefix): the best path is not first [\(show($ps))]"
		   elif $e.best != null and ($ps[0].next_hop != $e.best) then
			"\($e.prefix): best via \($ps[0].next_hop), want via \($e.best) [\(show($ps))]"
		   else empty end)
	  end
  elif $e.kind == "path" then
	($rib[$e.prefix] // []) as $ps
	| if $e.nh == "*" then
		if ($ps | length) == 0 then "\($e.prefix): no path"
		else $ps[] | diff(.; $e.want; "\($e.prefix) via \(.next_hop) id \(.path_id)")
		end
	  else
		($ps | map(select(.next_hop == $e.nh))) as $m
		| if ($m | length) != 1 then
			"\($e.prefix): \($m | length) paths via \($e.nh), want 1 [\(show($ps))]"
		  else diff($m[0]; $e.want; "\($e.prefix) via \($e.nh)") end
	  end
  elif $e.kind == "all" then
	$rib | to_entries[] | .key as $p | .value[]
	| diff(.; $e.want; "\($p) via \(.next_hop) id \(.path_id)")
  elif $e.kind == "only" then
	$rib | keys[] | . as $p
	| select(($named | map(select(. == $p)) | length) == 0)
	| "\($p): in the RIB, not expected [\(show($rib[$p]))]"
  else "bad expectation (a bug in the test): \($e | tojson)" end
'

# rib_problems [ROUTE-ARGS...]: what does not meet the expectations (one
# line each); nothing when all do. Fails when the RIB cannot be read.
rib_problems() {
	local j
	j=$(ours_routes "$@") || { echo "show route json: no answer"; return 0; }
	jq -r --slurpfile exp "$TMP/rib.exp" "$RIB_JQ" <<<"$j" 2>&1
}

rib_meets() {
	[ -z "$(rib_problems "$@")" ]
}

# rib_expect DESCRIPTION SECONDS [ROUTE-ARGS...]: one pass or one fail.
rib_expect() {
	local desc=$1 secs=$2 n
	shift 2
	n=$(wc -l <"$TMP/rib.exp")
	if wait_for "$secs" "$desc" rib_meets "$@"; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	echo "  after ${secs}s, of $n expectations:"
	rib_problems "$@" | head -n 12 | sed 's/^/  | /'
	return 1
}

# rib_empty DESCRIPTION SECONDS: no prefix left in our RIB.
rib_empty() {
	exp_reset
	exp_only
	rib_expect "$1" "$2"
}

# ---- table 20000 of our namespace ----

# kernel_routes: its routes, both families, one sorted line each:
# "PREFIX via NEXT-HOP dev IF proto PROTO[ onlink]".
kernel_routes() {
	{
		ip -j -n "$NS_OURS" -4 route show table 20000 2>/dev/null
		ip -j -n "$NS_OURS" -6 route show table 20000 2>/dev/null
	} | jq -r '.[] | "\(.dst) via \(.gateway // "-") dev \(.dev // "-") proto \(.protocol // "-")\(if any(.flags[]?; . == "onlink") then " onlink" else "" end)"' |
	    sort
}

# rib_kernel_routes: what table 20000 should hold by our RIB: the best path
# of every prefix learned on a session with an interface, in
# kernel_routes's form.
rib_kernel_routes() {
	local j
	j=$(ours_routes) || { echo "show route json: no answer"; return 0; }
	jq -r '.routes[] | .prefix as $p | .paths[]
	    | select(.best == true and .interface != "")
	    | "\($p) via \(.next_hop) dev \(.interface) proto bgp onlink"' \
	    <<<"$j" | sort
}

kernel_matches_rib() {
	local k r
	k=$(kernel_routes)
	r=$(rib_kernel_routes)
	[ "$k" = "$r" ] && { [ -n "${1:-}" ] || [ -n "$k" ]; }
}

# check_kernel_rib DESCRIPTION SECONDS [empty-ok]: table 20000 holds exactly
# the RIB's best routes (and, unless empty-ok, at least one).
check_kernel_rib() {
	local desc=$1 secs=$2
	if wait_for "$secs" "$desc" kernel_matches_rib "${3:-}"; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	echo "  table 20000 (<) against the RIB's best paths (>):"
	diff <(kernel_routes) <(rib_kernel_routes) | grep '^[<>]' |
	    head -n 12 | sed 's/^/  | /'
	[ -n "$(kernel_routes)" ] || echo "  | (table 20000 is empty)"
	return 1
}

kernel_is() {
	[ "$(kernel_routes)" = "$1" ]
}

# check_kernel_is DESCRIPTION SECONDS TEXT: table 20000 is exactly TEXT
# (kernel_routes's form; "" for empty).
check_kernel_is() {
	local desc=$1 secs=$2 want=$3
	if wait_for "$secs" "$desc" kernel_is "$want"; then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	echo "  table 20000 (<) against the expected (>):"
	diff <(kernel_routes) <(printf '%s\n' "$want" | sed '/^$/d') |
	    grep '^[<>]' | head -n 12 | sed 's/^/  | /'
	return 1
}

# kernel_watch_start FILE: a background poll of table 20000 every 0.1 s
# (for at most 120 s) until kernel_watch_stop: one line per look,
# "TIME PREFIX PREFIX ...". Its PID is stopped with the test's processes.
KWATCH_PID=
kernel_watch_start() {
	local f=$1
	: >"$f"
	rm -f "$f.stop"
	(
		for _ in $(seq 1 1200); do
			[ -e "$f.stop" ] && break
			echo "$(date +%s.%N) $(kernel_routes | awk '{ print $1 }' | tr '\n' ' ')" >>"$f"
			sleep 0.1
		done
	) &
	KWATCH_PID=$!
	IOP_PIDS+=("$KWATCH_PID")
}

kernel_watch_stop() {
	local i=0
	touch "$1.stop"
	while alive "$KWATCH_PID" && [ "$i" -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	stop_pid "$KWATCH_PID" 1
	KWATCH_PID=
}

# watch_missing FILE PREFIX...: the looks (lines) that missed one of the
# prefixes, as "TIME missing PREFIX...".
watch_missing() {
	local f=$1
	shift
	awk -v want="$*" '
	    BEGIN { n = split(want, w, " ") }
	    {
		delete have
		for (i = 2; i <= NF; i++) have[$i] = 1
		miss = ""
		for (i = 1; i <= n; i++) if (!(w[i] in have)) miss = miss " " w[i]
		if (miss != "") print $1 " missing" miss
	    }' "$f"
}
