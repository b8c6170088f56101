#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "make run" workload, in the guest: swap tiers.  Three tiers - zswap,
# a fast disk (tier "fast") and a slow disk (tier "slow") - and three
# cgroups with different policies in memory.swap.tiers.max, each running
# memhog past its memory.max at the same time:
#
#   latency  zswap and the fast disk only             ("slow 0")
#   batch    the slow disk only                       ("zswap 0", "fast 0")
#   capped   DEMO_ZSWAP_MB of zswap, then the slow disk ("zswap NM", "fast 0")
#
# It prints where each cgroup's data is, per tier (memory.swap.tiers.current),
# checks it against the policy, demotes some of two cgroups' oldest data
# one tier down (memory.swap.tiers.demote) and shows the tiers before and
# after, and has every memhog verify every byte.  Then automatic movement:
# a fourth cgroup, "auto", swaps into a zswap pool limited to 1% of RAM
# with the shrinker on; the pool makes room for its newest pages by moving
# the oldest to the fast disk, instead of sending the newest there.
#
# Environment: DEMO_MB (per cgroup, MiB), DEMO_LIMIT_MB (memory.max),
# DEMO_ZSWAP_MB (capped's zswap limit), DEMO_POOL_PERCENT (zswap pool).

MB=${DEMO_MB:-128}
LIMIT=${DEMO_LIMIT_MB:-48}
ZCAP=${DEMO_ZSWAP_MB:-16}
POOL=${DEMO_POOL_PERCENT:-20}
Z=/sys/module/zswap/parameters
TIERS=/sys/kernel/mm/swap/tiers
VSWAP=/sys/kernel/mm/swap/vswap_enabled
CGS="latency batch capped"
rc=0

# Virtual swap first: with it, a slot on a disk is taken only when data
# goes there, and byte limits and usage per tier work.
[ -w $VSWAP ] && echo 1 >$VSWAP
echo "+slow:-1 +fast:10" >$TIERS || exit 1
mkswap /dev/swap-fast >/dev/null && mkswap /dev/swap-slow >/dev/null || exit 1
swapctl on /dev/swap-fast 10 || exit 1
swapctl on /dev/swap-slow 5 || exit 1
echo lz4 >$Z/compressor
echo zsmalloc >$Z/zpool
echo "$POOL" >$Z/max_pool_percent
echo Y >$Z/enabled

echo +memory >/sys/fs/cgroup/cgroup.subtree_control
for cg in $CGS; do
	mkdir -p /sys/fs/cgroup/$cg
	echo $((LIMIT << 20)) >/sys/fs/cgroup/$cg/memory.max
done
policy() { echo "$2" >/sys/fs/cgroup/$1/memory.swap.tiers.max || exit 1; }
policy latency "slow 0"
policy batch "zswap 0"
policy batch "fast 0"
policy capped "zswap ${ZCAP}M"
policy capped "fast 0"

echo "== Linux $(uname -r), virtual swap $(cat $VSWAP 2>/dev/null || echo n/a)"
echo "== tiers ($TIERS), zswap $(cat $Z/compressor)/$(cat $Z/zpool) on top:"
sed 's/^/  /' $TIERS
echo "== three cgroups, memory.max ${LIMIT}M each, each running memhog over $MB MiB"
echo "   of mixed pages (zero, same-filled, compressible, incompressible):"
for cg in $CGS; do
	printf '  %-8s %s\n' $cg "$(tr '\n' ' ' </sys/fs/cgroup/$cg/memory.swap.tiers.max)"
done

# memhog in cgroup $1, holding its memory once written; its pid in pid_$1.
start_memhog() {
	sh -c "echo \$\$ >/sys/fs/cgroup/$1/cgroup.procs && exec memhog -H $MB" \
		>/tmp/memhog.$1 2>&1 &
	eval "pid_$1=$!"
}
# Wait until cgroup $1's memhog holds its memory (or is gone).
wait_holding() {
	i=0
	while ! grep -q holding /tmp/memhog.$1 && kill -0 "$(eval echo \$pid_$1)" 2>/dev/null; do
		sleep 1
		i=$((i + 1))
		[ $i -gt 600 ] && break
	done
}
for cg in $CGS; do start_memhog $cg; done
for cg in $CGS; do wait_holding $cg; done

kib() { echo $(($(awk -v t="$2" '$1 == t { print $2 }' /sys/fs/cgroup/$1/memory.swap.tiers.current) / 1024)); }
echo
echo "== where each cgroup's swapped data is (memory.swap.tiers.current, KiB)"
printf '  %-8s %10s %10s %10s %12s\n' cgroup zswap fast slow swap.current
for cg in $CGS; do
	printf '  %-8s %10s %10s %10s %12s\n' $cg "$(kib $cg zswap)" "$(kib $cg fast)" \
		"$(kib $cg slow)" "$(($(cat /sys/fs/cgroup/$cg/memory.swap.current) / 1024))"
done
echo
echo "== pages that went past a tier (memory.swap.tiers.events)"
for cg in $CGS; do
	sed "s/^/  $cg: /" /sys/fs/cgroup/$cg/memory.swap.tiers.events
done
echo
echo "== /proc/swaps"
sed 's/^/  /' /proc/swaps

# The policies, checked: what a cgroup may not use it did not use.
check() {
	if [ "$2" ]; then echo "  ok: $1"; else echo "  VIOLATED: $1"; rc=1; fi
}
echo
echo "== policy"
check "latency has nothing on slow" "$([ "$(kib latency slow)" -eq 0 ] && echo y)"
check "batch has nothing in zswap or on fast" \
	"$([ "$(kib batch zswap)" -eq 0 ] && [ "$(kib batch fast)" -eq 0 ] && echo y)"
check "capped has at most ${ZCAP} MiB (and a little in flight) in zswap" \
	"$([ "$(kib capped zswap)" -le $(((ZCAP + 1) * 1024)) ] && echo y)"
check "capped has nothing on fast" "$([ "$(kib capped fast)" -eq 0 ] && echo y)"
check "capped went past zswap to slow" "$([ "$(kib capped slow)" -gt 0 ] && echo y)"
zlimit=$(sed -n 's/^zswap limit=\([0-9]*\).*/\1/p' /sys/fs/cgroup/capped/memory.swap.tiers.events)
check "capped's zswap limit counted pages sent on: $zlimit" "$([ "$zlimit" -gt 0 ] && echo y)"

# Demotion: move the oldest data one tier down, on demand, and show the
# tiers before and after.  The page tables are not touched; memhog reads
# every byte back afterwards.
row() {
	printf '  %-8s %-7s %10s %10s %10s\n' $1 $2 "$(kib $1 zswap)" \
		"$(kib $1 fast)" "$(kib $1 slow)"
}
# demote CGROUP REQUEST: write memory.swap.tiers.demote, print the outcome.
demote() {
	if echo "$2" >/sys/fs/cgroup/$1/memory.swap.tiers.demote 2>/dev/null; then
		echo "  $1: \"$2\": done"
	else
		echo "  $1: \"$2\": less could be moved (EAGAIN)"
	fi
}
echo
echo "== demotion (memory.swap.tiers.demote): the oldest data one tier down"
printf '  %-8s %-7s %10s %10s %10s\n' cgroup "" zswap fast slow
row latency before
row capped before
# ev CGROUP TIER KEY: a count of memory.swap.tiers.events.
ev() { sed -n "s/^$2 .* $3=\([0-9]*\).*/\1/p" /sys/fs/cgroup/$1/memory.swap.tiers.events; }
lo0=$(ev latency zswap moved_out); li0=$(ev latency fast moved_in)
co0=$(ev capped zswap moved_out); ci0=$(ev capped slow moved_in)
demote latency "8M source=zswap"
demote capped "4M source=zswap"
demote latency "4M source=fast"
row latency after
row capped after
check "latency: 8 MiB (2048 pages) moved out of zswap, onto fast" \
	"$([ $(($(ev latency zswap moved_out) - lo0)) -eq 2048 ] &&
	   [ $(($(ev latency fast moved_in) - li0)) -eq 2048 ] && echo y)"
check "latency: nothing below fast it may use, nothing on slow" \
	"$([ "$(kib latency slow)" -eq 0 ] && echo y)"
check "capped: 4 MiB moved from zswap straight to slow (fast is off)" \
	"$([ $(($(ev capped zswap moved_out) - co0)) -eq 1024 ] &&
	   [ $(($(ev capped slow moved_in) - ci0)) -eq 1024 ] &&
	   [ "$(ev capped fast moved_in)" -eq 0 ] && echo y)"
echo "  per tier (/sys/kernel/mm/swap/tier/NAME/, pages):"
printf '    %-6s %8s %8s %9s %11s %9s\n' tier stored moved_in moved_out move_failed read_back
for t in zswap fast slow; do
	d=/sys/kernel/mm/swap/tier/$t
	printf '    %-6s %8s %8s %9s %11s %9s\n' $t "$(cat $d/stored)" \
		"$(cat $d/moved_in)" "$(cat $d/moved_out)" "$(cat $d/move_failed)" \
		"$(cat $d/read_back)"
done

echo
echo "== every memhog reads every byte back"
for cg in $CGS; do
	pid=$(eval echo \$pid_$cg)
	kill -USR1 "$pid"
	wait "$pid"
	st=$?
	printf '  %-8s %s\n' $cg "$(tail -n 1 /tmp/memhog.$cg)"
	[ $st -eq 0 ] || { echo "  DATA CHECK FAILED in $cg (memhog status $st)"; rc=1; }
done
echo
echo "== after exit, memory.swap.tiers.current is back to 0"
for cg in $CGS; do
	left=$(awk '{ s += $2 } END { print s }' /sys/fs/cgroup/$cg/memory.swap.tiers.current)
	check "$cg: $left bytes left" "$([ "$left" -eq 0 ] && echo y)"
	rmdir /sys/fs/cgroup/$cg 2>/dev/null
done
# Automatic movement: zswap's pool at its limit moves its oldest data
# down to make room for the newest (Documentation/mm/swap_tier_moves.rst).
ZD=/sys/kernel/debug/zswap
echo
echo "== automatic movement: zswap's pool limited to 1% of RAM, shrinker on"
echo 1 >$Z/max_pool_percent
echo Y >$Z/shrinker_enabled
mkdir -p /sys/fs/cgroup/auto
echo 64M >/sys/fs/cgroup/auto/memory.max
made0=$(cat $ZD/pool_room_made)
hit0=$(cat $ZD/pool_limit_hit)
sh -c "echo \$\$ >/sys/fs/cgroup/auto/cgroup.procs && exec memhog -m eighth -H 192" \
	>/tmp/memhog.auto 2>&1 &
pid_auto=$!
wait_holding auto
made=$(($(cat $ZD/pool_room_made) - made0))
hit=$(($(cat $ZD/pool_limit_hit) - hit0))
echo "  auto: memhog over 192 MiB of pages that compress to about 1/7, memory.max 64M"
printf '  %-8s %-7s %10s %10s %10s\n' cgroup "" zswap fast slow
row auto now
echo "  pool $(($(cat $ZD/pool_total_size) >> 10)) KiB; stores at the limit: $hit, of which made room: $made"
check "stores at the pool limit made room by moving older data down: $made" \
	"$([ "$made" -gt 0 ] && echo y)"
check "auto: its oldest data left zswap for fast ($(ev auto zswap moved_out) pages)" \
	"$([ "$(ev auto zswap moved_out)" -gt 0 ] && [ "$(ev auto fast moved_in)" -gt 0 ] && echo y)"
kill -USR1 "$pid_auto"
wait "$pid_auto"
st=$?
printf '  %-8s %s\n' auto "$(tail -n 1 /tmp/memhog.auto)"
[ $st -eq 0 ] || { echo "  DATA CHECK FAILED in auto (memhog status $st)"; rc=1; }
rmdir /sys/fs/cgroup/auto 2>/dev/null

[ $rc -eq 0 ] && echo "== data verified byte by byte, policies kept: OK" ||
	echo "== FAILED"
exit $rc
