#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "make run" workload, in the guest: zswap in front of a fast and a slow
# disk, a memory-limited cgroup writing more than its limit, and a summary of
# where the swapped pages went.
#
# Environment: DEMO_MB (workload size, MiB), DEMO_LIMIT_MB (memory.max),
# DEMO_POOL_PERCENT (zswap max_pool_percent).

MB=${DEMO_MB:-384}
LIMIT=${DEMO_LIMIT_MB:-96}
POOL=${DEMO_POOL_PERCENT:-4}
CG=/sys/fs/cgroup/demo
Z=/sys/module/zswap/parameters

mkswap /dev/swap-fast >/dev/null && mkswap /dev/swap-slow >/dev/null || exit 1
swapctl on /dev/swap-fast 10 || exit 1
swapctl on /dev/swap-slow 5 || exit 1
echo lz4 >$Z/compressor
echo zsmalloc >$Z/zpool
echo "$POOL" >$Z/max_pool_percent
echo Y >$Z/shrinker_enabled
echo Y >$Z/enabled

echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p $CG
echo $((LIMIT << 20)) >$CG/memory.max

# Run memhog ARGS in the cgroup and wait until it holds its memory; $pid.
start_memhog() {
	sh -c "echo \$\$ >$CG/cgroup.procs && exec memhog $*" >/tmp/memhog.out 2>&1 &
	pid=$!
	i=0
	while ! grep -q holding /tmp/memhog.out && kill -0 $pid 2>/dev/null; do
		sleep 1
		i=$((i + 1))
		[ $i -gt 600 ] && break
	done
	cat /tmp/memhog.out
}

snap() {
	for k in pswpin pswpout zswpin zswpout zswpwb swpin_zero swpout_zero; do
		printf '%s %s\n' "$k" "$(awk -v k=$k '$1 == k { print $2 }' /proc/vmstat)"
	done
}
snap >/tmp/before

echo "== Linux $(uname -r): zswap ($(cat $Z/compressor)/$(cat $Z/zpool), pool limit $POOL% of RAM) over a fast and a slow disk"
echo "== workload: memhog, $MB MiB of mixed pages (zero, same-filled, compressible, incompressible), 2 passes, in a cgroup with memory.max=${LIMIT}M"
start_memhog -p 2 -H $MB

kib() { awk -v d="$1" '$1 == d { print $4 }' /proc/swaps; }
pages_kib() { echo $(($1 * 4)); }
stored=$(cat /sys/kernel/debug/zswap/stored_pages)
pool=$(cat /sys/kernel/debug/zswap/pool_total_size)
wb=$(cat /sys/kernel/debug/zswap/written_back_pages)
snap >/tmp/after
delta() { awk -v k=$1 'NR == FNR { b[$1] = $2; next } $1 == k { print $2 - b[$1] }' /tmp/before /tmp/after; }

echo
echo "== where the swapped pages are now (workload still holding its memory)"
printf '  %-28s %10s\n' "backend" "KiB"
printf '  %-28s %10s  (%s pages, pool %s KiB)\n' "zswap pool (compressed RAM)" "$(pages_kib $stored)" "$stored" "$((pool / 1024))"
printf '  %-28s %10s\n' "/dev/vda fast disk, prio 10" "$(kib /dev/vda)"
printf '  %-28s %10s\n' "/dev/vdb slow disk, prio 5" "$(kib /dev/vdb)"
printf '  %-28s %10s\n' "cgroup memory.swap.current" "$(($(cat $CG/memory.swap.current) / 1024))"
printf '  %-28s %10s\n' "cgroup memory.zswap.current" "$(($(cat $CG/memory.zswap.current) / 1024))"
echo
echo "== counters during the workload (/proc/vmstat deltas)"
for k in pswpout pswpin zswpout zswpin zswpwb swpout_zero swpin_zero; do
	printf '  %-14s %8s\n' $k "$(delta $k)"
done
printf '  %-14s %8s  (debugfs zswap/written_back_pages)\n' written_back "$wb"
echo
echo "== /proc/swaps"
cat /proc/swaps

kill -USR1 $pid
wait $pid
rc=$?
tail -n 1 /tmp/memhog.out
rmdir $CG 2>/dev/null
[ $rc -eq 0 ] && echo "== data verified byte by byte: OK" || { echo "== DATA CHECK FAILED (memhog status $rc)"; exit $rc; }

# The series: zswap with no swap device at all, through virtual swap.
V=/sys/kernel/debug/vswap
[ -w /sys/kernel/mm/swap/vswap_enabled ] || exit 0
swapctl off /dev/swap-fast && swapctl off /dev/swap-slow || exit 1
echo 1 >/sys/kernel/mm/swap/vswap_enabled
mkdir -p $CG
echo $((LIMIT << 20)) >$CG/memory.max
echo
echo "== virtual swap on, swap devices off: $((MB / 2)) MiB of compressible pages in the same cgroup"
start_memhog -m text -H $((MB / 2))
printf '  %-34s %10s\n' "virtual slots: in zswap" "$(cat $V/zswap)"
printf '  %-34s %10s\n' "virtual slots: same-filled" "$(cat $V/same)"
printf '  %-34s %10s\n' "virtual slots: only in memory" "$(cat $V/memory)"
printf '  %-34s %10s\n' "virtual swap metadata (bytes)" "$(cat $V/metadata_bytes)"
printf '  %-34s %10s\n' "cgroup memory.swap.current (KiB)" "$(($(cat $CG/memory.swap.current) / 1024))"
printf '  %-34s %10s\n' "swap devices in /proc/swaps" "$(($(wc -l </proc/swaps) - 1))"
kill -USR1 $pid
wait $pid
rc=$?
tail -n 1 /tmp/memhog.out
echo 0 >/sys/kernel/mm/swap/vswap_enabled
rmdir $CG 2>/dev/null
[ $rc -eq 0 ] && echo "== data verified byte by byte: OK" || echo "== DATA CHECK FAILED (memhog status $rc)"
exit $rc
