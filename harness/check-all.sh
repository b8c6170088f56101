#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-all.sh: "make check".  Runs the whole suite on the fast kernel, the
# swap suites on the debug kernel (lockdep, DEBUG_VM, KASAN) and the
# upstream-behaviour suites on the CONFIG_VIRTUAL_SWAP=n kernel, then
# hibernation and resume on the hibernate kernel (harness/hibernate.sh),
# after the harness's own tests (harness/test-vm.sh), and ends with one line
# "N passed, N failed, N skipped" that adds them up.
#
# On the debug kernel test_memcontrol is left out: several of its checks
# wait a fixed few seconds for memory to be charged or reclaimed, which a
# KASAN kernel under TCG (10-15x slower) does not make; see README.md.

source "$(dirname "$0")/lib.sh"

DEBUG_TESTS=${DEBUG_TESTS:-swap_roundtrip virtual_swap vswap_disk vswap_zram vswap_fail vswap_capacity vswap_alloc vswap_thp swap_account swap_tier swap_tiers_cgroup swap_tiers_usage swap_tiers_move swap_tiers_auto test_zswap test_zswap_vswap}
# CONFIG_VIRTUAL_SWAP=n must behave like upstream: the upstream-behaviour suites.
NOVSWAP_TESTS=${NOVSWAP_TESTS:-swap_roundtrip swap_account_classic vswap_thp_classic swap_tier swap_tiers_cgroup_classic test_zswap test_memcontrol}

total() {
	sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$1" | tail -n 1
}

rc=0
log=$(mktemp)
trap 'rm -f "$log" "$log".*' EXIT

echo "==== harness: accelerator choice, dead and stalled guests"
"$TOP/harness/test-vm.sh" | tee "$log.harness" || rc=1
echo "==== fast kernel: the whole suite"
VARIANT=fast "$TOP/harness/check.sh" | tee "$log.fast" || rc=1
echo "==== debug kernel: $DEBUG_TESTS (and KUnit)"
# shellcheck disable=SC2086
VARIANT=debug "$TOP/harness/check.sh" $DEBUG_TESTS | tee "$log.debug" || rc=1
echo "==== novswap kernel (CONFIG_VIRTUAL_SWAP=n): $NOVSWAP_TESTS"
# shellcheck disable=SC2086
VARIANT=novswap "$TOP/harness/check.sh" $NOVSWAP_TESTS | tee "$log.novswap" || rc=1
echo "==== hibernate kernel: vswap_hibernate, suspended to the fast disk and resumed in a second boot"
"$TOP/harness/hibernate.sh" | tee "$log.hibernate" || rc=1

P=0 F=0 S=0 summary=
for v in harness fast debug novswap hibernate; do
	read -r p f s <<<"$(total "$log.$v")"
	# A run that printed no total failed before it could count anything.
	summary="$summary $v: ${p:-0} passed, ${f:-1} failed;"
	P=$((P + ${p:-0})) F=$((F + ${f:-1})) S=$((S + ${s:-0}))
done
echo "====${summary%;}"
echo "$P passed, $F failed, $S skipped"
exit $rc
