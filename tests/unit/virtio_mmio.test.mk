# SPDX-License-Identifier: GPL-2.0
# The guest-side virtio core (core/virtio/device.c) behind the virtio-mmio
# transport (emulators/virtio/mmio.c), through the emulator's operations
# as core drives them, with device models of the test's own and a driver
# in the test whose rings lie in fake guest RAM behind the real
# core/aspace.c. The emulator and the models are found in the tables
# host/keel_tables.ld lays out.
UNIT_TESTS += virtio_mmio
virtio_mmio_SRCS := tests/unit/test_virtio_mmio.c core/virtio/device.c \
	core/virtio/virtqueue.c emulators/virtio/mmio.c core/aspace.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/host_heap.c \
	tests/unit/host/host_printk.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
virtio_mmio_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/virtio_mmio: $(SRCTREE)/tests/unit/host/keel_tables.ld
