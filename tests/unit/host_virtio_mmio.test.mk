# SPDX-License-Identifier: GPL-2.0
# The host virtio-mmio transport (drivers/virtio/virtio_mmio.c) with the
# real shared virtio code and driver-side virtqueue, found by its
# compatible string in the driver table (host/keel_tables.ld) and probing
# a node of a tree the test builds (core/devtree.c), over a register
# block in host memory and a fake device driver whose probe fails or
# succeeds: a polled device's thread is started only after a successful
# probe, and a failed one leaves no thread, queue or transport behind
# and the device FAILED; the interrupt path too. The heap is counted in
# the test; the scheduler and the interrupt controller are doubles.
UNIT_TESTS += host_virtio_mmio
host_virtio_mmio_SRCS := tests/unit/test_host_virtio_mmio.c \
	drivers/virtio/virtio_mmio.c drivers/virtio/virtio.c \
	drivers/virtio/virtio_ring.c core/devtree.c libs/fdt/fdt_ro.c \
	libs/fdt/fdt_sw.c libs/fdt/fdt_rw.c libs/fdt/fdt_strerror.c \
	libs/fdt/fdt_check.c tests/unit/host/host_printk.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
host_virtio_mmio_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/host_virtio_mmio: $(SRCTREE)/tests/unit/host/keel_tables.ld
