#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kcheck.sh KERNEL_LOG: print the first line of any report in the kernel log
# that must fail a run even when every test passed, and exit 1; exit 0 if the
# log is clean.  A stack dump alone is not a report: the OOM killer prints
# one, and the memcg OOM tests provoke it on purpose.

log=$1
[ -r "$log" ] || { echo "no kernel log"; exit 1; }
pat='(^|[^_A-Za-z])(BUG:|BUG |WARNING:|Oops|general protection fault|Kernel panic|KASAN|UBSAN:|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|list_del corruption|list_add corruption|kernel BUG at|refcount_t:|bad page state|BUG: Bad page)'
hit=$(grep -a -E -m1 "$pat" "$log" | tr -d '\r')
if [ -n "$hit" ]; then
	echo "$hit"
	exit 1
fi
exit 0
