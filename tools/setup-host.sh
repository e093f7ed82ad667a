#!/bin/sh
# Install everything Keel needs to build, run and test on Debian bookworm.
# Idempotent: packages already present are skipped by apt-get.
set -e

PACKAGES="make gcc libc6-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu \
qemu-system-arm gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu \
qemu-system-misc device-tree-compiler libfdt-dev kconfig-frontends-nox \
python3-pytest python3-pexpect clang-format cppcheck cpio xz-utils curl"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
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

echo "setup-host: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $missing
