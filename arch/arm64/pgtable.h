/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one page-table walker of arm64 (4 KiB granule). Keel's EL2 stage-1
 * tables use it now; guests' stage-2 tables differ only in the leaf
 * attribute encoding and the starting level, which are parameters.
 */
#ifndef ARM64_PGTABLE_H
#define ARM64_PGTABLE_H

#include <keel/types.h>
#include <keel/spinlock.h>

#define PT_ENTRIES 512
#define PT_DESC_VALID (1ULL << 0)
#define PT_DESC_TABLE (1ULL << 1) /* table at levels 0-2, page at 3 */
#define PT_ADDR_MASK 0x0000fffffffff000ULL

struct arm64_pgtable {
	u64 *root;
	unsigned int start_level; /* 0, 1 or 2 */
	unsigned int va_bits;
	/* Zeroed page for a new table; NULL when out of memory. */
	void *(*alloc_table)(void);
	/* Invalidate TLB entries for [va, va + size) after a change. */
	void (*flush_range)(struct arm64_pgtable *pt, u64 va, u64 size);
	spinlock_t lock;
};

/*
 * Map [va, va + size) to pa with leaf attributes `attrs` (the bits of a
 * block/page descriptor other than the address and type). Re-mapping a
 * range with identical output is allowed; a conflicting one is -EEXIST.
 */
int pgtable_map(struct arm64_pgtable *pt, u64 va, u64 pa, u64 size, u64 attrs);
/* Unmap, splitting blocks that the range only partly covers. */
int pgtable_unmap(struct arm64_pgtable *pt, u64 va, u64 size);
/* Output address and attributes of the leaf mapping va; -ENOENT if none. */
int pgtable_lookup(struct arm64_pgtable *pt, u64 va, u64 *pa, u64 *attrs);
/* Free every table below the root and the root itself (not the memory). */
void pgtable_free_tables(struct arm64_pgtable *pt, void (*free_table)(void *));
/* The level to start at for va_bits of input address (4 KiB granule). */
unsigned int pgtable_start_level(unsigned int va_bits);

#endif
