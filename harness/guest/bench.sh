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
#          scaling nozswap tiers inversion moverate locks locks_tiers
#          (default all but the locks ones, which need a kernel with
#          CONFIG_LOCK_STAT).  nozswap
#          runs throughput and the disk metadata with zswap off (the
#          disk-only figures).  tiers runs throughput with swap tiers
#          (zswap, fast, slow) in a cgroup restricted to zswap and fast,
#          with a byte limit on zswap that it does not reach, on the series
#          only: where its pages go is as in throughput, so the two differ
#          by what tiers cost.  locks_tiers is locks so set up.
#          inversion and moverate are tierbench's (tierbench.c), on the
#          slow disk, which "make bench" throttles (VM_SLOW_BPS).
# With KTAP=1 in the environment it also prints "ok N name" or "not ok N
# name" per workload, for the smoke run in the test suite.

mode=$1
scale=${2:-1}
workloads=${3:-metadata throughput free slots compressor swapoff scaling nozswap tiers moverate inversion}
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
	[ -n "$suffix" ] && name=$1$suffix
	bench=swapbench
	[ "$1" = inversion ] && bench=tierbench
	if $bench "$@" >/tmp/swapbench.out; then
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
# LRU inversion at zswap's pool limit: zswap in front of the slow disk, the
# pool at 1% of RAM (about 10 MiB, charged to the 64 MiB cgroup; pages
# compress to about a seventh), the shrinker on as for the baseline; on
# the series also with the shrinker off, which keeps 6.12's refusals at
# the limit (inversion_noauto; not in scaled runs).  memory.max, cold and
# hot sets: issue 14; then 6 rounds of 64 MiB of new cold data, each
# followed by a read of the hot set: the new data pushes the whole hot set
# out every round (with 16 MiB rounds most of it stayed resident, and the
# figure counted evictions, not where they went).
ZP=/sys/module/zswap/parameters
run_inversion() {
	pool_was=$(cat $ZP/max_pool_percent) shrinker_was=$(cat $ZP/shrinker_enabled)
	echo 1 >$ZP/max_pool_percent
	echo "$1" >$ZP/shrinker_enabled
	run -d /dev/swap-slow "" inversion $CG $((96 / scale)) $((32 / scale)) $((64 / scale)) 6
	echo "$pool_was" >$ZP/max_pool_percent
	echo "$shrinker_was" >$ZP/shrinker_enabled
}
if want inversion; then
	run_inversion Y
	if [ $mode = on ] && [ "$scale" = 1 ]; then
		suffix=_noauto
		run_inversion N
		suffix=
	fi
fi
# The rate of moves against the slow disk's raw write rate at the moves'
# request size, on the series with virtual swap on: zswap -> slow (the
# cgroup has "fast 0") and fast -> slow, each of 64 MiB.
moverate() {
	n=$((n + 1))
	start /dev/swap-fast
	echo max >$CG/memory.max
	echo 50 >$ZP/max_pool_percent
	tiers_clear
	swapoff /dev/swap-fast
	echo "+slow:-1 +fast:10" >$TIERS && mkswap /dev/swap-slow >/dev/null &&
		mkswap /dev/swap-fast >/dev/null && swapctl on /dev/swap-slow 5 &&
		swapctl on /dev/swap-fast 10 && echo "fast 0" >$CG/memory.swap.tiers.max ||
		{ echo "bench: moverate setup failed"; exit 1; }
	mb=$((64 / scale))
	ok=1
	tierbench demote $CG $mb zswap /dev/swap-slow >/tmp/mv.zswap || ok=0
	echo "fast max" >$CG/memory.swap.tiers.max
	echo N >/sys/module/zswap/parameters/enabled
	tierbench demote $CG $mb fast /dev/swap-slow >/tmp/mv.fast || ok=0
	echo 20 >$ZP/max_pool_percent
	swapoff /dev/swap-slow
	for src in zswap fast; do
		req=$(sed -n 's/.* req_kb=\([0-9]*\).*/\1/p' /tmp/mv.$src)
		[ -n "$req" ] && [ "$req" -gt 0 ] || { ok=0; continue; }
		tierbench raw /dev/swap-slow "$req" $mb >/tmp/mv.raw || ok=0
		raw=$(sed -n 's/.* mb_s=\([0-9.]*\).*/\1/p' /tmp/mv.raw)
		sed "s/^demote_$src /moverate_$src raw_mb_s=$raw /" /tmp/mv.$src
	done
	if [ $ok = 1 ]; then
		[ -n "$KTAP" ] && echo "ok $n moverate"
	else
		echo "bench: tierbench moverate failed"
		[ -n "$KTAP" ] && echo "not ok $n moverate"
	fi
}
want moverate && [ $mode = on ] && [ -w $TIERS ] && moverate
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
