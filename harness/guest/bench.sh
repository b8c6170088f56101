#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One round of the benchmark workloads in the guest (tools/testing/selftests/
# vswap/swapbench.c), each from the same start: zswap on in front of the fast
# disk, a cgroup with memory.max = $BENCH_LIMIT_MB.
#
# Usage: bench.sh MODE [SCALE]
#   MODE   base (unpatched kernel), on or off (the series, virtual swap on
#          or off at run time)
#   SCALE  divides every size (default 1; "make check" smoke-runs 8)
# With KTAP=1 in the environment it also prints "ok N name" or "not ok N
# name" per workload, for the smoke run in the test suite.

mode=$1
scale=${2:-1}
KNOB=/sys/kernel/mm/swap/vswap_enabled
CG=/sys/fs/cgroup/bench
limit=$((64 / scale))

# start DEV [KIB]: only DEV on as swap, freshly made (KIB of it if given).
start() {
	swapoff /dev/swap-fast 2>/dev/null
	swapoff /dev/swap-slow 2>/dev/null
	mkswap "$1" $2 >/dev/null || { echo "bench: mkswap $1 failed"; exit 1; }
	case $mode in
	on) echo 1 >$KNOB ;;
	off) echo 0 >$KNOB ;;
	base) [ -e $KNOB ] && { echo "bench: base kernel has $KNOB"; exit 1; } ;;
	*) echo "bench: unknown mode $mode"; exit 1 ;;
	esac
	echo Y >/sys/module/zswap/parameters/enabled
	swapon "$1" || { echo "bench: swapon $1 failed"; exit 1; }
	rmdir $CG 2>/dev/null
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir $CG && echo ${limit}M >$CG/memory.max
}

n=0
# run [-d DEV [KIB]] WORKLOAD ARGS...: one workload from a fresh start.
run() {
	dev=/dev/swap-fast kib=
	if [ "$1" = -d ]; then
		dev=$2 kib=$3
		shift 3
	fi
	n=$((n + 1))
	start $dev $kib
	if swapbench "$@"; then
		[ -n "$KTAP" ] && echo "ok $n $1"
	else
		echo "bench: swapbench $1 failed ($?)"
		[ -n "$KTAP" ] && echo "not ok $n $1"
	fi
}

echo "bench mode=$mode scale=$scale kernel=$(uname -r)"
# Metadata first, while swap is still unused: at 0, 50 and 100% use of a
# 256 MiB device (the slow disk, made smaller so that 100% of it fits in
# zswap).
meta=$((262144 / scale))
run -d /dev/swap-slow $meta metadata zswap /dev/swap-slow 0
for kind in zswap disk; do
	for pct in 50 100; do
		run -d /dev/swap-slow $meta metadata $kind /dev/swap-slow $pct
	done
done
run throughput $CG $((256 / scale))
run free $CG $((256 / scale))
run slots $CG $((64 / scale)) /dev/swap-fast
# Half of memory.max, so that all of it can be back in memory at once.
run compressor $CG $((32 / scale))
run swapoff $CG $((192 / scale)) /dev/swap-fast $((512 / scale)) 4
exit 0
