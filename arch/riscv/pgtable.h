/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one page-table walker of riscv (4 KiB pages, 512 entries a table).
 * Keel's own Sv39/Sv48 tables use it now. The G-stage formats of guests
 * (Sv39x4, Sv48x4) are the same walk with a 2048-entry (16 KiB) root and
 * one more input bit a level above, which root_index_bits expresses.
 */
#ifndef RISCV_PGTABLE_H
#define RISCV_PGTABLE_H

#include <keel/types.h>
#include <keel/spinlock.h>

#define PT_ENTRIES 512
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK (((1UL << 44) - 1) << PTE_PPN_SHIFT)

struct riscv_pgtable {
	u64 *root;
	unsigned int levels; /* 3 (Sv39, Sv39x4) or 4 (Sv48, Sv48x4) */
	unsigned int root_index_bits; /* 9, or 11 for the x4 G-stage modes */
	u64 input_limit; /* first input address the tables cannot map */
	/* Zeroed 4 KiB page for a new (non-root) table; NULL when out. */
	void *(*alloc_table)(void);
	/* Invalidate TLB entries for [va, va + size) after a change. */
	void (*flush_range)(struct riscv_pgtable *pt, u64 va, u64 size);
	spinlock_t lock;
};

/*
 * Map [va, va + size) to pa with leaf bits `attrs` (R, W, X, U, G, A, D
 * and the Svpbmt bits; V and the PPN are the walker's). Re-mapping a range
 * with identical output is allowed; a conflicting one is -EEXIST.
 */
int pgtable_map(struct riscv_pgtable *pt, u64 va, u64 pa, u64 size, u64 attrs);
/* Unmap, splitting superpages that the range only partly covers. */
int pgtable_unmap(struct riscv_pgtable *pt, u64 va, u64 size);
/* Output address and leaf bits of the mapping of va; -ENOENT if none. */
int pgtable_lookup(struct riscv_pgtable *pt, u64 va, u64 *pa, u64 *attrs);
/* Free every table below the root (not the root, not the memory). */
void pgtable_free_tables(struct riscv_pgtable *pt, void (*free_table)(void *));

#endif
