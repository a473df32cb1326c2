#!/usr/bin/env bash
# Every relative link of the Markdown documents (README.md, docs/, the
# READMEs of certs/, configs/, src/, tests/, bench/, fuzz/) points to a
# file or directory of the repository, and every source or document
# named in backquotes (`docs/NAME.md`, `src/daemon/x.c`, `tests/cli/y.sh`)
# exists. Web links and #anchors are not followed.
# Ends with "N passed, M failed".
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh

mapfile -t DOCS < <(ls README.md docs/*.md */README.md src/*/README.md \
    tests/*/README.md 2>/dev/null | sort -u)
for doc in "${DOCS[@]}"; do
	dir=$(dirname "$doc")
	# [text](target): the target up to ')' or a space (a title).
	while IFS= read -r target; do
		target=${target%%#*}
		[ -n "$target" ] || continue
		case $target in
		http://* | https://* | mailto:*) continue ;;
		esac
		if [ -e "$dir/$target" ]; then
			ok
		else
			bad "$doc: link to $target: no such file"
		fi
	done < <(grep -o '\](\([^) ]*\)' "$doc" | sed 's/^](//')
	while IFS= read -r named; do
		if [ -e "$named" ]; then
			ok
		else
			bad "$doc: names $named: no such file"
		fi
	done < <(grep -oE '`(docs|src|tests|scripts|man|fuzz|bench)/[A-Za-z0-9_./-]*\.(md|c|h|sh|[18])`' \
	    "$doc" | tr -d '`')
done
finish
