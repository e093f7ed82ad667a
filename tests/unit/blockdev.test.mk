# SPDX-License-Identifier: GPL-2.0
# Block devices (core/blockdev.c) over the tests' RAM disks
# (host/ram_disk.c): registry, claims, request checks, queued and
# synchronous requests, MBR and GPT scans of images the test builds, and
# copy-on-write disks over bundle files; with libs/crc32.c. The
# scheduler, clock and bundle are fakes in the test, the mutex the
# tests' own (host/fake_mutex.c).
UNIT_TESTS += blockdev
blockdev_SRCS := tests/unit/test_blockdev.c core/blockdev.c libs/crc32.c \
	tests/unit/host/ram_disk.c tests/unit/host/fake_mutex.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_printk.c tests/unit/host/host_support.c
