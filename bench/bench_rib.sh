#!/usr/bin/env bash
# bench/bench_rib.sh: `make bench-rib`. Receiving a generated realistic
# table over real BGP sessions between network namespaces, side by side:
# peering-bgpd, BIRD 1.6 (bird/bird6) and BIRD 2. Numbers, not pass/fail.
#
#   S1  1M IPv4 prefixes, one path each, one session
#   S2  200k IPv6 prefixes, one path each, one session
#   S3  200k IPv4 prefixes x 10 ADD-PATH paths, one session
#   S4  8 sessions, each the same 1M IPv4 prefixes with its own attributes
#   S5  43 sessions (every PEERING mux), each the same 1M IPv4 prefixes
#       with its own attributes: 43M paths (BIRD only with BENCH_S5_BIRD=1)
#   S6  1 IPv4 prefix x 10,000 ADD-PATH paths, one session: the stall
#
# Every run has fresh namespaces: ${PFX}Nf holds the feeders
# (build/bench/bgpfeed), ${PFX}Nd the daemon under test, joined by the veth
# ${PFX}Na / ${PFX}Nb. The daemon imports everything and (peering-bgpd,
# BIRD 1.6; BIRD 2 only with BENCH_BIRD2_KERNEL=1) installs the best routes
# into table 20000 of its namespace. Measured from the session reaching
# Established (the feeder's clock, the earliest session in S4):
#   conv_s    until every path is in the RIB (peering-bgpd: `show memory
#             json` paths; BIRD: the sum of "Routes: N imported")
#   kernel_s  until every prefix is in table 20000: the daemon says so
#             (peering-bgpd: `show memory json` kernel_routes; BIRD: the
#             routes its kernel protocol exported, written one synchronous
#             request at a time) and the kernel confirms it (IPv4:
#             "Prefixes" of table 20000 in the namespace's
#             /proc/net/fib_triestat, read once; IPv6: the routes counted
#             by its /proc/net/rt6_stats, less those there before). When it
#             does not, the kernel is polled until it does (and a note
#             says so). "-" when the daemon does not write the table
#   rss_mib   VmRSS of the daemon once converged (1 s after the last count)
#   bytes_per_path  (VmRSS after - VmRSS before the sessions) / paths
#   stall_ms  peering-bgpd only: the slowest answer to `show status`, asked
#             every 10 ms from before the sessions until the end
#             (build/bench/loopprobe): the longest the loop did not serve
# Then, peering-bgpd only, every feeder stops at once (all sessions end,
# as when the uplink under every tunnel fails):
#   drop_s    from the first SIGTERM until the RIB holds no path
#   drop_kernel_s  ... and until table 20000 holds none of its routes
#             (the daemon's word, as kernel_s)
#   drop_stall_ms  the slowest answer to `show status` meanwhile
#   stop_s    then, the daemon's SIGTERM until it exited
# Each figure is the median of BENCH_RUNS runs (3), taken separately.
# Then the ratios the issue sets targets for, and the kernel floor
# (build/bench/bench_kroute --floor).
#
# Usage: bash bench/bench_rib.sh [S1 S2 S3 S4 S5 S6]   (default: all)
# Environment: BENCH_RUNS (3), BENCH_DAEMONS ("peering-bgpd bird1.6 bird2"),
# BENCH_SCALE (1: fraction of the prefixes, to try the script quickly),
# BENCH_BIRD2_KERNEL (0), BENCH_KEEP (keep the files), BENCH_PERF (perf's
# arguments, e.g. "record -g" or "stat -e syscalls:sys_enter_socket": perf
# watches peering-bgpd from before the sessions until convergence; output
# in the run's directory, kept), BENCH_BGPD (the peering-bgpd to run, e.g.
# one built from an older commit; with BENCH_OLD_CONF=1 its configuration
# has no setting older daemons do not know), BENCH_PERF_DROP (perf's
# arguments for the drop: from before it until the RIB is empty, kept in
# the run's directory as perf-drop.data), BENCH_S5_BIRD (0: S5 runs
# peering-bgpd only; BIRD takes very long with 43M paths).
# Results on stdout; progress and notes on stderr. Needs root.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FEED=$ROOT/build/bench/bgpfeed
KROUTE=$ROOT/build/bench/bench_kroute
PROBE=$ROOT/build/bench/loopprobe
PEERING_BGPD=${BENCH_BGPD:-$ROOT/peering-bgpd}
PEERING=$ROOT/peering
BIRD2_DIR=${BIRD2_DIR:-$ROOT/build/peers/bird2}
BIRD2=$BIRD2_DIR/usr/sbin/bird
BIRDC2=$BIRD2_DIR/usr/sbin/birdc

RUNS=${BENCH_RUNS:-3}
DAEMONS=${BENCH_DAEMONS:-peering-bgpd bird1.6 bird2}
SCALE=${BENCH_SCALE:-1}
BIRD2_KERNEL=${BENCH_BIRD2_KERNEL:-0}
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(S1 S2 S3 S4 S5 S6)
S5_BIRD=${BENCH_S5_BIRD:-0}
OLD_CONF=${BENCH_OLD_CONF:-0}

AS=47065
D4=100.65.128.2			# the daemon under test
D6=2804:269c:ff00:1:1::2
CONV_LIMIT=600			# seconds, each wait
STALL_LIMIT=60			# seconds without progress: given up
POLL_RIB=0.05
POLL_KERNEL=0.1			# only when a daemon's word is not confirmed

PIDS=()				# every process started here, stopped by PID
NAMESPACES=()			# every namespace made here
LINKS=()
TMP=
PFX=
NOTES=()

say() { echo "bench-rib: $*" >&2; }
note() { NOTES+=("$*"); say "NOTE: $*"; }

# ---- processes, namespaces, cleanup ----

alive() {
	kill -0 "$1" 2>/dev/null &&
	    [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]
}

not_alive() { ! alive "$1"; }

# stop_pid PID SECONDS: TERM, bounded wait, then KILL.
stop_pid() {
	local pid=$1 limit=$(($2 * 10)) i=0
	if alive "$pid"; then
		kill -CONT "$pid" 2>/dev/null
		kill -TERM "$pid" 2>/dev/null
		while alive "$pid" && [ "$i" -lt "$limit" ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if alive "$pid"; then
			say "pid $pid ignored SIGTERM for $2 s: killing it"
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# start_bg NS LOGFILE CMD...: in the background, its PID in BG_PID.
start_bg() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$ns" "$@" </dev/null >>"$logf" 2>&1 &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# Newest first: the feeders end their sessions before the daemon stops.
stop_all() {
	local i
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		stop_pid "${PIDS[$i]}" 30
	done
	PIDS=()
}

del_namespaces() {
	local ns pid l
	for ns in "${NAMESPACES[@]}"; do
		ip netns list | grep -qw "^$ns" || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			say "process $pid left in $ns: stopping it"
			stop_pid "$pid" 5
		done
		ip netns del "$ns" 2>/dev/null
	done
	for l in "${LINKS[@]}"; do
		ip link del "$l" >/dev/null 2>&1
	done
	NAMESPACES=()
	LINKS=()
}

CLEANED=0
cleanup() {
	[ "$CLEANED" -eq 0 ] || return 0
	CLEANED=1
	stop_all
	del_namespaces
	if [ -n "$TMP" ] && [ -d "$TMP" ]; then
		if [ -n "${BENCH_KEEP:-}${BENCH_PERF:-}${BENCH_PERF_DROP:-}" ]; then
			say "files kept in $TMP"
		else
			rm -rf "$TMP"
		fi
	fi
}

# wait_until SECONDS INTERVAL CMD...: polls CMD until it succeeds.
wait_until() {
	local limit=$1 interval=$2 start=$EPOCHREALTIME
	shift 2
	until "$@" 2>/dev/null; do
		if awk -v s="$start" -v e="$EPOCHREALTIME" -v l="$limit" \
		    'BEGIN { exit !(e - s > l) }'; then
			return 1
		fi
		sleep "$interval"
	done
}

# wait_count SECONDS INTERVAL TARGET CMD...: polls CMD (prints a number)
# until it reaches TARGET; WAIT_T is the time of the answer that did.
# Gives up after SECONDS, or STALL_LIMIT seconds without any change.
WAIT_T=
LAST_COUNT=0
wait_count() {
	local limit=$1 interval=$2 target=$3 start=$EPOCHREALTIME c
	local moved=$EPOCHREALTIME
	shift 3
	LAST_COUNT=-1
	while :; do
		c=$("$@" 2>/dev/null)
		WAIT_T=$EPOCHREALTIME
		[ "${c:-0}" = "$LAST_COUNT" ] || moved=$WAIT_T
		LAST_COUNT=${c:-0}
		[ "${c:-0}" -lt "$target" ] || return 0
		if awk -v s="$start" -v m="$moved" -v e="$WAIT_T" -v l="$limit" \
		    -v st="$STALL_LIMIT" \
		    'BEGIN { exit !(e - s > l || e - m > st) }'; then
			return 1
		fi
		sleep "$interval"
	done
}

# ---- one run's network ----

# feeder_addr AF K: feeder K's address (1 is the mux's .1; the daemon has .2).
feeder_addr() {
	local k=$2
	[ "$k" -eq 1 ] || k=$((k + 1))
	if [ "$1" = 4 ]; then echo "100.65.128.$k"; else
		echo "2804:269c:ff00:1:1::$k"; fi
}

# net_setup N FEEDERS: NS_F, NS_D, IF_F, IF_D for run N.
net_setup() {
	local n=$1 feeders=$2 k
	NS_F=${PFX}${n}f
	NS_D=${PFX}${n}d
	IF_F=${PFX}${n}a
	IF_D=${PFX}${n}b
	ip netns add "$NS_F" || return 1
	NAMESPACES+=("$NS_F")
	ip netns add "$NS_D" || return 1
	NAMESPACES+=("$NS_D")
	LINKS+=("$IF_F" "$IF_D")
	ip link add "$IF_F" netns "$NS_F" type veth peer name "$IF_D" \
	    netns "$NS_D" || return 1
	ip -n "$NS_F" link set lo up
	ip -n "$NS_D" link set lo up
	ip netns exec "$NS_F" sysctl -qw "net.ipv6.conf.$IF_F.accept_dad=0"
	ip netns exec "$NS_D" sysctl -qw "net.ipv6.conf.$IF_D.accept_dad=0"
	for k in $(seq 1 "$feeders"); do
		ip -n "$NS_F" addr add "$(feeder_addr 4 "$k")/24" dev "$IF_F"
		ip -n "$NS_F" addr add "$(feeder_addr 6 "$k")/64" dev "$IF_F" \
		    nodad
	done
	ip -n "$NS_D" addr add "$D4/24" dev "$IF_D"
	ip -n "$NS_D" addr add "$D6/64" dev "$IF_D" nodad
	ip -n "$NS_F" link set "$IF_F" up
	ip -n "$NS_D" link set "$IF_D" up
	wait_until 10 0.1 link_up "$NS_D" "$IF_D"
}

link_up() {
	[ "$(ip -n "$1" -br link show dev "$2" 2>/dev/null |
	    awk '{ print $2 }')" = UP ]
}

# ---- the daemons: configuration, start, counts ----

ours_conf() {
	local af=$1 feeders=$2 k
	echo "local-as $AS"
	echo "router-id $D4"
	echo "hold-time 240"
	# S6 sends more paths per prefix than the default limit keeps.
	[ "$OLD_CONF" = 1 ] || [ "$SC_PATHS" -le 500 ] ||
	    echo "max-paths-per-prefix $SC_PATHS drop"
	for k in $(seq 1 "$feeders"); do
		cat <<EOF
neighbor $(feeder_addr "$af" "$k") {
	name f$k
	remote-as $AS
	interface $IF_D
	passive yes
	add-path receive
}
EOF
	done
}

# bird_conf VERSION(1|2) AF FEEDERS ADDPATH(0|1) DIR
bird_conf() {
	local v=$1 af=$2 feeders=$3 ap=$4 dir=$5 k me=$D4 ap_line=
	[ "$af" = 4 ] || me=$D6
	[ "$ap" = 0 ] || ap_line="add paths rx;"
	echo "router id $D4;"
	echo "log \"$dir/bird.log\" { info, remote, warning, error, auth, fatal, bug };"
	echo "protocol device { scan time 10; }"
	if [ "$v" = 1 ]; then
		# persist: stopping BIRD leaves the table as it is (the
		# namespace goes anyway); a scan in the middle of a run
		# would be measured, so rarely.
		cat <<EOF
protocol kernel {
	kernel table 20000;
	import none;
	export all;
	scan time 600;
	persist;
}
EOF
	elif [ "$BIRD2_KERNEL" = 1 ]; then
		cat <<EOF
protocol kernel {
	kernel table 20000;
	ipv$af { import none; export all; };
	scan time 600;
	persist;
}
EOF
	fi
	for k in $(seq 1 "$feeders"); do
		echo "protocol bgp f$k {"
		echo "	local $me as $AS;"
		echo "	neighbor $(feeder_addr "$af" "$k") as $AS;"
		echo "	passive on;"
		echo "	direct;"
		echo "	hold time 240;"
		if [ "$v" = 1 ]; then
			echo "	gateway direct;"
			echo "	import all;"
			echo "	export none;"
			[ -z "$ap_line" ] || echo "	$ap_line"
		else
			echo "	ipv$af { import all; export none; gateway direct; $ap_line };"
		fi
		echo "}"
	done
}

# daemon_start NAME AF FEEDERS ADDPATH DIR: DAEMON_PID, and the functions
# rib_count and kernel_count answer for it.
daemon_start() {
	local name=$1 af=$2 feeders=$3 ap=$4 dir=$5 bin
	DIR=$dir
	case $name in
	peering-bgpd)
		# No mux: an empty configs/openvpn says so (no warning).
		mkdir -p "$dir/client/configs/openvpn" "$dir/client/var"
		ours_conf "$af" "$feeders" >"$dir/client/configs/peering-bgpd.conf"
		start_bg "$NS_D" "$dir/daemon.log" "$PEERING_BGPD" -f \
		    -d "$dir/client"
		DAEMON_PID=$BG_PID
		wait_until 15 0.1 ours_ready
		;;
	bird1.6|bird2)
		bin=bird
		[ "$name" = bird2 ] && bin=$BIRD2
		[ "$name" = bird1.6 ] && [ "$af" = 6 ] && bin=bird6
		BIRDC=birdc
		[ "$name" = bird2 ] && BIRDC=$BIRDC2
		[ "$name" = bird1.6 ] && [ "$af" = 6 ] && BIRDC=birdc6
		bird_conf "$([ "$name" = bird2 ] && echo 2 || echo 1)" "$af" \
		    "$feeders" "$ap" "$dir" >"$dir/bird.conf"
		start_bg "$NS_D" "$dir/daemon.log" "$bin" -f -c "$dir/bird.conf" \
		    -s "$dir/bird.ctl" -P "$dir/bird.pid"
		DAEMON_PID=$BG_PID
		wait_until 15 0.1 bird_ready
		;;
	esac
}

ours_cli() {
	PEERING_DIR=$DIR/client "$PEERING" bgp cli "$@"
}

ours_ready() {
	ours_cli show protocols json >/dev/null 2>&1
}

bird_ready() {
	[ -S "$DIR/bird.ctl" ] && "$BIRDC" -s "$DIR/bird.ctl" show status \
	    >/dev/null 2>&1
}

# rib_count NAME: paths in the daemon's RIB.
rib_count() {
	local out
	if [ "$1" = peering-bgpd ]; then
		out=$(ours_cli show memory json) || return 1
		[[ $out =~ \"paths\":([0-9]+) ]] || return 1
		echo "${BASH_REMATCH[1]}"
	else
		"$BIRDC" -s "$DIR/bird.ctl" show protocols all |
		    awk '$1 == "Routes:" { s += $2 } END { print s + 0 }'
	fi
}

# kernel_claim NAME: the routes the daemon says it has in table 20000.
# Asking it costs the kernel nothing, unlike counting the table:
# fib_triestat walks the whole trie (67 ms for 1M routes here) inside an
# RCU read section, and a route writer waits for such sections to end
# whenever the trie frees nodes (synchronize_net): read every 0.1 s, it
# slowed the netlink floor from 2.0 s to 2.5 s.
kernel_claim() {
	local out
	if [ "$1" = peering-bgpd ]; then
		out=$(ours_cli show memory json) || return 1
		[[ $out =~ \"kernel_routes\":([0-9]+) ]] || return 1
		echo "${BASH_REMATCH[1]}"
	else
		"$BIRDC" -s "$DIR/bird.ctl" show protocols all | awk '
		    /^[^ \t]/ { k = ($2 == "Kernel") }
		    k && $1 == "Routes:" { for (i = 2; i < NF; i++)
			if ($(i + 1) ~ /^exported/) s += $i }
		    END { print s + 0 }'
	fi
}

# kernel_count AF: routes in table 20000 of the daemon's namespace, read
# through /proc/PID/net of the daemon (no process started in it).
KERNEL_BASE6=0
kernel_count() {
	if [ "$1" = 4 ]; then
		awk '/^[^ \t]/ { t = ($0 == "Id 20000:") }
		    t && $1 == "Prefixes:" { n = $2 } END { print n + 0 }' \
		    "/proc/$DAEMON_PID/net/fib_triestat"
	else
		echo $(( 0x$(awk '{ print $4 }' \
		    "/proc/$DAEMON_PID/net/rt6_stats") - KERNEL_BASE6 ))
	fi
}

# rib_own_bytes NAME PATHS: what peering-bgpd's `show memory` counts, per
# path (its RIB's structures only; the rest of the RSS is elsewhere).
rib_own_bytes() {
	local out
	[ "$1" = peering-bgpd ] || return 0
	ours_cli show memory >"$DIR/memory.txt" 2>&1
	out=$(ours_cli show memory json 2>/dev/null) || return 0
	[[ $out =~ \"total_bytes\":([0-9]+) ]] || return 0
	echo ", show memory $((BASH_REMATCH[1] / $2)) bytes/path"
}

rss_kib() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"
}

# cpu_ticks PID: "USER SYSTEM" clock ticks the process used so far.
cpu_ticks() {
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12, $13 }'
}

writes_kernel() {
	[ "$1" != bird2 ] || [ "$BIRD2_KERNEL" = 1 ]
}

# ---- one run ----

# Results of the last run.
R_CONV= R_KERNEL= R_RSS= R_BPP= R_STALL= R_DROP= R_DROP_STALL= R_STOP=
R_DROP_KERNEL=
SC_PATHS=1

# probe_start: loopprobe on peering-bgpd's control socket (PROBE_PID).
probe_start() {
	PROBE_PID=
	[ -x "$PROBE" ] || { note "$RUN_TAG: $PROBE not built: no stall_ms"
		return; }
	"$PROBE" "$DIR/client/var/peering-bgpd.sock" 10 >"$DIR/probe.log" \
	    2>&1 &
	PROBE_PID=$!
	PIDS+=("$PROBE_PID")
}

# probe_stop: R_STALL from its answer.
probe_stop() {
	[ -n "$PROBE_PID" ] || return 0
	kill -TERM "$PROBE_PID" 2>/dev/null
	wait_until 30 0.1 not_alive "$PROBE_PID"
	R_STALL=$(sed -n 's/^probe .* max_ms=\([0-9.]*\).*/\1/p' \
	    "$DIR/probe.log")
	[ -n "$R_STALL" ] || { R_STALL=fail; note "$RUN_TAG: loopprobe said" \
	    "$(tail -n 1 "$DIR/probe.log")"; }
}

# perf_start NAME ARGS...: perf ARGS on the daemon, its data in
# $DIR/NAME.data and its output in $DIR/NAME.log; its PID in PERF_PID.
perf_start() {
	local name=$1
	shift
	perf "$@" -o "$DIR/$name.data" -p "$DAEMON_PID" >"$DIR/$name.log" 2>&1 &
	PERF_PID=$!
	PIDS+=("$PERF_PID")
}

# perf_stop PID: perf ends (SIGINT) and writes its data; "" does nothing.
perf_stop() {
	[ -n "$1" ] || return 0
	kill -INT "$1" 2>/dev/null
	wait_until 30 0.2 not_alive "$1"
}

rib_empty() { [ "$(rib_count peering-bgpd)" = 0 ]; }
kernel_empty() { [ "$(kernel_claim peering-bgpd)" = 0 ]; }

since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

# drop_measure: every feeder stopped at once; R_DROP, R_DROP_STALL and
# R_STOP (the header says what they are).
drop_measure() {
	local pid t0 stall=$R_STALL perf_pid=
	probe_start
	if [ -n "${BENCH_PERF_DROP:-}" ]; then
		# Word splitting wanted: perf's arguments.
		perf_start perf-drop $BENCH_PERF_DROP
		perf_pid=$PERF_PID
	fi
	sleep 0.5
	t0=$EPOCHREALTIME
	for pid in "${FEEDER_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	if wait_until "$CONV_LIMIT" "$POLL_RIB" rib_empty; then
		R_DROP=$(since "$t0")
	else
		R_DROP=fail
		note "$RUN_TAG: paths left $CONV_LIMIT s after the drop:" \
		    "$(rib_count peering-bgpd)"
	fi
	if wait_until "$CONV_LIMIT" "$POLL_RIB" kernel_empty; then
		R_DROP_KERNEL=$(since "$t0")
	else
		R_DROP_KERNEL=fail
		note "$RUN_TAG: routes left $CONV_LIMIT s after the drop:" \
		    "$(kernel_claim peering-bgpd)"
	fi
	probe_stop
	perf_stop "$perf_pid"
	R_DROP_STALL=$R_STALL
	R_STALL=$stall
	t0=$EPOCHREALTIME
	stop_pid "$DAEMON_PID" 60
	R_STOP=$(since "$t0")
}

# feeders_start AF FEEDERS N PATHS DIR
feeders_start() {
	local af=$1 feeders=$2 n=$3 paths=$4 dir=$5 k peer=$D4 nh
	FEEDER_PIDS=()
	[ "$af" = 4 ] || peer=$D6
	for k in $(seq 1 "$feeders"); do
		nh=()
		[ "$paths" -le 1 ] || nh=(-N 100.65.128.101)
		[ "$paths" -le 1 ] || [ "$af" = 4 ] ||
		    nh=(-N 2804:269c:ff00:1:1::101)
		start_bg "$NS_F" "$dir/feed$k.log" "$FEED" -r "$peer" \
		    -l "$(feeder_addr "$af" "$k")" -a "$af" -n "$n" \
		    -p "$paths" -v "$((k - 1))" "${nh[@]}" -w -T 300
		FEEDER_PIDS+=("$BG_PID")
	done
}

all_feeders() {
	local k pat=$1 dir=$2 feeders=$3
	for k in $(seq 1 "$feeders"); do
		grep -q "$pat" "$dir/feed$k.log" || return 1
	done
}

any_feeder_established() {
	local k
	for k in $(seq 1 "$2"); do
		grep -q "^established" "$1/feed$k.log" && return 0
	done
	return 1
}

earliest_established() {
	sed -n 's/^established t=\([0-9.]*\).*/\1/p' "$1"/feed*.log |
	    sort -n | head -1
}

# run_fail WHY: the run's figures are missing.
run_fail() {
	note "$RUN_TAG: $*"
	if [ -n "${DIR:-}" ]; then
		tail -n 5 "$DIR"/daemon.log "$DIR"/feed*.log 2>/dev/null |
		    sed 's/^/    /' >&2
	fi
	R_CONV=fail R_KERNEL=fail R_RSS=fail R_BPP=fail R_STALL=fail
}

# check_health NAME FEEDERS: after the figures, what went wrong quietly.
check_health() {
	local name=$1 feeders=$2 pid k j bad
	alive "$DAEMON_PID" || note "$RUN_TAG: $name exited during the run"
	for k in $(seq 1 "$feeders"); do
		pid=${FEEDER_PIDS[$((k - 1))]}
		alive "$pid" || note "$RUN_TAG: feeder $k ended: $(tail -n 1 \
		    "$DIR/feed$k.log")"
	done
	if [ "$name" = peering-bgpd ]; then
		j=$(ours_cli show protocols json 2>/dev/null)
		bad=$(jq -r '.protocols[] | select(.stats.established != 1 or
		    .state != "Established" or .stats.treat_as_withdraw != 0)
		    | "\(.name) \(.state) established=\(.stats.established)"' \
		    <<<"$j" 2>/dev/null)
		[ -z "$bad" ] || note "$RUN_TAG: sessions: $bad"
		bad=$(grep -ciE 'warn|error|fail|retry|out of memory' \
		    "$DIR/daemon.log")
		[ "$bad" -eq 0 ] || note "$RUN_TAG: $bad warning/error lines" \
		    "in peering-bgpd's log, first: $(grep -iE \
		    'warn|error|fail|retry|out of memory' "$DIR/daemon.log" |
		    head -n 3 | tr '\n' '|')"
	else
		bad=$(grep -ciE 'error|fail' "$DIR/bird.log" 2>/dev/null)
		[ "${bad:-0}" -eq 0 ] || note "$RUN_TAG: $bad error lines in" \
		    "$name's log, first: $(grep -iE 'error|fail' \
		    "$DIR/bird.log" | head -n 2 | tr '\n' '|')"
	fi
}

# run_one SCENARIO NAME RUN AF N PATHS FEEDERS
run_one() {
	local sc=$1 name=$2 run=$3 af=$4 n=$5 paths=$6 feeders=$7
	local ap=0 total=$(($5 * $6 * $7)) rss0 rss1 t0 t_conv t_kern pid c
	local cpu0 cpu1
	local perf_pid=
	RUN_SEQ=$((RUN_SEQ + 1))
	RUN_TAG="$sc $name run $run"
	DIR=$TMP/$sc-$name-$run
	mkdir -p "$DIR"
	[ "$paths" -le 1 ] || ap=1
	R_CONV=- R_KERNEL=- R_RSS=- R_BPP=- R_STALL=- PROBE_PID=
	R_DROP=- R_DROP_STALL=- R_STOP=- R_DROP_KERNEL=-
	SC_PATHS=$paths
	net_setup "$RUN_SEQ" "$feeders" || { run_fail "network setup"; return; }
	daemon_start "$name" "$af" "$feeders" "$ap" "$DIR" ||
	    { run_fail "$name did not start"; return; }
	feeders_start "$af" "$feeders" "$n" "$paths" "$DIR"
	wait_until 300 0.2 all_feeders '^ready' "$DIR" "$feeders" ||
	    { run_fail "feeders not ready"; return; }
	sleep 0.5
	rss0=$(rss_kib "$DAEMON_PID")
	cpu0=$(cpu_ticks "$DAEMON_PID")
	if [ "$af" = 6 ]; then
		KERNEL_BASE6=0
		KERNEL_BASE6=$(kernel_count 6)
	fi
	if [ -n "${BENCH_PERF:-}" ] && [ "$name" = peering-bgpd ]; then
		# Word splitting wanted: perf's arguments.
		perf_start perf $BENCH_PERF
		perf_pid=$PERF_PID
		sleep 0.5
	fi
	[ "$name" != peering-bgpd ] || probe_start
	for pid in "${FEEDER_PIDS[@]}"; do
		kill -USR1 "$pid"
	done
	wait_until 60 0.02 any_feeder_established "$DIR" "$feeders" ||
	    { run_fail "no session came up"; return; }
	if ! wait_count "$CONV_LIMIT" "$POLL_RIB" "$total" rib_count "$name"
	then
		run_fail "RIB stuck at $LAST_COUNT of $total paths"
		return
	fi
	t_conv=$WAIT_T
	if writes_kernel "$name"; then
		if ! wait_count "$CONV_LIMIT" "$POLL_RIB" "$n" kernel_claim \
		    "$name"; then
			run_fail "table 20000 at $LAST_COUNT of $n routes," \
			    "says $name"
			return
		fi
		t_kern=$WAIT_T
		c=$(kernel_count "$af")
		if [ "${c:-0}" -lt "$n" ]; then
			note "$RUN_TAG: $name said $n routes in table 20000," \
			    "the kernel had ${c:-0}: polling the kernel"
			if ! wait_count "$CONV_LIMIT" "$POLL_KERNEL" "$n" \
			    kernel_count "$af"; then
				run_fail "table 20000 at $LAST_COUNT of" \
				    "$n routes"
				return
			fi
			t_kern=$WAIT_T
		fi
	fi
	cpu1=$(cpu_ticks "$DAEMON_PID")
	probe_stop
	sleep 1
	rss1=$(rss_kib "$DAEMON_PID")
	perf_stop "$perf_pid"
	t0=$(earliest_established "$DIR")
	R_CONV=$(awk -v a="$t0" -v b="$t_conv" 'BEGIN { printf "%.2f", b - a }')
	writes_kernel "$name" && R_KERNEL=$(awk -v a="$t0" -v b="$t_kern" \
	    'BEGIN { printf "%.2f", b - a }')
	R_RSS=$(awk -v r="$rss1" 'BEGIN { printf "%.1f", r / 1024 }')
	R_BPP=$(awk -v a="$rss0" -v b="$rss1" -v n="$total" \
	    'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
	check_health "$name" "$feeders"
	say "$RUN_TAG: conv_s=$R_CONV kernel_s=$R_KERNEL rss_mib=$R_RSS" \
	    "bytes_per_path=$R_BPP stall_ms=$R_STALL (rss before $((rss0 / 1024)) MiB; cpu" \
	    "$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$(getconf CLK_TCK)" '
	    BEGIN { split(a, x, " "); split(b, y, " ")
		printf "user %.2f s, system %.2f s", (y[1] - x[1]) / hz,
		(y[2] - x[2]) / hz }'))$(rib_own_bytes "$name" "$total")"
	if [ "$name" = peering-bgpd ]; then
		drop_measure
		say "$RUN_TAG: drop_s=$R_DROP drop_kernel_s=$R_DROP_KERNEL" \
		    "drop_stall_ms=$R_DROP_STALL stop_s=$R_STOP"
	fi
}

run_end() {
	stop_all
	# The daemon's link first: deleting it flushes its million routes
	# now, not in the kernel's namespace cleanup while the next run is
	# measured.
	[ -z "${NS_D:-}" ] || ip -n "$NS_D" link del "$IF_D" >/dev/null 2>&1
	del_namespaces
	# The namespace's routes are freed in the background: let that pass.
	sleep 2
	[ -n "${BENCH_KEEP:-}${BENCH_PERF:-}${BENCH_PERF_DROP:-}" ] ||
	    rm -rf "${DIR:?}"
}

# median of the numbers given; "fail" when any run failed.
median() {
	printf '%s\n' "$@" | awk '
		$0 == "-" { dash = 1; next }
		$0 !~ /^[0-9.]+$/ { bad = 1; next }
		{ v[n++] = $0 + 0 }
		END {
			if (bad) { print "fail"; exit }
			if (n == 0) { print (dash ? "-" : "fail"); exit }
			for (i = 1; i < n; i++)	# insertion sort: a few runs
				for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
					t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
				}
			print (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
		}'
}

declare -A RESULT
scenario() {
	case $1 in
	S1) echo "4 1000000 1 1" ;;
	S2) echo "6 200000 1 1" ;;
	S3) echo "4 200000 10 1" ;;
	S4) echo "4 1000000 1 8" ;;
	S5) echo "4 1000000 1 43" ;;
	S6) echo "4 1 10000 1" ;;
	*) return 1 ;;
	esac
}

run_scenario_daemon() {
	local sc=$1 name=$2 af n paths feeders run c=() k=() r=() b=() st=()
	local dr=() dk=() ds=() sp=()
	read -r af n paths feeders <<<"$(scenario "$sc")"
	n=$(awk -v n="$n" -v s="$SCALE" 'BEGIN { printf "%d", n * s }')
	for run in $(seq 1 "$RUNS"); do
		run_one "$sc" "$name" "$run" "$af" "$n" "$paths" "$feeders"
		run_end
		c+=("$R_CONV") k+=("$R_KERNEL") r+=("$R_RSS") b+=("$R_BPP")
		st+=("$R_STALL") dr+=("$R_DROP") ds+=("$R_DROP_STALL")
		dk+=("$R_DROP_KERNEL")
		sp+=("$R_STOP")
	done
	RESULT[$sc,$name]="conv_s=$(median "${c[@]}") kernel_s=$(median \
	    "${k[@]}") rss_mib=$(median "${r[@]}") bytes_per_path=$(median \
	    "${b[@]}") stall_ms=$(median "${st[@]}") drop_s=$(median \
	    "${dr[@]}") drop_kernel_s=$(median "${dk[@]}")"
	RESULT[$sc,$name]+=" drop_stall_ms=$(median "${ds[@]}") stop_s=$(median \
	    "${sp[@]}")"
	echo "bench $sc $name ${RESULT[$sc,$name]}"
}

# field SCENARIO NAME KEY
field() {
	local line=${RESULT[$1,$2]:-}
	[[ $line =~ (^| )$3=([^ ]+) ]] && echo "${BASH_REMATCH[2]}"
}

# ratio LABEL SC KEY A B TARGET
ratio() {
	local label=$1 sc=$2 key=$3 a=$4 b=$5 target=$6 x y
	x=$(field "$sc" "$a" "$key")
	y=$(field "$sc" "$b" "$key")
	if [[ ${x:-} =~ ^[0-9.]+$ ]] && [[ ${y:-} =~ ^[0-9.]+$ ]] &&
	    awk -v y="$y" 'BEGIN { exit !(y > 0) }'; then
		awk -v x="$x" -v y="$y" -v l="$label" -v t="$target" \
		    'BEGIN { printf "bench ratio %s=%.2f (target <= %s)\n",
		    l, x / y, t }'
	else
		echo "bench ratio $label=- (missing: $a=${x:--} $b=${y:--})"
	fi
}

# floor_of WAY TEXT: kernel_s of that way in bench_kroute's output.
floor_of() {
	sed -n "s/^bench S1 $1 kernel_s=\([0-9.]*\).*/\1/p" <<<"$2" |
	    grep . || echo fail
}

check_tools() {
	local t
	[ "$(id -u)" -eq 0 ] || { echo "bench_rib: run as root" >&2; exit 1; }
	for t in "$FEED" "$PEERING_BGPD" "$PEERING"; do
		[ -x "$t" ] || { echo "bench_rib: $t not built (make)" >&2
			exit 1; }
	done
	for t in ip jq awk; do
		command -v "$t" >/dev/null ||
		    { echo "bench_rib: $t missing" >&2; exit 1; }
	done
	case " $DAEMONS " in *" bird1.6 "*)
		command -v bird >/dev/null && command -v bird6 >/dev/null || {
			echo "bench_rib: bird/bird6 missing" \
			    "(scripts/install-deps)" >&2; exit 1; } ;;
	esac
	case " $DAEMONS " in *" bird2 "*)
		"$BIRD2" --version >/dev/null 2>&1 || {
			echo "bench_rib: $BIRD2 does not run" \
			    "(scripts/install-deps --interop)" >&2; exit 1; } ;;
	esac
}

# Others may rebuild the tree during the run: every run uses copies made
# now, and the output says which source they came from.
snapshot_binaries() {
	local bin=$TMP/bin rev
	mkdir -p "$bin"
	cp -p "$PEERING_BGPD" "$PEERING" "$FEED" "$bin/" || exit 1
	PEERING_BGPD=$bin/peering-bgpd
	PEERING=$bin/peering
	FEED=$bin/bgpfeed
	if [ -x "$PROBE" ]; then
		cp -p "$PROBE" "$bin/" && PROBE=$bin/loopprobe
	fi
	if [ -x "$KROUTE" ]; then
		cp -p "$KROUTE" "$bin/" && KROUTE=$bin/bench_kroute
	fi
	rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null)
	say "binaries built $(date -r "$PEERING_BGPD" '+%F %T') from ${rev:-?}"
	[ -z "${BENCH_BGPD:-}" ] || say "peering-bgpd is $BENCH_BGPD"
}

main() {
	local sc name started=$EPOCHREALTIME floor way
	check_tools
	PFX=pbr$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/$PFX.XXXXXX")
	chmod 755 "$TMP"
	trap cleanup EXIT
	trap 'say interrupted; cleanup; exit 130' INT
	trap 'say terminated; cleanup; exit 143' TERM
	snapshot_binaries
	RUN_SEQ=0
	say "prefix $PFX, files in $TMP, $RUNS runs each, scenarios" \
	    "${SCENARIOS[*]}, daemons $DAEMONS, scale $SCALE"
	for sc in "${SCENARIOS[@]}"; do
		scenario "$sc" >/dev/null || { say "unknown scenario $sc"
			exit 2; }
		for name in $DAEMONS; do
			if [ "$sc" = S5 ] && [ "$name" != peering-bgpd ] &&
			    [ "$S5_BIRD" != 1 ]; then
				say "S5 $name skipped (BENCH_S5_BIRD=1 runs it)"
				continue
			fi
			run_scenario_daemon "$sc" "$name"
		done
	done
	ratio "S1 bytes_per_path peering-bgpd/bird2" S1 bytes_per_path \
	    peering-bgpd bird2 0.5
	ratio "S3 bytes_per_path peering-bgpd/bird2" S3 bytes_per_path \
	    peering-bgpd bird2 0.33
	ratio "S1 conv_s peering-bgpd/bird2" S1 conv_s peering-bgpd bird2 1
	ratio "S1 kernel_s peering-bgpd/bird1.6" S1 kernel_s peering-bgpd \
	    bird1.6 0.35
	if [ -x "$KROUTE" ]; then
		floor=$("$KROUTE" --floor 2>&1)
		for way in floor floor-gateway; do
			echo "bench S1 $way kernel_s=$(floor_of "$way" \
			    "$floor")"
		done
	else
		echo "bench S1 floor kernel_s=- ($KROUTE not built)"
	fi
	for n in "${NOTES[@]}"; do
		say "note: $n"
	done
	say "done in $(awk -v s="$started" -v e="$EPOCHREALTIME" \
	    'BEGIN { printf "%.0f", e - s }') s"
}

# Sourced (to try pieces by hand), it only defines the functions.
[ "${BASH_SOURCE[0]}" != "$0" ] || main
