#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the results of a guest run with the kernel's own KTAP parser.

usage: results.py [--no-kunit] KSRC KERNEL_LOG JOB_LOG

The KUnit results are in the kernel log (printed at boot), the selftest
results in the job log (harness/guest/suite.sh).  Both are parsed by
tools/testing/kunit/kunit_parser.py from the assembled tree.  Prints every
test case, then the closing line "N passed, N failed, N skipped".  Exits 1 if
anything failed or crashed, or if either log holds no results at all.
--no-kunit: the guest booted with kunit.enable=0 (harness/hibernate.sh);
count the selftests only.
"""

import re
import sys


def walk(test, path, out):
    """Collect (name, status) of every leaf test case."""
    name = f'{path}.{test.name}' if path else test.name
    if not test.subtests:
        out.append((name, test.status.name))
        return
    for sub in test.subtests:
        walk(sub, name, out)


# A KTAP line of the kernel log, after printk's "[    1.234567] " prefix.
KTAP_LINE = re.compile(r'^(\[[ 0-9.]+\] )?\s*(KTAP version|TAP version|1\.\.[0-9]|ok |not ok |# )')


def parse(kunit_parser, path, label):
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().splitlines()
    if label == 'kunit':
        # Other CPUs' messages can land inside the KTAP block (e.g. the
        # initrd being freed between a suite's "KTAP version" and its
        # "# Subtest:" line), which the parser takes for a broken header:
        # keep only KTAP lines.
        lines = [line for line in lines if KTAP_LINE.match(line)]
    test = kunit_parser.parse_run_tests(lines)
    cases = []
    for sub in test.subtests:
        walk(sub, label, cases)
    return cases, test.counts.errors


def main():
    args = sys.argv[1:]
    want_kunit = args[0] != '--no-kunit'
    if not want_kunit:
        args = args[1:]
    ksrc, klog, jlog = args[:3]
    sys.path.insert(0, f'{ksrc}/tools/testing/kunit')
    import kunit_parser  # pylint: disable=import-outside-toplevel

    # The parser reports through its own printer: send that to stderr and
    # keep stdout for the results.
    import kunit_printer  # pylint: disable=import-outside-toplevel
    kunit_parser.stdout = kunit_printer.Printer(sys.stderr)

    kunit, kerr = [], 0
    if want_kunit:
        kunit, kerr = parse(kunit_parser, klog, 'kunit')
    selftests, serr = parse(kunit_parser, jlog, 'selftest')

    counts = {'passed': 0, 'failed': 0, 'skipped': 0}
    for name, status in kunit + selftests:
        if status == 'SUCCESS':
            counts['passed'] += 1
            word = 'PASS'
        elif status == 'SKIPPED':
            counts['skipped'] += 1
            word = 'SKIP'
        else:
            counts['failed'] += 1
            word = 'FAIL'
        print(f'{word:5} {name}')

    problems = []
    if want_kunit and not kunit:
        problems.append('no KUnit results in the kernel log')
    if not selftests:
        problems.append('no selftest results in the guest output')
    if kerr or serr:
        problems.append(f'{kerr + serr} KTAP parse errors')
    for p in problems:
        print(f'results: {p}')
        counts['failed'] += 1

    print(f"{counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['skipped']} skipped")
    return 1 if counts['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
