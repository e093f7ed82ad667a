#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A Linux guest for the tests: Debian's kernel Image and an initramfs of
# Debian's static busybox with tests/common/linux/init, and the kernel
# package's own virtio modules (Debian builds them as modules), with
# what they depend on, in the order init loads them.
#
#   tools/fetch-linux-guest.sh <arch>      (arm64, riscv64, amd64 or its
#                                           other name, x86_64)
#
# arm64 and amd64 (the cloud kernel, a bzImage): bookworm's packages
# through apt, checked against apt's SHA256.
# riscv64: bookworm has none; trixie's, from the same archive, pinned by
# SHA256 in tools/linux-guest-riscv64.manifest.
# and the result is cached in ${KEEL_CACHE:-$HOME/.cache/keel}/linux/<arch>/
# <kernel version>-<init hash>/ (Image, rootfs.cpio), outside the
# repository, so that a changed init makes a new initramfs; the last line
# printed is that directory. Once the cache is complete a run only reads
# it.
set -eu

LOG_NAME=fetch-linux-guest
. "$(dirname "$0")/debian-packages.sh"

ARCH="${1:-arm64}"
# Keel's name for the arch, Debian's for its packages.
[ "$ARCH" = x86_64 ] && ARCH=amd64
SRCTREE=$(cd "$(dirname "$0")/.." && pwd)
CACHE_ROOT="${KEEL_CACHE:-${HOME:-/tmp}/.cache/keel}/linux/$ARCH"
STAMP=".complete"

case "$ARCH" in
arm64)
	KERNEL_RE='^linux-image-6\.1\.0-[0-9]+-arm64$'
	KERNEL_PREFIX=linux-image-6.1.0-
	KERNEL_META=linux-image-arm64
	;;
amd64)
	KERNEL_RE='^linux-image-6\.1\.0-[0-9]+-cloud-amd64$'
	KERNEL_PREFIX=linux-image-6.1.0-
	KERNEL_META=linux-image-cloud-amd64
	;;
riscv64)
	KERNEL_RE='^linux-image-[0-9.]+\+deb13-riscv64$'
	;;
*)
	die "no Linux guest for architecture '$ARCH' yet"
	;;
esac

# The modules init loads; those the kernel has built in are left out.
MODULES="virtio_mmio virtio_blk virtio_net virtio_console virtio-rng"

INIT_HASH=$({
	cat "$SRCTREE/tests/common/linux/init"
	echo "$MODULES"
} | sha256sum | cut -c1-12)

# The newest complete cache directory made with this init, or nothing.
# "<name> <version> <pool path> <sha256>" of a manifest line.
manifest_entry() {
	line=$(grep "^$1 " "$SRCTREE/tools/linux-guest-$ARCH.manifest") ||
		die "no $1 in tools/linux-guest-$ARCH.manifest"
	echo "$line"
}

newest_cached() {
	[ -d "$CACHE_ROOT" ] || return 0
	for d in "$CACHE_ROOT"/*-"$INIT_HASH"/; do
		[ -f "$d$STAMP" ] && basename "$d"
	done | sort -V | tail -n 1
}

# The module file of $2 in the unpacked kernel package $1, or nothing.
module_file() {
	find "$1" -path '*/lib/modules/*' \( -name "$2.ko" -o -name "$2.ko.xz" \) |
		head -n 1
}

# A module's dependencies, from the "depends=" of its .modinfo.
module_depends() {
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*) cat "$1" ;;
	esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '
}

# Append module $2 (after its dependencies) to $3/order, unpacking it
# there as $2.ko; built-in modules (modules.builtin) are skipped.
add_module() {
	local file alt dep
	grep -qx "$2" "$3/order" 2>/dev/null && return 0
	file=$(module_file "$1" "$2")
	if [ -z "$file" ]; then
		alt=$(echo "$2" | tr '-' '_')
		if find "$1" -name modules.builtin -exec cat {} + |
			sed 's,.*/,,; s,\.ko$,,' | tr '-' '_' | grep -qx "$alt"; then
			return 0
		fi
		die "the kernel package has no module $2"
	fi
	for dep in $(module_depends "$file"); do
		add_module "$1" "$dep" "$3"
	done
	case "$file" in
	*.xz) xz -dc "$file" >"$3/$2.ko" ;;
	*) cp "$file" "$3/$2.ko" ;;
	esac
	echo "$2" >>"$3/order"
}

# The initramfs: busybox, /init, the modules, and the directories init
# mounts on.
make_initramfs() {
	root="$1/root"
	mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" \
		"$root/lib/modules"
	: >"$root/lib/modules/order"
	for m in $MODULES; do
		add_module "$1/kernel" "$m" "$root/lib/modules"
	done
	# bookworm ships /bin/busybox, trixie /usr/bin/busybox.
	cp "$(find "$1/busybox" -name busybox -type f -perm -u+x | head -n 1)" \
		"$root/bin/busybox"
	cp "$SRCTREE/tests/common/linux/init" "$root/init"
	chmod 755 "$root/init" "$root/bin/busybox"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$2"
}

fill_cache() {
	kpkg="$1"
	kver="$2"
	dir="$CACHE_ROOT/$kver-$INIT_HASH"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-linux.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT INT TERM

	if [ "$ARCH" = riscv64 ]; then
		kdeb=$(download_pool "$3" "$tmp" "$4")
		# shellcheck disable=SC2046 # fields, split on purpose
		set -- $(manifest_entry busybox)
		bdeb=$(download_pool "$3" "$tmp" "$4")
	else
		kdeb=$(download_checked "$kpkg" "$ARCH" "$kver" "$tmp")
		# shellcheck disable=SC2046 # "<package> <version>", split on purpose
		set -- $(newest_package '^busybox-static$' "$ARCH" busybox-static)
		[ $# -eq 2 ] || die "apt knows no busybox-static for $ARCH"
		bdeb=$(download_checked "$1" "$ARCH" "$2" "$tmp")
	fi

	mkdir -p "$tmp/kernel" "$tmp/busybox"
	dpkg-deb -x "$kdeb" "$tmp/kernel"
	dpkg-deb -x "$bdeb" "$tmp/busybox"
	rm -rf "$dir.partial"
	mkdir -p "$dir.partial"
	# Debian's arm64 vmlinuz and riscv64 vmlinux are uncompressed Images;
	# amd64's vmlinuz is a bzImage, kept under the same name.
	cp "$tmp"/kernel/boot/vmlinu[xz]-* "$dir.partial/Image"
	make_initramfs "$tmp" "$dir.partial/rootfs.cpio"
	(cd "$dir.partial" && sha256sum Image rootfs.cpio) >"$dir.partial/$STAMP"
	rm -rf "$dir"
	mv "$dir.partial" "$dir"
	rm -rf "$tmp"
	trap - EXIT INT TERM
}

main() {
	mkdir -p "$CACHE_ROOT"
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$CACHE_ROOT/.lock"
		flock 9
	fi
	cached=$(newest_cached)
	if [ -z "$cached" ] && [ "$ARCH" = riscv64 ]; then
		# shellcheck disable=SC2046 # fields, split on purpose
		set -- $(manifest_entry kernel)
		fill_cache "$@"
		cached="$2-$INIT_HASH"
	elif [ -z "$cached" ]; then
		command -v apt-get >/dev/null 2>&1 || die "needs apt-get (Debian)"
		ensure_arch_lists "$ARCH" "$KERNEL_META"
		# shellcheck disable=SC2046 # "<package> <version>", split on purpose
		set -- $(newest_package "$KERNEL_RE" "$ARCH" "$KERNEL_PREFIX")
		[ $# -eq 2 ] || die "apt knows no kernel matching $KERNEL_RE"
		fill_cache "$1" "$2"
		cached="$2-$INIT_HASH"
	fi
	# The files must still be what was cached.
	(cd "$CACHE_ROOT/$cached" && sha256sum -c --quiet "$STAMP") >&2 ||
		die "cached files in $CACHE_ROOT/$cached changed; delete it"
	echo "$CACHE_ROOT/$cached"
}

main "$@"
