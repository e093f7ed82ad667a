// SPDX-License-Identifier: GPL-2.0
#include "pgtable.h"
#include <keel/errno.h>
#include <arch/barrier.h>
#include <arch/mmu.h>

/* Level 0 holds 4 KiB pages; each level up covers 9 more bits. */
#define LEVEL_SHIFT(l) (12 + 9 * (l))
#define LEVEL_SIZE(l) (1UL << LEVEL_SHIFT(l))
#define PTE_LEAF_BITS (PTE_R | PTE_W | PTE_X)
#define LEAF_ATTR_MASK (~PTE_PPN_MASK & ~PTE_V)

static unsigned int pt_index(const struct riscv_pgtable *pt, u64 va,
			     unsigned int level)
{
	unsigned int bits = level == pt->levels - 1 ? pt->root_index_bits : 9;

	return (va >> LEVEL_SHIFT(level)) & ((1UL << bits) - 1);
}

/* A valid entry with R = W = X = 0 points to the next level's table. */
static bool is_table(u64 pte, unsigned int level)
{
	return level > 0 && (pte & PTE_V) && !(pte & PTE_LEAF_BITS);
}

static u64 pte_to_pa(u64 pte)
{
	return (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT << 12;
}

static u64 pa_to_pte(u64 pa)
{
	return (pa >> 12) << PTE_PPN_SHIFT;
}

static u64 *table_of(u64 pte)
{
	return arch_phys_to_virt(pte_to_pa(pte));
}

static void write_pte(u64 *slot, u64 pte)
{
	/* The walker reads tables with plain loads: order them first. */
	smp_mb();
	*(volatile u64 *)slot = pte;
}

static u64 leaf_pte(u64 pa, u64 attrs)
{
	return pa_to_pte(pa) | attrs | PTE_V;
}

static u64 table_pte(const u64 *table)
{
	return pa_to_pte(arch_virt_to_phys(table)) | PTE_V;
}

/*
 * Replace the superpage in *slot by a table of next-level leaves mapping
 * the same output. RISC-V needs no break-before-make: until the fence,
 * a hart may use either translation, and both say the same.
 */
static int split_superpage(struct riscv_pgtable *pt, u64 *slot, u64 va,
			   unsigned int level)
{
	u64 pte = *slot;
	u64 *table = pt->alloc_table();
	u64 base = pte_to_pa(pte) & ~(LEVEL_SIZE(level) - 1);
	u64 attrs = pte & LEAF_ATTR_MASK;

	if (!table)
		return -ENOMEM;
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		table[i] = leaf_pte(base + i * LEVEL_SIZE(level - 1), attrs);
	write_pte(slot, table_pte(table));
	pt->flush_range(pt, va & ~(LEVEL_SIZE(level) - 1), LEVEL_SIZE(level));
	return 0;
}

static int map_level(struct riscv_pgtable *pt, u64 *table, unsigned int level,
		     u64 va, u64 pa, u64 size, u64 attrs)
{
	while (size) {
		u64 block = LEVEL_SIZE(level);
		u64 chunk = block - (va & (block - 1));
		u64 *slot = &table[pt_index(pt, va, level)];
		u64 pte = *slot;
		int err;

		if (chunk > size)
			chunk = size;
		bool leaf_fits = chunk == block && IS_ALIGNED(pa, block);

		if (leaf_fits && !is_table(pte, level)) {
			u64 want = leaf_pte(pa, attrs);

			if (pte & PTE_V) {
				if (pte != want)
					return -EEXIST;
			} else {
				write_pte(slot, want);
			}
		} else {
			if (!(pte & PTE_V)) {
				u64 *next = pt->alloc_table();

				if (!next)
					return -ENOMEM;
				write_pte(slot, table_pte(next));
			} else if (!is_table(pte, level)) {
				/* Identical output inside an existing leaf. */
				u64 off = va & (block - 1);

				if (pte_to_pa(pte) + off == pa &&
				    (pte & LEAF_ATTR_MASK) == attrs)
					goto next;
				return -EEXIST;
			}
			err = map_level(pt, table_of(*slot), level - 1, va, pa,
					chunk, attrs);
			if (err)
				return err;
		}
next:
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

static bool range_ok(const struct riscv_pgtable *pt, u64 va, u64 size)
{
	return IS_ALIGNED(va | size, 4096) && size && va + size > va &&
	       va + size <= pt->input_limit;
}

int pgtable_map(struct riscv_pgtable *pt, u64 va, u64 pa, u64 size, u64 attrs)
{
	unsigned long flags;
	int err;

	if (!range_ok(pt, va, size) || !IS_ALIGNED(pa, 4096) ||
	    !(attrs & PTE_LEAF_BITS))
		return -EINVAL;
	spin_lock_irqsave(&pt->lock, flags);
	err = map_level(pt, pt->root, pt->levels - 1, va, pa, size,
			attrs & LEAF_ATTR_MASK);
	/* An entry made valid may have been cached as invalid. */
	pt->flush_range(pt, va, size);
	spin_unlock_irqrestore(&pt->lock, flags);
	return err;
}

static int unmap_level(struct riscv_pgtable *pt, u64 *table, unsigned int level,
		       u64 va, u64 size)
{
	while (size) {
		u64 block = LEVEL_SIZE(level);
		u64 chunk = block - (va & (block - 1));
		u64 *slot = &table[pt_index(pt, va, level)];
		int err;

		if (chunk > size)
			chunk = size;
		if (!(*slot & PTE_V))
			goto next;
		if (chunk == block && !is_table(*slot, level)) {
			write_pte(slot, 0);
		} else {
			if (!is_table(*slot, level)) {
				err = split_superpage(pt, slot, va, level);
				if (err)
					return err;
			}
			err = unmap_level(pt, table_of(*slot), level - 1, va,
					  chunk);
			if (err)
				return err;
		}
next:
		va += chunk;
		size -= chunk;
	}
	return 0;
}

int pgtable_unmap(struct riscv_pgtable *pt, u64 va, u64 size)
{
	unsigned long flags;
	int err;

	if (!range_ok(pt, va, size))
		return -EINVAL;
	spin_lock_irqsave(&pt->lock, flags);
	err = unmap_level(pt, pt->root, pt->levels - 1, va, size);
	pt->flush_range(pt, va, size);
	spin_unlock_irqrestore(&pt->lock, flags);
	return err;
}

int pgtable_lookup(struct riscv_pgtable *pt, u64 va, u64 *pa, u64 *attrs)
{
	u64 *table = pt->root;

	if (va >= pt->input_limit)
		return -EINVAL;
	for (int level = (int)pt->levels - 1; level >= 0; level--) {
		u64 pte = table[pt_index(pt, va, level)];

		if (!(pte & PTE_V))
			return -ENOENT;
		if (is_table(pte, level)) {
			table = table_of(pte);
			continue;
		}
		*pa = (pte_to_pa(pte) & ~(LEVEL_SIZE(level) - 1)) +
		      (va & (LEVEL_SIZE(level) - 1));
		*attrs = pte & LEAF_ATTR_MASK;
		return 0;
	}
	return -ENOENT;
}

static void free_level(const struct riscv_pgtable *pt, u64 *table,
		       unsigned int level, void (*free_table)(void *))
{
	unsigned int entries =
		1U << (level == pt->levels - 1 ? pt->root_index_bits : 9);

	for (unsigned int i = 0; i < entries; i++) {
		if (!is_table(table[i], level))
			continue;
		free_level(pt, table_of(table[i]), level - 1, free_table);
		free_table(table_of(table[i]));
		table[i] = 0;
	}
}

void pgtable_free_tables(struct riscv_pgtable *pt, void (*free_table)(void *))
{
	if (pt->root)
		free_level(pt, pt->root, pt->levels - 1, free_table);
}
