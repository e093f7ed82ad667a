# SPDX-License-Identifier: GPL-2.0
# guest new (core/guest_new.c): its options and the descriptions it builds
# on both boards' templates (boards/*/qemu-virt/guest-machine.dts, compiled
# by dtc in the test), with core/devtree.c's copy and DTS writer, over
# core/bundle.c.
UNIT_TESTS += guest_new
guest_new_SRCS := tests/unit/test_guest_new.c core/guest_new.c \
	core/devtree.c core/bundle.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c \
	libs/fdt/fdt_ro.c libs/fdt/fdt_sw.c libs/fdt/fdt_rw.c \
	libs/fdt/fdt_strerror.c libs/fdt/fdt_check.c
$(BUILD)/unit/guest_new: $(wildcard $(SRCTREE)/boards/*/qemu-virt/guest-machine.dts)
