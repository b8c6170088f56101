#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel in QEMU, run one shell command in the guest as root and
# report.  Used by "make vm", "make check", "make run" and "make bench".
#
#   vm.sh [options] -- COMMAND...
#     --kernel FILE    bzImage (default: build/obj-$VARIANT/arch/x86/boot/bzImage)
#     --initrd FILE    base initramfs (default: build/initramfs.cpio)
#     --extra FILE     host file to put in the guest under /extra (repeatable)
#     --timeout SECS   wall-clock limit for the whole boot (default 600)
#     --stall SECS     kill the guest if it prints nothing for SECS once it
#                      booted (default: off; see harness/vmwatch.py)
#     --mem SIZE       guest RAM (default 1G)
#     --smp N          guest CPUs (default 2)
#     --append ARGS    extra kernel command-line arguments
#     --out DIR        keep kernel.log and job.log there (default: a temp dir)
#     --keep-disks     boot with the disk images a previous boot left in
#                      --out DIR instead of fresh ones (hibernation's resume)
#     --quiet          print nothing but the closing status line
#     --follow         print only the job's output, as it arrives
#     --no-klog        print the job output but not the kernel log
#
# By default the job's output is printed as it arrives, then the kernel log.
# The accelerator is KVM only if it is proven to boot a kernel on this host
# (harness/accel.sh; VM_ACCEL=auto|kvm|tcg), TCG otherwise; it is recorded in
# DIR/accel and on QEMU's command line in DIR/qemu.cmdline.  A guest whose
# kernel prints nothing within VM_BOOT_TIMEOUT seconds (default 60) has
# failed to boot and is stopped at once.
#
# The guest gets two virtio-blk disks for swap, /dev/swap-fast (vda) and
# /dev/swap-slow (vdb), fresh and empty on every boot (unless --keep-disks),
# and an ext2 scratch
# filesystem on /mnt/scratch (vdc) for tests that need a page cache.
# VM_SLOW_BPS=N limits the slow disk to N bytes per second, reads and
# writes together (QEMU's throttling.bps-total), so that a slow disk costs
# under TCG what it would on hardware; "make bench" sets it.  The exit
# status is the command's; 122 if the guest stalled (--stall); 123 if it did
# not boot; 124 if it timed out; 125 if the kernel log has a BUG, WARNING,
# Oops, KASAN, lockdep or list corruption report; 126 if the guest died
# before reporting a status.

source "$(dirname "$0")/lib.sh"

VARIANT=${VARIANT:-fast}
kernel=$BUILD/obj-$VARIANT/arch/x86/boot/bzImage
initrd=$BUILD/initramfs.cpio
timeout=600
stall=0
mem=${VM_MEM:-1G}
smp=${VM_SMP:-2}
append=
out=
quiet=0
follow=0
klog=1
keep_disks=0
extras=()

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--extra) extras+=("$2"); shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--stall) stall=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--append) append="$append $2"; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--follow) follow=1; shift ;;
	--no-klog) klog=0; shift ;;
	--keep-disks) keep_disks=1; shift ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || die "vm.sh: no command given"

need_tools qemu-system-x86_64 cpio python3
[ -r "$kernel" ] || die "no kernel image $kernel: run 'make kernel' first"
[ -r "$initrd" ] || die "no initramfs $initrd: run 'make initramfs' first"

if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/vswap-vm.XXXXXX")
	trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
rm -rf "$out/overlay" "$out/kernel.log" "$out/job.log"
mkdir -p "$out/overlay/extra"

# The job: the command, run by /bin/sh from the guest's /tmp.
{
	echo "#!/bin/sh"
	printf '%s\n' "$*"
} >"$out/overlay/job.sh"
chmod +x "$out/overlay/job.sh"
for f in "${extras[@]}"; do
	[ -e "$f" ] || die "--extra $f: no such file"
	cp -a "$f" "$out/overlay/extra/"
done
# A second cpio archive appended to the first overlays it in the guest.
(cd "$out/overlay" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$out/overlay.cpio"
cat "$initrd" "$out/overlay.cpio" >"$out/initrd.cpio"

if [ "$keep_disks" = 1 ]; then
	for img in fast slow scratch; do
		[ -s "$out/$img.img" ] || die "--keep-disks: no $out/$img.img from an earlier boot"
	done
else
	truncate -s 0 "$out/fast.img" "$out/slow.img" "$out/scratch.img"
	truncate -s "${VM_FAST_DISK:-2G}" "$out/fast.img"
	truncate -s "${VM_SLOW_DISK:-2G}" "$out/slow.img"
	truncate -s 1G "$out/scratch.img"
fi

accel=$("$TOP/harness/accel.sh" "$kernel")
echo "$accel" >"$out/accel"

# -no-reboot turns the guest's final reboot into a QEMU exit.  Nothing reads
# stdin and no terminal is needed.
qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none
	-machine q35 -cpu max -smp "$smp" -m "$mem" -no-reboot -accel "$accel"
	-kernel "$kernel" -initrd "$out/initrd.cpio"
	-append "console=ttyS0 rdinit=/init panic=-1 panic_on_warn=0 reboot=t oops=panic loglevel=7 harness.timeout=$timeout $append"
	-serial "file:$out/kernel.log" -serial "file:$out/job.log"
	-drive "file=$out/fast.img,if=virtio,format=raw,cache=unsafe,discard=unmap"
	-drive "file=$out/slow.img,if=virtio,format=raw,cache=unsafe,discard=unmap${VM_SLOW_BPS:+,throttling.bps-total=$VM_SLOW_BPS}"
	-drive "file=$out/scratch.img,if=virtio,format=raw,cache=unsafe")
echo "${qemu[*]}" >"$out/qemu.cmdline"

watch=(--kernel-log "$out/kernel.log" --job-log "$out/job.log" --log "$out/qemu.log"
	--limit "$((timeout + 30))" --boot-limit "${VM_BOOT_TIMEOUT:-60}" --stall-limit "$stall")
if [ "$quiet" = 0 ]; then
	watch+=(--follow)
	[ "$follow" = 1 ] || echo "==================== guest output ===================="
fi
: >"$out/kernel.log"
: >"$out/job.log"
rc=0
start=$(date +%s)
python3 "$TOP/harness/vmwatch.py" "${watch[@]}" -- "${qemu[@]}" 2>"$out/watch.log" || rc=$?
elapsed=$(($(date +%s) - start))

if [ "$quiet" = 0 ] && [ "$follow" = 0 ]; then
	if [ "$klog" = 1 ]; then
		echo "==================== kernel log ======================"
		tr -d '\r' <"$out/kernel.log" 2>/dev/null || true
	fi
	echo "======================================================"
fi

status=$(sed -n 's/^VM-EXIT-STATUS: \([0-9]*\).*/\1/p' "$out/job.log" 2>/dev/null | tail -n1)
bad=$("$TOP/harness/kcheck.sh" "$out/kernel.log" || true)

# A report that came before a stall or a timeout is what the reader needs.
if [ -n "$bad" ] && [ $rc -ge 122 ] && [ $rc -le 124 ]; then
	echo "vm: kernel log reports a problem: $bad" >&2
fi
# What the job was doing: the program a "# start: NAME" line (as
# harness/guest/suite.sh prints) announced, else its last line of output.
doing=$(running_program "$out/job.log")
if [ -n "$doing" ]; then
	doing="while running $doing"
else
	doing="after the job printed: $(tr -d '\r' <"$out/job.log" | grep -v '^VM-' | tail -n 1 || true)"
fi
case $rc in
122)
	echo "vm: guest stalled and killed after ${elapsed}s: no output for ${stall}s ($accel), $doing; logs in $out" >&2
	exit 122
	;;
123)
	echo "vm: guest did not boot: no kernel output within ${VM_BOOT_TIMEOUT:-60}s ($accel; VM_ACCEL=tcg forces TCG); logs in $out" >&2
	exit 123
	;;
124)
	echo "vm: guest did not finish within ${timeout}s (killed, $accel), $doing; logs in $out" >&2
	exit 124
	;;
esac
if [ -n "$bad" ]; then
	echo "vm: kernel log reports a problem: $bad" >&2
	exit 125
fi
if [ -z "$status" ]; then
	echo "vm: guest ended after ${elapsed}s without reporting an exit status (qemu rc $rc): $(tail -n1 "$out/qemu.log" 2>/dev/null)" >&2
	exit 126
fi
echo "vm: command exited with status $status after ${elapsed}s ($accel)" >&2
exit "$status"
