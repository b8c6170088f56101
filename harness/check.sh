#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [TEST...]: boot the $VARIANT kernel, run harness/guest/suite.sh in
# the guest and count the results (KUnit from the kernel log, selftests from
# the guest output) with the kernel's KTAP parser.  The suite's output is
# printed as it arrives; the last line printed is "N passed, N failed, N
# skipped".  A kernel warning, a guest that does not boot, stalls, times out
# or dies fails the run even if every test passed.
#
# A guest that prints nothing for longer than the longest time limit of the
# selected programs plus CHECK_STALL_MARGIN seconds (default 120) has hung:
# every program runs under its own limit in the guest, so only a stuck
# guest is that quiet.  CHECK_STALL sets the limit directly.

source "$(dirname "$0")/lib.sh"

VARIANT=${VARIANT:-fast}
OUT=$BUILD/runs/check-$VARIANT
kernel=$BUILD/obj-$VARIANT/arch/x86/boot/bzImage
rel=$(cat "$BUILD/obj-$VARIANT/vswap-release" 2>/dev/null || echo unknown)
[ -r "$kernel" ] || die "no kernel image $kernel: run 'make kernel VARIANT=$VARIANT' first"

accel=$("$TOP/harness/accel.sh" "$kernel")
longest=$(sh "$TOP/harness/guest/suite.sh" --limits "$@" | awk '$2 > m { m = $2 } END { print m + 0 }')
stall=${CHECK_STALL:-$((longest + ${CHECK_STALL_MARGIN:-120}))}
note "make check: Linux $rel ($VARIANT config, QEMU $accel), logs in $OUT"

rc=0
VM_ACCEL=$accel "$TOP/harness/vm.sh" --follow --out "$OUT" --timeout "${CHECK_TIMEOUT:-2400}" \
	--stall "$stall" -- /opt/vswap/suite.sh "$@" || rc=$?

echo "---- results ----"
res=0
python3 "$TOP/harness/results.py" "$KSRC" "$OUT/kernel.log" "$OUT/job.log" >"$OUT/results.txt" || res=$?
head -n -1 "$OUT/results.txt"

final=$(tail -n 1 "$OUT/results.txt")
if [ $rc -ne 0 ]; then
	# The guest itself failed (no boot, stall, timeout, kernel warning,
	# crash; vm.sh said which, and what was running): one more failure
	# on top of whatever the tests reported.
	echo "check: the guest run failed (status $rc); see $OUT/kernel.log"
	grep -a -E -m 20 -A 12 'BUG|WARNING|Oops|KASAN|lockdep|corruption|Call Trace' "$OUT/kernel.log" || true
	final=$(echo "$final" | awk '{ $3 = $3 + 1; print }')
	res=1
fi
echo "$final"
exit $res
