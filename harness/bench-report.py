#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py DIR MODE...: the "make bench" report.

Reads DIR/round-N-MODE.txt, the output of harness/guest/bench.sh (lines
"workload key=value ..."), and writes DIR/report.md: per figure the median
and min-max over the rounds for each mode, and the ratios of the series
modes to the baseline; then one line per target, "target NAME: MEASURED
(goal GOAL) met|missed".  With gnuplot installed it also draws the ratios
into DIR/ratios.png.
"""

import glob
import os
import re
import shutil
import statistics
import subprocess
import sys

# (workload, key, label, better): better is "higher" or "lower".
FIGURES = [
    ("throughput", "out_mbps", "swap-out MB/s", "higher"),
    ("throughput", "out_sys", "swap-out system s", "lower"),
    ("throughput", "inout_mbps", "swap-in+out MB/s", "higher"),
    ("throughput", "inout_sys", "swap-in+out system s", "lower"),
    ("free", "munmap_s", "munmap s", "lower"),
    ("swapoff", "swapoff_s", "swapoff s", "lower"),
    ("slots", "per_1000", "disk slots per 1000 zswap pages", "lower"),
    ("compressor", "store_mbps", "zswap store MB/s", "higher"),
    ("compressor", "load_mbps", "zswap load MB/s", "higher"),
    ("compressor", "compress_mbps", "raw compress MB/s", "higher"),
    ("compressor", "decompress_mbps", "raw decompress MB/s", "higher"),
    # Disk only: zswap off (harness/guest/bench.sh nozswap).
    ("throughput_nozswap", "out_mbps", "zswap off: swap-out MB/s", "higher"),
    ("throughput_nozswap", "out_sys", "zswap off: swap-out system s", "lower"),
    ("throughput_nozswap", "inout_mbps", "zswap off: swap-in+out MB/s", "higher"),
    ("throughput_nozswap", "inout_sys", "zswap off: swap-in+out system s", "lower"),
    # Swap tiers (issue 12): throughput in a cgroup restricted by tiers.
    ("throughput_tiers", "out_mbps", "tiers: swap-out MB/s", "higher"),
    ("throughput_tiers", "inout_mbps", "tiers: swap-in+out MB/s", "higher"),
]

# The lock-stat modes (bench-only kernels with CONFIG_LOCK_STAT) and the
# mode of the other kernels each stands beside.
LOCK_MODES = {"base-lockstat": "base", "lockstat": "on", "lockstat-tiers": "on"}
# Lock classes below this many acquisitions per page on both kernels are
# left out of the table.
LOCK_SHOW = 0.01
# The lock target (issue 11): what the series' classes cost per page
# against the baseline's classes they replace, plus LOCK_SLACK; a class
# that only the series has and that replaces none, at most LOCK_SLACK.
# Groups: (name, regular expression of the classes on both kernels).  The
# virtual device's si->lock and clusters have their own classes on the
# series; xarray locks cannot be told apart by name (every xa_init_flags()
# call site's class is "&xa->xa_lock", numbered in the order of first use),
# so the swap cache's is compared as the sum of all of them (the zswap
# trees' and the page cache's are in that sum on both kernels).
LOCK_SLACK = 0.05
LOCK_GROUPS = [
    ("si_lock", r"&p->lock(#\d+)?|vswap_si_lock"),
    ("cluster_lock", r"&cluster_info\[i\]\.lock(#\d+)?|vswap_cluster_lock"),
    ("xa_lock", r"&xa->xa_lock(#\d+)?"),
    # 6.12's per-CPU slot cache (mm/swap_slots.c: alloc_lock, free_lock)
    # and the series' for virtual entries (mm/vswap_alloc.c: lock, ret_lock).
    ("slot_cache_locks", r"&cache->(alloc_lock|free_lock|lock|ret_lock)"),
]
# Other classes of the swap path, compared one by one when both kernels
# have them: swap_lock, swap_avail_lock, the per-CPU slot caches, zswap's,
# zsmalloc's, swap_cgroup's.
LOCK_SWAP_PATH = (r"swap_lock|swap_avail_lock|&cache->.*|swap_slots_cache.*"
                  r"|zswap.*|&acomp_ctx->mutex|&pool->.*|&zspage->lock"
                  r"|&ctrl->lock|&p->cont_lock")


def parse(path):
    """Return {(workload, key): float} for one round."""
    out = {}
    with open(path, errors="replace") as f:
        for line in f:
            words = line.split()
            if not words or "=" in words[0]:
                continue
            if words[0] in ("metadata", "metadata_nozswap"):
                # One line per kind and use: metadata-zswap-50, ...
                kv = dict(w.split("=", 1) for w in words[1:] if "=" in w)
                words[0] = f"{words[0]}-{kv.get('kind')}-{kv.get('pct')}"
            if words[0] == "lockclass":
                # One line per lock class: lockclass class=NAME acq=N con=N
                kv = dict(w.split("=", 1) for w in words[1:] if "=" in w)
                if "class" in kv and "acq" in kv:
                    out[("lock:" + kv["class"], "acq")] = float(kv["acq"])
                    out[("lock:" + kv["class"], "con")] = float(kv.get("con", 0))
                continue
            for w in words[1:]:
                m = re.fullmatch(r"([a-z_0-9]+)=([-0-9.]+)", w)
                if m:
                    out[(words[0], m.group(1))] = float(m.group(2))
    return out


def main():
    out_dir, modes = sys.argv[1], sys.argv[2:]
    data = {m: [] for m in modes}
    for m in modes:
        # round-N-MODE.txt exactly: "round-*-lockstat.txt" would also
        # match base-lockstat's rounds.
        for path in sorted(glob.glob(os.path.join(out_dir, f"round-*-{m}.txt"))):
            if re.fullmatch(rf"round-\d+-{re.escape(m)}\.txt", os.path.basename(path)):
                data[m].append(parse(path))

    def values(mode, wl, key):
        return [r[(wl, key)] for r in data.get(mode, []) if (wl, key) in r]

    def median(mode, wl, key):
        v = values(mode, wl, key)
        return statistics.median(v) if v else None

    lines = ["# make bench", ""]
    kernels = os.path.join(out_dir, "kernels.txt")
    if os.path.exists(kernels):
        lines += ["Kernels: " + "; ".join(open(kernels).read().split("\n")).strip("; "), ""]
    accel = os.path.join(out_dir, "accel.txt")
    if os.path.exists(accel):
        lines += ["Accelerator: " + " ".join(open(accel).read().split()), ""]
    rounds = max(len(v) for v in data.values()) if data else 0
    lines.append(f"{rounds} round(s); median (min-max) per mode; ratio = mode / base.")
    lines.append("")
    head = "| figure | " + " | ".join(modes)
    ratio_modes = [m for m in modes if m != "base"] if "base" in modes else []
    head += "".join(f" | {m}/base" for m in ratio_modes) + " |"
    lines += [head, "|" + "---|" * (1 + len(modes) + len(ratio_modes))]
    ratios = []
    for wl, key, label, _ in FIGURES:
        row = f"| {label} |"
        for m in modes:
            v = values(m, wl, key)
            row += f" {statistics.median(v):.4g} ({min(v):.4g}-{max(v):.4g}) |" if v else " - |"
        for m in ratio_modes:
            a, b = median(m, wl, key), median("base", wl, key)
            if a is not None and b:
                row += f" {a / b:.2f} |"
                ratios.append((f"{label} {m}", a / b))
            else:
                row += " - |"
        lines.append(row)
    # Metadata: totals at 0%, bytes per swapped page at 50 and 100%, and
    # what a swapped page adds (the slope from 0%).
    meta_modes = [m for m in modes if values(m, "metadata-zswap-0", "total")]
    extra = {}
    if meta_modes:
        lines += ["", "Swap metadata (device arrays, zswap trees and entries, "
                  "the series' tables), bytes; per page = total / swapped, "
                  "added = (total - total at 0%) / swapped:", ""]
        lines.append("| kind | use | " + " | ".join(
            f"{m} total | {m} per page | {m} added" for m in meta_modes) + " |")
        lines.append("|" + "---|" * (2 + 3 * len(meta_modes)))
        for kind, pct in (("zswap", 0), ("zswap", 50), ("zswap", 100),
                          ("disk", 50), ("disk", 100)):
            wl = f"metadata-{kind}-{pct}"
            row = f"| {kind if pct else '(idle)'} | {pct}% |"
            for m in meta_modes:
                tot, n = median(m, wl, "total"), median(m, wl, "swapped")
                idle = median(m, "metadata-zswap-0", "total")
                if tot is None:
                    row += " - | - | - |"
                    continue
                row += f" {tot:.0f} |"
                if n:
                    extra[(m, kind, pct)] = (tot - idle) / n
                    row += f" {tot / n:.1f} | {extra[(m, kind, pct)]:.2f} |"
                else:
                    row += " - | - |"
            lines.append(row)

    # The compressor bound: zswap's store and load throughput as a fraction
    # of its compressor's raw speed.  Only the series kernel measures the
    # raw speed (lib/test_zswap_compressor.c, debugfs test_zswap_compressor/);
    # it does not depend on the run-time switch, so all series rounds give
    # one median, which the baseline's zswap figures are divided by too
    # (same algorithm, same guest).  The issue asks for a report, not a
    # goal: an informational line.
    raw = {}
    for key in ("compress_mbps", "decompress_mbps"):
        v = [x for m in modes if m != "base" for x in values(m, "compressor", key)]
        raw[key] = statistics.median(v) if v else None
    store_modes = [m for m in modes if values(m, "compressor", "store_mbps")]
    if store_modes:
        algo = "?"
        for path in glob.glob(os.path.join(out_dir, "round-*.txt")):
            with open(path, errors="replace") as f:
                m = re.search(r"^compressor .*\balgo=(\S+)", f.read(), re.M)
            if m:
                algo = m.group(1)
                break

        def fractions(key, raw_key):
            if not raw[raw_key]:
                return "not measured (no raw figure)"
            return ", ".join(f"{m} {median(m, 'compressor', key) / raw[raw_key]:.3f}"
                             for m in store_modes)

        lines.append("")
        lines.append(f"info compressor {algo}: raw compress "
                     + (f"{raw['compress_mbps']:.1f}" if raw["compress_mbps"] else "-")
                     + " MB/s, decompress "
                     + (f"{raw['decompress_mbps']:.1f}" if raw["decompress_mbps"] else "-")
                     + " MB/s (series kernel, median of its rounds)")
        lines.append("info compressor store_fraction (zswap store MB/s / raw compress MB/s): "
                     + fractions("store_mbps", "compress_mbps"))
        lines.append("info compressor load_fraction (zswap load MB/s / raw decompress MB/s): "
                     + fractions("load_mbps", "decompress_mbps"))

    # Scaling: N processes paging out and faulting back their own region.
    scale_n = sorted({int(wl.split("-", 1)[1]) for m in modes for r in data[m]
                      for (wl, _) in r if wl.startswith("scaling-")})
    scaling_ok = {}
    if scale_n:
        sm = [m for m in ("base", "on", "off") if m in modes]
        lines += ["", "Scaling: N processes, each paging out (MADV_PAGEOUT) and "
                  "faulting back its own region, MB/s of all of them; median "
                  "(min-max); a ratio is within noise if the median is no "
                  "lower than the baseline's slowest round:", ""]
        lines.append("| N | " + " | ".join(sm) + "".join(
            f" | {m}/base" for m in sm if m != "base") + " |")
        lines.append("|" + "---|" * (1 + len(sm) + len([m for m in sm if m != "base"])))
        for n in scale_n:
            wl = f"scaling-{n}"
            row = f"| {n} |"
            for m in sm:
                v = values(m, wl, "mbps")
                row += f" {statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f}) |" if v else " - |"
            base_v = values("base", wl, "mbps")
            for m in sm:
                if m == "base":
                    continue
                a = median(m, wl, "mbps")
                if a is None or not base_v:
                    row += " - |"
                    continue
                row += f" {a / statistics.median(base_v):.2f} |"
                if m == "on":
                    scaling_ok[n] = (a / statistics.median(base_v), a >= min(base_v))
            lines.append(row)

    # Disk only (zswap off): metadata as above, on the disk kind only.
    nz_modes = [m for m in modes if values(m, "metadata_nozswap-disk-0", "total")]
    nz_extra = {}
    if nz_modes:
        lines += ["", "zswap off (disk only): swap metadata, bytes; added = "
                  "(total - total at 0%) / swapped:", ""]
        lines.append("| use | " + " | ".join(
            f"{m} total | {m} added" for m in nz_modes) + " |")
        lines.append("|" + "---|" * (1 + 2 * len(nz_modes)))
        for pct in (0, 50, 100):
            wl = f"metadata_nozswap-disk-{pct}"
            row = f"| {pct}% |"
            for m in nz_modes:
                tot, n = median(m, wl, "total"), median(m, wl, "swapped")
                idle = median(m, "metadata_nozswap-disk-0", "total")
                if tot is None:
                    row += " - | - |"
                    continue
                row += f" {tot:.0f} |"
                if n:
                    nz_extra[(m, pct)] = (tot - idle) / n
                    row += f" {nz_extra[(m, pct)]:.2f} |"
                else:
                    row += " - |"
            lines.append(row)

    # Locks: acquisitions per swapped page, per lock class, on the two
    # lock-stat kernels (the series with virtual swap on, the baseline).
    lock_modes = [m for m in LOCK_MODES if m in modes and values(m, "locks", "swapped")]
    per_page = {}
    if lock_modes:
        classes = sorted({wl[5:] for m in lock_modes for r in data[m]
                          for (wl, _) in r if wl.startswith("lock:")})
        # A class a kernel never showed has no entry: "-" in the table, and
        # a class only the series has is a new one.
        for m in lock_modes:
            for c in classes:
                if not any(("lock:" + c, "acq") in r for r in data[m]):
                    continue
                v = [r.get(("lock:" + c, "acq"), 0.0) / r[("locks", "swapped")]
                     for r in data[m] if r.get(("locks", "swapped"))]
                if v:
                    per_page[(m, c)] = statistics.median(v)
        shown = [c for c in classes
                 if max(per_page.get((m, c), 0) for m in lock_modes) >= LOCK_SHOW]
        shown.sort(key=lambda c: -max(per_page.get((m, c), 0) for m in lock_modes))
        swapped = {m: median(m, "locks", "swapped") for m in lock_modes}
        lines += ["", "Locks (CONFIG_LOCK_STAT kernels, /proc/lock_stat over one "
                  "round trip: MADV_PAGEOUT into zswap, a fault per page, "
                  "munmap): acquisitions per swapped page (zswpout + pswpout), "
                  f"median over the rounds; classes with at least {LOCK_SHOW} "
                  "per page on either kernel; pages swapped: "
                  + ", ".join(f"{m} {swapped[m]:.0f}" for m in lock_modes), ""]
        lines.append("| lock class | " + " | ".join(lock_modes) + " |")
        lines.append("|" + "---|" * (1 + len(lock_modes)))
        for c in shown:
            lines.append(f"| `{c}` | " + " | ".join(
                f"{per_page[(m, c)]:.3f}" if (m, c) in per_page else "-"
                for m in lock_modes) + " |")

    # The targets of issue 4, for the series with virtual swap on.
    def target(name, measured, goal, ok, fmt="{:.2f}"):
        if measured is None:
            return f"target {name}: not measured (goal {goal}) missed"
        return (f"target {name}: {fmt.format(measured)} (goal {goal}) "
                + ("met" if ok(measured) else "missed"))

    def ratio(wl, key):
        a, b = median("on", wl, key), median("base", wl, key)
        return a / b if a is not None and b else None

    def speedup(wl, key):
        a, b = median("on", wl, key), median("base", wl, key)
        return b / a if a and b is not None else None

    # A run restricted to some workloads (BENCH_WORKLOADS) has no target
    # lines for the others.
    ran = {wl.split("-")[0] for m in modes for r in data[m] for (wl, _) in r}
    first = len(lines)
    lines.append("")
    lines.append(target("throughput_out", ratio("throughput", "out_mbps"),
                        ">= 0.97", lambda x: x >= 0.97))
    lines.append(target("throughput_inout", ratio("throughput", "inout_mbps"),
                        ">= 0.97", lambda x: x >= 0.97))
    # System time "within noise or better": the series' median no higher
    # than the highest baseline round.
    for key in ("out_sys", "inout_sys"):
        base_v = values("base", "throughput", key)
        lines.append(target(f"throughput_{key}", ratio("throughput", key),
                            "median within base's min-max or lower",
                            lambda x, v=base_v: bool(v) and
                            x * statistics.median(v) <= max(v)))
    lines.append(target("free_latency", ratio("free", "munmap_s"),
                        "<= 1.05", lambda x: x <= 1.05))
    lines.append(target("swapoff_speedup", speedup("swapoff", "swapoff_s"),
                        ">= 2", lambda x: x >= 2))
    slots = median("on", "slots", "per_1000")
    lines.append(target("disk_slots_per_zswap_page",
                        None if slots is None else slots / 1000, "0",
                        lambda x: x == 0, "{:.3f}"))
    # What a zswap-held page adds over what it adds on the baseline, at the
    # worse of 50% and 100% use.
    over = [extra[("on", "zswap", p)] - extra[("base", "zswap", p)]
            for p in (50, 100)
            if ("on", "zswap", p) in extra and ("base", "zswap", p) in extra]
    lines.append(target("metadata_zswap_page_bytes_over_base",
                        max(over) if over else None, "<= 8",
                        lambda x: x <= 8))
    # The unused virtual space, as a share of RAM ("almost nothing": at
    # most 1 MiB per GiB).
    idle_on = median("on", "metadata-zswap-0", "vswap")
    ram = median("on", "metadata-zswap-0", "ram_kb")
    lines.append(target("metadata_idle_virtual_space_percent_of_ram",
                        None if idle_on is None or not ram else
                        100 * idle_on / (ram * 1024),
                        "<= 0.1", lambda x: x <= 0.1, "{:.3f}"))
    need = {"throughput_out": "throughput", "throughput_inout": "throughput",
            "throughput_out_sys": "throughput", "throughput_inout_sys": "throughput",
            "free_latency": "free", "swapoff_speedup": "swapoff",
            "disk_slots_per_zswap_page": "slots",
            "metadata_zswap_page_bytes_over_base": "metadata",
            "metadata_idle_virtual_space_percent_of_ram": "metadata"}
    lines[first:] = [ln for ln in lines[first:]
                     if not ln.startswith("target ")
                     or need.get(ln.split()[1].rstrip(":"), "") in ran | {""}]

    # Scaling: the series' median no lower than the baseline's slowest
    # round, per N.
    for n, (r, ok) in sorted(scaling_ok.items()):
        lines.append(f"target scaling_{n}proc: {r:.2f} (goal median within "
                     f"base's min-max or higher) " + ("met" if ok else "missed"))
    # Disk only: the throughput targets with zswap off.
    if values("base", "throughput_nozswap", "out_mbps"):
        lines.append(target("throughput_nozswap_out", ratio("throughput_nozswap", "out_mbps"),
                            ">= 0.97", lambda x: x >= 0.97))
        lines.append(target("throughput_nozswap_inout",
                            ratio("throughput_nozswap", "inout_mbps"),
                            ">= 0.97", lambda x: x >= 0.97))
        for key in ("out_sys", "inout_sys"):
            base_v = values("base", "throughput_nozswap", key)
            lines.append(target(f"throughput_nozswap_{key}",
                                ratio("throughput_nozswap", key),
                                "median within base's min-max or lower",
                                lambda x, v=base_v: bool(v) and
                                x * statistics.median(v) <= max(v)))
    if ("on", 100) in nz_extra and ("base", 100) in nz_extra:
        over = max(nz_extra[("on", p)] - nz_extra[("base", p)] for p in (50, 100)
                   if ("on", p) in nz_extra and ("base", p) in nz_extra)
        lines.append(f"info metadata_nozswap_disk_page_bytes_over_base: {over:.2f} "
                     "(no goal: a disk page's descriptor on the series)")

    # Locks: the series (lockstat) against the baseline (base-lockstat).
    if ("lockstat" in lock_modes and "base-lockstat" in lock_modes):
        def pp(m, c):
            return per_page.get((m, c), 0.0)
        grouped = set()
        for name, rx in LOCK_GROUPS:
            members = [c for c in classes if re.fullmatch(rx, c)]
            grouped.update(members)
            on = sum(pp("lockstat", c) for c in members)
            base = sum(pp("base-lockstat", c) for c in members)
            lines.append(f"target locks_{name}_per_page: {on:.3f} (goal <= base "
                         f"{base:.3f} + {LOCK_SLACK}; classes: "
                         + (", ".join(members) or "none") + ") "
                         + ("met" if on <= base + LOCK_SLACK else "missed"))
        for c in classes:
            if c in grouped or pp("lockstat", c) < LOCK_SHOW:
                continue
            on, base = pp("lockstat", c), pp("base-lockstat", c)
            if ("base-lockstat", c) not in per_page:
                # Only the series has it: a new class.
                lines.append(f"target locks_new_{c}_per_page: {on:.3f} (goal <= "
                             f"{LOCK_SLACK}) " + ("met" if on <= LOCK_SLACK else "missed"))
            elif re.fullmatch(LOCK_SWAP_PATH, c) or "vswap" in c:
                lines.append(f"target locks_{c}_per_page: {on:.3f} (goal <= base "
                             f"{base:.3f} + {LOCK_SLACK}) "
                             + ("met" if on <= base + LOCK_SLACK else "missed"))

    # Tiers: the series with tiers and a restricted cgroup, no slower than
    # its own rounds without tiers: the median no lower than the slowest.
    for key in ("out_mbps", "inout_mbps"):
        tiered, plain = values("on", "throughput_tiers", key), values("on", "throughput", key)
        if tiered and plain:
            t = statistics.median(tiered)
            lines.append(f"target tiers_throughput_{key}: {t:.4g} (goal >= the slowest "
                         f"round without tiers, {min(plain):.4g}) "
                         + ("met" if t >= min(plain) else "missed"))
    # Tiers and locks: routing adds no lock per page (lockstat-tiers
    # against lockstat, the same kernel without tiers).
    if "lockstat" in lock_modes and "lockstat-tiers" in lock_modes:
        for c in classes:
            on, tiers = per_page.get(("lockstat", c), 0.0), per_page.get(("lockstat-tiers", c), 0.0)
            if max(on, tiers) < LOCK_SHOW:
                continue
            lines.append(f"target locks_tiers_{c}_per_page: {tiers:.3f} (goal <= "
                         f"without tiers {on:.3f} + {LOCK_SLACK}) "
                         + ("met" if tiers <= on + LOCK_SLACK else "missed"))

    # Moves (issue 14): MB/s of a demotion into the slow disk against its
    # raw O_DIRECT write rate at the moves' mean request size, same guest.
    for src in ("zswap", "fast"):
        moved, raw = median("on", f"moverate_{src}", "mb_s"), median("on", f"moverate_{src}", "raw_mb_s")
        if moved is not None and raw:
            lines.append(target(f"moverate_{src}_vs_raw", moved / raw, ">= 0.7",
                                lambda x: x >= 0.7))
    # LRU inversion (issue 14): hot-set refault time against base.
    inv_on, inv_base = median("on", "inversion", "hot_refault_s"), median("base", "inversion", "hot_refault_s")
    if inv_on is not None and inv_base:
        lines.append(target("inversion_hot_refault", inv_on / inv_base, "<= 0.67",
                            lambda x: x <= 0.67))
        noauto = median("on", "inversion_noauto", "hot_refault_s")
        if noauto is not None:
            lines.append(f"info inversion_noauto_hot_refault_over_base: {noauto / inv_base:.2f}")
        # Where the hot set came back from: zswap's share explains the time.
        for mode, name in (("base", "inversion"), ("on", "inversion"),
                           ("on", "inversion_noauto")):
            z, n = median(mode, name, "hot_from_zswap"), median(mode, name, "hot_pages")
            if z is not None and n:
                lines.append(f"info {name}_{mode}_hot_pages_from_zswap: {z:.0f} of {n:.0f}")
    throttle = os.path.join(out_dir, "throttle.txt")
    if os.path.exists(throttle):
        with open(throttle) as f:
            lines.append("")
            lines.append(f.read().strip())

    report = "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write(report)
    print(report, end="")

    if ratios and shutil.which("gnuplot"):
        dat = os.path.join(out_dir, "ratios.dat")
        with open(dat, "w") as f:
            for i, (label, r) in enumerate(ratios):
                f.write(f'{i} "{label}" {r:.4f}\n')
        png = os.path.join(out_dir, "ratios.png")
        script = (f'set terminal png size 1000,500; set output "{png}";'
                  'set style fill solid; set boxwidth 0.6; set yrange [0:*];'
                  'set xtics rotate by -30 font ",8"; set ylabel "mode / base";'
                  'set title "make bench: ratios to upstream 6.12";'
                  f'plot "{dat}" using 1:3:xtic(2) with boxes notitle, 1 notitle')
        subprocess.run(["gnuplot", "-e", script], check=False)
        print(f"chart: {png}")


if __name__ == "__main__":
    main()
