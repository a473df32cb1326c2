# The checks every command-line test shares: source it, call the checks,
# end with `finish` ("N passed, M failed"; status 1 on any failure).

pass=0
fail=0

ok() {
	pass=$((pass + 1))
}

bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}

# check DESCRIPTION JSON JQ-EXPRESSION: the expression must be true.
check() {
	if jq -e "$3" <<<"$2" >/dev/null 2>&1; then
		ok
	else
		bad "$1: $3"
		echo "  got: $2"
	fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		ok
	else
		bad "$1: got '$2', want '$3'"
	fi
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
