# SPDX-License-Identifier: GPL-2.0
# The guests' virtio-rng (emulators/virtio/rng.c) behind the real virtio
# core and virtio-mmio transport, driven by the tests' virtio driver
# (host/virtio_driver.c) over fake guest RAM; the entropy source is a
# double in the test, the scheduler (the device's worker thread) the
# tests' own (host/fake_sched.c).
UNIT_TESTS += virtio_rng
virtio_rng_SRCS := tests/unit/test_virtio_rng.c emulators/virtio/rng.c \
	core/virtio/device.c core/virtio/virtqueue.c emulators/virtio/mmio.c \
	core/aspace.c core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/virtio_driver.c \
	tests/unit/host/fake_sched.c \
	tests/unit/host/host_heap.c tests/unit/host/host_printk.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
virtio_rng_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/virtio_rng: $(SRCTREE)/tests/unit/host/keel_tables.ld
