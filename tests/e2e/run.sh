#!/usr/bin/env bash
# The end-to-end test (make test-e2e): tests/e2e/flow.sh, the README's user
# flow against emulated PEERING muxes (lib.sh), under a time limit.
#   bash tests/e2e/run.sh        as root, after make; about 25 s
# The last line is "N passed, M failed"; exit 1 on any failure. On the
# limit (E2E_LIMIT seconds, default 240) the flow gets SIGTERM, cleans up
# and prints its counts; should it not, they are counted here from its
# ok/FAIL lines, plus one failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
limit=${E2E_LIMIT:-240}
log=$(mktemp "${TMPDIR:-/tmp}/pe2e-run.XXXXXX")
trap 'rm -f "$log"' EXIT

timeout -k 15 "$limit" bash "$here/flow.sh" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if ! tail -n 1 "$log" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$'; then
	echo "flow.sh: ended without its counts (status $rc)"
	echo "$(grep -c '^ok ' "$log") passed, $(($(grep -c '^FAIL ' "$log") + 1)) failed"
	exit 1
fi
if [ "$rc" -ne 0 ] && tail -n 1 "$log" | grep -q ' 0 failed$'; then
	echo "flow.sh: exit status $rc with no failed check"
	echo "$(grep -c '^ok ' "$log") passed, 1 failed"
	exit 1
fi
exit "$rc"
