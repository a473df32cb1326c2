#!/usr/bin/env bash
# Long fuzzing runs, not for CI: every target for SECONDS (wall clock), JOBS
# at a time, each under nice 19 (FUZZ_NICE) so that it takes only the
# CPU nobody else wants. The corpus a run grows is kept in
# OUT/<target>/corpus (seeded from a copy of fuzz/corpus/<target>), so a
# later run goes on from it; the repository is never written.
#
# usage: bash fuzz/depth.sh SECONDS JOBS OUT FUZZER...
#
# Writes OUT/<target>/log (libFuzzer's), OUT/<target>/artifacts/ (crashing
# inputs) and one line per target to OUT/summary.txt and stdout:
#   <target> wall_s=W cpu_s=C execs=N cov=K ft=F corpus=M crashes=X
# (cpu_s: user + system seconds the fuzzer had; cov/ft: libFuzzer's edge
# and feature counts at the end). Exits 1 when any target crashed.
# With FUZZ_CPU=1, SECONDS is CPU time instead: a target runs until it
# has had that much (user + system, polled every 2 s, then SIGTERM, on
# which libFuzzer prints its final stats), however long that takes on a
# busy machine; so more targets than cores can run at once and each
# still gets its whole share. Targets named in FUZZ_SKIP (a
# space-separated list, e.g. "fuzz_mrt") are left out.
# An input's time limit is 600 s of wall clock, not libFuzzer's 30 s
# (fuzz/run.sh's): under nice 19 on a busy machine a fuzzer can wait that
# long for a core, and a starved input is no hang (every "timeout" and
# "slow unit" these runs first reported ran in under a second on its own).

set -u

if [ $# -lt 4 ]; then
	echo "usage: $0 SECONDS JOBS OUT FUZZER..." >&2
	exit 2
fi
secs=$1
jobs=$2
out=$3
shift 3
case $secs$jobs in
*[!0-9]*) echo "$0: SECONDS and JOBS are whole numbers" >&2; exit 2 ;;
esac
[ "$jobs" -ge 1 ] || jobs=1

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out" || exit 2
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# The CPU seconds (user + system) process $1 has had, or nothing once
# it is gone. Fields 14 and 15 of /proc/PID/stat, counted after the
# command's closing parenthesis (the name may hold spaces).
cpu_of() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	st=${st##*) }
	set -- $st
	echo $(( (${12} + ${13}) / $(getconf CLK_TCK) ))
}

one() {
	local bin=$1 name dir t0 t1 execs cov ft n crashes cpu limit tpid fpid c
	name=$(basename "$bin")
	dir=$out/$name
	mkdir -p "$dir/corpus" "$dir/artifacts"
	if [ -d "$here/corpus/$name" ] && [ -z "$(ls -A "$dir/corpus")" ]; then
		cp -R "$here/corpus/$name/." "$dir/corpus/"
	fi
	limit=$secs
	[ "${FUZZ_CPU:-0}" = 1 ] && limit=$((secs * 1000))
	t0=$(date +%s)
	# /usr/bin/time gives the CPU the fuzzer really had (its children
	# included), which under nice says more than the wall clock.
	/usr/bin/time -f '%U %S' -o "$dir/time" \
	    nice -n "${FUZZ_NICE:-19}" "$bin" -max_total_time="$limit" \
	    -rss_limit_mb=2048 \
	    -timeout=600 -report_slow_units=600 -print_final_stats=1 \
	    -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
	    >"$dir/log" 2>&1 &
	tpid=$!
	if [ "${FUZZ_CPU:-0}" = 1 ]; then
		# time's child is the fuzzer (nice execs it).
		fpid=
		while [ -z "$fpid" ] && kill -0 "$tpid" 2>/dev/null; do
			sleep 0.2
			fpid=$(pgrep -P "$tpid" | head -n 1)
		done
		while [ -n "$fpid" ]; do
			c=$(cpu_of "$fpid")
			[ -n "$c" ] || break
			if [ "$c" -ge "$secs" ]; then
				kill -TERM "$fpid" 2>/dev/null
				break
			fi
			sleep 2
		done
	fi
	wait "$tpid"
	t1=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" |
	    tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$dir/log" | tail -n 1 | cut -d' ' -f2)
	n=$(find "$dir/corpus" -type f | wc -l)
	# slow-unit-* files are inputs that took long, not failures.
	crashes=$(find "$dir/artifacts" -type f ! -name 'slow-unit-*' | wc -l)
	cpu=$(awk 'NF == 2 { printf "%.0f", $1 + $2 }' "$dir/time" 2>/dev/null)
	echo "$name wall_s=$((t1 - t0)) cpu_s=${cpu:-?} execs=${execs:-?}" \
	    "cov=${cov:-?} ft=${ft:-?} corpus=$n crashes=$crashes" |
	    tee -a "$out/summary.txt"
}

running=0
for bin in "$@"; do
	case " ${FUZZ_SKIP:-} " in
	*" $(basename "$bin") "*) continue ;;
	esac
	if [ ! -x "$bin" ]; then
		echo "$(basename "$bin") missing: $bin (make fuzz-build)" |
		    tee -a "$out/summary.txt"
		continue
	fi
	one "$bin" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
! grep -q 'crashes=[1-9]\|missing' "$out/summary.txt"
