#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# hibernate.sh: "make check-hibernate".  Hibernation to the fast disk with
# virtual swap entries in use, over two boots of the hibernate kernel
# (harness/kernel.sh hibernate) on the same disk images:
#
#   boot 1  the suite runs vswap_hibernate with virtual swap on, swap on the
#           fast disk and zswap on.  It pages a region out onto virtual
#           entries in the same-filled, zswap and disk states and writes
#           "disk" to /sys/power/state; the kernel writes the image to the
#           resume device (resume=/dev/vda) and restarts, which ends QEMU.
#           So no exit status: the kernel log must show the program's
#           "VM-HIBERNATING" line and "Image saving done".
#   boot 2  the same disk images (vm.sh --keep-disks) and command line; the
#           kernel loads the image at late_initcall, the program returns
#           from its write, checks its region, and the suite of boot 1 ends
#           as usual.  This boot's own job runs only if nothing was resumed,
#           and says so.
#
# Both boots run under vm.sh's limits (time, stall, kernel log check).  The
# results are counted as check.sh counts them, from the two boots' guest
# output one after the other (KUnit is off: kunit.enable=0); the last line
# printed is "N passed, N failed, N skipped", where a boot that went wrong
# counts one failure more.  Logs: build/runs/check-hibernate/boot{1,2}/.
# HIBERNATE_RESUME=0 boots the second time without resume=: the test must
# fail.

source "$(dirname "$0")/lib.sh"

VARIANT=hibernate
OUT=$BUILD/runs/check-hibernate
kernel=$BUILD/obj-$VARIANT/arch/x86/boot/bzImage
rel=$(cat "$BUILD/obj-$VARIANT/vswap-release" 2>/dev/null || echo unknown)
[ -r "$kernel" ] || die "no kernel image $kernel: run 'make kernel VARIANT=$VARIANT' first"
export VARIANT

accel=$("$TOP/harness/accel.sh" "$kernel")
limit=$(sh "$TOP/harness/guest/suite.sh" --limits vswap_hibernate | awk '{ print $2 }')
stall=${CHECK_STALL:-$((limit + ${CHECK_STALL_MARGIN:-120}))}
timeout=${CHECK_TIMEOUT:-$((limit + 300))}
resume="resume=/dev/vda"
second=$resume
[ "${HIBERNATE_RESUME:-1}" = 0 ] && second=
note "make check-hibernate: Linux $rel ($VARIANT config, QEMU $accel), logs in $OUT"

mkdir -p "$OUT"
rm -rf "$OUT/boot1" "$OUT/boot2"
# boot NAME VM.SH-ARGS...: one boot; its logs go to $OUT/NAME, vm.sh's
# status to $OUT/NAME/status and its closing line to $OUT/NAME/vm.err.
boot() {
	local name=$1 rc=0
	shift
	VM_ACCEL=$accel "$TOP/harness/vm.sh" --follow --out "$OUT" --timeout "$timeout" \
		--stall "$stall" "$@" 2>"$OUT/vm.err" || rc=$?
	mkdir -p "$OUT/$name"
	touch "$OUT/kernel.log" "$OUT/job.log"
	mv "$OUT/kernel.log" "$OUT/job.log" "$OUT/vm.err" "$OUT/$name/"
	cp "$OUT/qemu.cmdline" "$OUT/$name/" 2>/dev/null || true
	echo "$rc" >"$OUT/$name/status"
}

fail=0
problem() {
	echo "check-hibernate: $*"
	fail=$((fail + 1))
}

echo "==== boot 1: page out onto virtual entries, hibernate to /dev/vda"
start=$(date +%s)
boot boot1 --append "$resume kunit.enable=0" -- /opt/vswap/suite.sh vswap_hibernate
t1=$(($(date +%s) - start))
rc1=$(cat "$OUT/boot1/status")
k1=$OUT/boot1/kernel.log
hibernated=0
if grep -q '^VM-EXIT-STATUS' "$OUT/boot1/job.log"; then
	problem "boot 1 did not hibernate: the suite ran to its end (${t1}s)"
elif [ "$rc1" != 126 ]; then
	# vm.sh's own verdict: no boot, stall, timeout or a kernel report.
	problem "boot 1 failed after ${t1}s: $(cat "$OUT/boot1/vm.err")"
elif ! grep -a -q 'vswap_hibernate: VM-HIBERNATING' "$k1"; then
	problem "boot 1 ended after ${t1}s before vswap_hibernate hibernated: $(cat "$OUT/boot1/vm.err")"
elif ! grep -a -q 'Image saving done' "$k1"; then
	problem "boot 1 ended after ${t1}s without writing the image: $(grep -a 'PM: ' "$k1" | tail -n 1)"
else
	hibernated=1
	note "boot 1: image written, guest down after ${t1}s: $(grep -a -o 'Image size after compression.*' "$k1" | tr -d '\r')"
fi

t2=0
if [ $hibernated = 1 ]; then
	echo "==== boot 2: resume ${second:-(no resume= on the command line)}"
	start=$(date +%s)
	boot boot2 --keep-disks --append "$second kunit.enable=0" -- \
		'echo "VM-NOT-RESUMED: boot 2 did not resume the image and ran its own job"; exit 1'
	t2=$(($(date +%s) - start))
	rc2=$(cat "$OUT/boot2/status")
	k2=$OUT/boot2/kernel.log
	if grep -q '^VM-NOT-RESUMED' "$OUT/boot2/job.log"; then
		why=$(grep -a -E 'PM: (hibernation: )?(Image|resume|Failed)' "$k2" | tail -n 1 | tr -d '\r' || true)
		problem "boot 2 did not resume the image: ${why:-the kernel did not look for one (no resume= on its command line?)}"
	elif ! grep -a -q 'Image loading done' "$k2" ||
		! grep -a -q 'vswap_hibernate: VM-RESUMED' "$k2"; then
		problem "boot 2 did not load the image (${t2}s): $(cat "$OUT/boot2/vm.err")"
	elif [ "$rc2" != 0 ]; then
		problem "boot 2 (resumed) failed after ${t2}s: $(cat "$OUT/boot2/vm.err")"
	else
		note "boot 2: image loaded, suite finished after ${t2}s"
	fi
fi

# The suite's output began in boot 1 and, resumed, ended in boot 2.
cat "$OUT/boot1/job.log" "$OUT/boot2/job.log" >"$OUT/job.log" 2>/dev/null || true
echo "---- results ----"
python3 "$TOP/harness/results.py" --no-kunit "$KSRC" /dev/null "$OUT/job.log" >"$OUT/results.txt" || true
head -n -1 "$OUT/results.txt"
final=$(tail -n 1 "$OUT/results.txt")
if [ $fail -gt 0 ]; then
	grep -a -h -E -m 20 -A 12 'BUG|WARNING|Oops|KASAN|lockdep|corruption|Call Trace' \
		"$OUT"/boot*/kernel.log || true
	final=$(echo "$final" | awk -v f=$fail '{ $3 = $3 + f; print }')
fi
note "hibernate: boot 1 ${t1}s, boot 2 ${t2}s"
echo "$final"
case $final in
*" 0 failed,"*) exit 0 ;;
esac
exit 1
