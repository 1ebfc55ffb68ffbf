#!/bin/bash
# Boot the sit-client guest (built by build.sh) on a tap device inside a
# network namespace, print its console log, exit 0 iff it printed SXT-DONE.
#
# Usage (as root):
#   run_guest.sh <netns> <tapname> <timeout_s> <sxt.* words...>
# e.g.
#   SXT_TAP_ADDR=10.9.0.1/24 run_guest.sh sxq123 sxqtap0 120 \
#       sxt.ip4=10.9.0.2/24 sxt.pop4=10.9.0.1 \
#       sxt.me6=2001:db8:2ff:5::2/64 sxt.pop6=2001:db8:2ff:5::1 \
#       sxt.ping=2001:db8:2ff:5::1 sxt.cmd=$(printf 'ip -6 route\n' | base64 -w0)
# (the words are described at the top of guest-init.sh; the kernel command
# line is limited to 2048 bytes, which bounds the size of sxt.cmd).
#
# What the caller sets up:
#   * The namespace <netns> exists (ip netns add) and its 'lo' is up if the
#     caller's daemon needs it. This script creates the tap <tapname> in that
#     namespace, brings it up, attaches QEMU's NIC to it, and deletes the tap
#     when QEMU is gone. If a tap of that name already exists in the namespace
#     it is used as it is and left in place (so a caller may pre-create and
#     configure it: ip -n NS tuntap add dev TAP mode tap; ip -n NS addr add ...).
#   * The host side of the link: the guest's sxt.ip4 subnet must be on the tap.
#     Either set SXT_TAP_ADDR=<addr/len> (e.g. 10.9.0.1/24; this script adds it
#     right after creating the tap, before QEMU starts) or pre-create the tap.
#   * The PoP's IPv4 (sxt.pop4) must be reachable from the guest:
#       - simplest: sxt.pop4 = the tap's host address (10.9.0.1), the daemon
#         binds/listens on it; no gateway or forwarding needed;
#       - otherwise put sxt.pop4 on another interface of the namespace (e.g. a
#         dummy or lo alias), pass sxt.gw4=<tap's host address>, and the
#         namespace must route back to the guest subnet (it does: the subnet is
#         on the tap). IPv4 forwarding (sysctl -w net.ipv4.ip_forward=1 in the
#         namespace) is only needed if pop4 lives in yet another namespace/host
#         reached through this one.
#   * The PoP answers 6in4 (IP protocol 41) from sxt.ip4's address and sends
#     protocol 41 back to it; the guest's tunnel is "remote pop4 local ip4"
#     and routes all IPv6 (default route) into it.
#
# Environment (optional):
#   SXT_TAP_ADDR   host address/len to put on a tap this script creates
#   SXT_ACCEL      tcg | kvm | auto (default auto: KVM only if /dev/kvm is
#                  present and a probe boot under KVM works; else TCG)
#   SXT_MAC        guest MAC (default 52:54:00:12:34:56); use distinct ones
#                  for several guests on one bridge
#   SXT_GUEST_LOG  also keep the console log in this file
#
# Exit status: 0 SXT-DONE seen; 1 guest ran but did not finish (SXT-ERROR, or
# crashed); 2 usage/setup error; 124 timed out.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
OUT="$TOP/build/qemu"

usage() { echo "usage: $0 <netns> <tapname> <timeout_s> <sxt.* words...>" >&2; exit 2; }
die() { echo "run_guest.sh: error: $*" >&2; exit 2; }

[ $# -ge 3 ] || usage
NS=$1 TAP=$2 TMO=$3
shift 3
case "$TMO" in ''|*[!0-9]*) usage ;; esac
[ "$(id -u)" = 0 ] || die "needs root (tap devices, network namespaces)"
[ -f "$OUT/guest.env" ] || die "$OUT/guest.env missing: run tests/e2e/qemu/build.sh first"
# shellcheck source=/dev/null
. "$OUT/guest.env"
{ [ -f "$SXT_KERNEL" ] && [ -f "$SXT_INITRD" ]; } || die "kernel/initrd missing: run tests/e2e/qemu/build.sh"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run tests/e2e/qemu/build.sh"
ip netns exec "$NS" true 2>/dev/null || die "network namespace '$NS' does not exist"

# ---- accelerator --------------------------------------------------------------
# /dev/kvm can exist and still be unusable (nested virtualisation that hangs
# the guest was seen here), so "usable" means: a probe boot of this very
# guest under KVM reaches /init within 15 s. The verdict is cached per host
# boot (boot_id) in build/qemu/accel.
probe_kvm() {
    [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    local bid cache=$OUT/accel out
    bid=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
    if [ -f "$cache" ] && [ "$(cut -d' ' -f1 "$cache")" = "$bid" ]; then
        [ "$(cut -d' ' -f2 "$cache")" = kvm ]
        return
    fi
    # No sxt.* words: /init reports "SXT-ERROR missing sxt.ip4=" and powers off.
    out=$(timeout -k 2 15 qemu-system-x86_64 -accel kvm -m 256 -nographic -no-reboot \
        -kernel "$SXT_KERNEL" -initrd "$SXT_INITRD" -nic none \
        -append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 || true)
    if printf '%s' "$out" | grep -q 'SXT-ERROR missing sxt.ip4'; then
        echo "$bid kvm" >"$cache"
        return 0
    fi
    echo "$bid tcg" >"$cache"
    return 1
}
case "${SXT_ACCEL:-auto}" in
    tcg) ACCEL=tcg ;;
    kvm) ACCEL=kvm ;;
    auto) if probe_kvm; then ACCEL=kvm; else ACCEL=tcg; fi ;;
    *) die "SXT_ACCEL must be tcg, kvm or auto" ;;
esac

# ---- tap ----------------------------------------------------------------------
CREATED_TAP=0
QPID=
LOG=$(mktemp /tmp/sxt-guest.XXXXXX)
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
    # End only what we started, by PID.
    if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
        kill "$QPID" 2>/dev/null || true
        wait "$QPID" 2>/dev/null || true
    fi
    if [ "$CREATED_TAP" = 1 ]; then
        ip -n "$NS" link del "$TAP" 2>/dev/null || true
    fi
    rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ip -n "$NS" link show dev "$TAP" >/dev/null 2>&1; then
    echo "run_guest.sh: using existing $TAP in $NS" >&2
else
    ip -n "$NS" tuntap add dev "$TAP" mode tap || die "cannot create tap $TAP in $NS"
    CREATED_TAP=1
    if [ -n "${SXT_TAP_ADDR:-}" ]; then
        ip -n "$NS" addr add "$SXT_TAP_ADDR" dev "$TAP" || die "cannot add $SXT_TAP_ADDR to $TAP"
    fi
fi
ip -n "$NS" link set "$TAP" up

# ---- QEMU -----------------------------------------------------------------------
# romfile= : no PXE option ROM is needed (we boot with -kernel), and it keeps
# the ipxe-qemu package out of the picture.
echo "run_guest.sh: accel=$ACCEL nic=$SXT_NIC netns=$NS tap=$TAP timeout=${TMO}s" >&2
START=$(date +%s.%N)
timeout -k 5 "$TMO" ip netns exec "$NS" qemu-system-x86_64 \
    -accel "$ACCEL" -m 256 -nographic -no-reboot \
    -kernel "$SXT_KERNEL" -initrd "$SXT_INITRD" \
    -append "console=ttyS0 quiet panic=-1 $*" \
    -netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" \
    -device "$SXT_NIC,netdev=n0,mac=${SXT_MAC:-52:54:00:12:34:56},romfile=" \
    </dev/null >"$LOG" 2>&1 &
QPID=$!
set +e
wait "$QPID"
RC=$?
set -e
QPID=
END=$(date +%s.%N)

# The serial console ends lines with CR LF and SeaBIOS sends terminal
# escapes; callers grep plain lines.
clean() { tr -d '\r' <"$LOG" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g'; }
clean
[ -n "${SXT_GUEST_LOG:-}" ] && clean >"$SXT_GUEST_LOG"
ELAPSED=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }')
if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
    echo "run_guest.sh: guest timed out after ${TMO}s" >&2
    exit 124
fi
if clean | grep -q '^SXT-DONE$'; then
    echo "run_guest.sh: guest done in ${ELAPSED}s (accel=$ACCEL)" >&2
    exit 0
fi
echo "run_guest.sh: guest ended (qemu rc=$RC) after ${ELAPSED}s without SXT-DONE" >&2
exit 1
