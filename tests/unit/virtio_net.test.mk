# SPDX-License-Identifier: GPL-2.0
# The guests' virtio-net device (emulators/virtio/net.c) behind the real
# virtio core and virtio-mmio transport, with a driver in the test over
# fake guest RAM; the network switch is a double in the test
# (keel/netswitch.h is all the device sees of it), the scheduler the
# tests' own (host/fake_sched.c).
UNIT_TESTS += virtio_net
virtio_net_SRCS := tests/unit/test_virtio_net.c emulators/virtio/net.c \
	core/virtio/device.c core/virtio/virtqueue.c emulators/virtio/mmio.c \
	core/aspace.c core/devemu_instance.c core/devemu_registry.c \
	libs/crc32.c tests/unit/host/fake_guest.c tests/unit/host/virtio_driver.c \
	tests/unit/host/fake_sched.c \
	tests/unit/host/host_heap.c \
	tests/unit/host/host_printk.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
virtio_net_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/virtio_net: $(SRCTREE)/tests/unit/host/keel_tables.ld
