# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Debian package fetching shared by the test-payload scripts (sourced, not
# run): find the newest version apt knows, download it, check its SHA256
# against apt's (signed) index, unpack it. Callers set LOG_NAME first.

log() {
	echo "${LOG_NAME:-fetch}: $*" >&2
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

# Make apt know packages of a foreign architecture; only when it does not
# yet. $1: the dpkg architecture, $2: a package apt must then know.
ensure_arch_lists() {
	arch="$1"
	probe="$2"
	if [ -n "$(apt-cache policy "$probe:$arch" 2>/dev/null)" ]; then
		return 0
	fi
	if [ "$arch" != "$(dpkg --print-architecture)" ] &&
		! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		log "adding dpkg architecture $arch"
		$SUDO dpkg --add-architecture "$arch"
	fi
	log "apt-get update"
	# shellcheck disable=SC2086
	$SUDO apt-get $APT_LOCK update -q >&2
	[ -n "$(apt-cache policy "$probe:$arch" 2>/dev/null)" ] ||
		die "apt knows no $probe for $arch after apt-get update"
}

# "<package> <version>" of the newest package whose name matches the
# extended regular expression $1, for architecture $2; or nothing. $3: a
# prefix apt-cache pkgnames narrows the search with. Local look-up only.
newest_package() {
	best_pkg=""
	best_ver=""
	for pkg in $(apt-cache pkgnames "$3" 2>/dev/null | grep -E "$1" |
		sort -u); do
		for ver in $(apt-cache madison "$pkg:$2" 2>/dev/null |
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

# Download package $1, architecture $2, version $3 into directory $4 and
# check it against apt's SHA256; prints the .deb's path.
download_checked() {
	want=$(apt-cache show "$1:$2=$3" 2>/dev/null |
		sed -n 's/^SHA256: *//p' | head -n 1)
	[ -n "$want" ] || die "apt-cache show reports no SHA256 for $1 $3"
	log "downloading $1 $3 ($2)"
	# As root, apt's _apt sandbox user could not write to our directory.
	sandbox=""
	[ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	(cd "$4" && apt-get $APT_LOCK $sandbox download -q "$1:$2=$3" >&2) ||
		die "apt-get download $1:$2=$3 failed"
	deb=$(find "$4" -maxdepth 1 -name "${1}_*.deb" | head -n 1)
	[ -n "$deb" ] || die "apt-get download left no .deb for $1"
	got=$(sha256sum "$deb" | cut -d' ' -f1)
	[ "$got" = "$want" ] ||
		die "SHA256 mismatch for $(basename "$deb"): got $got, want $want"
	echo "$deb"
}

# ---- packages apt is not configured for (trixie's, for riscv64) ----

ARCHIVE_URL=${KEEL_DEBIAN_ARCHIVE:-http://deb.debian.org/debian}

# Download pool file $1 into directory $2 and check SHA256 $3; prints the
# local path.
download_pool() {
	out="$2/$(basename "$1")"
	log "downloading $(basename "$1")"
	curl -fsS -o "$out" "$ARCHIVE_URL/$1" ||
		die "cannot download $1 (gone from the archive? update the manifest)"
	got=$(sha256sum "$out" | cut -d' ' -f1)
	[ "$got" = "$3" ] || die "SHA256 mismatch for $(basename "$1")"
	echo "$out"
}
