# SPDX-License-Identifier: GPL-2.0
# The host UART drivers' reg-shift/reg-io-width/reg-offset parser
# (drivers/serial/serial_fdt.c) on blobs built by the test, from the
# flattened tree and from the live one (core/devtree.c), which must agree:
# defaults, values, and refusals with a message naming the node.
UNIT_TESTS += serial_fdt
serial_fdt_SRCS := tests/unit/test_serial_fdt.c drivers/serial/serial_fdt.c \
	core/devtree.c libs/fdt/fdt_ro.c libs/fdt/fdt_sw.c libs/fdt/fdt_rw.c \
	libs/fdt/fdt_strerror.c libs/fdt/fdt_check.c \
	tests/unit/host/host_heap.c tests/unit/host/host_printk.c \
	tests/unit/host/host_support.c
