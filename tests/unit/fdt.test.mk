# SPDX-License-Identifier: GPL-2.0
# libs/fdt against Debian's libfdt as the oracle, over every .dtb that
# tools/fetch-test-dtbs.sh caches (Debian's arm64 kernel and QEMU virt).
UNIT_TESTS += fdt
fdt_SRCS := tests/unit/test_fdt.c libs/fdt/fdt_ro.c libs/fdt/fdt_sw.c \
	libs/fdt/fdt_rw.c libs/fdt/fdt_strerror.c libs/fdt/fdt_check.c \
	tests/unit/host/host_support.c
fdt_LDLIBS := -lfdt
