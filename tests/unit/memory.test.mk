# SPDX-License-Identifier: GPL-2.0
# Finding, mapping and handing out RAM from device trees that dtc builds
# in the test, over host memory at the addresses the trees give.
UNIT_TESTS += memory
memory_SRCS := tests/unit/test_memory.c core/mm/memory.c \
	core/mm/page_alloc.c tests/unit/host/host_support.c \
	tests/unit/host/host_printk.c \
	$(patsubst $(SRCTREE)/%,%,$(wildcard $(SRCTREE)/libs/fdt/*.c))
