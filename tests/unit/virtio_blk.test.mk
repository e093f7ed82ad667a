# SPDX-License-Identifier: GPL-2.0
# The guests' virtio-blk (emulators/virtio/blk.c) behind the real virtio
# core and virtio-mmio transport and the real block device layer
# (core/blockdev.c), over the tests' RAM disks (host/ram_disk.c) that
# complete requests at once, later (when the test says) or fail them,
# and over a boot-bundle file; driven by the tests' virtio driver
# (host/virtio_driver.c) over fake guest RAM. The scheduler, pages and
# bundle are doubles in the test, the mutex the tests' own
# (host/fake_mutex.c).
UNIT_TESTS += virtio_blk
virtio_blk_SRCS := tests/unit/test_virtio_blk.c emulators/virtio/blk.c \
	core/virtio/device.c core/virtio/virtqueue.c emulators/virtio/mmio.c \
	core/blockdev.c libs/crc32.c core/aspace.c core/devemu_instance.c \
	core/devemu_registry.c tests/unit/host/fake_guest.c \
	tests/unit/host/virtio_driver.c tests/unit/host/ram_disk.c \
	tests/unit/host/fake_mutex.c tests/unit/host/host_heap.c \
	tests/unit/host/host_printk.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
virtio_blk_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/virtio_blk: $(SRCTREE)/tests/unit/host/keel_tables.ld
