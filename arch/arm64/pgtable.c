// SPDX-License-Identifier: GPL-2.0
#include "pgtable.h"
#include <keel/errno.h>
#include <keel/string.h>
#include <arch/barrier.h>
#include <arch/mmu.h>

#define LEVEL_SHIFT(l) (12 + 9 * (3 - (l)))
#define LEVEL_SIZE(l) (1ULL << LEVEL_SHIFT(l))
#define LEAF_ATTR_MASK (~PT_ADDR_MASK & ~(PT_DESC_VALID | PT_DESC_TABLE))

unsigned int pgtable_start_level(unsigned int va_bits)
{
	if (va_bits > 39)
		return 0;
	if (va_bits > 30)
		return 1;
	return 2;
}

static unsigned int pt_index(u64 va, unsigned int level)
{
	return (va >> LEVEL_SHIFT(level)) & (PT_ENTRIES - 1);
}

static bool is_table(u64 desc, unsigned int level)
{
	return level < 3 && (desc & (PT_DESC_VALID | PT_DESC_TABLE)) ==
				    (PT_DESC_VALID | PT_DESC_TABLE);
}

static u64 *table_of(u64 desc)
{
	return arch_phys_to_virt(desc & PT_ADDR_MASK);
}

static void write_desc(u64 *slot, u64 desc)
{
	*(volatile u64 *)slot = desc;
	dsb(ishst);
}

static u64 leaf_desc(u64 pa, u64 attrs, unsigned int level)
{
	return (pa & PT_ADDR_MASK) | attrs | PT_DESC_VALID |
	       (level == 3 ? PT_DESC_TABLE : 0);
}

/* Replace the block in *slot by a table of next-level entries mapping it. */
static int split_block(struct arm64_pgtable *pt, u64 *slot, u64 va,
		       unsigned int level)
{
	u64 desc = *slot;
	u64 *table = pt->alloc_table();
	u64 base = desc & PT_ADDR_MASK & ~(LEVEL_SIZE(level) - 1);
	u64 attrs = desc & LEAF_ATTR_MASK;

	if (!table)
		return -ENOMEM;
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		table[i] = leaf_desc(base + i * LEVEL_SIZE(level + 1), attrs,
				     level + 1);
	dsb(ishst);
	/* Break before make: the old block must leave every TLB first. */
	write_desc(slot, 0);
	pt->flush_range(pt, va & ~(LEVEL_SIZE(level) - 1), LEVEL_SIZE(level));
	write_desc(slot,
		   arch_virt_to_phys(table) | PT_DESC_VALID | PT_DESC_TABLE);
	return 0;
}

static int map_level(struct arm64_pgtable *pt, u64 *table, unsigned int level,
		     u64 va, u64 pa, u64 size, u64 attrs)
{
	while (size) {
		u64 block = LEVEL_SIZE(level);
		u64 chunk = block - (va & (block - 1));
		u64 *slot = &table[pt_index(va, level)];
		u64 desc = *slot;
		int err;

		if (chunk > size)
			chunk = size;
		bool leaf_fits =
			level >= 1 && chunk == block && IS_ALIGNED(pa, block);

		if (leaf_fits && !is_table(desc, level)) {
			u64 want = leaf_desc(pa, attrs, level);

			if (desc & PT_DESC_VALID) {
				if (desc != want)
					return -EEXIST;
			} else {
				write_desc(slot, want);
			}
		} else {
			if (!(desc & PT_DESC_VALID)) {
				u64 *next = pt->alloc_table();

				if (!next)
					return -ENOMEM;
				write_desc(slot, arch_virt_to_phys(next) |
							 PT_DESC_VALID |
							 PT_DESC_TABLE);
			} else if (!is_table(desc, level)) {
				/* Identical output inside an existing block. */
				u64 off = va & (block - 1);
				u64 bpa = (desc & PT_ADDR_MASK) + off;

				if (bpa == pa &&
				    (desc & LEAF_ATTR_MASK) == attrs) {
					goto next;
				}
				return -EEXIST;
			}
			err = map_level(pt, table_of(*slot), level + 1, va, pa,
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

int pgtable_map(struct arm64_pgtable *pt, u64 va, u64 pa, u64 size, u64 attrs)
{
	unsigned long flags;
	int err;

	if (!IS_ALIGNED(va | pa | size, 4096) || !size ||
	    va + size > (1ULL << pt->va_bits) || va + size < va)
		return -EINVAL;
	spin_lock_irqsave(&pt->lock, flags);
	err = map_level(pt, pt->root, pt->start_level, va, pa, size,
			attrs & LEAF_ATTR_MASK);
	spin_unlock_irqrestore(&pt->lock, flags);
	return err;
}

static int unmap_level(struct arm64_pgtable *pt, u64 *table, unsigned int level,
		       u64 va, u64 size)
{
	while (size) {
		u64 block = LEVEL_SIZE(level);
		u64 chunk = block - (va & (block - 1));
		u64 *slot = &table[pt_index(va, level)];
		int err;

		if (chunk > size)
			chunk = size;
		if (!(*slot & PT_DESC_VALID))
			goto next;
		if (chunk == block && !is_table(*slot, level)) {
			write_desc(slot, 0);
		} else {
			if (!is_table(*slot, level)) {
				err = split_block(pt, slot, va, level);
				if (err)
					return err;
			}
			err = unmap_level(pt, table_of(*slot), level + 1, va,
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

int pgtable_unmap(struct arm64_pgtable *pt, u64 va, u64 size)
{
	unsigned long flags;
	int err;

	if (!IS_ALIGNED(va | size, 4096) || !size ||
	    va + size > (1ULL << pt->va_bits) || va + size < va)
		return -EINVAL;
	spin_lock_irqsave(&pt->lock, flags);
	err = unmap_level(pt, pt->root, pt->start_level, va, size);
	pt->flush_range(pt, va, size);
	spin_unlock_irqrestore(&pt->lock, flags);
	return err;
}

int pgtable_lookup(struct arm64_pgtable *pt, u64 va, u64 *pa, u64 *attrs)
{
	u64 *table = pt->root;

	if (va >= (1ULL << pt->va_bits))
		return -EINVAL;
	for (unsigned int level = pt->start_level; level <= 3; level++) {
		u64 desc = table[pt_index(va, level)];

		if (!(desc & PT_DESC_VALID))
			return -ENOENT;
		if (is_table(desc, level)) {
			table = table_of(desc);
			continue;
		}
		*pa = (desc & PT_ADDR_MASK & ~(LEVEL_SIZE(level) - 1)) +
		      (va & (LEVEL_SIZE(level) - 1));
		*attrs = desc & LEAF_ATTR_MASK;
		return 0;
	}
	return -ENOENT;
}

static void free_level(u64 *table, unsigned int level,
		       void (*free_table)(void *))
{
	for (unsigned int i = 0; level < 3 && i < PT_ENTRIES; i++)
		if (is_table(table[i], level))
			free_level(table_of(table[i]), level + 1, free_table);
	free_table(table);
}

void pgtable_free_tables(struct arm64_pgtable *pt, void (*free_table)(void *))
{
	if (pt->root)
		free_level(pt->root, pt->start_level, free_table);
	pt->root = NULL;
}
