#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fill a cache of real device-tree blobs for the fdt unit test:
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

log() {
	echo "fetch-test-dtbs: $*" >&2
}

die() {
	log "error: $*"
	exit 1
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi

APT_LOCK="-o DPkg::Lock::Timeout=300"

# The newest complete cache directory, or nothing.
newest_cached() {
	[ -d "$CACHE_ROOT" ] || return 0
	for d in "$CACHE_ROOT"/*/; do
		[ -f "$d$STAMP" ] && basename "$d"
	done | sort -V | tail -n 1
}

# Print "<package> <version>" for the newest linux-image-6.1.0-<abi>-arm64
# (arm64) that apt-cache knows, or nothing. Local look-up only.
newest_kernel() {
	best_pkg=""
	best_ver=""
	for pkg in $(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
		grep -E '^linux-image-6\.1\.0-[0-9]+-arm64$' | sort -u); do
		for ver in $(apt-cache madison "$pkg:arm64" 2>/dev/null |
			awk -F'|' '{ gsub(/ /, "", $2); print $2 }'); do
			if [ -z "$best_ver" ] ||
				dpkg --compare-versions "$ver" gt "$best_ver"; then
				best_pkg="$pkg"
				best_ver="$ver"
			fi
		done
	done
	[ -n "$best_pkg" ] && echo "$best_pkg $best_ver"
	return 0
}

# Make apt know arm64 packages; only when it does not yet.
ensure_arm64_lists() {
	if [ -n "$(apt-cache policy linux-image-arm64:arm64 2>/dev/null)" ]; then
		return 0
	fi
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "adding dpkg architecture arm64"
		$SUDO dpkg --add-architecture arm64
	fi
	log "apt-get update"
	# shellcheck disable=SC2086
	$SUDO apt-get $APT_LOCK update -q >&2
	[ -n "$(apt-cache policy linux-image-arm64:arm64 2>/dev/null)" ] ||
		die "apt still knows no arm64 kernel after apt-get update"
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

	want=$(apt-cache show "$pkg:arm64=$ver" 2>/dev/null |
		sed -n 's/^SHA256: *//p' | head -n 1)
	[ -n "$want" ] || die "apt-cache show reports no SHA256 for $pkg $ver"

	log "downloading $pkg $ver (arm64)"
	# As root, apt's _apt sandbox user could not write to our mktemp dir.
	sandbox=""
	[ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get $APT_LOCK $sandbox download -q "$pkg:arm64=$ver" >&2) ||
		die "apt-get download $pkg:arm64=$ver failed"
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n 1)
	[ -n "$deb" ] || die "apt-get download left no .deb"
	got=$(sha256sum "$deb" | cut -d' ' -f1)
	[ "$got" = "$want" ] ||
		die "SHA256 mismatch for $(basename "$deb"): got $got, want $want"

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
	ensure_arm64_lists
	# shellcheck disable=SC2046 # "<package> <version>", split on purpose
	set -- $(newest_kernel)
	[ $# -eq 2 ] || die "apt-cache knows no linux-image-6.1.0-*-arm64"
	if [ ! -f "$CACHE_ROOT/$2/$STAMP" ]; then
		fill_cache "$1" "$2"
	fi
	qemu_dumps "$CACHE_ROOT/$2"
	echo "$CACHE_ROOT/$2"
}

main "$@"
