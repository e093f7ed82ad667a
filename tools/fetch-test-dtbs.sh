#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fill a cache of real device-tree blobs for the fdt and devtree unit tests
# (make unittest runs this first and hands them the directory):
#   - every .dtb that Debian's arm64 kernel package (linux-image-6.1.0-*-arm64,
#     the non-cloud flavour) ships under /usr/lib/linux-image-*/
#   - QEMU's "virt" machine with virtualization=on, GICv2 and GICv3, -smp 4.
#
# The blobs go to ${KEEL_CACHE:-$HOME/.cache/keel}/dtbs/<pkgversion>/, outside
# the repository. The last line printed is that directory. Once the cache is
# complete a run only reads it: no network, no apt-get.
#
# Environment: KEEL_CACHE (cache root), KEEL_DTBS_REFRESH=1 (ask apt for a
# newer kernel even when a complete cache exists).
set -eu

CACHE_ROOT="${KEEL_CACHE:-${HOME:-/tmp}/.cache/keel}/dtbs"
STAMP=".complete"

LOG_NAME=fetch-test-dtbs
. "$(dirname "$0")/debian-packages.sh"

# The newest complete cache directory, or nothing.
newest_cached() {
	[ -d "$CACHE_ROOT" ] || return 0
	for d in "$CACHE_ROOT"/*/; do
		[ -f "$d$STAMP" ] && basename "$d"
	done | sort -V | tail -n 1
}

# The QEMU virt dumps; cheap, and redone only when missing.
qemu_dumps() {
	qdir="$1"
	command -v qemu-system-aarch64 >/dev/null 2>&1 ||
		die "qemu-system-aarch64 not found (tools/setup-host.sh installs it)"
	for gic in 2 3; do
		out="$qdir/qemu-virt-gicv$gic.dtb"
		[ -s "$out" ] && continue
		qemu-system-aarch64 -machine virt,virtualization=on,gic-version=$gic \
			-cpu cortex-a57 -smp 4 -m 512 -net none -nographic \
			-machine dumpdtb="$out.tmp" >/dev/null 2>&1 ||
			die "qemu-system-aarch64 dumpdtb (gic-version=$gic) failed"
		mv "$out.tmp" "$out"
	done
}

fill_cache() {
	pkg="$1"
	ver="$2"
	dir="$CACHE_ROOT/$ver"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-dtbs.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT INT TERM

	deb=$(download_checked "$pkg" arm64 "$ver" "$tmp")
	want=$(sha256sum "$deb" | cut -d' ' -f1)

	rm -rf "$dir.partial"
	mkdir -p "$dir.partial"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp" --wildcards './usr/lib/linux-image-*/*.dtb' ||
		die "extracting dtbs from $(basename "$deb") failed"
	# Flatten vendor/board.dtb into vendor_board.dtb.
	n=0
	for f in $(cd "$tmp/usr/lib" 2>/dev/null && find . -name '*.dtb' | sort); do
		name=$(echo "$f" | sed 's|^\./linux-image-[^/]*/||; s|/|_|g')
		cp "$tmp/usr/lib/$f" "$dir.partial/$name"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || die "no .dtb files found in $(basename "$deb")"
	log "extracted $n dtbs"

	qemu_dumps "$dir.partial"
	echo "$pkg $ver $want" >"$dir.partial/$STAMP"
	rm -rf "$dir"
	mv "$dir.partial" "$dir"
	rm -rf "$tmp"
	trap - EXIT INT TERM
}

main() {
	mkdir -p "$CACHE_ROOT"
	# One filler at a time (test binaries may start together).
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$CACHE_ROOT/.lock"
		flock 9
	fi
	cached=$(newest_cached)
	if [ -n "$cached" ] && [ "${KEEL_DTBS_REFRESH:-0}" != 1 ]; then
		qemu_dumps "$CACHE_ROOT/$cached"
		echo "$CACHE_ROOT/$cached"
		return 0
	fi

	command -v apt-get >/dev/null 2>&1 || die "needs apt-get (Debian)"
	ensure_arch_lists arm64 linux-image-arm64
	# shellcheck disable=SC2046 # "<package> <version>", split on purpose
	set -- $(newest_package '^linux-image-6\.1\.0-[0-9]+-arm64$' arm64 \
		linux-image-6.1.0-)
	[ $# -eq 2 ] || die "apt-cache knows no linux-image-6.1.0-*-arm64"
	if [ ! -f "$CACHE_ROOT/$2/$STAMP" ]; then
		fill_cache "$1" "$2"
	fi
	qemu_dumps "$CACHE_ROOT/$2"
	echo "$CACHE_ROOT/$2"
}

main "$@"
