// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 entries for the core page-table walker (pgtable.h). Present is
 * bit 0. At levels 1 and 2 an entry is a large leaf when PS is set and a
 * table when clear; at level 3 it is always a table and at level 0 always
 * a leaf. Table entries carry RW and US so that only leaves restrict
 * (the permissions of a walk are the intersection of all its levels).
 */
#include <keel/errno.h>

#include "pgtable.h"

#define PAGE_SHIFT_4K 12
#define LEVEL_BITS 9
#define LEVELS 4
#define ROOT_LEVEL (LEVELS - 1)

static bool large_leaf(u64 e, unsigned int level)
{
	return level > 0 && level < ROOT_LEVEL && (e & X86_PTE_PS);
}

static bool pte_is_valid(u64 e, unsigned int level)
{
	return e & X86_PTE_P;
}

static bool pte_is_table(u64 e, unsigned int level)
{
	return level > 0 && !large_leaf(e, level);
}

static u64 table_pte(paddr_t table, unsigned int level)
{
	return (table & X86_PTE_ADDR) | X86_PTE_P | X86_PTE_RW | X86_PTE_US;
}

static u64 leaf_pte(paddr_t pa, u64 attrs, unsigned int level)
{
	u64 e = (pa & X86_PTE_ADDR) | X86_PTE_P;

	if (!level)
		return e | (attrs & X86_PTE_ATTRS);
	/* A large leaf: PS set, and the caller's PAT (bit 7) moved to 12. */
	return e | (attrs & X86_PTE_ATTRS & ~X86_PTE_PS) | X86_PTE_PS |
	       (attrs & X86_PTE_PS ? X86_PTE_PAT_LARGE : 0);
}

static paddr_t pte_address(u64 e, unsigned int level)
{
	if (large_leaf(e, level))
		return e & X86_PTE_ADDR & ~X86_PTE_PAT_LARGE;
	return e & X86_PTE_ADDR;
}

static u64 pte_attrs(u64 e, unsigned int level)
{
	if (!large_leaf(e, level))
		return e & X86_PTE_ATTRS;
	return (e & X86_PTE_ATTRS & ~X86_PTE_PS) |
	       (e & X86_PTE_PAT_LARGE ? X86_PTE_PS : 0);
}

static const struct pgtable_ops x86_pte_ops = {
	.is_valid = pte_is_valid,
	.is_table = pte_is_table,
	.table_entry = table_pte,
	.leaf_entry = leaf_pte,
	.output_address = pte_address,
	.leaf_attrs = pte_attrs,
};

int x86_longmode_format(struct pgtable_format *fmt, bool gib_pages)
{
	*fmt = (struct pgtable_format){
		.name = "x86-64",
		.ops = &x86_pte_ops,
		.levels = LEVELS,
		.page_shift = PAGE_SHIFT_4K,
		.leaf_levels = gib_pages ? 0x7 : 0x3,
		.input_limit = 1ULL << (PAGE_SHIFT_4K + LEVEL_BITS * LEVELS),
		.attr_mask = X86_PTE_ATTRS,
		/* A large page split keeps the same translation throughout. */
		.break_before_make = false,
		/* x86 TLBs hold no non-present entries. */
		.caches_invalid = false,
	};
	for (unsigned int l = 0; l < LEVELS; l++)
		fmt->index_bits[l] = LEVEL_BITS;
	return 0;
}
