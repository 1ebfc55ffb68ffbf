#!/bin/bash
# End-to-end tests of the sixxsd control port.
#
# Run as root from the repository top:   bash tests/e2e/run.sh [t_name ...]
# SIXXSD=path selects the daemon binary (default ./sixxsd).
#
# Every tests/e2e/t_*.py runs inside a fresh network namespace sxt<pid>-<n>
# (loopback up), so the daemon's port, tun device and traffic stay there.
# The namespaces are deleted afterwards, also on any exit of this script.
# Prints "N passed, N failed" as its last line; exits non-zero on a failure.
set -u

cd "$(dirname "$0")/../.." || exit 2
if [ "$(id -u)" != 0 ]; then
	echo "run.sh: must be run as root (network namespaces)" >&2
	exit 2
fi

SIXXSD=${SIXXSD:-./sixxsd}
case "$SIXXSD" in
	/*) ;;
	*) SIXXSD="$PWD/$SIXXSD" ;;
esac
export SIXXSD

made=()

cleanup_ns() {
	local ns=$1 pid
	# a test leaves no daemon behind; if one did, end it by its PID
	for pid in $(ip netns pids "$ns" 2>/dev/null); do
		kill -TERM "$pid" 2>/dev/null
	done
	sleep 0.2
	for pid in $(ip netns pids "$ns" 2>/dev/null); do
		echo "run.sh: process $pid still alive in $ns, killing it" >&2
		kill -KILL "$pid" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
}

cleanup_all() {
	local ns
	for ns in "${made[@]}"; do
		if ip netns list | grep -qw -- "$ns"; then
			cleanup_ns "$ns"
		fi
	done
}
child=
on_signal() {
	# the test runs in the background so this trap fires at once; pass the
	# signal on to it (timeout forwards it to python, whose atexit stops the
	# daemon), wait a bounded time, then the EXIT trap removes the netns
	local code=$1
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		for _ in $(seq 1 100); do
			kill -0 "$child" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$child" 2>/dev/null
	fi
	echo "run.sh: interrupted" >&2
	exit "$code"
}
trap cleanup_all EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM HUP

if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do
		t=${t%.py}
		t=${t##*/}
		tests+=("tests/e2e/$t.py")
	done
else
	tests=(tests/e2e/t_*.py)
fi

if [ ! -x "$SIXXSD" ]; then
	echo "run.sh: daemon binary $SIXXSD not found or not executable (run make?)" >&2
fi

passed=0
failed=0
failed_names=()
n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	ns="sxt$$-$n"
	echo "=== $t (netns $ns)"
	if [ ! -f "$t" ]; then
		echo "--- FAIL $t: no such file"
		failed=$((failed + 1)); failed_names+=("$t")
		continue
	fi
	made+=("$ns")
	if ! ip netns add "$ns" || ! ip -n "$ns" link set lo up; then
		echo "--- FAIL $t: could not create network namespace $ns"
		failed=$((failed + 1)); failed_names+=("$t")
		cleanup_ns "$ns"
		continue
	fi
	start=$(date +%s)
	timeout 300 ip netns exec "$ns" python3 "$t" &
	child=$!
	wait "$child"
	rc=$?
	child=
	dur=$(( $(date +%s) - start ))
	cleanup_ns "$ns"
	if [ $rc -eq 0 ]; then
		echo "--- PASS $t (${dur}s)"
		passed=$((passed + 1))
	else
		[ $rc -eq 124 ] && echo "--- $t timed out after 300 s"
		echo "--- FAIL $t (exit $rc, ${dur}s)"
		failed=$((failed + 1)); failed_names+=("$t")
	fi
done

if [ $failed -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
