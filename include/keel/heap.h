/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor heap (core/mm/heap.c): small blocks from size-class
 * slabs carved out of pages, large blocks straight from the page
 * allocator. With CONFIG_DEBUG_HEAP each block carries a header and a
 * trailing canary, checked on free, and freed memory is poisoned, so that
 * double frees and overruns are reported (through heap_report_error())
 * instead of silently corrupting memory.
 */
#ifndef KEEL_HEAP_H
#define KEEL_HEAP_H

#include <keel/types.h>

void *keel_malloc(size_t size);
void *keel_zalloc(size_t size);
/* n * size with overflow checking; zero-filled. */
void *keel_calloc(size_t n, size_t size);
void keel_free(void *ptr);
/* Duplicate a string onto the heap. */
char *keel_strdup(const char *s);

struct heap_stats {
	u64 bytes_in_use; /* bytes asked for by live allocations */
	u64 bytes_held; /* bytes taken from the page allocator */
	u64 live_blocks;
	u64 total_allocs;
	u64 total_frees;
	u64 failed_allocs;
	u64 errors_detected; /* double frees, overruns, bad pointers */
};

void heap_get_stats(struct heap_stats *stats);

/*
 * Walk every live block and check its guards (debug builds); returns the
 * number of damaged blocks found (each one also reported).
 */
unsigned long heap_check(void);

/* Called on misuse; Keel logs it, the host tests count it. */
void heap_report_error(const char *what, const void *ptr);

#endif
