#!/bin/sh
# /init of the sit-client guest (runs as PID 1 under busybox sh).
#
# Packed into build/qemu/initramfs.cpio.gz by build.sh. It sets up a real
# Linux kernel sit (6in4) tunnel towards the PoP and reports, one line per
# check, on the serial console:
#
#   SXT-RESULT ping <target> ok|fail
#   SXT-RESULT cmd ok|fail rc=<n>        (only when sxt.cmd= was given)
#   SXT-ERROR <why>                      (setup failed; no SXT-DONE follows)
#   SXT-DONE                             (everything ran; powering off)
#
# Parameters come from the kernel command line (/proc/cmdline), words:
#   sxt.ip4=10.9.0.2/24            guest IPv4 address/len on the NIC (required)
#   sxt.gw4=10.9.0.1               IPv4 default gateway (optional; omit if the
#                                  PoP's IPv4 is on-link)
#   sxt.pop4=10.9.0.1              PoP's IPv4 = remote end of the sit tunnel (required)
#   sxt.me6=2001:db8:2ff:5::2/64   guest's inner IPv6 address/len (required)
#   sxt.pop6=2001:db8:2ff:5::1     PoP's inner IPv6 (informational; the
#                                  default route points at the tunnel device)
#   sxt.ping=a,b,...               IPv6 targets to ping through the tunnel
#   sxt.cmd=<base64>               shell snippet to run after the pings
#   sxt.cmdtimeout=60              bound (seconds) for sxt.cmd
#   sxt.mtu=1280                   MTU of the sit device (optional)
#   sxt.hb=<password>              send heartbeats (dataplane §7) for the
#                                  tunnel of sxt.me6 to sxt.pop4 every second
#
# Nothing here waits without a bound: the host side (run_guest.sh) also kills
# QEMU after its timeout, and if /init itself dies the kernel panics and,
# with panic=-1 and QEMU's -no-reboot, QEMU exits.

export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp
# The initramfs carries a /dev/console node when built as root; after the
# devtmpfs mount this makes sure stdio really is the serial console.
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1

log() { echo "sxt-init: $*"; }

off() {
    sync
    poweroff -f
    # Not reached when ACPI poweroff works; otherwise exiting PID 1 panics
    # the kernel, which (panic=-1, -no-reboot) also ends QEMU.
    sleep 2
    exit 1
}

die() {
    echo "SXT-ERROR $*"
    off
}

# ---- parameters -----------------------------------------------------------
IP4='' GW4='' POP4='' ME6='' POP6='' PING='' CMD='' CMDTIMEOUT=60 MTU=''
# Word splitting is wanted: the command line is space-separated words.
# shellcheck disable=SC2013
for w in $(cat /proc/cmdline); do
    case "$w" in
        sxt.ip4=*)        IP4=${w#sxt.ip4=} ;;
        sxt.gw4=*)        GW4=${w#sxt.gw4=} ;;
        sxt.pop4=*)       POP4=${w#sxt.pop4=} ;;
        sxt.me6=*)        ME6=${w#sxt.me6=} ;;
        sxt.pop6=*)       POP6=${w#sxt.pop6=} ;;
        sxt.ping=*)       PING=${w#sxt.ping=} ;;
        sxt.cmd=*)        CMD=${w#sxt.cmd=} ;;
        sxt.cmdtimeout=*) CMDTIMEOUT=${w#sxt.cmdtimeout=} ;;
        sxt.mtu=*)        MTU=${w#sxt.mtu=} ;;
        sxt.hb=*)         HB=${w#sxt.hb=} ;;
    esac
done
log "kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime)s"
log "ip4=$IP4 gw4=$GW4 pop4=$POP4 me6=$ME6 pop6=$POP6 ping=$PING"
[ -n "$IP4" ] || die "missing sxt.ip4="
[ -n "$POP4" ] || die "missing sxt.pop4="
[ -n "$ME6" ] || die "missing sxt.me6="
case "$IP4" in */*) ;; *) IP4="$IP4/24" ;; esac

# ---- modules (order computed from modules.dep by build.sh) ----------------
if [ -f /lib/modules/load.list ]; then
    while read -r m; do
        [ -n "$m" ] || continue
        insmod "/lib/modules/$m" || die "insmod $m failed"
    done </lib/modules/load.list
fi

# ---- NIC --------------------------------------------------------------------
ip link set lo up
# The NIC driver probes asynchronously; give it up to 5 s to show up.
NIC=
i=0
while [ $i -lt 50 ]; do
    for d in /sys/class/net/*; do
        n=${d##*/}
        case "$n" in lo|sit*|ip6tnl*|tunl*|sxt*) continue ;; esac
        NIC=$n
        break
    done
    [ -n "$NIC" ] && break
    usleep 100000
    i=$((i + 1))
done
[ -n "$NIC" ] || die "no network interface appeared (NIC driver missing?)"

ip addr add "$IP4" dev "$NIC" || die "ip addr add $IP4 dev $NIC failed"
ip link set "$NIC" up || die "ip link set $NIC up failed"
# Wait (bounded, 5 s) for carrier so the first pings are not lost to a link
# that is still coming up.
i=0
while [ $i -lt 50 ] && [ "$(cat "/sys/class/net/$NIC/carrier" 2>/dev/null)" != 1 ]; do
    usleep 100000
    i=$((i + 1))
done
if [ -n "$GW4" ]; then
    ip route add default via "$GW4" || die "ip route add default via $GW4 failed"
fi
log "$NIC up: $(ip -4 addr show dev "$NIC" | grep inet)"

# ---- sit tunnel -------------------------------------------------------------
# busybox ip supports 'ip tunnel add ... mode sit' (SIOCADDTUNNEL on sit0,
# which exists once sit.ko is loaded).
ip tunnel add sxt0 mode sit remote "$POP4" local "${IP4%/*}" ttl 64 ||
    die "ip tunnel add sxt0 mode sit failed"
[ -n "$MTU" ] && { ip link set sxt0 mtu "$MTU" || die "mtu $MTU failed"; }
ip link set sxt0 up || die "ip link set sxt0 up failed"
ip -6 addr add "$ME6" dev sxt0 || die "ip -6 addr add $ME6 failed"
ip -6 route add default dev sxt0 || die "ip -6 route add default dev sxt0 failed"
log "tunnel: $(ip tunnel show sxt0 2>&1)"

# ---- heartbeats ---------------------------------------------------------------
# "HEARTBEAT TUNNEL <identity> sender <epoch> <md5 of the same + password>",
# once a second in the background, until the guest powers off.
if [ -n "$HB" ]; then
    (
        id=${ME6%/*}
        while :; do
            m="HEARTBEAT TUNNEL $id sender $(date +%s)"
            d=$(printf '%s %s' "$m" "$HB" | md5sum | cut -d' ' -f1)
            printf '%s %s' "$m" "$d" | udpsend "$POP4" 3740
            sleep 1
        done
    ) &
    log "sending heartbeats for $id"
    sleep 2
fi

# ---- checks -------------------------------------------------------------------
for t in $(echo "$PING" | tr ',' ' '); do
    # -c 3 -W 2: three probes, then wait at most 2 s; -w 10 caps the whole run.
    if ping -6 -c 3 -W 2 -w 10 "$t" >/tmp/ping.out 2>&1; then
        r=ok
    else
        r=fail
    fi
    sed 's/^/sxt-init: ping: /' /tmp/ping.out
    echo "SXT-RESULT ping $t $r"
done

if [ -n "$CMD" ]; then
    if echo "$CMD" | base64 -d >/tmp/cmd.sh 2>/dev/null; then
        log "running sxt.cmd (timeout ${CMDTIMEOUT}s)"
        timeout "$CMDTIMEOUT" sh /tmp/cmd.sh
        rc=$?
        if [ $rc -eq 0 ]; then
            echo "SXT-RESULT cmd ok rc=0"
        else
            echo "SXT-RESULT cmd fail rc=$rc"
        fi
    else
        echo "SXT-RESULT cmd fail rc=base64"
    fi
fi

log "finished, up $(cut -d' ' -f1 /proc/uptime)s"
echo "SXT-DONE"
off
