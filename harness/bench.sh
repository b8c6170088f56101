#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: "make bench".  Boots the baseline kernel (pristine 6.12, the
# fast config) and the series kernel (virtual swap on, then off at run
# time) in turn, BENCH_ROUNDS times (default 3), in the order base, on, off,
# base-lockstat, lockstat, base, on, ...; each boot runs one round of
# harness/guest/bench.sh.  harness/bench-report.py turns the results into
# build/bench/report.md (and a chart if gnuplot is installed).
#
# The series kernels build from a copy of the series, build/snapshot/linux,
# that nobody edits while they compile or run: this script first refreshes
# it from build/linux (harness/snapshot.sh, which refuses edits that are not
# exported), then builds, incrementally, the series kernel with fast's
# config (kernel.sh snapshot: ccache serves what "make kernel" compiled)
# and the two bench-only kernels with CONFIG_LOCK_STAT
# (tools/testing/selftests/vswap/config.lockstat; kernel.sh lockstat and
# base-lockstat).  The lock-stat modes run only the "locks" workload:
# base-lockstat is the pristine source, lockstat the series with virtual
# swap on; lockstat-tiers is lockstat's kernel running locks with swap
# tiers and a restricted cgroup.  They are never part of "make check".
#
# BENCH_MODES picks the modes (default "base on off base-lockstat
# lockstat lockstat-tiers"), BENCH_WORKLOADS the workloads of the base, on and off modes
# (default all of harness/guest/bench.sh but locks).  BENCH_SNAPSHOT=keep
# uses build/snapshot/linux as it is; BENCH_BUILD=0 boots the kernels as
# built.  BENCH_SCALE divides every workload size (default 1); "make check"
# runs a smoke round (BENCH_SCALE=8) on the series kernel only.
#
# Each mode's kernel and the initramfs (BENCH_INITRD, default
# build/initramfs.cpio) are copied into the output directory before the
# first boot, so every round boots the same ones even if a build directory
# changes meanwhile.

source "$(dirname "$0")/lib.sh"

rounds=${BENCH_ROUNDS:-3}
scale=${BENCH_SCALE:-1}
modes=${BENCH_MODES:-base on off base-lockstat lockstat lockstat-tiers}
workloads=${BENCH_WORKLOADS:-metadata throughput free slots compressor swapoff scaling nozswap tiers moverate inversion}
# The slow disk's bandwidth (bytes/s, reads and writes together): a disk
# that costs under TCG what one does on hardware (harness/vm.sh).
export VM_SLOW_BPS=${VM_SLOW_BPS:-33554432}
OUT=${BENCH_OUT:-$BUILD/bench}
mkdir -p "$OUT"
rm -f "$OUT"/round-*.txt

obj_of() {
	case $1 in
	base) echo "$BUILD/obj-base" ;;
	base-lockstat) echo "$BUILD/obj-$1" ;;
	lockstat | lockstat-tiers) echo "$BUILD/snapshot/obj-lockstat" ;;
	on | off) echo "$BUILD/snapshot/obj-snapshot" ;;
	*) die "bench: unknown mode $1 (base, on, off, base-lockstat, lockstat, lockstat-tiers)" ;;
	esac
}

# The guest's mode (harness/guest/bench.sh MODE) and workloads of a mode
# in round $2: in even rounds tiers goes first, so that neither it nor
# throughput always runs on a warmer system.
guest_args() {
	local w=$workloads
	if [ $(($2 % 2)) = 0 ] && [[ " $w " == *" tiers "* ]]; then
		w="tiers $(echo " $w " | sed 's/ tiers / /')"
	fi
	case $1 in
	base-lockstat) echo "base $scale locks" ;;
	lockstat) echo "on $scale locks" ;;
	lockstat-tiers) echo "on $scale locks_tiers" ;;
	*) echo "$1 $scale '$w'" ;;
	esac
}

initrd=${BENCH_INITRD:-$BUILD/initramfs.cpio}
[ -r "$initrd" ] || die "no initramfs $initrd: run 'make initramfs' first"
cp "$initrd" "$OUT/initramfs.cpio"
case " $modes " in
*" on "* | *" off "* | *" lockstat"*)
	[ "${BENCH_SNAPSHOT:-}" = keep ] || "$TOP/harness/snapshot.sh"
	;;
esac
built=
for m in $modes; do
	v=
	case $m in
	on | off) v=snapshot ;;
	lockstat | base-lockstat) v=$m ;;
	lockstat-tiers) v=lockstat ;;
	esac
	if [ -n "$v" ] && [ "${BENCH_BUILD:-1}" != 0 ] && [[ " $built " != *" $v "* ]]; then
		"$TOP/harness/kernel.sh" "$v"
		built="$built $v"
	fi
	k=$(obj_of "$m")/arch/x86/boot/bzImage
	[ -e "$k" ] || die "no kernel for mode $m: $k"
	cp "$k" "$OUT/bzImage-$m"
done

note "bench: $rounds round(s) of: $modes (scale 1/$scale), results in $OUT"
for r in $(seq 1 "$rounds"); do
	for m in $modes; do
		note "bench: round $r, $m"
		f=$OUT/round-$r-$m.txt
		"$TOP/harness/vm.sh" --kernel "$OUT/bzImage-$m" --initrd "$OUT/initramfs.cpio" --timeout 1800 \
			--no-klog --out "$OUT/vm-$m" -- "/opt/vswap/bench.sh $(guest_args "$m" "$r")" >"$f" 2>&1 ||
			die "bench: the $m guest failed (see $OUT/vm-$m/kernel.log)"
		if grep -q '^bench: ' "$f"; then
			die "bench: round $r, $m: $(grep '^bench: ' "$f" | head -n 1)"
		fi
		cp "$OUT/vm-$m/qemu.cmdline" "$OUT/qemu-$m.cmdline"
	done
done

# What was measured, beside the numbers.
for m in $modes; do
	obj=$(obj_of "$m")
	echo "$m: Linux $(cat "$obj/vswap-release" 2>/dev/null || echo '?') ($obj)"
	cp "$obj/.config" "$OUT/config-$m"
done >"$OUT/kernels.txt"
echo "slow disk throttled to $VM_SLOW_BPS bytes/s (QEMU throttling.bps-total)" >"$OUT/throttle.txt"
# KVM and TCG figures are not comparable: say which one these are.
for m in $modes; do
	cat "$OUT/vm-$m/accel"
done | sort -u | paste -sd/ >"$OUT/accel.txt"
echo "($(qemu-system-x86_64 --version | head -n 1))" >>"$OUT/accel.txt"
python3 "$TOP/harness/bench-report.py" "$OUT" $modes
