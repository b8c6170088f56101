#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# userspace.sh: build the guest's user space into build/initramfs.cpio:
# Debian's busybox-static, the harness's init and suite scripts, and the test
# programs, all statically linked:
#   - upstream's tools/testing/selftests/cgroup test_zswap and test_memcontrol,
#     built unmodified from the assembled 6.12 tree;
#   - the series' own tools/testing/selftests/vswap programs.

source "$(dirname "$0")/lib.sh"

need_tools gcc make cpio
mkdir -p "$BUILD/logs"
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] ||
	die "no $BUSYBOX: install Debian's busybox-static (run 'make deps' as root)"
ldd "$BUSYBOX" >/dev/null 2>&1 && die "$BUSYBOX is dynamically linked: install busybox-static"

# UAPI headers of the assembled tree; needs no kernel configuration.
HDR=$BUILD/headers/usr/include
make -C "$KSRC" ARCH=x86_64 O="$BUILD/headers" headers >"$BUILD/logs/headers.log" 2>&1 ||
	die "installing UAPI headers failed (log: $BUILD/logs/headers.log)"

OUT=$BUILD/selftests
LOG=$BUILD/logs/selftests.log
mkdir -p "$OUT"
: >"$LOG"
for dir in cgroup vswap; do
	mkdir -p "$OUT/$dir"
	targets=
	[ $dir = cgroup ] && targets="$OUT/cgroup/test_zswap $OUT/cgroup/test_memcontrol"
	make -C "$KSRC/tools/testing/selftests/$dir" OUTPUT="$OUT/$dir" \
		KHDR_INCLUDES="-isystem $HDR" USERLDFLAGS=-static $targets \
		>>"$LOG" 2>&1 || { tail -n 20 "$LOG" >&2; die "building selftests/$dir failed (log: $LOG)"; }
done

ROOT=$BUILD/initramfs
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc,opt/vswap/bin}
cp "$BUSYBOX" "$ROOT/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	[ -e "$ROOT/bin/$applet" ] || ln -s busybox "$ROOT/bin/$applet"
done
cp "$TOP/harness/guest/init" "$ROOT/init"
cp "$TOP/harness/guest/"*.sh "$ROOT/opt/vswap/"
gcc -static -O2 -Wall -o "$ROOT/opt/vswap/bin/ttyrun" "$TOP/harness/guest/ttyrun.c" >>"$LOG" 2>&1 ||
	die "building harness/guest/ttyrun.c failed (log: $LOG)"
cp "$OUT/cgroup/test_zswap" "$OUT/cgroup/test_memcontrol" "$ROOT/opt/vswap/bin/"
find "$OUT/vswap" -maxdepth 1 -type f -perm -u+x -exec cp {} "$ROOT/opt/vswap/bin/" \;
echo "root:x:0:0:root:/root:/bin/sh" >"$ROOT/etc/passwd"
echo "root:x:0:" >"$ROOT/etc/group"
# Static glibc resolves "localhost" from files only (test_memcontrol's TCP test).
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' >"$ROOT/etc/hosts"
echo "hosts: files" >"$ROOT/etc/nsswitch.conf"
mknod -m 600 "$ROOT/dev/console" c 5 1
mknod -m 666 "$ROOT/dev/null" c 1 3

(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$BUILD/initramfs.cpio.tmp"
mv "$BUILD/initramfs.cpio.tmp" "$BUILD/initramfs.cpio"
note "initramfs: $BUILD/initramfs.cpio ($(du -h "$BUILD/initramfs.cpio" | cut -f1), $(ls "$ROOT/opt/vswap/bin" | wc -l) test programs)"
