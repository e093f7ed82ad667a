# SPDX-License-Identifier: GPL-2.0
# The device side of split virtqueues (core/virtio/virtqueue.c) against a
# driver in the test, over fake guest RAM behind the real core/aspace.c:
# chains popped into segments, pushed, notified, and every malformed ring
# or chain breaking the queue.
UNIT_TESTS += virtqueue
virtqueue_SRCS := tests/unit/test_virtqueue.c core/virtio/virtqueue.c \
	core/aspace.c tests/unit/host/host_support.c
