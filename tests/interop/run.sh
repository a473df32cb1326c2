#!/usr/bin/env bash
# Runs the interop tests against real BGP daemons, one script per daemon,
# and sums their counts.
#   bash tests/interop/run.sh          every script (`make interop`)
#   bash tests/interop/run.sh --ci     bird16.sh, bird16_kernel.sh, announce.sh, announce_gates.sh, experiment.sh, mrt.sh and routes.sh (`make check`)
#   bash tests/interop/run.sh NAME...  the named scripts (e.g. gobgp.sh)
# Each script's own summary is printed prefixed with its name; the last line
# is "N passed, M failed"; exit 1 on any failure. Needs root.
set -u

here=$(cd "$(dirname "$0")" && pwd)
ALL=(bird16.sh bird16_kernel.sh announce.sh announce_gates.sh experiment.sh mrt.sh routes.sh bird2.sh gobgp.sh frr.sh openbgpd.sh exabgp.sh)
# BIRD 1.6, GoBGP + bgpdump for MRT (mrt.sh waits about 60 s for
# GoBGP's RIB dump), ExaBGP for routes.sh; about 5 minutes
CI=(bird16.sh bird16_kernel.sh announce.sh announce_gates.sh experiment.sh mrt.sh routes.sh)

scripts=("${ALL[@]}")
if [ "${1:-}" = "--ci" ]; then
	scripts=("${CI[@]}")
elif [ $# -gt 0 ]; then
	scripts=("$@")
fi

passed=0
failed=0
for s in "${scripts[@]}"; do
	s=${s##*/}
	echo "=== $s"
	if [ ! -f "$here/$s" ]; then
		echo "$s: no such test"
		failed=$((failed + 1))
		continue
	fi
	out=$(mktemp "${TMPDIR:-/tmp}/pbi-run.XXXXXX")
	# Every wait inside is bounded; this is the backstop.
	timeout -k 10 600 bash "$here/$s" >"$out" 2>&1
	rc=$?
	summary=$(tail -n 1 "$out")
	sed '$d' "$out"
	rm -f "$out"
	if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		p=${BASH_REMATCH[1]}
		f=${BASH_REMATCH[2]}
		echo "$s: $summary"
	else
		echo "$summary"
		echo "$s: ended without a summary (status $rc)"
		p=0
		f=1
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$s: exit status $rc with no failed check"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
