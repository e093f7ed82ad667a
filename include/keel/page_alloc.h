/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The physical page allocator (core/mm/page_alloc.c): a binary buddy
 * allocator over the RAM ranges handed to it at boot. It works on Keel
 * virtual addresses (RAM is mapped before it starts), so the same code runs
 * in the host unit tests over a malloc'd arena.
 */
#ifndef KEEL_PAGE_ALLOC_H
#define KEEL_PAGE_ALLOC_H

#include <keel/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MAX_ORDER 18 /* largest block: 2^18 pages = 1 GiB */
/* RAM banks split by reserved ranges: MEMORY_MAX_BANKS + MAX_RESERVED. */
#define PAGE_ALLOC_MAX_ZONES 48

/*
 * Hand [base, base + size) to the allocator. Both are rounded inward to
 * pages; the allocator keeps its own bookkeeping inside the range (a few
 * bytes per page), so a range must be at least a few pages long.
 * Returns 0, -EINVAL (too small, overlapping) or -ENOSPC (too many zones).
 */
int page_alloc_add_range(vaddr_t base, u64 size);

/* 2^order contiguous pages, aligned to their size; NULL when none. */
void *page_alloc(unsigned int order);
/* The same, zero-filled. */
void *page_alloc_zeroed(unsigned int order);
/*
 * Give back a block from page_alloc with the order it was allocated with.
 * A pointer the allocator did not hand out, or a block already free, is
 * reported through page_alloc_report_error() and ignored.
 */
void page_free(void *va, unsigned int order);

struct page_alloc_stats {
	u64 total_pages; /* pages managed, bookkeeping excluded */
	u64 free_pages;
	u64 free_blocks[PAGE_MAX_ORDER + 1]; /* free blocks per order */
	unsigned int zones;
};

void page_alloc_get_stats(struct page_alloc_stats *stats);

/*
 * Called on misuse (bad pointer, double free); Keel logs it, the host tests
 * count it. Provided by the embedding environment.
 */
void page_alloc_report_error(const char *what, const void *va);

/* Forget every range (host unit tests only start over with this). */
void page_alloc_reset(void);

#endif
