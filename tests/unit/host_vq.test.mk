# SPDX-License-Identifier: GPL-2.0
# The driver side of split virtqueues (drivers/virtio/virtio_ring.c), the
# one every host virtio device driver uses, against the tests' fake
# device (host/vq_device.c) that reads the available ring and writes the
# used ring: chains out then in, cookies back, free descriptors reused
# across index wrap, and used entries the driver never posted refused
# without harm.
UNIT_TESTS += host_vq
host_vq_SRCS := tests/unit/test_host_vq.c drivers/virtio/virtio_ring.c \
	tests/unit/host/vq_device.c \
	tests/unit/host/host_heap.c tests/unit/host/host_printk.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
