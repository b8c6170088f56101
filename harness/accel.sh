#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# accel.sh KERNEL: print the QEMU accelerator to use on this host, "kvm" or
# "tcg".
#
#   VM_ACCEL=kvm|tcg   use that, no questions asked
#   VM_ACCEL=auto      (default) KVM only if it is proven to work: a
#                      /dev/kvm we may open is not enough (a nested or
#                      paravirtual KVM can accept QEMU and never run a
#                      single guest instruction).  KERNEL is booted once
#                      under KVM with no root filesystem; KVM works if the
#                      kernel's banner appears within VM_KVM_PROBE_TIMEOUT
#                      seconds (default 8; a working KVM prints it in well
#                      under one).  Otherwise, or if QEMU fails under
#                      -accel kvm, the answer is TCG, said in one line on
#                      stderr.
#
# The answer is a property of the host, not of the kernel: it is cached in
# $VM_ACCEL_CACHE (default build/vm-accel) under the host's boot id and
# QEMU's version, so a run of many boots probes once per host boot.  A
# probe that timed out on a host that was only busy is cached too: remove
# the file (or set VM_ACCEL=kvm) to probe again.
# VM_KVM_DEV names the device to look for (default /dev/kvm; the harness's
# own tests point it elsewhere).

source "$(dirname "$0")/lib.sh"

kernel=${1:?usage: accel.sh KERNEL}
mode=${VM_ACCEL:-auto}
case $mode in
kvm | tcg)
	echo "$mode"
	exit 0
	;;
auto) ;;
*) die "VM_ACCEL=$mode: use auto, kvm or tcg" ;;
esac

dev=${VM_KVM_DEV:-/dev/kvm}
if [ ! -r "$dev" ] || [ ! -w "$dev" ]; then
	echo tcg
	exit 0
fi

need_tools qemu-system-x86_64 flock python3
cache=${VM_ACCEL_CACHE:-$BUILD/vm-accel}
key="boot $(cat /proc/sys/kernel/random/boot_id); $(qemu-system-x86_64 --version | head -n 1)"
mkdir -p "$(dirname "$cache")"

# One probe at a time: concurrent runs wait for the first one's answer.
exec 9>>"$cache.lock"
flock 9
if [ -f "$cache" ] && [ "$(sed -n 1p "$cache")" = "$key" ]; then
	cached=$(sed -n 2p "$cache")
	case $cached in
	kvm | tcg)
		echo "$cached"
		exit 0
		;;
	esac
fi

[ -r "$kernel" ] || die "accel.sh: no kernel image $kernel to probe KVM with"
limit=${VM_KVM_PROBE_TIMEOUT:-8}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vswap-kvm-probe.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/kernel.log"
rc=0
python3 "$TOP/harness/vmwatch.py" --banner --boot-limit "$limit" \
	--kernel-log "$tmp/kernel.log" --log "$tmp/qemu.log" -- \
	qemu-system-x86_64 -nodefaults -no-user-config -display none \
	-machine q35 -cpu max -m 256M -no-reboot -accel kvm \
	-kernel "$kernel" -append "console=ttyS0 panic=-1" \
	-serial "file:$tmp/kernel.log" 2>/dev/null || rc=$?

case $rc in
0) accel=kvm ;;
123)
	accel=tcg
	note "vm: $dev opens but KVM printed no kernel banner within ${limit}s; using TCG (cached in $cache until the host reboots)"
	;;
*)
	accel=tcg
	note "vm: QEMU fails under -accel kvm ($(tail -n 1 "$tmp/qemu.log" 2>/dev/null)); using TCG (cached in $cache until the host reboots)"
	;;
esac
printf '%s\n%s\n' "$key" "$accel" >"$cache.new"
mv "$cache.new" "$cache"
echo "$accel"
