#!/usr/bin/env bash
# Runs libFuzzer targets for a while each, from a copy of their seed corpus
# (fuzz/corpus/<target>/), so the repository is never modified.
#
# usage: bash fuzz/run.sh SECONDS FUZZER...
# Prints "fuzz <target>: <execs> execs, ok" per target, or the failure with
# the crashing input in hex; ends with "N passed, M failed"; exits 1 on any
# failure.

set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS FUZZER..." >&2
	exit 2
fi
secs=$1
shift

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0

# Undefined behaviour is a failure too, not a line in a log.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

hexdump_file() {
	od -An -tx1 -v "$1" | tr -d ' \n'
	echo
}

run_one() {
	local bin=$1 name dir rc execs f
	name=$(basename "$bin")
	dir="$tmp/$name"
	mkdir -p "$dir/corpus" "$dir/artifacts"

	if [ ! -x "$bin" ]; then
		echo "fuzz $name: FAILED: $bin is not an executable (make fuzz-build)"
		return 1
	fi
	if [ -d "$here/corpus/$name" ]; then
		cp -R "$here/corpus/$name/." "$dir/corpus/"
	else
		echo "fuzz $name: note: no seed corpus in fuzz/corpus/$name"
	fi

	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 \
	    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
	    "$dir/corpus" >"$dir/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" |
	    tail -n 1)

	if [ "$rc" -eq 0 ] && [ -z "$(ls -A "$dir/artifacts")" ]; then
		echo "fuzz $name: ${execs:-?} execs, ok"
		return 0
	fi
	echo "fuzz $name: FAILED (exit $rc) after ${execs:-?} execs"
	# The verdict, and the stack frames in our own code.
	grep -E 'check failed|ERROR: |SUMMARY|runtime error|#[0-9]+ .* in [A-Za-z_0-9]+ [^ (]*/(src|fuzz)/' \
	    "$dir/log" | grep -v 'SUMMARY: libFuzzer' | head -n 20 |
	    sed 's/ (BuildId: [0-9a-f]*)//; s/^ */    /'
	for f in "$dir/artifacts"/*; do
		[ -f "$f" ] || continue
		echo "  crashing input $(basename "$f") ($(wc -c <"$f") bytes):"
		echo "    $(hexdump_file "$f")"
	done
	return 1
}

for bin in "$@"; do
	if run_one "$bin"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
