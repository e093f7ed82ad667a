# SPDX-License-Identifier: GPL-2.0
# The buddy page allocator over host memory.
UNIT_TESTS += page_alloc
page_alloc_SRCS := tests/unit/test_page_alloc.c core/mm/page_alloc.c \
	tests/unit/host/host_support.c
