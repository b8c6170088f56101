#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The test suite, run in the guest by "make check".  Prints one KTAP document:
# each test program is a subtest whose results are the program's own
# "ok"/"not ok" lines; everything else it prints is kept as "#" diagnostics.
# Each program has its own time limit; one that is killed or exits non-zero
# without reporting a failure still fails.
#
# Before a program starts, a diagnostic line "# start: NAME (limit Ns)" says
# so: the host prints the job's output as it arrives, and names the program
# that was running if the guest stalls.
#
# Usage: suite.sh [NAME...]          run only the named programs
#        suite.sh --limits [NAME...] print "NAME LIMIT" per selected program
#                                    and exit (the host's stall limit)

BIN=/opt/vswap/bin

# name  timeout(s)  setup  command
# setup: the swap state the program starts from (see setup() below).
TESTS="
swap_roundtrip   300 none        $BIN/swap_roundtrip
virtual_swap     300 none        $BIN/virtual_swap
vswap_disk       600 none        $BIN/vswap_disk
vswap_zram       600 none        $BIN/vswap_zram
vswap_fail       600 none        $BIN/vswap_fail
vswap_capacity   600 none        $BIN/vswap_capacity
vswap_alloc      600 none        $BIN/vswap_alloc
vswap_thp        600 none        $BIN/vswap_thp
vswap_thp_classic 600 none       $BIN/vswap_thp -v classic
swap_account     300 none        $BIN/swap_account
swap_tier        300 none        $BIN/swap_tier
swap_tiers_cgroup 600 none       $BIN/swap_tiers_cgroup
swap_tiers_cgroup_classic 600 none $BIN/swap_tiers_cgroup -f cg -v classic
swap_tiers_usage 600 none        $BIN/swap_tiers_usage
swap_tiers_move  600 none        $BIN/swap_tiers_move
swap_tiers_auto  600 none        $BIN/swap_tiers_auto
swap_account_classic 300 none    $BIN/swap_account -v classic
test_zswap       600 fast+zswap  $BIN/test_zswap
test_memcontrol  900 fast        $BIN/test_memcontrol
test_zswap_vswap 600 fast+zswap+vswap $BIN/test_zswap
test_memcontrol_vswap 900 fast+vswap $BIN/test_memcontrol
bench_smoke      600 none        env KTAP=1 /opt/vswap/bench.sh on 8
vswap_hibernate  600 fast+zswap+vswap $BIN/vswap_hibernate
"
# Run only when named: vswap_hibernate needs the hibernate kernel and the
# two boots of harness/hibernate.sh.
EXPLICIT=" vswap_hibernate "

# Every program starts from a known state: no swap, zswap off, virtual
# swap off, then
#   none        nothing more
#   fast        swap on the fast disk
#   +zswap      zswap enabled in front of it
#   +vswap      virtual swap on (set before swapon: no classic entries)
VSWAP_KNOB=/sys/kernel/mm/swap/vswap_enabled
TIERS=/sys/kernel/mm/swap/tiers
setup() {
	# Every swap device, also one a failed program left on.
	for dev in $(awk 'NR > 1 { print $1 }' /proc/swaps); do
		swapoff "$dev" 2>/dev/null
	done
	echo N >/sys/module/zswap/parameters/enabled
	[ -e $VSWAP_KNOB ] && echo 0 >$VSWAP_KNOB
	# No device tiers, also none a failed program left defined.
	tiers=$(awk 'NR > 1 { printf " -%s", $1 }' $TIERS 2>/dev/null)
	[ -n "$tiers" ] && { echo "$tiers" >$TIERS || echo "# cannot remove swap tiers"; }
	case $1 in
	*+vswap*) echo 1 >$VSWAP_KNOB || echo "# cannot switch virtual swap on" ;;
	esac
	case $1 in
	fast*) swapon /dev/swap-fast || echo "# swapon /dev/swap-fast failed" ;;
	esac
	case $1 in
	*+zswap*) echo Y >/sys/module/zswap/parameters/enabled ;;
	esac
}

# A /proc/vmstat counter, 0 if the kernel does not have it.
vmstat() {
	awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' /proc/vmstat
}

selected() {
	if [ $# -eq 0 ]; then
		case $EXPLICIT in
		*" $name "*) return 1 ;;
		esac
		return 0
	fi
	for want in "$@"; do
		[ "$want" = "$name" ] && return 0
	done
	return 1
}

# Turn a program's output into a KTAP subtest body on stdout.
ktap_body() {
	awk -v extra="$2" '
	/^(TAP|KTAP) version/ || /^1\.\.[0-9]+/ { next }
	/^(not )?ok [0-9]+/ {
		n++
		st = /^not / ? "not ok " : "ok "
		sub(/^(not )?ok [0-9]+ */, "")
		line[++nl] = st n " " $0
		next
	}
	/^#/ { line[++nl] = $0; next }
	{ line[++nl] = "# " $0 }
	END {
		if (extra != "")
			line[++nl] = "not ok " ++n " " extra
		print "1.." n
		for (i = 1; i <= nl; i++)
			print line[i]
	}' "$1"
}

if [ "${1:-}" = --limits ]; then
	shift
	echo "$TESTS" | while read -r name limit rest; do
		[ -n "$name" ] && selected "$@" && echo "$name $limit"
	done
	exit 0
fi

mkswap /dev/swap-fast >/dev/null || echo "# mkswap /dev/swap-fast failed"
mkswap /dev/swap-slow >/dev/null || echo "# mkswap /dev/swap-slow failed"

total=0
for name in $(echo "$TESTS" | awk 'NF { print $1 }'); do
	selected "$@" && total=$((total + 1))
done

echo "KTAP version 1"
echo "1..$total"
idx=0
echo "$TESTS" | while read -r name limit setup cmd; do
	[ -n "$name" ] || continue
	selected "$@" || continue
	idx=$((idx + 1))
	echo "# start: $name (limit ${limit}s)"
	setup "$setup"
	# A disk filesystem as cwd: upstream tests create their page cache there.
	cd /mnt/scratch 2>/dev/null || cd /tmp
	start=$(cut -d' ' -f1 /proc/uptime)
	alloc0=$(vmstat vswap_alloc)
	ttyrun timeout -s KILL "$limit" $cmd >/tmp/out.$name 2>&1 </dev/null
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	alloc=$(($(vmstat vswap_alloc) - alloc0))
	setup none
	extra=
	if [ $rc -ne 0 ] && ! grep -q '^not ok' /tmp/out.$name; then
		# Killed, crashed or exited non-zero without saying which test
		# failed: record that as a failed case of its own.
		extra="exit_status # $name exited with status $rc"
		[ $rc -eq 137 ] && extra="time_limit # $name killed after ${limit}s"
	fi
	echo "# virtual swap entries allocated: $alloc" >>/tmp/out.$name
	case $setup in
	*+vswap*)
		# An upstream test run "with virtual swap on" must have used it.
		[ "$alloc" -gt 0 ] || [ -n "$extra" ] ||
			extra="vswap_used # no virtual swap entry was allocated"
		;;
	esac
	ktap_body /tmp/out.$name "$extra" >/tmp/ktap.$name
	{
		echo "KTAP version 1"
		echo "# Subtest: $name"
		cat /tmp/ktap.$name
	} | sed 's/^/  /'
	if [ $rc -ne 0 ]; then
		echo "not ok $idx $name # exit status $rc"
	else
		echo "ok $idx $name # $(awk "BEGIN { printf \"%.1fs\", $end - $start }")"
	fi
done
