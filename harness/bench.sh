#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: "make bench".  Boots the baseline kernel (pristine 6.12, the
# fast config) and the series kernel (virtual swap on, then off at run
# time) in turn, BENCH_ROUNDS times (default 3), in the order base, on, off,
# base, on, off, ...; each boot runs one round of harness/guest/bench.sh.
# harness/bench-report.py turns the results into build/bench/report.md (and
# a chart if gnuplot is installed).
#
# BENCH_SCALE divides every workload size (default 1); "make check" runs a
# smoke round with BENCH_ROUNDS=1 BENCH_SCALE=8 on the series kernel only
# (BENCH_MODES="on off").

source "$(dirname "$0")/lib.sh"

rounds=${BENCH_ROUNDS:-3}
scale=${BENCH_SCALE:-1}
modes=${BENCH_MODES:-base on off}
OUT=${BENCH_OUT:-$BUILD/bench}
mkdir -p "$OUT"
rm -f "$OUT"/round-*.txt

kernel_of() {
	case $1 in
	base) echo "$BUILD/obj-base/arch/x86/boot/bzImage" ;;
	*) echo "$BUILD/obj-fast/arch/x86/boot/bzImage" ;;
	esac
}

for m in $modes; do
	[ -e "$(kernel_of "$m")" ] || die "no kernel for mode $m: $(kernel_of "$m")"
done

note "bench: $rounds round(s) of: $modes (scale 1/$scale), results in $OUT"
for r in $(seq 1 "$rounds"); do
	for m in $modes; do
		note "bench: round $r, $m"
		f=$OUT/round-$r-$m.txt
		"$TOP/harness/vm.sh" --kernel "$(kernel_of "$m")" --timeout 1800 \
			--no-klog --out "$OUT/vm-$m" -- "/opt/vswap/bench.sh $m $scale" >"$f" 2>&1 ||
			die "bench: the $m guest failed (see $OUT/vm-$m/kernel.log)"
		if grep -q '^bench: ' "$f"; then
			die "bench: round $r, $m: $(grep '^bench: ' "$f" | head -n 1)"
		fi
		cp "$OUT/vm-$m/qemu.cmdline" "$OUT/qemu-$m.cmdline"
	done
done

# What was measured, beside the numbers.
for m in $modes; do
	obj=$BUILD/obj-fast
	[ "$m" = base ] && obj=$BUILD/obj-base
	echo "$m: Linux $(cat "$obj/vswap-release" 2>/dev/null || echo '?') ($obj)"
	cp "$obj/.config" "$OUT/config-$m"
done >"$OUT/kernels.txt"
# KVM and TCG figures are not comparable: say which one these are.
for m in $modes; do
	cat "$OUT/vm-$m/accel"
done | sort -u | paste -sd/ >"$OUT/accel.txt"
echo "($(qemu-system-x86_64 --version | head -n 1))" >>"$OUT/accel.txt"
python3 "$TOP/harness/bench-report.py" "$OUT" $modes
