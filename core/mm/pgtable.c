// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walker of every architecture (include/keel/pgtable.h):
 * the algorithm lives here, the bits of an entry in the arch's hooks.
 */
#include <keel/pgtable.h>
#include <keel/errno.h>
#include <arch/barrier.h>
#include <arch/mmu.h>

/*
 * Tables emptied by one unmap wait here for the flush that makes them
 * unreachable; when more than this many empty, the ones gathered so far
 * are flushed and freed on the way.
 */
#define FREE_BATCH 16

struct walk {
	struct pgtable *pt;
	const struct pgtable_ops *ops;
	void *freed[FREE_BATCH];
	unsigned int nr_freed;
	/* The input range the freed tables covered, [lo, hi). */
	u64 freed_lo, freed_hi;
};

static unsigned int level_shift(const struct pgtable_format *fmt,
				unsigned int level)
{
	unsigned int shift = fmt->page_shift;

	for (unsigned int l = 0; l < level; l++)
		shift += fmt->index_bits[l];
	return shift;
}

u64 pgtable_level_span(const struct pgtable_format *fmt, unsigned int level)
{
	return 1ULL << level_shift(fmt, level);
}

u64 pgtable_root_size(const struct pgtable_format *fmt)
{
	u64 size = 8ULL << fmt->index_bits[fmt->levels - 1];
	u64 page = 1ULL << fmt->page_shift;

	return size < page ? page : size;
}

static unsigned int entries_at(const struct pgtable_format *fmt,
			       unsigned int level)
{
	return 1U << fmt->index_bits[level];
}

static unsigned int index_at(const struct pgtable_format *fmt, u64 va,
			     unsigned int level)
{
	return (va >> level_shift(fmt, level)) & (entries_at(fmt, level) - 1);
}

static bool leaf_allowed(const struct pgtable_format *fmt, unsigned int level)
{
	return fmt->leaf_levels & (1U << level);
}

static bool is_table(const struct walk *w, u64 entry, unsigned int level)
{
	return level > 0 && w->ops->is_valid(entry, level) &&
	       w->ops->is_table(entry, level);
}

static u64 *table_of(const struct walk *w, u64 entry, unsigned int level)
{
	return arch_phys_to_virt(w->ops->output_address(entry, level));
}

static u64 leaf_base(const struct walk *w, u64 entry, unsigned int level)
{
	u64 span = pgtable_level_span(&w->pt->fmt, level);

	return w->ops->output_address(entry, level) & ~(span - 1);
}

static void write_entry(u64 *slot, u64 entry)
{
	smp_mb();
	WRITE_ONCE(*slot, entry);
	wmb();
}

int pgtable_init(struct pgtable *pt, const struct pgtable_format *fmt,
		 u64 *root, void *(*alloc_table)(void),
		 void (*free_table)(void *),
		 void (*flush_range)(struct pgtable *, u64, u64))
{
	unsigned int bits = fmt->page_shift;
	u32 leaves = fmt->leaf_levels;

	if (!fmt->ops || !fmt->levels || fmt->levels > PGTABLE_MAX_LEVELS ||
	    fmt->page_shift < 3 || !root || !alloc_table || !free_table ||
	    !flush_range)
		return -EINVAL;
	/* Below the root every table is one page; leaves from level 0 up. */
	for (unsigned int l = 0; l < fmt->levels; l++) {
		if (l < fmt->levels - 1 &&
		    fmt->index_bits[l] != fmt->page_shift - 3)
			return -EINVAL;
		if (!fmt->index_bits[l])
			return -EINVAL;
		bits += fmt->index_bits[l];
	}
	if (!(leaves & 1) || (leaves & (leaves + 1)) ||
	    leaves >= (1U << fmt->levels))
		return -EINVAL;
	if (bits > 64 || !fmt->input_limit ||
	    (bits < 64 && fmt->input_limit > (1ULL << bits)))
		return -EINVAL;
	pt->fmt = *fmt;
	pt->root = root;
	pt->alloc_table = alloc_table;
	pt->free_table = free_table;
	pt->flush_range = flush_range;
	spin_lock_init(&pt->lock);
	return 0;
}

static bool table_empty(const struct walk *w, const u64 *table,
			unsigned int level)
{
	for (unsigned int i = 0; i < entries_at(&w->pt->fmt, level); i++)
		if (w->ops->is_valid(READ_ONCE(table[i]), level))
			return false;
	return true;
}

/* Flush what the gathered tables covered, then let them go. */
static void release_freed(struct walk *w, u64 va, u64 size)
{
	u64 lo = va, hi = va + size;

	if (w->nr_freed) {
		lo = MIN(lo, w->freed_lo);
		hi = MAX(hi, w->freed_hi);
	}
	if (hi > lo)
		w->pt->flush_range(w->pt, lo, hi - lo);
	for (unsigned int i = 0; i < w->nr_freed; i++)
		w->pt->free_table(w->freed[i]);
	w->nr_freed = 0;
}

/*
 * *slot (at `level`, covering va) links a table of level - 1: if nothing
 * in it is valid any more, unlink it and gather it for freeing. A walk
 * cache may still hold the link, so the table is freed only after a flush
 * of its whole span.
 */
static void drop_if_empty(struct walk *w, u64 *slot, unsigned int level, u64 va)
{
	u64 span = pgtable_level_span(&w->pt->fmt, level);
	u64 *table = table_of(w, *slot, level);
	u64 base = va & ~(span - 1);

	if (!table_empty(w, table, level - 1))
		return;
	write_entry(slot, 0);
	if (w->nr_freed == FREE_BATCH)
		release_freed(w, base, 0);
	if (!w->nr_freed || base < w->freed_lo)
		w->freed_lo = base;
	if (!w->nr_freed || base + span > w->freed_hi)
		w->freed_hi = base + span;
	w->freed[w->nr_freed++] = table;
}

/* Replace the leaf in *slot by a table of next-level leaves mapping it. */
static int split_leaf(struct walk *w, u64 *slot, u64 va, unsigned int level)
{
	struct pgtable *pt = w->pt;
	u64 entry = *slot;
	u64 span = pgtable_level_span(&pt->fmt, level);
	u64 sub = pgtable_level_span(&pt->fmt, level - 1);
	u64 base = leaf_base(w, entry, level);
	u64 attrs = w->ops->leaf_attrs(entry, level);
	u64 *table = pt->alloc_table();

	if (!table)
		return -ENOMEM;
	for (unsigned int i = 0; i < entries_at(&pt->fmt, level - 1); i++)
		table[i] = w->ops->leaf_entry(base + i * sub, attrs, level - 1);
	if (pt->fmt.break_before_make) {
		write_entry(slot, 0);
		pt->flush_range(pt, va & ~(span - 1), span);
		write_entry(slot, w->ops->table_entry(arch_virt_to_phys(table),
						      level));
	} else {
		/* Until the flush either translation is used: both agree. */
		write_entry(slot, w->ops->table_entry(arch_virt_to_phys(table),
						      level));
		pt->flush_range(pt, va & ~(span - 1), span);
	}
	return 0;
}

static int map_level(struct walk *w, u64 *table, unsigned int level, u64 va,
		     u64 pa, u64 size, u64 attrs)
{
	const struct pgtable_format *fmt = &w->pt->fmt;

	while (size) {
		u64 span = pgtable_level_span(fmt, level);
		u64 chunk = MIN(span - (va & (span - 1)), size);
		u64 *slot = &table[index_at(fmt, va, level)];
		u64 entry = *slot;
		bool valid = w->ops->is_valid(entry, level);
		bool leaf_fits = leaf_allowed(fmt, level) && chunk == span &&
				 IS_ALIGNED(pa, span);
		int err;

		if (leaf_fits && !is_table(w, entry, level)) {
			u64 want = w->ops->leaf_entry(pa, attrs, level);

			if (!valid)
				write_entry(slot, want);
			else if (entry != want)
				return -EEXIST;
		} else if (valid && !is_table(w, entry, level)) {
			/* Only identical output inside a live leaf. */
			if (leaf_base(w, entry, level) + (va & (span - 1)) !=
				    pa ||
			    w->ops->leaf_attrs(entry, level) != attrs)
				return -EEXIST;
		} else {
			bool fresh = !valid;

			if (fresh) {
				u64 *next = w->pt->alloc_table();

				if (!next)
					return -ENOMEM;
				write_entry(slot,
					    w->ops->table_entry(
						    arch_virt_to_phys(next),
						    level));
			}
			err = map_level(w, table_of(w, *slot, level), level - 1,
					va, pa, chunk, attrs);
			/* A table made for a refused request goes again. */
			if (err) {
				if (fresh)
					drop_if_empty(w, slot, level, va);
				return err;
			}
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

static bool range_ok(const struct pgtable *pt, u64 va, u64 size)
{
	return IS_ALIGNED(va | size, 1ULL << pt->fmt.page_shift) && size &&
	       va + size > va && va + size <= pt->fmt.input_limit;
}

int pgtable_map(struct pgtable *pt, u64 va, u64 pa, u64 size, u64 attrs)
{
	struct walk w = { .pt = pt, .ops = pt->fmt.ops };
	unsigned long flags;
	int err;

	if (!range_ok(pt, va, size) ||
	    !IS_ALIGNED(pa, 1ULL << pt->fmt.page_shift) ||
	    (w.ops->attrs_valid && !w.ops->attrs_valid(attrs)))
		return -EINVAL;
	spin_lock_irqsave(&pt->lock, flags);
	err = map_level(&w, pt->root, pt->fmt.levels - 1, va, pa, size,
			attrs & pt->fmt.attr_mask);
	if (pt->fmt.caches_invalid || w.nr_freed)
		release_freed(&w, va, pt->fmt.caches_invalid ? size : 0);
	spin_unlock_irqrestore(&pt->lock, flags);
	return err;
}

static int unmap_level(struct walk *w, u64 *table, unsigned int level, u64 va,
		       u64 size)
{
	const struct pgtable_format *fmt = &w->pt->fmt;

	while (size) {
		u64 span = pgtable_level_span(fmt, level);
		u64 chunk = MIN(span - (va & (span - 1)), size);
		u64 *slot = &table[index_at(fmt, va, level)];
		int err = 0;

		if (!w->ops->is_valid(*slot, level))
			goto next;
		if (chunk == span && !is_table(w, *slot, level)) {
			write_entry(slot, 0);
			goto next;
		}
		if (!is_table(w, *slot, level))
			err = split_leaf(w, slot, va, level);
		if (!err)
			err = unmap_level(w, table_of(w, *slot, level),
					  level - 1, va, chunk);
		if (is_table(w, *slot, level))
			drop_if_empty(w, slot, level, va);
		if (err)
			return err;
next:
		va += chunk;
		size -= chunk;
	}
	return 0;
}

int pgtable_unmap(struct pgtable *pt, u64 va, u64 size)
{
	struct walk w = { .pt = pt, .ops = pt->fmt.ops };
	unsigned long flags;
	int err;

	if (!range_ok(pt, va, size))
		return -EINVAL;
	spin_lock_irqsave(&pt->lock, flags);
	err = unmap_level(&w, pt->root, pt->fmt.levels - 1, va, size);
	release_freed(&w, va, size);
	spin_unlock_irqrestore(&pt->lock, flags);
	return err;
}

int pgtable_lookup(struct pgtable *pt, u64 va, u64 *pa, u64 *attrs)
{
	struct walk w = { .pt = pt, .ops = pt->fmt.ops };
	u64 *table = pt->root;

	if (va >= pt->fmt.input_limit)
		return -EINVAL;
	for (int level = (int)pt->fmt.levels - 1; level >= 0; level--) {
		u64 entry = READ_ONCE(table[index_at(&pt->fmt, va, level)]);
		u64 span = pgtable_level_span(&pt->fmt, level);

		if (!w.ops->is_valid(entry, level))
			return -ENOENT;
		if (is_table(&w, entry, level)) {
			table = table_of(&w, entry, level);
			continue;
		}
		*pa = leaf_base(&w, entry, level) + (va & (span - 1));
		*attrs = w.ops->leaf_attrs(entry, level);
		return 0;
	}
	return -ENOENT;
}

static void free_level(struct walk *w, u64 *table, unsigned int level)
{
	for (unsigned int i = 0; i < entries_at(&w->pt->fmt, level); i++) {
		u64 *next;

		if (!is_table(w, table[i], level))
			continue;
		next = table_of(w, table[i], level);
		free_level(w, next, level - 1);
		w->pt->free_table(next);
		table[i] = 0;
	}
}

void pgtable_free_tables(struct pgtable *pt)
{
	struct walk w = { .pt = pt, .ops = pt->fmt.ops };

	if (pt->root)
		free_level(&w, pt->root, pt->fmt.levels - 1);
}
