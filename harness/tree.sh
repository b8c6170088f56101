#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The developer round trip between this repository and the assembled kernel
# tree in build/linux.
#
#   tree.sh pristine   unpack Debian's linux-source-6.12 into build/linux as a
#                      git repository whose first commit is the pristine source
#   tree.sh assemble   pristine + the series' new files + patches/
#   tree.sh export     edits in build/linux back into the repository
#   tree.sh status     what export would change (exit 1 if anything)
#
# assemble and export are idempotent, and both only write files whose content
# changes, so incremental kernel builds stay incremental.  The series stays
# uncommitted in build/linux (new files are "intent to add"), so "git diff"
# there shows exactly the series.

source "$(dirname "$0")/lib.sh"

TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz}
PKG=linux-source-6.12
STAMP=$KSRC/.git/vswap-pristine
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

pkg_version() {
	dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || true
}

upstream_version() {
	make -s -C "$KSRC" kernelversion 2>/dev/null
}

cmd_pristine() {
	local want have
	[ -r "$TARBALL" ] ||
		die "$TARBALL not found: install Debian's $PKG (run 'make deps' as root)"
	want="$PKG $(pkg_version) $(stat -c %s "$TARBALL")"
	have=$(cat "$STAMP" 2>/dev/null || true)
	[ "$want" = "$have" ] && return 0

	note "unpacking $TARBALL into $KSRC"
	rm -rf "$KSRC" "$KSRC.tmp"
	mkdir -p "$KSRC.tmp"
	tar -C "$KSRC.tmp" -xf "$TARBALL" --strip-components=1
	(
		cd "$KSRC.tmp"
		git init -q
		# Debian's top-level .gitignore ignores everything; -f takes it all.
		git add -f -A
		git -c user.name=vswap -c user.email=vswap@localhost \
			commit -q -m "pristine $PKG $(pkg_version)"
	)
	mv "$KSRC.tmp" "$KSRC"
	echo "$want" >"$STAMP"
	note "pristine tree: Linux $(upstream_version) from $PKG $(pkg_version)"
}

# Files not in the pristine commit: untracked ones and "intent to add" ones.
tree_new_files() {
	{
		git -C "$KSRC" ls-files --others
		comm -23 <(git -C "$KSRC" ls-files | LC_ALL=C sort -u) \
			<(git -C "$KSRC" ls-tree -r --name-only HEAD | LC_ALL=C sort -u)
	} | LC_ALL=C sort -u
}

# Upstream files that differ from the pristine commit.
tree_changed_files() {
	comm -12 <(git -C "$KSRC" diff --name-only --no-renames HEAD | LC_ALL=C sort -u) \
		<(git -C "$KSRC" ls-tree -r --name-only HEAD | LC_ALL=C sort -u)
}

# Checksums of the series as the repository holds it, recorded at assembly:
# export must not overwrite a repository file edited since then.
repo_manifest() {
	{
		series_new_files
		series_patched_files | sed 's|^\(.*\)$|patches/\1.patch|'
	} | (cd "$TOP" && xargs -r -d '\n' sha1sum 2>/dev/null)
}

# Did the tree's copy of $1 (a path in the tree) change since the last assembly?
tree_changed_since_assembly() {
	local rec cur
	rec=$(awk -v f="$1" '{ h = $1; $1 = ""; sub(/^ +/, ""); if ($0 == f) print h }' "$STAMP.assembled" 2>/dev/null)
	[ -n "$rec" ] || return 0
	cur=$(cd "$KSRC" && sha1sum "$1" 2>/dev/null | cut -c1-40)
	[ "$rec" != "$cur" ]
}

# Did the repository's copy of $1 change since the last assembly?
repo_changed_since_assembly() {
	local rec cur
	rec=$(awk -v f="$1" '{ h = $1; $1 = ""; sub(/^ +/, ""); if ($0 == f) print h }' "$STAMP.repo" 2>/dev/null)
	[ -e "$TOP/$1" ] || return 1
	cur=$(cd "$TOP" && sha1sum "$1" | cut -c1-40)
	[ -n "$rec" ] && [ "$rec" != "$cur" ]
}

# Checksums of every file in which the tree differs from the pristine source.
tree_manifest() {
	{ tree_changed_files; tree_new_files; } | LC_ALL=C sort -u |
		(cd "$KSRC" && xargs -r -d '\n' sha1sum 2>&1)
}

# A fixed abbreviation, so the index lines do not depend on how many objects
# the scratch repository happens to hold.
file_patch() {
	git -C "$KSRC" -c core.quotepath=off -c core.abbrev=9 diff --no-color --no-ext-diff \
		--no-renames --src-prefix=a/ --dst-prefix=b/ HEAD -- "$1"
}

# Compare the tree with the repository; with $1 = write, make the repository
# match the tree.  Prints one line per difference.
sync_back() {
	local mode=$1 f diffs=0
	local tmp=$SCRATCH/sync
	rm -rf "$tmp"
	mkdir -p "$tmp"

	tree_changed_files >"$tmp/changed"
	tree_new_files >"$tmp/new"
	series_patched_files >"$tmp/series-patched"
	series_new_files >"$tmp/series-new"

	while read -r f; do
		[ -e "$KSRC/$f" ] || die "$f was deleted from the tree: deleting upstream files is not supported"
		file_patch "$f" >"$tmp/p"
		if ! cmp -s "$tmp/p" "$PATCHES/$f.patch"; then
			echo "patch   patches/$f.patch"
			diffs=1
			if [ "$mode" = write ] && write_ok "$f" "patches/$f.patch"; then
				install_if_changed "$tmp/p" "$PATCHES/$f.patch"
			fi
		fi
	done <"$tmp/changed"
	while read -r f; do
		echo "unpatch patches/$f.patch"
		diffs=1
		[ "$mode" = write ] && check_removal "patches/$f.patch" && rm -f "$PATCHES/$f.patch"
	done < <(comm -13 "$tmp/changed" "$tmp/series-patched")

	while read -r f; do
		if ! cmp -s "$KSRC/$f" "$TOP/$f" || ! same_mode "$KSRC/$f" "$TOP/$f"; then
			echo "copy    $f"
			diffs=1
			if [ "$mode" = write ] && write_ok "$f" "$f"; then
				install_if_changed "$KSRC/$f" "$TOP/$f"
			fi
		fi
	done <"$tmp/new"
	while read -r f; do
		echo "remove  $f"
		diffs=1
		[ "$mode" = write ] && check_removal "$f" && rm -f "$TOP/$f"
	done < <(comm -13 "$tmp/new" "$tmp/series-new")

	if [ "$mode" = write ]; then
		for f in patches $(intree_dirs); do
			[ -d "$TOP/$f" ] && find "$TOP/$f" -mindepth 1 -type d -empty -delete
		done
	fi
	return $diffs
}

# May export write repository file $2 from tree file $1?  Not if only the
# repository changed since the assembly (the tree is stale: keep the newer
# copy); refuse if both did.
write_ok() {
	[ "${FORCE:-0}" = 1 ] && return 0
	repo_changed_since_assembly "$2" || return 0
	if tree_changed_since_assembly "$1"; then
		die "$2 changed in the repository since the last 'make assemble' and in $KSRC: merge by hand, or 'make export FORCE=1' to take the tree's copy"
	fi
	note "keeping $2: the repository's copy is newer ('make assemble' brings it into the tree)"
	return 1
}

# Only what was assembled and then deleted in the tree is deleted from the
# repository; a file added to the repository since is not the tree's to drop.
check_removal() {
	if [ "${FORCE:-0}" != 1 ] &&
		! awk -v f="$1" '{ $1 = ""; sub(/^ +/, "") } $0 == f { found = 1 } END { exit !found }' "$STAMP.repo" 2>/dev/null; then
		die "$1 was added to the repository after the last 'make assemble': run 'make assemble' first (or 'make export FORCE=1' to delete it)"
	fi
	if [ "${FORCE:-0}" != 1 ] && repo_changed_since_assembly "$1"; then
		die "$1 changed in the repository since the last 'make assemble' but was deleted in $KSRC: merge by hand"
	fi
	return 0
}

same_mode() {
	[ "$(stat -c %a "$1" 2>/dev/null)" = "$(stat -c %a "$2" 2>/dev/null)" ]
}

cmd_assemble() {
	local f p out
	local tmp=$SCRATCH/apply
	cmd_pristine
	# Edits made in the tree since the last assembly must be exported first;
	# a repository that moved ahead (git pull, checkout) is no such edit.
	if [ -e "$STAMP.assembled" ] && [ "${FORCE:-0}" != 1 ] &&
		! tree_manifest | cmp -s - "$STAMP.assembled"; then
		if ! out=$(sync_back check); then
			echo "$out" >&2
			die "$KSRC has edits that are not in the repository: run 'make export' first (or 'make assemble FORCE=1' to drop them)"
		fi
	fi

	mkdir -p "$tmp"
	# Apply every patch to a scratch copy of its pristine file first: a patch
	# that does not apply stops the run before the tree is touched.
	while read -r f; do
		p=$PATCHES/$f.patch
		git -C "$KSRC" cat-file -e "HEAD:$f" 2>/dev/null ||
			die "patches/$f.patch: $f does not exist in Linux $(upstream_version)"
		mkdir -p "$tmp/$(dirname "$f")"
		git -C "$KSRC" show "HEAD:$f" >"$tmp/$f"
		if ! out=$(patch -p1 -d "$tmp" --batch --forward --fuzz=0 \
			--no-backup-if-mismatch -r - <"$p" 2>&1); then
			die "patches/$f.patch does not apply to Linux $(upstream_version): $(echo "$out" | grep -m1 -E 'FAILED|malformed|Only garbage|can.t find' || echo "$out" | tail -n1)"
		fi
	done < <(series_patched_files)

	# Undo what an earlier assembly put there and the series no longer has.
	while read -r f; do
		if [ ! -e "$PATCHES/$f.patch" ]; then
			git -C "$KSRC" checkout -q HEAD -- "$f"
		fi
	done < <(tree_changed_files)
	while read -r f; do
		if [ ! -e "$TOP/$f" ]; then
			git -C "$KSRC" rm -q -f --cached "$f" 2>/dev/null || true
			rm -f "$KSRC/$f"
		fi
	done < <(tree_new_files)

	while read -r f; do
		install_if_changed "$tmp/$f" "$KSRC/$f"
	done < <(series_patched_files)
	while read -r f; do
		install_if_changed "$TOP/$f" "$KSRC/$f"
		chmod "$(stat -c %a "$TOP/$f")" "$KSRC/$f"
		git -C "$KSRC" add -f -N -- "$f"
	done < <(series_new_files)

	tree_manifest >"$STAMP.assembled"
	repo_manifest >"$STAMP.repo"
	note "assembled Linux $(upstream_version) + $(series_patched_files | wc -l) patches + $(series_new_files | wc -l) new files in $KSRC"
}

cmd_export() {
	[ -e "$STAMP.assembled" ] || die "no assembled tree in $KSRC: run 'make assemble' first"
	if sync_back write; then
		tree_manifest >"$STAMP.assembled"
		repo_manifest >"$STAMP.repo"
		note "repository already matches $KSRC"
	else
		tree_manifest >"$STAMP.assembled"
		repo_manifest >"$STAMP.repo"
		note "exported $KSRC into the repository"
	fi
}

cmd_status() {
	[ -e "$STAMP.assembled" ] || die "no assembled tree in $KSRC: run 'make assemble' first"
	sync_back check
}

case ${1:-} in
pristine) cmd_pristine ;;
assemble) cmd_assemble ;;
export) cmd_export ;;
status) cmd_status ;;
version) upstream_version ;;
*) die "usage: $0 pristine|assemble|export|status|version" ;;
esac
