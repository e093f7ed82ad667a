# SPDX-License-Identifier: GPL-2.0
# core/devtree.c on top of libs/fdt, checked against Debian's libfdt, dtc
# and QEMU's generated device tree.
UNIT_TESTS += devtree
devtree_SRCS := core/devtree.c tests/unit/test_devtree.c \
	tests/unit/host/host_heap.c \
	libs/fdt/fdt_ro.c libs/fdt/fdt_sw.c libs/fdt/fdt_rw.c \
	libs/fdt/fdt_strerror.c libs/fdt/fdt_check.c
devtree_LDLIBS := -lfdt
