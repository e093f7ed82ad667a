// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 descriptors for the core page-table walker: bits [1:0] are 11 for
 * a table at the architecture's levels 0-2 and for a page at level 3, 01
 * for a block at levels 1-2; the output address is bits [47:12]; every
 * other bit of a leaf is an attribute, the caller's to choose.
 */
#include "pgtable.h"
#include <keel/errno.h>

#define GRANULE_SHIFT 12
#define LEVEL_BITS 9
#define LEAF_ATTR_MASK (~PT_ADDR_MASK & ~(PT_DESC_VALID | PT_DESC_TABLE))
/* The walker's levels 0-2: pages, 2 MiB and 1 GiB blocks. */
#define LEAF_LEVELS 0x7
/* Concatenation joins at most 16 start-level tables. */
#define MAX_CONCAT_BITS 4

static bool desc_is_valid(u64 desc, unsigned int level)
{
	return desc & PT_DESC_VALID;
}

static bool desc_is_table(u64 desc, unsigned int level)
{
	return level > 0 && (desc & PT_DESC_TABLE);
}

static u64 table_desc(paddr_t table, unsigned int level)
{
	return (table & PT_ADDR_MASK) | PT_DESC_VALID | PT_DESC_TABLE;
}

static u64 leaf_desc(paddr_t pa, u64 attrs, unsigned int level)
{
	return (pa & PT_ADDR_MASK) | (attrs & LEAF_ATTR_MASK) | PT_DESC_VALID |
	       (level == 0 ? PT_DESC_TABLE : 0);
}

static paddr_t desc_address(u64 desc, unsigned int level)
{
	return desc & PT_ADDR_MASK;
}

static u64 desc_attrs(u64 desc, unsigned int level)
{
	return desc & LEAF_ATTR_MASK;
}

static const struct pgtable_ops arm64_desc_ops = {
	.is_valid = desc_is_valid,
	.is_table = desc_is_table,
	.table_entry = table_desc,
	.leaf_entry = leaf_desc,
	.output_address = desc_address,
	.leaf_attrs = desc_attrs,
};

unsigned int arm64_pgtable_start_level(unsigned int va_bits)
{
	if (va_bits > 39)
		return 0;
	if (va_bits > 30)
		return 1;
	return 2;
}

/* Input bits below the architecture's level `start`. */
static unsigned int bits_below(unsigned int start)
{
	return GRANULE_SHIFT + LEVEL_BITS * (3 - start);
}

static void fill(struct pgtable_format *fmt, const char *name,
		 unsigned int start_level, unsigned int va_bits)
{
	unsigned int levels = 4 - start_level;

	*fmt = (struct pgtable_format){
		.name = name,
		.ops = &arm64_desc_ops,
		.levels = levels,
		.page_shift = GRANULE_SHIFT,
		.leaf_levels = LEAF_LEVELS & ((1U << levels) - 1),
		.input_limit = 1ULL << va_bits,
		.attr_mask = LEAF_ATTR_MASK,
		/* A live block is replaced only through an invalid entry. */
		.break_before_make = true,
		/* Translation faults are never cached: no flush after map. */
		.caches_invalid = false,
	};
	for (unsigned int l = 0; l < levels - 1; l++)
		fmt->index_bits[l] = LEVEL_BITS;
	fmt->index_bits[levels - 1] = va_bits - bits_below(start_level);
}

int arm64_stage1_format(struct pgtable_format *fmt, unsigned int va_bits)
{
	if (va_bits < 25 || va_bits > 48)
		return -EINVAL;
	fill(fmt, "arm64 stage 1", arm64_pgtable_start_level(va_bits), va_bits);
	return 0;
}

int arm64_stage2_format(struct pgtable_format *fmt, unsigned int ipa_bits,
			unsigned int start_level)
{
	if (ipa_bits < 25 || ipa_bits > 48 || start_level > 2 ||
	    ipa_bits <= bits_below(start_level) ||
	    ipa_bits > bits_below(start_level) + LEVEL_BITS + MAX_CONCAT_BITS)
		return -EINVAL;
	fill(fmt, "arm64 stage 2", start_level, ipa_bits);
	return 0;
}
