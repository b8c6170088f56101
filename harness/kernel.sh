#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh VARIANT: configure and build the assembled tree out of tree, in
# build/obj-VARIANT, with ccache.
#
#   fast   tinyconfig + tools/testing/selftests/vswap/config
#   debug  fast + tools/testing/selftests/vswap/config.debug
#   novswap  fast + config.novswap: the series compiled out
#   base   like fast, but built from the pristine source (no series); used by
#          the benchmarks and to compare behaviour with upstream
#   snapshot       fast's config, built from the series snapshot
#                  build/snapshot/linux (harness/snapshot.sh), not from
#                  build/linux, in build/snapshot/obj-snapshot: the series
#                  kernel of "make bench"
#   lockstat       the snapshot + config.lockstat (CONFIG_LOCK_STAT), in
#                  build/snapshot/obj-lockstat: bench-only (locks workload)
#   base-lockstat  base + config.lockstat: the baseline of the locks workload
#   hibernate  fast + config.hibernate (CONFIG_HIBERNATION): make check-hibernate
#
# The snapshot's build directories sit beside it as build/obj-* sit beside
# build/linux, so the compiler sees the same relative paths and ccache
# serves what a build of the same source in build/linux compiled.
#
# The configuration is regenerated on every call and installed only if it
# changed, so a rebuild after an edit compiles only what the edit touched.

source "$(dirname "$0")/lib.sh"

VARIANT=${1:-fast}
SRC=$KSRC
case $VARIANT in
fast) frags=(config) ;;
debug) frags=(config config.debug) ;;
novswap) frags=(config config.novswap) ;;
base) frags=(config); SRC=$BUILD/linux-base ;;
snapshot) frags=(config); SRC=$BUILD/snapshot/linux ;;
lockstat) frags=(config config.lockstat); SRC=$BUILD/snapshot/linux ;;
base-lockstat) frags=(config config.lockstat); SRC=$BUILD/linux-base ;;
hibernate) frags=(config config.hibernate) ;;
*) die "kernel.sh: unknown variant '$VARIANT' (fast, debug, novswap, base, snapshot, lockstat, base-lockstat, hibernate)" ;;
esac
# What the configuration depends on besides the fragments: the series as
# the source tree holds it.
stamp=$KSRC/.git/vswap-pristine.assembled

need_tools gcc make flex bison bc perl ccache
[ -d "$KSRC/.git" ] || die "no assembled tree in $KSRC: run 'make assemble' first"

case $VARIANT in
base | base-lockstat)
	# A worktree of the pristine commit, so the baseline never sees the series.
	if [ ! -d "$SRC" ]; then
		git -C "$KSRC" worktree add -q --detach "$SRC" HEAD
	fi
	;;
snapshot | lockstat)
	# A copy of the series that build/linux's edits do not reach mid-build.
	stamp=$SRC/.vswap-series
	[ -e "$stamp" ] || die "no series snapshot in $SRC: run harness/snapshot.sh first"
	;;
esac

OBJ=$BUILD/obj-$VARIANT
CFG=$BUILD/cfg-$VARIANT
case $VARIANT in
snapshot | lockstat) OBJ=$BUILD/snapshot/obj-$VARIANT CFG=$BUILD/snapshot/cfg-$VARIANT ;;
esac
LOG=$BUILD/logs/kernel-$VARIANT.log
mkdir -p "$OBJ" "$CFG" "$BUILD/logs"
# The cache lives outside the checkout so that a fresh clone (CI) on the
# same machine starts warm; BASEDIR/NOHASHDIR let two checkouts share it.
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vswap-ccache}
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1
export KBUILD_BUILD_USER=vswap KBUILD_BUILD_HOST=qemu
export KBUILD_BUILD_TIMESTAMP="${KBUILD_BUILD_TIMESTAMP:-2024-11-17}"
jobs=${JOBS:-$(($(nproc) + 1))}
kmake=(make -C "$SRC" ARCH=x86_64 "CC=ccache gcc" "HOSTCC=ccache gcc")

# The fragments always come from the series' copy in the repository.
paths=()
for f in "${frags[@]}"; do
	paths+=("$TOP/tools/testing/selftests/vswap/$f")
done

# Reconfigure only when a fragment or the assembled tree changed.
key=$(cat "${paths[@]}" "$stamp" 2>/dev/null | sha1sum | cut -c1-40)
if [ "$(cat "$CFG/vswap-key" 2>/dev/null)" != "$key" ] || [ ! -e "$CFG/.config" ]; then
rm -f "$CFG/vswap-key"
{
	"${kmake[@]}" O="$CFG" tinyconfig
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$CFG" "$CFG/.config" "${paths[@]}"
	"${kmake[@]}" O="$CFG" olddefconfig
} >"$LOG" 2>&1 || { tail -n 20 "$LOG" >&2; die "configuring $VARIANT failed (log: $LOG)"; }

# Every option a fragment asks for must survive olddefconfig: a silently
# dropped option would make a test pass for the wrong reason.  A later
# fragment overrides an earlier one, as in merge_config.sh.
miss=$(cat "${paths[@]}" | sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p' |
	awk '{ val[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
	     END { for (i = 1; i <= n; i++) print order[i], val[order[i]] }' |
	while read -r opt val; do
		# The baseline has no options of the series to keep.
		[[ $VARIANT == base* ]] && [[ $opt == CONFIG_VIRTUAL_SWAP* ||
			$opt == CONFIG_TEST_ZSWAP_COMPRESSOR ]] && continue
		got=$(sed -n "s/^$opt=//p" "$CFG/.config")
		if [ "$val" = n ]; then
			[ -z "$got" ] || echo "$opt=$got (wanted n)"
		elif [ "$got" != "$val" ]; then
			echo "$opt=${got:-unset} (wanted $val)"
		fi
	done)
[ -z "$miss" ] || die "config $VARIANT: $(echo "$miss" | head -n 3 | tr '\n' ';') -- a dependency is missing from the fragment"
echo "$key" >"$CFG/vswap-key"
fi

if ! cmp -s "$CFG/.config" "$OBJ/.config"; then
	cp "$CFG/.config" "$OBJ/.config"
fi

note "building $VARIANT kernel in $OBJ (-j$jobs, log: $LOG)"
start=$(date +%s)
"${kmake[@]}" O="$OBJ" -j"$jobs" bzImage >>"$LOG" 2>&1 ||
	{ grep -E -m 5 'error:|Error ' "$LOG" >&2 || tail -n 20 "$LOG" >&2; die "building the $VARIANT kernel failed (log: $LOG)"; }
rel=$(cat "$OBJ/include/config/kernel.release")
pkg=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)
echo "$rel" >"$OBJ/vswap-release"
note "kernel $VARIANT: Linux $rel (Debian linux-source-6.12 $pkg) built in $(($(date +%s) - start))s: $OBJ/arch/x86/boot/bzImage"
