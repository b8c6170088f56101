#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-all.sh: "make check".  Runs the whole suite on the fast kernel, then
# the debug kernel's suite (lockdep, DEBUG_VM, KASAN), and ends with one line
# "N passed, N failed, N skipped" that adds both up.
#
# On the debug kernel test_memcontrol is left out: several of its checks
# wait a fixed few seconds for memory to be charged or reclaimed, which a
# KASAN kernel under TCG (10-15x slower) does not make; see README.md.

source "$(dirname "$0")/lib.sh"

DEBUG_TESTS=${DEBUG_TESTS:-swap_roundtrip virtual_swap vswap_disk test_zswap test_zswap_vswap}

total() {
	sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$1" | tail -n 1
}

rc=0
log=$(mktemp)
trap 'rm -f "$log" "$log.debug"' EXIT

echo "==== fast kernel: the whole suite"
VARIANT=fast "$TOP/harness/check.sh" | tee "$log" || rc=1
echo "==== debug kernel: $DEBUG_TESTS (and KUnit)"
# shellcheck disable=SC2086
VARIANT=debug "$TOP/harness/check.sh" $DEBUG_TESTS | tee "$log.debug" || rc=1

read -r p1 f1 s1 <<<"$(total "$log")"
read -r p2 f2 s2 <<<"$(total "$log.debug")"
echo "==== fast: ${p1:-0} passed, ${f1:-1} failed; debug: ${p2:-0} passed, ${f2:-1} failed"
echo "$((${p1:-0} + ${p2:-0})) passed, $((${f1:-1} + ${f2:-1})) failed, $((${s1:-0} + ${s2:-0})) skipped"
exit $rc
