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

# check_outcome WHAT RC STDOUT STDERR: the last `run` (the script's own,
# setting $rc, $out, $err) exited RC and printed exactly STDOUT, STDERR.
check_outcome() {
	check_eq "$1 (status)" "$rc" "$2"
	check_eq "$1 (stdout)" "$out" "$3"
	check_eq "$1 (stderr)" "$err" "$4"
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# ns_test_setup SCRIPT: root or exit; $PEERING absolute, $T a fresh
# directory (world-readable: daemons that drop privileges read in it),
# $NS a namespace name of this test's own ("pap" + random hex), and a
# client directory $T/client with amsterdam01's OpenVPN config and var/.
ns_test_setup() {
	if [ "$(id -u)" != 0 ]; then
		echo "$1: needs root (namespaces)" >&2
		exit 1
	fi
	PEERING=${PEERING:-./peering}
	PEERING=$(cd "$(dirname "$PEERING")" && pwd)/$(basename "$PEERING")
	T=$(realpath "$(mktemp -d)")
	chmod 755 "$T"
	NS=pap$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	mkdir -p "$T/client/configs/openvpn" "$T/client/var"
	cp configs/openvpn/amsterdam01.conf "$T/client/configs/openvpn/"
}
