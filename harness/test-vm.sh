#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-vm.sh: the harness's own tests, run on the host by "make check" (and
# alone by "make check-harness").  They boot the fast kernel under TCG with
# a fake qemu-system-x86_64 first on PATH that stands in for a broken, a
# failing or a working KVM, and check how harness/accel.sh and harness/vm.sh
# choose the accelerator, that a dead or stalled guest is stopped within its
# limit, and that the job's output arrives while the guest runs.
#
# Prints "ok N NAME" or "not ok N NAME # why" per test, then
# "N passed, N failed, 0 skipped".

source "$(dirname "$0")/lib.sh"

kernel=$BUILD/obj-fast/arch/x86/boot/bzImage
[ -r "$kernel" ] || die "no kernel image $kernel: run 'make kernel' first"
[ -r "$BUILD/initramfs.cpio" ] || die "no initramfs: run 'make initramfs' first"
real_qemu=$(command -v qemu-system-x86_64) || die "no qemu-system-x86_64"

T=$(mktemp -d "${TMPDIR:-/tmp}/vswap-test-vm.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin"
: >"$T/kvm"

# The fake QEMU: without "-accel kvm" it runs the real one.  With it, as
# FAKE_KVM says: "hang" (a /dev/kvm that opens but runs nothing: no output,
# ever), "fail" (QEMU refuses KVM) or "works" (the real QEMU under TCG, as
# a working KVM would boot).  Every start is logged with its time.
cat >"$T/bin/qemu-system-x86_64" <<EOF
#!/bin/sh
kvm= prev=
for a; do
	[ "\$prev" = -accel ] && [ "\$a" = kvm ] && kvm=1
	prev=\$a
done
[ "\$1" = --version ] && exec "$real_qemu" "\$@"
mode=tcg
[ -n "\$kvm" ] && mode=kvm
echo "\$(date +%s.%N) \$mode" >>"$T/starts"
[ -n "\$kvm" ] || exec "$real_qemu" "\$@"
case \${FAKE_KVM:-hang} in
fail)
	echo "qemu-system-x86_64: -accel kvm: failed to initialize kvm: No such device" >&2
	exit 1
	;;
works)
	for a; do
		[ "\$a" = kvm ] && a=tcg
		set -- "\$@" "\$a"
		shift
	done
	exec "$real_qemu" "\$@"
	;;
esac
exec sleep 3600
EOF
chmod +x "$T/bin/qemu-system-x86_64"

export PATH="$T/bin:$PATH" VM_KVM_DEV="$T/kvm" VM_ACCEL_CACHE="$T/accel"
PROBE=5
export VM_KVM_PROBE_TIMEOUT=$PROBE

n=0 pass=0 fail=0
result() { # NAME WHY-IF-FAILED
	n=$((n + 1))
	if [ -z "$2" ]; then
		pass=$((pass + 1))
		echo "ok $n $1"
	else
		fail=$((fail + 1))
		echo "not ok $n $1 # $2"
	fi
}
kvm_starts() { grep -c ' kvm$' "$T/starts" 2>/dev/null || true; }
now() { date +%s.%N; }
# awk arithmetic on "A - B <= C"
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

vm() { # OUTDIR [vm.sh options] -- COMMAND
	local out=$1
	shift
	"$TOP/harness/vm.sh" --kernel "$kernel" --out "$out" --append kunit.enable=0 "$@"
}

# 1. A /dev/kvm that boots nothing: the first run probes, falls back to TCG
# within the probe's limit, says so once and runs the command.
rm -f "$T/starts" "$T/accel"
rc=0
vm "$T/vm1" --timeout 120 --follow -- 'echo guest-says-$((6 * 7))' >"$T/out1" 2>"$T/err1" || rc=$?
why=
if [ $rc -ne 0 ]; then
	why="vm.sh exited with $rc: $(tail -n 1 "$T/err1")"
elif ! grep -qx 'guest-says-42' "$T/out1"; then
	why="the command's output is missing"
elif [ "$(cat "$T/vm1/accel")" != tcg ] || ! grep -q -- '-accel tcg' "$T/vm1/qemu.cmdline"; then
	why="the run did not record TCG"
elif [ "$(kvm_starts)" != 1 ]; then
	why="$(kvm_starts) KVM starts, expected 1 probe"
elif [ "$(grep -c 'using TCG' "$T/err1")" != 1 ]; then
	why="no single line saying TCG was chosen"
else
	k=$(awk '$2 == "kvm" { print $1; exit }' "$T/starts")
	t=$(awk '$2 == "tcg" { print $1; exit }' "$T/starts")
	le "$(awk -v a="$t" -v b="$k" 'BEGIN { print a - b }')" "$((PROBE + 3))" ||
		why="TCG started $(awk -v a="$t" -v b="$k" 'BEGIN { print a - b }')s after the probe (limit ${PROBE}s)"
fi
result kvm_probe_falls_back_to_tcg "$why"

# 2. The answer is cached for the host boot: no second probe, no message.
rc=0
vm "$T/vm2" --timeout 120 --quiet -- true 2>"$T/err2" || rc=$?
why=
if [ $rc -ne 0 ]; then
	why="vm.sh exited with $rc: $(tail -n 1 "$T/err2")"
elif [ "$(kvm_starts)" != 1 ]; then
	why="probed again ($(kvm_starts) KVM starts)"
elif grep -q 'using TCG' "$T/err2"; then
	why="said TCG again"
elif [ "$(cat "$T/vm2/accel")" != tcg ]; then
	why="accel $(cat "$T/vm2/accel")"
fi
result kvm_probe_cached "$why"

# 3. The cache is keyed by the host's boot id and QEMU's version.
printf 'boot 00000000-0000-0000-0000-000000000000; QEMU emulator version 0\nkvm\n' >"$T/accel"
a=$("$TOP/harness/accel.sh" "$kernel" 2>/dev/null) || a="failed"
why=
[ "$(kvm_starts)" = 2 ] || why="a stale cache was used ($(kvm_starts) KVM starts)"
[ "$a" = tcg ] || why="answer $a"
result kvm_probe_cache_keyed_by_host_boot "$why"

# 4. QEMU that refuses -accel kvm means TCG at once.
rm -f "$T/accel"
start=$(now)
a=$(FAKE_KVM=fail "$TOP/harness/accel.sh" "$kernel" 2>"$T/err4") || a="failed"
why=
[ "$a" = tcg ] || why="answer $a"
grep -q 'fails under -accel kvm' "$T/err4" || why="${why:-no line saying why}"
le "$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')" 3 || why="${why:-took longer than 3s}"
result kvm_error_means_tcg "$why"

# 5. A KVM that boots the kernel is used (the fake runs TCG, so a longer
# limit than a real KVM would need).
rm -f "$T/accel"
a=$(FAKE_KVM=works VM_KVM_PROBE_TIMEOUT=60 "$TOP/harness/accel.sh" "$kernel" 2>"$T/err5") || a="failed"
why=
[ "$a" = kvm ] || why="answer $a: $(tail -n 1 "$T/err5")"
[ "$(sed -n 2p "$T/accel" 2>/dev/null)" = kvm ] || why="${why:-kvm not cached}"
result kvm_that_boots_is_used "$why"

# 6. The override, a bad value, and a host without /dev/kvm: no probe.
rm -f "$T/accel" "$T/starts"
why=
[ "$(VM_ACCEL=tcg "$TOP/harness/accel.sh" "$kernel")" = tcg ] || why="VM_ACCEL=tcg"
[ "$(VM_ACCEL=kvm "$TOP/harness/accel.sh" "$kernel")" = kvm ] || why="VM_ACCEL=kvm"
[ "$(VM_KVM_DEV=/nonexistent "$TOP/harness/accel.sh" "$kernel")" = tcg ] || why="no /dev/kvm"
VM_ACCEL=fast "$TOP/harness/accel.sh" "$kernel" >/dev/null 2>&1 && why="VM_ACCEL=fast accepted"
[ -e "$T/starts" ] && why="${why:-QEMU started: $(cat "$T/starts")}"
result vm_accel_override_no_probe "$why"

# 7. A guest that prints nothing (forced onto the broken KVM) is a failed
# boot, stopped at its boot limit, not at the run's limit.
rc=0
start=$(now)
VM_ACCEL=kvm VM_BOOT_TIMEOUT=5 vm "$T/vm7" --timeout 600 --quiet -- true 2>"$T/err7" || rc=$?
took=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
why=
[ $rc -eq 123 ] || why="status $rc, expected 123: $(tail -n 1 "$T/err7")"
grep -q 'did not boot' "$T/err7" || why="${why:-no line saying so}"
le "$took" 20 || why="${why:-took ${took}s}"
result dead_guest_fails_fast "$why"

# 8. A guest that booted and then prints nothing is killed at the stall
# limit and the program it was running is named; the output before that
# was printed as it came.
start=$(now)
set +e
VM_ACCEL=tcg vm "$T/vm8" --timeout 600 --stall 10 --follow -- \
	'echo "# start: sleeper (limit 1s)"; sleep 2; echo second; sleep 600' 2>"$T/err8" |
	while IFS= read -r line; do echo "$(now) $line"; done >"$T/out8"
rc=${PIPESTATUS[0]}
set -e
end=$(now)
took=$(awk -v a="$end" -v b="$start" 'BEGIN { print a - b }')
why=
if [ "$rc" -ne 122 ]; then
	why="status $rc, expected 122: $(tail -n 1 "$T/err8")"
elif ! grep -q 'while running sleeper' "$T/err8"; then
	why="the stall report does not name the program"
elif [ "$(running_program "$T/vm8/job.log")" != sleeper ]; then
	why="running_program says '$(running_program "$T/vm8/job.log")'"
elif ! le "$took" 120; then
	why="took ${took}s"
else
	seen=$(awk '$2 == "second" { print $1 }' "$T/out8")
	if [ -z "$seen" ]; then
		why="the job's output was not printed"
	elif ! le "$(awk -v a="$end" -v b="$seen" 'BEGIN { print 8 - (a - b) }')" 0; then
		why="output printed only $(awk -v a="$end" -v b="$seen" 'BEGIN { print a - b }')s before the end: not as it came"
	fi
fi
result stalled_guest_named_and_followed "$why"

# 9. "quiet" hides the kernel banner; the job's output still proves the boot.
rc=0
VM_ACCEL=tcg VM_BOOT_TIMEOUT=30 vm "$T/vm9" --timeout 120 --append quiet --follow -- \
	'echo quiet-boot-ok' >"$T/out9" 2>"$T/err9" || rc=$?
why=
[ $rc -eq 0 ] || why="status $rc: $(tail -n 1 "$T/err9")"
grep -qx quiet-boot-ok "$T/out9" || why="${why:-no output}"
result quiet_kernel_boots "$why"

echo "$pass passed, $fail failed, 0 skipped"
[ $fail -eq 0 ]
