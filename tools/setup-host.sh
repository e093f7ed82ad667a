#!/bin/sh
# Keel's host tools on Debian bookworm: what it needs to build, run and test.
#
#   tools/setup-host.sh          install the missing packages (apt-get)
#   tools/setup-host.sh --check  install nothing: list the missing ones and
#                                fail if there are any
#
# make run, debug, test, bench and host-tools call it to install; the other
# targets that need the tools (configuring, building) call it with --check.
# Idempotent: packages already present are skipped.
set -e

PACKAGES="make gcc libc6-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu \
qemu-system-arm gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu \
qemu-system-misc device-tree-compiler libfdt-dev kconfig-frontends-nox \
python3-pytest python3-pexpect clang-format cppcheck cpio xz-utils curl \
acpica-tools qemu-system-x86"

case "$1" in
"") check_only= ;;
--check) check_only=y ;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

# Elsewhere nothing can be checked or installed: name the packages and let
# a check pass (the build then says itself what it lacks).
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "setup-host: not a Debian system (no dpkg-query): Keel needs the" \
		"equivalents of these Debian bookworm packages:" >&2
	echo "  $PACKAGES" >&2
	[ -n "$check_only" ] && exit 0
	exit 1
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ -n "$check_only" ]; then
	# One line: the Makefile may quote it in its own error.
	echo "setup-host: Keel's host tools are missing:$missing;" \
		"\`make host-tools\` installs them (so do make run, test and bench)" >&2
	exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi

echo "setup-host: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $missing
