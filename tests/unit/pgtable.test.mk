# SPDX-License-Identifier: GPL-2.0
# The core page-table walker (core/mm/pgtable.c) in every format, linked
# with the real arch format files (their hooks are plain bit operations),
# over tables from the host heap.
# The boot pool of Keel's own tables falls back to the page allocator.
UNIT_TESTS += pgtable
pgtable_SRCS := tests/unit/test_pgtable.c core/mm/pgtable.c \
	core/mm/pgtable_pool.c core/mm/page_alloc.c \
	arch/arm64/pgtable_format.c arch/riscv/pgtable_format.c \
	arch/x86_64/pgtable_format.c \
	tests/unit/host/host_support.c
