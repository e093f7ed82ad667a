# SPDX-License-Identifier: GPL-2.0
# The guests' virtio-console (emulators/virtio/console.c) behind the real
# virtio core and virtio-mmio transport, and the real virtual serial ports
# (with no console) behind it, driven by a driver in the test whose rings
# lie in fake guest RAM behind the real core/aspace.c. The emulator and
# the model are found in the tables host/keel_tables.ld lays out.
UNIT_TESTS += virtio_console
virtio_console_SRCS := tests/unit/test_virtio_console.c \
	emulators/virtio/console.c core/virtio/device.c \
	core/virtio/virtqueue.c emulators/virtio/mmio.c core/aspace.c \
	core/vserial.c core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/virtio_driver.c \
	tests/unit/host/no_console.c \
	tests/unit/host/host_heap.c tests/unit/host/host_printk.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
virtio_console_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/virtio_console: $(SRCTREE)/tests/unit/host/keel_tables.ld
