#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# snapshot.sh [DIR]: copy the series as build/linux holds it into a git
# worktree of the pristine commit (default build/snapshot/linux), so that
# the bench kernels (kernel.sh snapshot, lockstat) build from a tree nobody
# edits while they compile.  build/linux itself is only read: its "git diff" is the
# whole series (new files are intent-to-add), applied to a private index and
# committed, detached, in the worktree.  Checking out that commit rewrites
# only the files that changed since the last snapshot, so the next build
# stays incremental.
#
# It refuses to copy edits made in build/linux that are not exported ("copy",
# "patch" or "unpatch" lines of make status), so what is measured is what is
# in the repository; SNAPSHOT_UNEXPORTED=1 takes them anyway.  Repository
# files that are not assembled yet ("remove" lines) are not in the snapshot.
# $DIR/.vswap-series holds the checksum of the series it holds.

source "$(dirname "$0")/lib.sh"

SNAP=${1:-$BUILD/snapshot/linux}
[ -e "$KSRC/.git/vswap-pristine.assembled" ] ||
	die "no assembled tree in $KSRC: run 'make assemble' first"
if [ -z "${SNAPSHOT_UNEXPORTED:-}" ]; then
	edits=$("$TOP/harness/tree.sh" status | grep -v '^remove ' || true)
	[ -z "$edits" ] ||
		die "snapshot: $KSRC has edits that are not exported ($(echo "$edits" | head -n 1)...): export them or set SNAPSHOT_UNEXPORTED=1"
fi

idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
rm -f "$idx"
GIT_INDEX_FILE=$idx git -C "$KSRC" read-tree HEAD
git -C "$KSRC" diff --binary | GIT_INDEX_FILE=$idx git -C "$KSRC" apply --cached ||
	die "snapshot: the series in $KSRC does not apply to its pristine commit"
tree=$(GIT_INDEX_FILE=$idx git -C "$KSRC" write-tree)
pristine=$(git -C "$KSRC" rev-parse HEAD)

if [ ! -e "$SNAP/.git" ]; then
	mkdir -p "$(dirname "$SNAP")"
	git -C "$KSRC" worktree add -q --detach "$SNAP" "$pristine"
fi
# The snapshot commit has the pristine commit as parent, so
# "git -C $SNAP diff HEAD~" is the series it holds.
commit=$(git -C "$KSRC" -c user.name=vswap -c user.email=vswap@localhost \
	commit-tree "$tree" -p "$pristine" -m "series snapshot for the bench kernels")
if [ "$(git -C "$SNAP" rev-parse 'HEAD^{tree}')" != "$tree" ]; then
	git -C "$SNAP" checkout -q --force --detach "$commit"
fi
echo "$tree" >"$SNAP/.vswap-series"
note "snapshot: series tree $tree in $SNAP"
