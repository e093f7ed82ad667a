// SPDX-License-Identifier: GPL-2.0
/*
 * Tables for Keel's own address space before the page allocator runs: a
 * pool of pages in bss first, then the page allocator. Pool pages are
 * never given back: nothing else could use them.
 */
#include <keel/pgtable.h>
#include <keel/page_alloc.h>
#include <keel/string.h>

static bool in_pool(const struct pgtable_pool *pool, const void *table)
{
	const char *base = pool->tables;

	return (const char *)table >= base &&
	       (const char *)table < base + (u64)pool->count * PAGE_SIZE;
}

void *pgtable_pool_alloc(struct pgtable_pool *pool)
{
	if (pool->used < pool->count)
		return (char *)pool->tables + (u64)pool->used++ * PAGE_SIZE;
	return page_alloc_zeroed(0);
}

void pgtable_pool_free(struct pgtable_pool *pool, void *table)
{
	if (!in_pool(pool, table))
		page_free(table, 0);
}

void pgtable_pool_reset(struct pgtable_pool *pool)
{
	memset(pool->tables, 0, (u64)pool->used * PAGE_SIZE);
	pool->used = 0;
}
