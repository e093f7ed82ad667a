# SPDX-License-Identifier: GPL-2.0
# The x86 host device tree (arch/x86_64/pvh.c, host_fdt.c) from what
# QEMU q35 gives a PVH kernel, read back through core/devtree.c.
UNIT_TESTS += x86_host_fdt
x86_host_fdt_SRCS := tests/unit/test_x86_host_fdt.c arch/x86_64/pvh.c \
	arch/x86_64/host_fdt.c arch/x86_64/acpi.c core/devtree.c \
	tests/unit/host/host_heap.c \
	libs/fdt/fdt_ro.c libs/fdt/fdt_sw.c libs/fdt/fdt_rw.c \
	libs/fdt/fdt_strerror.c libs/fdt/fdt_check.c
