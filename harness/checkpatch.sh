#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.sh: scripts/checkpatch.pl --strict over the series: every new C
# file and header, and every patch in patches/.  Prints one line per finding
# and exits 1 if there is any.

source "$(dirname "$0")/lib.sh"

cp=$KSRC/scripts/checkpatch.pl
# spdxcheck.py needs python3-ply: prefer the distribution python3.
export PATH=/usr/bin:$PATH
[ -x "$cp" ] || die "no $cp: run 'make assemble' first"
opts=(--strict --terse --no-summary --show-types --root="$KSRC" --ignore SPDX_LICENSE_TAG)
bad=0
n=0
while read -r f; do
	case $f in
	*.c | *.h) ;;
	*) continue ;;
	esac
	n=$((n + 1))
	out=$(cd "$KSRC" && perl "$cp" "${opts[@]}" -f "$f" 2>&1) || { echo "$out"; bad=1; }
done < <(series_new_files)
while read -r f; do
	n=$((n + 1))
	out=$(cd "$KSRC" && perl "$cp" "${opts[@]}" "$PATCHES/$f.patch" 2>&1) || { echo "$out"; bad=1; }
done < <(series_patched_files)
if [ $bad = 0 ]; then
	note "checkpatch --strict: $n files clean"
fi
exit $bad
