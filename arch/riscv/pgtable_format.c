// SPDX-License-Identifier: GPL-2.0
/*
 * riscv PTEs for the core page-table walker: V is bit 0; a valid entry
 * with R = W = X = 0 points to the next level's table, any other is a leaf
 * (at every level: 4 KiB pages, megapages, gigapages, terapages); the
 * physical page number is bits [53:10]; every other bit of a leaf (R, W,
 * X, U, G, A, D, the Svpbmt and N bits) is the caller's attribute.
 */
#include "pgtable.h"
#include <keel/errno.h>

#define PAGE_SHIFT_4K 12
#define LEVEL_BITS 9
/* The x4 roots index two more bits: four tables' worth, 16 KiB. */
#define X4_EXTRA_BITS 2
#define PTE_LEAF_BITS (PTE_R | PTE_W | PTE_X)
#define LEAF_ATTR_MASK (~PTE_PPN_MASK & ~PTE_V)

static bool pte_is_valid(u64 pte, unsigned int level)
{
	return pte & PTE_V;
}

static bool pte_is_table(u64 pte, unsigned int level)
{
	return level > 0 && !(pte & PTE_LEAF_BITS);
}

static u64 pa_to_pte(paddr_t pa)
{
	return (pa >> PAGE_SHIFT_4K) << PTE_PPN_SHIFT;
}

static u64 table_pte(paddr_t table, unsigned int level)
{
	return pa_to_pte(table) | PTE_V;
}

static u64 leaf_pte(paddr_t pa, u64 attrs, unsigned int level)
{
	return pa_to_pte(pa) | (attrs & LEAF_ATTR_MASK) | PTE_V;
}

static paddr_t pte_address(u64 pte, unsigned int level)
{
	return (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT << PAGE_SHIFT_4K;
}

static u64 pte_attrs(u64 pte, unsigned int level)
{
	return pte & LEAF_ATTR_MASK;
}

/* R = W = X = 0 would make a leaf a table pointer. */
static bool pte_attrs_valid(u64 attrs)
{
	return attrs & PTE_LEAF_BITS;
}

static const struct pgtable_ops riscv_pte_ops = {
	.is_valid = pte_is_valid,
	.is_table = pte_is_table,
	.table_entry = table_pte,
	.leaf_entry = leaf_pte,
	.output_address = pte_address,
	.leaf_attrs = pte_attrs,
	.attrs_valid = pte_attrs_valid,
};

static int fill(struct pgtable_format *fmt, const char *name,
		unsigned int levels, unsigned int root_extra_bits)
{
	if (levels != 3 && levels != 4)
		return -EINVAL;
	*fmt = (struct pgtable_format){
		.name = name,
		.ops = &riscv_pte_ops,
		.levels = levels,
		.page_shift = PAGE_SHIFT_4K,
		.leaf_levels = (1U << levels) - 1,
		.input_limit = 1ULL << (PAGE_SHIFT_4K + LEVEL_BITS * levels +
					root_extra_bits),
		.attr_mask = LEAF_ATTR_MASK,
		/* Old and new translation agree while a superpage splits. */
		.break_before_make = false,
		/* Invalid entries may be cached: every map is flushed. */
		.caches_invalid = true,
	};
	for (unsigned int l = 0; l < levels; l++)
		fmt->index_bits[l] = LEVEL_BITS;
	fmt->index_bits[levels - 1] += root_extra_bits;
	return 0;
}

int riscv_sv_format(struct pgtable_format *fmt, unsigned int levels)
{
	return fill(fmt, levels == 3 ? "Sv39" : "Sv48", levels, 0);
}

int riscv_svx4_format(struct pgtable_format *fmt, unsigned int levels)
{
	return fill(fmt, levels == 3 ? "Sv39x4" : "Sv48x4", levels,
		    X4_EXTRA_BITS);
}
