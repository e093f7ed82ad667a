# SPDX-License-Identifier: GPL-2.0
# The host virtio-net driver (drivers/virtio/virtio_net.c) with the real
# shared virtio code, driver-side virtqueue and network switch, against a
# fake transport and NIC in the test that consume the driver's rings as a
# device does (host/vq_device.c): features, MAC from config or made up,
# the receive queue kept full, frames into the switch and back out on the
# transmit queue, a full transmit ring, buffers returned out of order,
# and used entries a device gets wrong. The clock and the scheduler are
# doubles, mutexes the tests' own (host/fake_mutex.c).
UNIT_TESTS += host_virtio_net
host_virtio_net_SRCS := tests/unit/test_host_virtio_net.c \
	drivers/virtio/virtio_net.c drivers/virtio/virtio.c \
	drivers/virtio/virtio_ring.c core/netswitch.c \
	tests/unit/host/vq_device.c tests/unit/host/fake_mutex.c \
	tests/unit/host/host_heap.c tests/unit/host/host_printk.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
host_virtio_net_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/host_virtio_net: $(SRCTREE)/tests/unit/host/keel_tables.ld
