# SPDX-License-Identifier: GPL-2.0
# core/devemu.c and core/devemu_instance.c through keel/devemu.h, over
# the real core/aspace.c, the host heap and fakes of the clock, the device tree and the guest's PA size of its own
# (the shared fake guest stands in for devemu.c itself, so it is not
# linked).
UNIT_TESTS += devemu
devemu_SRCS := tests/unit/test_devemu.c core/devemu.c core/devemu_registry.c core/aspace.c \
	core/devemu_instance.c tests/unit/host/host_heap.c \
	tests/unit/host/host_printk.c tests/unit/host/host_support.c
