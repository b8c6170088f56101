# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness scripts.  Sourced, not executed.

set -eu
set -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
KSRC=$BUILD/linux
PATCHES=${PATCHES:-$TOP/patches}

# One-line reason on stderr, non-zero exit: the contract of every script.
die() {
	echo "error: $*" >&2
	exit 1
}

note() {
	echo ">>> $*" >&2
}

need_tools() {
	local t missing=
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] || die "missing tools:$missing (run 'make deps' as root)"
}

# Top-level directories of the repository that mirror the kernel tree.  Every
# file below them is a new file of the series.
intree_dirs() {
	local d
	for d in "$TOP"/*/; do
		d=$(basename "$d")
		case $d in
		build | patches | harness) continue ;;
		esac
		[ -e "$KSRC/.git" ] || die "no assembled tree in $KSRC"
		git -C "$KSRC" cat-file -e "HEAD:$d" 2>/dev/null && echo "$d"
	done
	return 0
}

# The series' new files, relative to the tree root.
series_new_files() {
	local d
	for d in $(intree_dirs); do
		(cd "$TOP" && find "$d" -type f)
	done | LC_ALL=C sort
}

# The upstream files the series patches, one patch per file.
series_patched_files() {
	[ -d "$PATCHES" ] || return 0
	(cd "$PATCHES" && find . -type f -name '*.patch' | sed 's|^\./||; s|\.patch$||') |
		LC_ALL=C sort
}

# Copy $1 to $2 only if the content differs, so unchanged files keep their
# timestamps and incremental kernel builds stay incremental.
install_if_changed() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
	fi
}

# The suite program a job log shows running: the last "# start: NAME" line
# of harness/guest/suite.sh with no "ok"/"not ok" line for NAME after it.
running_program() {
	tr -d '\r' <"$1" | awk '
	/^# start: / { run = $3 }
	run != "" && /^(not )?ok [0-9]+ / {
		sub(/^(not )?ok [0-9]+ /, "")
		if ($1 == run)
			run = ""
	}
	END { print run }'
}
