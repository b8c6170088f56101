#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One round of the benchmark workloads in the guest (tools/testing/selftests/
# vswap/swapbench.c), each from the same start: zswap on in front of the fast
# disk, a cgroup with memory.max = $BENCH_LIMIT_MB.
#
# Usage: bench.sh MODE [SCALE [WORKLOADS]]
#   MODE   base (unpatched kernel), on or off (the series, virtual swap on
#          or off at run time)
#   SCALE  divides every size (default 1; "make check" smoke-runs 8)
#   WORKLOADS  which of: metadata throughput free slots compressor swapoff
#          scaling nozswap tiers locks locks_tiers (default all but the
#          locks ones, which need a kernel with CONFIG_LOCK_STAT).  nozswap
#          runs throughput and the disk metadata with zswap off (the
#          disk-only figures).  tiers runs throughput with swap tiers
#          (zswap, fast, slow) in a cgroup restricted to zswap and fast,
#          with a byte limit on zswap that it does not reach, on the series
#          only: where its pages go is as in throughput, so the two differ
#          by what tiers cost.  locks_tiers is locks so set up.
# With KTAP=1 in the environment it also prints "ok N name" or "not ok N
# name" per workload, for the smoke run in the test suite.

mode=$1
scale=${2:-1}
workloads=${3:-metadata throughput free slots compressor swapoff scaling nozswap tiers}
zswap=Y
tiered=N
KNOB=/sys/kernel/mm/swap/vswap_enabled
TIERS=/sys/kernel/mm/swap/tiers
CG=/sys/fs/cgroup/bench
limit=$((64 / scale))

# Remove every device tier (the devices are off).
tiers_clear() {
	[ -w $TIERS ] || return 0
	ops=$(awk 'NR > 1 { printf "-%s ", $1 }' $TIERS)
	[ -z "$ops" ] || echo "$ops" >$TIERS
}

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
	echo $zswap >/sys/module/zswap/parameters/enabled
	tiers_clear
	if [ $tiered = Y ]; then
		# Tiers before swapon: a device charges the tier it joins then.
		echo "+slow:-1 +fast:10" >$TIERS || { echo "bench: no tiers"; exit 1; }
		mkswap /dev/swap-slow >/dev/null && swapctl on /dev/swap-slow 5 &&
			swapctl on "$1" 10 || { echo "bench: swapon failed"; exit 1; }
	else
		swapon "$1" || { echo "bench: swapon $1 failed"; exit 1; }
	fi
	rmdir $CG 2>/dev/null
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir $CG && echo ${limit}M >$CG/memory.max
	if [ $tiered = Y ]; then
		echo "slow 0" >$CG/memory.swap.tiers.max &&
			echo "zswap 1G" >$CG/memory.swap.tiers.max ||
			{ echo "bench: memory.swap.tiers.max"; exit 1; }
	fi
}

n=0
# run [-d DEV [KIB]] WORKLOAD ARGS...: one workload from a fresh start.
# With zswap=N its lines are renamed WORKLOAD_nozswap.
run() {
	dev=/dev/swap-fast kib=
	if [ "$1" = -d ]; then
		dev=$2 kib=$3
		shift 3
	fi
	n=$((n + 1))
	start $dev $kib
	name=$1
	[ $zswap = N ] && name=${1}_nozswap
	[ $tiered = Y ] && [ "$1" != locks ] && name=${1}_tiers
	if swapbench "$@" >/tmp/swapbench.out; then
		rc=0
	else
		rc=$?
	fi
	sed "s/^$1 /$name /" /tmp/swapbench.out
	if [ $rc = 0 ]; then
		[ -n "$KTAP" ] && echo "ok $n $name"
	else
		echo "bench: swapbench $name failed ($rc)"
		[ -n "$KTAP" ] && echo "not ok $n $name"
	fi
}

# want WORKLOAD: is it in this round's list?
want() {
	case " $workloads " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

echo "bench mode=$mode scale=$scale cpus=$(grep -c ^processor /proc/cpuinfo) kernel=$(uname -r)"
# Metadata first, while swap is still unused: at 0, 50 and 100% use of a
# 256 MiB device (the slow disk, made smaller so that 100% of it fits in
# zswap).
meta=$((262144 / scale))
if want metadata; then
	run -d /dev/swap-slow $meta metadata zswap /dev/swap-slow 0
	for kind in zswap disk; do
		for pct in 50 100; do
			run -d /dev/swap-slow $meta metadata $kind /dev/swap-slow $pct
		done
	done
fi
# tiers first when the list starts with it (harness/bench.sh alternates
# the order of tiers and throughput between rounds).
tiers_first=N
[ "${workloads%% *}" = tiers ] && tiers_first=Y
run_tiers() {
	if want tiers && [ -w $TIERS ]; then
		tiered=Y
		run throughput $CG $((256 / scale))
		tiered=N
	fi
}
[ $tiers_first = Y ] && run_tiers
want throughput && run throughput $CG $((256 / scale))
want free && run free $CG $((256 / scale))
want slots && run slots $CG $((64 / scale)) /dev/swap-fast
# Half of memory.max, so that all of it can be back in memory at once.
want compressor && run compressor $CG $((32 / scale))
want swapoff && run swapoff $CG $((192 / scale)) /dev/swap-fast $((512 / scale)) 4
# N = 1 ... every guest CPU, 16 MiB each, 4 round trips.
want scaling && run scaling $CG $((16 / scale)) 0 4
# One round trip of 32 MiB through zswap with the lock statistics reset,
# the fast disk non-rotational, so that 6.12 takes its best path (clusters
# and the per-CPU slot cache) for the baseline's physical entries.
if want locks; then
	echo 0 >/sys/block/$(basename "$(readlink -f /dev/swap-fast)")/queue/rotational
	run locks $CG $((32 / scale))
fi
# The same with tiers, a boot of its own: the lock statistics are the
# boot's.  Named locks, so that the report reads it as locks.
if want locks_tiers; then
	echo 0 >/sys/block/$(basename "$(readlink -f /dev/swap-fast)")/queue/rotational
	tiered=Y
	run locks $CG $((32 / scale))
	tiered=N
fi
# Tiers, on the series only (the baseline has none): throughput_tiers.
[ $tiers_first = N ] && run_tiers
# Disk only: zswap off, as most distributions ship it.
if want nozswap; then
	zswap=N
	for pct in 0 50 100; do
		run -d /dev/swap-slow $meta metadata disk /dev/swap-slow $pct
	done
	run throughput $CG $((256 / scale))
	zswap=Y
fi
exit 0
