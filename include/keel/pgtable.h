/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one page-table walker: map, unmap, look up and free radix page
 * tables of any architecture, described by a struct pgtable_format.
 *
 * Levels are counted from the leaf end: level 0 holds the smallest pages,
 * level `levels - 1` is the root. A format gives, for each level, how many
 * input-address bits index its tables (index_bits), at which levels a leaf
 * (page or block) may stand (leaf_levels), the first input address the
 * tables cannot map (input_limit), and hooks that encode and decode one
 * 64-bit entry: the walker never looks at an entry's bits itself. A root
 * may index more bits than the tables below it: arm64 stage-2 concatenated
 * start-level tables and the riscv Sv39x4/Sv48x4 16 KiB G-stage roots are
 * nothing more than a larger index_bits at the root level. Every table
 * below the root is one page of 2^index_bits 8-byte entries.
 *
 * What the walker guarantees (the semantics arm64 and riscv had each in
 * their own walker before):
 * - map: input, output address and size page-aligned, size not zero, the
 *   range inside input_limit, else -EINVAL. The largest leaf that fits
 *   (alignment of both addresses, a level in leaf_levels) is used.
 *   Mapping again with identical output and attributes succeeds; any other
 *   mapping over a live one is -EEXIST (what was mapped before the
 *   conflict stays mapped). Out of tables: -ENOMEM.
 * - unmap: a leaf the range only partly covers is split into a table of
 *   next-level leaves first (break-before-make when the format says so,
 *   arm64: the old block leaves every TLB before the table replaces it).
 *   A table that the unmap leaves without a valid entry is unlinked and
 *   given back through free_table, but only after flush_range has covered
 *   its whole span, so no walk cache can still reach it when it is reused.
 *   The root is never freed here.
 * - flush_range(pt, va, size) is called, with the lock held, after every
 *   change of a valid entry (and after every map when the format's
 *   hardware may cache invalid entries, riscv). It must invalidate cached
 *   non-leaf entries of the range as well: a freed table's span is always
 *   part of the range it is given.
 * - Entries are written with one untorn store, ordered after every earlier
 *   store (smp_mb: a new table's contents before the entry linking it) and
 *   completed before what follows (wmb: the table walker sees it before a
 *   TLB invalidation or an access that needs it).
 * - All of it under pt->lock (irqsave): alloc_table runs under it too.
 *
 * x86-64 (arch/x86_64/pgtable_format.c), without changes here: 4-level (or LA57 5-level)
 * tables of 512 8-byte entries, index_bits 9 at every level, leaf_levels
 * 0-2 (4 KiB pages, 2 MiB and 1 GiB large pages; never at the PML4), input
 * limit 2^48 (the host's lower canonical half: 2^47). The hooks express the
 * rest: present is bit 0; at levels 1-2 an entry is a table when PS (bit 7)
 * is clear and a leaf when set, at level 3 it is always a table, and at
 * level 0 always a leaf (bit 7 is PAT there, which leaf_entry and
 * leaf_attrs move to and from bit 12 of large leaves, the hooks being
 * given the level); NX (bit 63) and the other permission bits are
 * attributes; table entries carry P|RW|US so that only leaves restrict.
 * AMD nested paging uses the same long-mode format with a separate root
 * (nCR3): the same hooks and another pgtable, no break-before-make, and
 * caches_invalid false (x86 caches no non-present entries).
 */
#ifndef KEEL_PGTABLE_H
#define KEEL_PGTABLE_H

#include <keel/types.h>
#include <keel/spinlock.h>

/* x86-64 LA57 and riscv Sv57 have five levels; nothing has more. */
#define PGTABLE_MAX_LEVELS 5

/* Encoding and decoding of one entry; `level` as above (0: pages). */
struct pgtable_ops {
	/* Whether the entry translates (a table or a leaf). */
	bool (*is_valid)(u64 entry, unsigned int level);
	/* Whether a valid entry points to a next-level table (level > 0). */
	bool (*is_table)(u64 entry, unsigned int level);
	/* The entry that links the table at physical address `table`. */
	u64 (*table_entry)(paddr_t table, unsigned int level);
	/* The leaf mapping `pa` (aligned to the level's span) with attrs. */
	u64 (*leaf_entry)(paddr_t pa, u64 attrs, unsigned int level);
	/* A table entry's table, or a leaf's output address. */
	paddr_t (*output_address)(u64 entry, unsigned int level);
	/* A leaf's attributes, as leaf_entry was given them. */
	u64 (*leaf_attrs)(u64 entry, unsigned int level);
	/* Optional: whether attributes make a usable leaf (else -EINVAL). */
	bool (*attrs_valid)(u64 attrs);
};

struct pgtable_format {
	const char *name;
	const struct pgtable_ops *ops;
	unsigned int levels;
	unsigned int page_shift;
	/* Input bits each level's tables index, [0] the page level. */
	unsigned int index_bits[PGTABLE_MAX_LEVELS];
	/* Bit l set: a leaf may stand at level l (block sizes allowed). */
	u32 leaf_levels;
	/* The first input address the tables cannot map. */
	u64 input_limit;
	/* The attribute bits a caller may give a leaf; others are dropped. */
	u64 attr_mask;
	/* A live block is unlinked and flushed before its table is linked. */
	bool break_before_make;
	/* The hardware may cache invalid entries: flush after every map. */
	bool caches_invalid;
};

struct pgtable {
	struct pgtable_format fmt;
	/* pgtable_root_size(&fmt) bytes, aligned to that size, zeroed. */
	u64 *root;
	/* Zeroed page for a new table; NULL when out of memory. */
	void *(*alloc_table)(void);
	/* Take back a table alloc_table gave (never the root). */
	void (*free_table)(void *table);
	/* Invalidate cached translations of [va, va + size). */
	void (*flush_range)(struct pgtable *pt, u64 va, u64 size);
	spinlock_t lock;
};

/* Bytes of a root table of this format (at least a page). */
u64 pgtable_root_size(const struct pgtable_format *fmt);
/* Bytes of input address one entry at `level` maps. */
u64 pgtable_level_span(const struct pgtable_format *fmt, unsigned int level);

/*
 * Set pt up over `root` with a copy of fmt and the callbacks; -EINVAL when
 * the format is not one the walker can serve (levels, table sizes, leaf
 * levels not starting at 0, input limit beyond what the levels index).
 */
int pgtable_init(struct pgtable *pt, const struct pgtable_format *fmt,
		 u64 *root, void *(*alloc_table)(void),
		 void (*free_table)(void *),
		 void (*flush_range)(struct pgtable *, u64, u64));

/* Map [va, va + size) to pa with leaf attributes `attrs` (see above). */
int pgtable_map(struct pgtable *pt, u64 va, u64 pa, u64 size, u64 attrs);
/* Unmap, splitting leaves partly covered and freeing emptied tables. */
int pgtable_unmap(struct pgtable *pt, u64 va, u64 size);
/* Output address and attributes of the leaf mapping va; -ENOENT if none. */
int pgtable_lookup(struct pgtable *pt, u64 va, u64 *pa, u64 *attrs);
/*
 * Give every table below the root to free_table and clear the root; the
 * caller has flushed the translations and frees the root itself.
 */
void pgtable_free_tables(struct pgtable *pt);

/*
 * Tables for an address space built before the page allocator runs
 * (Keel's own): `count` zeroed pages at `tables` first, then the page
 * allocator's. Pool pages freed stay in the pool, unused.
 */
struct pgtable_pool {
	void *tables;
	unsigned int count, used;
};

#define PGTABLE_POOL(pages)                                   \
	{                                                     \
		.tables = (pages), .count = ARRAY_SIZE(pages) \
	}

void *pgtable_pool_alloc(struct pgtable_pool *pool);
void pgtable_pool_free(struct pgtable_pool *pool, void *table);
/* Zero the pool pages handed out and hand them out again from the first. */
void pgtable_pool_reset(struct pgtable_pool *pool);

#endif
