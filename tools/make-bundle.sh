#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build a Keel boot bundle: a cpio "newc" archive of the given files, to be
# passed to Keel as its initrd (QEMU: -initrd <output.cpio>). Keel lists it
# with `bundle list` and finds each file by its name in the archive.
#
#   tools/make-bundle.sh <output.cpio> <file>...
#
# Each file is stored under its base name (tools/make-bundle.sh out.cpio
# /srv/guests/linux/Image stores "Image"), so two files with the same base
# name are refused. Symbolic links are followed; anything that is not a
# regular file in the end (directories, devices) is refused, as is a name
# cpio would store wrongly (one with a newline) or that Keel would read as
# the archive's end ("TRAILER!!!").
#
# The archive is reproducible: the same files give the same bytes whoever
# builds it, where and when. The files are copied into a private directory
# and stored from there in byte order of their names, owned by root, with
# mode 0644, modification time 0 (1970-01-01), inode numbers counted from
# one and no device numbers. The output is written to a temporary file
# next to it and renamed into place, so a failed run leaves no half archive.
#
# Needs GNU cpio (Debian package "cpio"); tools/setup-host.sh installs it.
set -eu

usage() {
	echo "usage: $0 <output.cpio> <file>..." >&2
	exit 2
}

die() {
	echo "make-bundle: $*" >&2
	exit 1
}

[ $# -ge 2 ] || usage
out=$1
shift

command -v cpio >/dev/null 2>&1 ||
	die "cpio not found (Debian: apt-get install cpio)"

case $out in
*/) die "$out: the output must be a file name" ;;
*/*) outdir=${out%/*} ;;
*) outdir=. ;;
esac
[ -d "${outdir:-/}" ] || die "$outdir: no such directory"

stage=$(mktemp -d "${TMPDIR:-/tmp}/make-bundle.XXXXXX")
tmpout=""
cleanup() {
	rm -rf "$stage"
	[ -z "$tmpout" ] || rm -f "$tmpout"
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM

nl='
'
for f in "$@"; do
	[ -e "$f" ] || die "$f: no such file"
	[ -f "$f" ] || die "$f: not a regular file"
	[ -r "$f" ] || die "$f: not readable"
	name=${f##*/}
	case $name in
	*"$nl"*) die "$f: a name with a newline cannot be stored" ;;
	TRAILER!!!) die "$f: \"TRAILER!!!\" marks the end of a cpio archive" ;;
	esac
	[ ! -e "$stage/$name" ] ||
		die "$f: another file is also called \"$name\""
	cp -L -- "$f" "$stage/$name"
	chmod 0644 "$stage/$name"
	touch -h -d @0 "$stage/$name"
done

tmpout=$(mktemp "$outdir/.make-bundle.XXXXXX")
# Names are listed NUL-separated, so no character other than the newline
# refused above can reach cpio mangled.
(
	cd "$stage"
	for f in "$@"; do
		printf '%s\0' "${f##*/}"
	done | LC_ALL=C sort -z |
		cpio -o -0 -H newc --quiet -R 0:0 --renumber-inodes --ignore-devno
) >"$tmpout"
chmod 0644 "$tmpout"
mv -f -- "$tmpout" "$out"
tmpout=""
