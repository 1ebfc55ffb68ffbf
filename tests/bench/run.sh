#!/bin/bash
# make bench: reports, never pass/fail on timing. Runs the release ./sixxsd
# in a network namespace of its own and cleans up whatever happens.
set -u
cd "$(dirname "$0")/../.."
BIN=${SIXXSD:-./sixxsd}
NS=sxbench$$
DIR=$(mktemp -d)
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && sleep 0.5 && kill -9 "$PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM
ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
printf 'pop cliacl add 127.0.0.1\n' > "$DIR/sixxsd.conf"
ip netns exec "$NS" "$BIN" -f -c "$DIR/sixxsd.conf" >"$DIR/out" 2>"$DIR/err" </dev/null &
PID=$!
for _ in $(seq 50); do
	ip netns exec "$NS" bash -c 'exec 3<>/dev/tcp/127.0.0.1/42003' 2>/dev/null && break
	sleep 0.1
done
bench_push() {
	echo "== control-port push of $1 tunnels (one session, pipelined)"
	ip netns exec "$NS" python3 tests/bench/ctl_push.py "$PID" "$1"
}
bench_push 65536
# The same daemon again, now filling every one of the 131,068 slots.
bench_push 131068

echo
echo "== data plane: sixxsd next to a bare reflector"
cleanup
trap - EXIT
python3 tests/bench/dataplane.py
