#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh: make sure the host has what the harness needs.  As root, installs
# the missing Debian packages with apt-get; otherwise names them and fails.

source "$(dirname "$0")/lib.sh"

# command-or-file  package
REQS="
gcc                            gcc
make                           make
flex                           flex
bison                          bison
bc                             bc
perl                           perl
python3                        python3
cpio                           cpio
ccache                         ccache
patch                          patch
git                            git
qemu-system-x86_64             qemu-system-x86
/bin/busybox                   busybox-static
/usr/include/libelf.h          libelf-dev
/usr/include/openssl/ssl.h     libssl-dev
/usr/src/linux-source-6.12.tar.xz linux-source-6.12
xz                             xz-utils
timeout                        coreutils
/usr/lib/python3/dist-packages/ply python3-ply
/usr/lib/python3/dist-packages/git python3-git
gnuplot                        gnuplot-nox
"

missing=
while read -r what pkg; do
	[ -n "$what" ] || continue
	case $what in
	/*) [ -e "$what" ] && continue ;;
	*) command -v "$what" >/dev/null 2>&1 && continue ;;
	esac
	# busybox must be the static one: the guest has no libc.
	missing="$missing $pkg"
done <<<"$REQS"
if [ -x /bin/busybox ] && ldd /bin/busybox >/dev/null 2>&1; then
	missing="$missing busybox-static"
fi

[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	die "missing packages:$missing (install them, or run 'make deps' as root)"
fi
note "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || die "apt-get update failed"
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	die "apt-get install$missing failed"
