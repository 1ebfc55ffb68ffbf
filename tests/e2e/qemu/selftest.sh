#!/bin/bash
# Self-contained proof that the QEMU guest is a working Linux kernel sit
# (6in4) client, without sixxsd. Run as root from the repository top:
#
#   bash tests/e2e/qemu/selftest.sh
#
# In a fresh namespace sxq<pid>, the tap's host side gets the "PoP" IPv4
# 10.9.0.1/24; the guest is 10.9.0.2/24 with a sit tunnel
# "remote 10.9.0.1 local 10.9.0.2", inner 2001:db8:2ff:5::2/64, and pings
# the PoP's inner address 2001:db8:2ff:5::1. The namespace has no sit
# driver (neither has the host kernel), so the encapsulated pings arrive at
# its IPv4 stack as protocol 41, where sit_listener.py (a raw socket, instead
# of tcpdump) records them and answers each echo request with a 6in4 echo
# reply. PASS needs:
#   * a protocol-41 packet 10.9.0.2 -> 10.9.0.1 carrying IPv6
#     2001:db8:2ff:5::2 -> 2001:db8:2ff:5::1, next header 58 (ICMPv6 echo);
#   * the guest reporting "SXT-RESULT ping 2001:db8:2ff:5::1 ok" (so our
#     reply was decapsulated by its sit device), the sxt.cmd snippet
#     succeeding, and SXT-DONE.
# Prints "selftest: PASS" or "selftest: FAIL <why>", plus the wall time of
# the guest run.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
NS=sxq$$
TAP=sxqtap0
POP4=10.9.0.1 GUEST4=10.9.0.2
POP6=2001:db8:2ff:5::1 ME6=2001:db8:2ff:5::2
TIMEOUT=${SXT_SELFTEST_TIMEOUT:-180}

WORK=$(mktemp -d /tmp/sxq-selftest.XXXXXX)
LPID='' GPID=''
cleanup() {
    # End only what this script started, by PID, then drop the namespace.
    for p in $GPID $LPID; do
        if kill -0 "$p" 2>/dev/null; then
            kill "$p" 2>/dev/null || true
            wait "$p" 2>/dev/null || true
        fi
    done
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "selftest: FAIL $*"; exit 1; }

[ "$(id -u)" = 0 ] || fail "must run as root"
command -v python3 >/dev/null || fail "python3 not found"

# Idempotent; only repacks the initramfs when everything is cached.
bash "$HERE/build.sh" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build.sh failed"; }

ip netns add "$NS"
ip -n "$NS" link set lo up

# Start the listener first so no packet is missed; it stops on its own.
ip netns exec "$NS" python3 "$HERE/sit_listener.py" --bind "$POP4" --reply \
    --timeout "$TIMEOUT" --ready "$WORK/ready" >"$WORK/packets.jsonl" 2>"$WORK/listener.err" &
LPID=$!
for _ in $(seq 50); do [ -e "$WORK/ready" ] && break; sleep 0.1; done
[ -e "$WORK/ready" ] || { cat "$WORK/listener.err"; fail "listener did not start"; }

# Exercise sxt.cmd too: show the tunnel as the guest kernel sees it.
CMD=$(printf '%s\n' 'ip -6 addr show dev sxt0' 'ip tunnel show sxt0' \
    'grep -q "sxt0:" /proc/net/dev' | base64 -w0)

T0=$(date +%s.%N)
SXT_TAP_ADDR="$POP4/24" bash "$HERE/run_guest.sh" "$NS" "$TAP" "$TIMEOUT" \
    "sxt.ip4=$GUEST4/24" "sxt.gw4=$POP4" "sxt.pop4=$POP4" \
    "sxt.me6=$ME6/64" "sxt.pop6=$POP6" "sxt.ping=$POP6" "sxt.cmd=$CMD" \
    >"$WORK/guest.log" 2>"$WORK/guest.err" &
GPID=$!
set +e
wait "$GPID"
GRC=$?
set -e
GPID=
T1=$(date +%s.%N)

# Stop the listener (it would otherwise wait for its timeout) and read it.
kill "$LPID" 2>/dev/null || true
wait "$LPID" 2>/dev/null || true
LPID=

echo "---- guest console ----"
cat "$WORK/guest.log"
cat "$WORK/guest.err"
echo "---- protocol-41 packets seen in $NS ----"
cat "$WORK/packets.jsonl"
[ -s "$WORK/listener.err" ] && { echo "---- listener stderr ----"; cat "$WORK/listener.err"; }
echo "----"
# run_guest.sh times QEMU alone; the total also covers its one-off KVM probe.
sed -n 's/^run_guest.sh: guest done in \([0-9.]*s\).*/selftest: guest boot-to-poweroff wall time (QEMU alone) \1/p' "$WORK/guest.err"
awk -v a="$T0" -v b="$T1" 'BEGIN { printf "selftest: run_guest.sh total %.1f s\n", b - a }'
grep -o 'up [0-9.]*s' "$WORK/guest.log" | sed -n '1s/^/selftest: guest kernel time at \/init: /p;2s/^/selftest: guest kernel time at finish: /p'
grep -o 'accel=[a-z]*' "$WORK/guest.err" | head -n 1 | sed 's/^/selftest: /'

# ---- verdict ----
python3 - "$WORK/packets.jsonl" "$GUEST4" "$POP4" "$ME6" "$POP6" <<'EOF' || fail "no protocol-41 packet $GUEST4 -> $POP4 carrying ICMPv6 echo $ME6 -> $POP6"
import json, sys
path, g4, p4, me6, p6 = sys.argv[1:]
ok = False
for line in open(path):
    try:
        p = json.loads(line)
    except ValueError:
        continue
    if (p.get("outer_src") == g4 and p.get("outer_dst") == p4 and p.get("outer_proto") == 41
            and p.get("inner_src") == me6 and p.get("inner_dst") == p6
            and p.get("inner_nh") == 58 and p.get("icmp6_type") == 128):
        ok = True
sys.exit(0 if ok else 1)
EOF
grep -qx "SXT-RESULT ping $POP6 ok" "$WORK/guest.log" ||
    fail "guest did not report 'SXT-RESULT ping $POP6 ok' (echo reply not received through sit)"
grep -q '^SXT-RESULT cmd ok' "$WORK/guest.log" || fail "guest sxt.cmd did not succeed"
[ "$GRC" = 0 ] || fail "run_guest.sh exited $GRC (no SXT-DONE)"
echo "selftest: PASS"
