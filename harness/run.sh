#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: the "make run" job.  Boots the $VARIANT kernel with a fast and a
# slow disk and runs harness/guest/demo.sh: three swap tiers (zswap, fast,
# slow), three cgroups with different tier policies, a table of where each
# cgroup's data went, and every byte verified.  DEMO_MB, DEMO_LIMIT_MB,
# DEMO_ZSWAP_MB and DEMO_POOL_PERCENT tune it.

source "$(dirname "$0")/lib.sh"

rel=$(cat "$BUILD/obj-${VARIANT:-fast}/vswap-release" 2>/dev/null || echo unknown)
note "make run: Linux $rel, swap tiers: zswap, a 256 MiB fast disk, a 2 GiB slow disk"
env=
for v in DEMO_MB DEMO_LIMIT_MB DEMO_ZSWAP_MB DEMO_POOL_PERCENT; do
	[ -n "${!v:-}" ] && env="$env $v=${!v}"
done
VM_FAST_DISK=${VM_FAST_DISK:-256M} exec "$TOP/harness/vm.sh" --timeout 900 --no-klog \
	--out "$BUILD/runs/run" -- "$env /opt/vswap/demo.sh"
