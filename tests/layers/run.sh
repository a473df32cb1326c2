#!/usr/bin/env bash
# The layer checker (scripts/check-layers) against scratch trees: a clean
# one passes, an include that goes up, one that goes sideways and a cycle
# between files each fail naming the offending line; then the real tree
# and the files docs/architecture.md names.
set -uo pipefail
cd "$(dirname "$0")/../.."
CHECK=scripts/check-layers
T=$(mktemp -d /tmp/players.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

# A tree of three layers: lib, then a and b side by side, then top.
scratch() {
	rm -rf "$T/tree"
	mkdir -p "$T/tree/docs" "$T/tree/src/lib" "$T/tree/src/a" \
	    "$T/tree/src/b" "$T/tree/src/top"
	printf '%s\n' '# Layers' '```layers' 'lib' 'a b   # side by side' \
	    'top' '```' >"$T/tree/docs/architecture.md"
	printf '#include "util.h"\n' >"$T/tree/src/lib/util.c"
	printf '/* util */\n' >"$T/tree/src/lib/util.h"
	printf '#include <stdio.h>\n#include "../lib/util.h"\n' \
	    >"$T/tree/src/a/a.c"
	printf '/* b */\n' >"$T/tree/src/b/b.h"
	printf '#include "../a/a.h"\n#include "../b/b.h"\n' \
	    >"$T/tree/src/top/top.c"
	printf '/* a */\n' >"$T/tree/src/a/a.h"
	printf '/* version */\n' >"$T/tree/src/version.h"
}

run() { OUT=$("$CHECK" "$T/tree" 2>&1); RC=$?; }

scratch
run
[ "$RC" = 0 ] && ok "a clean tree passes" || ko "a clean tree: rc $RC: $OUT"

# expect NAME RC PATTERN: the checker on the scratch tree exits RC and
# says a line matching PATTERN (grep -E).
expect() {
	run
	if [ "$RC" = "$2" ] && grep -Eq "$3" <<<"$OUT"; then
		ok "$1"
	else
		ko "$1: rc $RC: $OUT"
	fi
}

scratch
printf '/* x */\n' >"$T/tree/src/top/x.h"
printf '/* fine */\n#include "../top/x.h"\n' >>"$T/tree/src/lib/util.h"
expect "an include that goes up fails, naming file and line" 1 \
    '^src/lib/util.h:3: lib \(layer 0\) includes \.\./top/x\.h of top \(layer 2\): up$'

scratch
printf '#include "../b/b.h"\n' >>"$T/tree/src/a/a.c"
expect "an include sideways fails, naming file and line" 1 \
    '^src/a/a.c:3: a \(layer 1\) includes \.\./b/b\.h of b \(layer 1\): sideways$'

scratch
printf '#include "y.h"\n' >"$T/tree/src/a/x.h"
printf '/* y */\n#include "x.h"\n' >"$T/tree/src/a/y.h"
expect "a cycle between files fails, naming the lines" 1 \
    '^cycle: src/a/x\.h:1 -> src/a/y\.h:2 -> src/a/x\.h$'

scratch
mkdir -p "$T/tree/src/new"
printf '/* n */\n' >"$T/tree/src/new/n.c"
expect "a module in no layer fails" 1 'src/new/n\.c: module new is in no layer'

scratch
printf '```layers\n```\n' >"$T/tree/docs/architecture.md"
run
[ "$RC" = 2 ] && ok "an empty order is refused (exit 2)" ||
    ko "empty order: rc $RC: $OUT"

# Every file docs/architecture.md names (in backquotes) exists: a path
# from the top of the tree as it is, a module (NAME/) in src/, a bare
# file name somewhere in src/.
missing=
for f in $(grep -o '`[^` ]*\.[ch]`\|`[a-z]*/[^` ]*`' docs/architecture.md |
    tr -d '`' | sort -u); do
	case $f in
	/*) continue ;;			# outside the tree
	*/) [ -d "$f" ] || [ -d "src/$f" ] || missing="$missing $f" ;;
	*/*) [ -e "$f" ] || missing="$missing $f" ;;
	*) [ -n "$(find src -name "$f" -print -quit)" ] ||
	    missing="$missing $f" ;;
	esac
done
[ -z "$missing" ] && ok "every file docs/architecture.md names exists" ||
    ko "docs/architecture.md names files that do not exist:$missing"

OUT=$("$CHECK" 2>&1); RC=$?
[ "$RC" = 0 ] && ok "this tree follows its layer order" ||
    ko "this tree: rc $RC:
$OUT"

echo "check-layers: $pass passed, $fail failed"
[ "$fail" = 0 ]
