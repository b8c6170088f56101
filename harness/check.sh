#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [TEST...]: boot the $VARIANT kernel, run harness/guest/suite.sh in
# the guest and count the results (KUnit from the kernel log, selftests from
# the guest output) with the kernel's KTAP parser.  The last line printed is
# "N passed, N failed, N skipped".  A kernel warning, a guest timeout or a
# guest that dies fails the run even if every test passed.

source "$(dirname "$0")/lib.sh"

VARIANT=${VARIANT:-fast}
OUT=$BUILD/runs/check-$VARIANT
rel=$(cat "$BUILD/obj-$VARIANT/vswap-release" 2>/dev/null || echo unknown)
note "make check: Linux $rel ($VARIANT config), logs in $OUT"

rc=0
"$TOP/harness/vm.sh" --quiet --out "$OUT" --timeout "${CHECK_TIMEOUT:-2400}" \
	-- /opt/vswap/suite.sh "$@" || rc=$?

tr -d '\r' <"$OUT/job.log" 2>/dev/null | sed '/^VM-JOB-START$/d; /^VM-EXIT-STATUS: /d' || true
echo "---- results ----"
res=0
python3 "$TOP/harness/results.py" "$KSRC" "$OUT/kernel.log" "$OUT/job.log" >"$OUT/results.txt" || res=$?
head -n -1 "$OUT/results.txt"

final=$(tail -n 1 "$OUT/results.txt")
if [ $rc -ne 0 ]; then
	# The guest itself failed (timeout, kernel warning, crash): one more
	# failure on top of whatever the tests reported.
	echo "check: the guest run failed (status $rc); see $OUT/kernel.log"
	grep -a -E -m 20 -A 12 'BUG|WARNING|Oops|KASAN|lockdep|corruption|Call Trace' "$OUT/kernel.log" || true
	final=$(echo "$final" | awk '{ $3 = $3 + 1; print }')
	res=1
fi
echo "$final"
exit $res
