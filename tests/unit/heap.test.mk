# SPDX-License-Identifier: GPL-2.0
# The heap on top of the real page allocator, over host memory.
UNIT_TESTS += heap
heap_SRCS := tests/unit/test_heap.c core/mm/heap.c core/mm/page_alloc.c \
	tests/unit/host/host_support.c
