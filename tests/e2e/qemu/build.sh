#!/bin/bash
# Build (or reuse) the QEMU guest that acts as a real Linux kernel sit (6in4)
# client for sixxsd end-to-end tests.
#
# Why a VM: the host kernel here has no sit/ipip driver and cannot load
# modules, so we boot Debian's own kernel under QEMU with a tiny busybox
# initramfs whose /init (guest-init.sh) builds the sit tunnel.
#
# Everything is cached under build/qemu/ at the repository top (git-ignored):
#   build/qemu/deb/linux-image-*.deb       the kernel package (downloaded, never installed)
#   build/qemu/kernel/<pkg>/               its unpacked tree (+ modules.dep made here)
#   build/qemu/vmlinuz                     the kernel
#   build/qemu/initramfs.cpio.gz           busybox + sit modules + /init
#   build/qemu/guest.env                   paths, kernel version, NIC model (read by run_guest.sh)
# Running it again reuses the download and the unpacked tree and only
# repacks the initramfs (about a second).
#
# Needs root only to install missing Debian packages (qemu-system-x86,
# busybox-static) and to create /dev/console in the initramfs.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
OUT="$TOP/build/qemu"
META=linux-image-amd64

die() { echo "build.sh: error: $*" >&2; exit 1; }
say() { echo "build.sh: $*" >&2; }

mkdir -p "$OUT/deb" "$OUT/kernel"

# ---- host packages ----------------------------------------------------------
APT_UPDATED=0
apt_update_once() {  # returns non-zero if apt-get update fails (offline?)
    [ "$APT_UPDATED" = 1 ] && return 0
    APT_UPDATED=1
    say "apt-get update"
    apt-get update -qq >&2
}

need_pkg() {  # need_pkg PACKAGE: install it unless dpkg already has it
    local pkg=$1
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        return 0
    fi
    [ "$(id -u)" = 0 ] || die "package $pkg is missing and installing it needs root"
    # A package that apt does not know yet usually means stale/no lists.
    apt-cache show "$pkg" >/dev/null 2>&1 || apt_update_once || die "apt-get update failed"
    say "installing $pkg"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >&2 ||
        die "apt-get install $pkg failed"
}

need_pkg qemu-system-x86
need_pkg busybox-static
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found after install"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "$BUSYBOX (busybox-static) not found"
# The dynamically linked 'busybox' package also installs /bin/busybox and
# would not run inside the initramfs; make sure we have the static one.
if LC_ALL=C ldd "$BUSYBOX" 2>&1 | grep -q '=>'; then
    die "$BUSYBOX is dynamically linked (package 'busybox' instead of 'busybox-static'?)"
fi
for t in dpkg-deb gzip xz; do
    command -v "$t" >/dev/null || die "$t not found"
done

# ---- kernel package -----------------------------------------------------------
# linux-image-amd64 is a metapackage; the real one is its linux-image-* dependency.
kernel_pkg_name() {
    apt-cache depends "$META" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
KPKG=$(kernel_pkg_name || true)
if [ -z "$KPKG" ]; then
    apt_update_once || say "apt-get update failed; trying the cache"
    KPKG=$(kernel_pkg_name || true)
fi
if [ -z "$KPKG" ]; then
    # No package lists (offline?): fall back to whatever was downloaded before.
    cached=$(ls -1 "$OUT"/deb/linux-image-*.deb 2>/dev/null | tail -n 1 || true)
    [ -n "$cached" ] || die "cannot resolve the kernel package behind $META (apt-cache depends $META gave nothing) and nothing is cached"
    KPKG=$(dpkg-deb -f "$cached" Package)
    say "apt could not resolve $META; using cached $KPKG"
fi

DEB=$(ls -1 "$OUT/deb/${KPKG}"_*.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$DEB" ]; then
    say "downloading $KPKG (apt-get download; not installed)"
    # apt-get download writes into the current directory. As root, apt would
    # try to drop to _apt, which cannot write here: stay root for this.
    (cd "$OUT/deb" && apt-get download -o APT::Sandbox::User=root "$KPKG" >&2) ||
        die "apt-get download $KPKG failed"
    DEB=$(ls -1 "$OUT/deb/${KPKG}"_*.deb 2>/dev/null | tail -n 1 || true)
    [ -n "$DEB" ] || die "apt-get download $KPKG left no .deb in $OUT/deb"
fi

TREE="$OUT/kernel/$KPKG"
if [ ! -f "$TREE/.unpacked" ] || [ "$TREE/.unpacked" -ot "$DEB" ]; then
    say "unpacking $(basename "$DEB")"
    rm -rf "$TREE" "$TREE.tmp"
    dpkg-deb -x "$DEB" "$TREE.tmp" || die "dpkg-deb -x $DEB failed"
    mv "$TREE.tmp" "$TREE"
    touch "$TREE/.unpacked"
fi

KVER=$(ls -1 "$TREE/lib/modules" 2>/dev/null | head -n 1)
[ -n "$KVER" ] || die "no lib/modules/<version> in $DEB"
MODDIR="$TREE/lib/modules/$KVER"
VMLINUZ="$TREE/boot/vmlinuz-$KVER"
CONFIG="$TREE/boot/config-$KVER"
[ -f "$VMLINUZ" ] || die "no boot/vmlinuz-$KVER in $DEB"
[ -f "$CONFIG" ] || die "no boot/config-$KVER in $DEB"

# Debian's package ships no modules.dep (its postinst runs depmod); make one
# with busybox depmod on the unpacked tree.
if [ ! -s "$MODDIR/modules.dep" ]; then
    say "generating modules.dep (busybox depmod)"
    "$BUSYBOX" depmod -b "$TREE" "$KVER" || die "depmod on $MODDIR failed"
    [ -s "$MODDIR/modules.dep" ] || die "depmod produced no modules.dep"
fi

kconf() { sed -n "s/^$1=//p" "$CONFIG"; }

grep -q '^CONFIG_BLK_DEV_INITRD=y' "$CONFIG" || die "kernel lacks initramfs support"
grep -q '^CONFIG_RD_GZIP=y' "$CONFIG" || die "kernel cannot unpack a gzip initramfs"
grep -q '^CONFIG_SERIAL_8250_CONSOLE=y' "$CONFIG" || die "kernel lacks a serial console"
[ "$(kconf CONFIG_IPV6)" = y ] || die "CONFIG_IPV6 is not built in (=$(kconf CONFIG_IPV6)); not handled"

# ---- which modules ------------------------------------------------------------
# NIC: e1000 is QEMU's default PC NIC and a single module with no
# dependencies; virtio-net would need virtio, virtio_ring, virtio_pci(+_lib
# parts), net_failover and failover. Prefer e1000.
WANT="sit"
case "$(kconf CONFIG_E1000)" in
    y) NIC=e1000 ;;
    m) NIC=e1000; WANT="$WANT e1000" ;;
    *)
        case "$(kconf CONFIG_VIRTIO_NET)" in
            y) NIC=virtio-net-pci ;;
            m) NIC=virtio-net-pci; WANT="$WANT virtio_pci virtio_net" ;;
            *) die "kernel has neither e1000 nor virtio_net" ;;
        esac
        [ "$(kconf CONFIG_VIRTIO_PCI)" = y ] && WANT=${WANT/ virtio_pci/}
        ;;
esac
[ -n "$(kconf CONFIG_IPV6_SIT)" ] || die "kernel has no sit driver (CONFIG_IPV6_SIT unset)"

# path (relative to MODDIR, as in modules.dep) of a module by name
mod_path() {
    awk -F: -v n="$1" '{ p = $1; b = p; sub(/.*\//, "", b); sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", b);
                         gsub(/-/, "_", b); if (b == n) { print p; exit } }' "$MODDIR/modules.dep"
}
mod_deps() {  # direct dependencies of a module path
    awk -F: -v p="$1" '$1 == p { print $2; exit }' "$MODDIR/modules.dep"
}
is_builtin() {
    grep -qE "/$1\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null
}

# Depth-first: dependencies first, so the list is an insmod order.
ORDER=()
visit() {
    local p=$1 q d
    for q in "${ORDER[@]+"${ORDER[@]}"}"; do [ "$q" = "$p" ] && return 0; done
    for d in $(mod_deps "$p"); do visit "$d"; done
    ORDER+=("$p")
}
for m in $WANT; do
    if is_builtin "$m"; then say "$m is built in"; continue; fi
    p=$(mod_path "$m")
    [ -n "$p" ] || die "module $m not found in $MODDIR/modules.dep"
    visit "$p"
done

# ---- initramfs ----------------------------------------------------------------
STAGE="$OUT/initramfs.d"
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,dev,proc,sys,tmp,lib/modules,root}
ln -s bin "$STAGE/sbin"
mkdir -p "$STAGE/usr"
ln -s ../bin "$STAGE/usr/bin"
ln -s ../bin "$STAGE/usr/sbin"
cp "$BUSYBOX" "$STAGE/bin/busybox"
for a in $("$BUSYBOX" --list); do
    [ "$a" = busybox ] || ln -s busybox "$STAGE/bin/$a"
done
# A static UDP sender, so the guest can send heartbeats (busybox nc cannot).
gcc -static -O2 -o "$STAGE/bin/udpsend" "$HERE/udpsend.c" || die "cannot build udpsend"
# The kernel opens /dev/console for /init before anything is mounted.
if [ "$(id -u)" = 0 ]; then
    mknod -m 600 "$STAGE/dev/console" c 5 1
    mknod -m 666 "$STAGE/dev/null" c 1 3
fi

: >"$STAGE/lib/modules/load.list"
for p in "${ORDER[@]+"${ORDER[@]}"}"; do
    name=$(basename "$p")
    base=${name%.ko*}.ko
    # busybox insmod may not read compressed modules: store them plain.
    case "$name" in
        *.ko)     cp "$MODDIR/$p" "$STAGE/lib/modules/$base" ;;
        *.ko.xz)  xz -dc "$MODDIR/$p" >"$STAGE/lib/modules/$base" ;;
        *.ko.gz)  gzip -dc "$MODDIR/$p" >"$STAGE/lib/modules/$base" ;;
        *.ko.zst) command -v zstd >/dev/null || die "$name is zstd-compressed and zstd is not installed"
                  zstd -qdc "$MODDIR/$p" >"$STAGE/lib/modules/$base" ;;
        *) die "unexpected module file $name" ;;
    esac
    echo "$base" >>"$STAGE/lib/modules/load.list"
done
# Cross-check against each module's own 'depends=' (guards against a depmod
# that could not read a module): every dependency must be loaded before it.
loaded=" "
while read -r base; do
    deps=$(tr '\0' '\n' <"$STAGE/lib/modules/$base" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' ')
    for d in $deps; do
        case "$loaded" in *" ${d//-/_}.ko "*) ;; *) die "$base needs $d, which is not loaded before it" ;; esac
    done
    loaded="$loaded${base//-/_} "
done <"$STAGE/lib/modules/load.list"

install -m 755 "$HERE/guest-init.sh" "$STAGE/init"

INITRD="$OUT/initramfs.cpio.gz"
(cd "$STAGE" && find . | LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) |
    gzip -n -9 >"$INITRD.tmp" || die "packing the initramfs failed"
mv "$INITRD.tmp" "$INITRD"
cp "$VMLINUZ" "$OUT/vmlinuz"

cat >"$OUT/guest.env" <<EOF
# written by tests/e2e/qemu/build.sh
SXT_KPKG=$KPKG
SXT_KVER=$KVER
SXT_KERNEL=$OUT/vmlinuz
SXT_INITRD=$INITRD
SXT_NIC=$NIC
SXT_MODULES="$(tr '\n' ' ' <"$STAGE/lib/modules/load.list" | sed 's/ $//')"
EOF

say "kernel package: $KPKG ($KVER), NIC: $NIC, modules: $(tr '\n' ' ' <"$STAGE/lib/modules/load.list")"
echo "kernel=$OUT/vmlinuz"
echo "initrd=$INITRD"
echo "env=$OUT/guest.env"
