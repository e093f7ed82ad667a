// SPDX-License-Identifier: GPL-2.0
/*
 * core/mm/page_alloc.c over arenas from the host heap: alignment,
 * coalescing, exhaustion, error reports and a random run checked against
 * a model of which pages each live block owns.
 */
#include "unit.h"
#include <string.h>
#include <sys/mman.h>

#include <keel/errno.h>
#include <keel/page_alloc.h>

static int reports;
static const char *last_what;
static const void *last_va;

void page_alloc_report_error(const char *what, const void *va)
{
	reports++;
	last_what = what;
	last_va = va;
}

#define MAX_ARENAS 4
static void *arenas[MAX_ARENAS];
static unsigned int narenas;

static u8 *new_arena(size_t bytes, size_t align)
{
	u8 *a = aligned_alloc(align, bytes);

	if (narenas < MAX_ARENAS)
		arenas[narenas++] = a;
	return a;
}

static void start(void)
{
	page_alloc_reset();
	reports = 0;
	last_what = NULL;
	last_va = NULL;
}

static void finish(void)
{
	page_alloc_reset();
	for (unsigned int i = 0; i < narenas; i++)
		free(arenas[i]);
	narenas = 0;
}

static struct page_alloc_stats stats(void)
{
	struct page_alloc_stats s;

	page_alloc_get_stats(&s);
	return s;
}

static bool same_free_blocks(const struct page_alloc_stats *a,
			     const struct page_alloc_stats *b)
{
	return a->free_pages == b->free_pages &&
	       !memcmp(a->free_blocks, b->free_blocks, sizeof(a->free_blocks));
}

static u64 free_pages_from_blocks(const struct page_alloc_stats *s)
{
	u64 n = 0;

	for (unsigned int o = 0; o <= PAGE_MAX_ORDER; o++)
		n += s->free_blocks[o] << o;
	return n;
}

UNIT_TEST(add_range_checks)
{
	start();
	u8 *a = new_arena(MiB(1), PAGE_SIZE);

	CHECK_EQ(page_alloc_add_range((vaddr_t)a, 0), -EINVAL);
	CHECK_EQ(page_alloc_add_range((vaddr_t)a, PAGE_SIZE), -EINVAL);
	/* Rounded inward, less than two pages remain. */
	CHECK_EQ(page_alloc_add_range((vaddr_t)a + 1, 2 * PAGE_SIZE), -EINVAL);
	CHECK_EQ(page_alloc_add_range((vaddr_t)-PAGE_SIZE, 2 * PAGE_SIZE),
		 -EINVAL);
	CHECK_EQ(page_alloc_add_range(~(vaddr_t)0 - 100, 1000), -EINVAL);
	CHECK_EQ(stats().zones, 0);

	CHECK_EQ(page_alloc_add_range((vaddr_t)a + 100, KiB(512) - 100), 0);
	struct page_alloc_stats s = stats();
	/* 127 whole pages, one of them for the state bytes. */
	CHECK_EQ(s.zones, 1);
	CHECK_EQ(s.total_pages, 126);
	CHECK_EQ(s.free_pages, 126);
	CHECK_EQ(free_pages_from_blocks(&s), 126);

	/* Overlaps, at either end or inside. */
	CHECK_EQ(page_alloc_add_range((vaddr_t)a, KiB(8)), -EINVAL);
	CHECK_EQ(page_alloc_add_range((vaddr_t)a + KiB(500), KiB(100)),
		 -EINVAL);
	CHECK_EQ(page_alloc_add_range((vaddr_t)a + KiB(100), KiB(8)), -EINVAL);
	CHECK_EQ(stats().zones, 1);

	/* The page after the zone is still free to add. */
	CHECK_EQ(page_alloc_add_range((vaddr_t)a + KiB(512), KiB(512)), 0);
	CHECK_EQ(stats().zones, 2);
	CHECK_EQ(stats().total_pages, 126 + 127);
	CHECK_EQ(reports, 0);
	finish();
}

UNIT_TEST(too_many_zones)
{
	start();
	u8 *a = new_arena((PAGE_ALLOC_MAX_ZONES + 1) * 4 * PAGE_SIZE,
			  PAGE_SIZE);
	for (int i = 0; i < PAGE_ALLOC_MAX_ZONES; i++)
		CHECK_EQ(page_alloc_add_range((vaddr_t)a + i * 4 * PAGE_SIZE,
					      4 * PAGE_SIZE),
			 0);
	CHECK_EQ(page_alloc_add_range((vaddr_t)a + PAGE_ALLOC_MAX_ZONES * 4 *
							   PAGE_SIZE,
				      4 * PAGE_SIZE),
		 -ENOSPC);
	CHECK_EQ(stats().zones, PAGE_ALLOC_MAX_ZONES);
	CHECK_EQ(stats().total_pages, PAGE_ALLOC_MAX_ZONES * 3);
	finish();
}

UNIT_TEST(empty_allocator)
{
	start();
	CHECK(page_alloc(0) == NULL);
	CHECK(page_alloc(PAGE_MAX_ORDER + 1) == NULL);
	CHECK_EQ(stats().total_pages, 0);
	CHECK_EQ(reports, 0);
	finish();
}

UNIT_TEST(blocks_are_aligned_and_coalesce)
{
	start();
	u8 *a = new_arena(MiB(8), MiB(4));
	CHECK_EQ(page_alloc_add_range((vaddr_t)a, MiB(8)), 0);
	struct page_alloc_stats before = stats();
	CHECK_EQ(before.total_pages, 2047);
	/* The second half is one order-10 block. */
	CHECK_EQ(before.free_blocks[10], 1);

	void *blocks[11];
	for (unsigned int o = 0; o <= 10; o++) {
		blocks[o] = page_alloc(o);
		CHECK(blocks[o] != NULL);
		CHECK(((vaddr_t)blocks[o] & ((PAGE_SIZE << o) - 1)) == 0);
		CHECK((u8 *)blocks[o] >= a + PAGE_SIZE);
		CHECK((u8 *)blocks[o] + (PAGE_SIZE << o) <= a + MiB(8));
		memset(blocks[o], o, PAGE_SIZE << o);
	}
	CHECK(blocks[10] == a + MiB(4));
	CHECK(page_alloc(10) == NULL);
	CHECK(page_alloc(11) == NULL);
	CHECK_EQ(stats().free_pages, 2047 - 2047);
	for (unsigned int o = 0; o <= 10; o++) {
		const u8 *p = blocks[o];
		for (size_t i = 0; i < (PAGE_SIZE << o); i += 511)
			CHECK_EQ(p[i], o);
	}
	for (int o = 10; o >= 0; o--)
		page_free(blocks[o], (unsigned int)o);
	struct page_alloc_stats after = stats();
	CHECK(same_free_blocks(&before, &after));
	CHECK_EQ(reports, 0);
	finish();
}

UNIT_TEST(exhaustion_and_full_coalescing)
{
	start();
	u8 *a = new_arena(MiB(2) + 5 * PAGE_SIZE, PAGE_SIZE);
	CHECK_EQ(page_alloc_add_range((vaddr_t)a + 3 * PAGE_SIZE, MiB(2)), 0);
	struct page_alloc_stats before = stats();
	u64 total = before.total_pages;
	void **pages = calloc(total + 1, sizeof(void *));
	u64 n = 0;

	while (n <= total && (pages[n] = page_alloc(0)) != NULL) {
		*(u64 *)pages[n] = n;
		n++;
	}
	CHECK_EQ(n, total);
	CHECK_EQ(stats().free_pages, 0);
	CHECK(page_alloc(0) == NULL);
	CHECK(page_alloc_zeroed(0) == NULL);
	for (u64 i = 0; i < n; i++)
		CHECK_EQ(*(u64 *)pages[i], i);
	/* Free in an order that makes the merges happen late. */
	for (u64 i = 0; i < n; i += 2)
		page_free(pages[i], 0);
	for (u64 i = 1; i < n; i += 2)
		page_free(pages[i], 0);
	struct page_alloc_stats after = stats();
	CHECK(same_free_blocks(&before, &after));
	CHECK_EQ(reports, 0);
	free(pages);
	finish();
}

UNIT_TEST(zeroed)
{
	start();
	u8 *a = new_arena(KiB(256), PAGE_SIZE);
	CHECK_EQ(page_alloc_add_range((vaddr_t)a, KiB(256)), 0);
	u8 *p = page_alloc(3);
	CHECK(p != NULL);
	if (!p)
		return;
	memset(p, 0xaa, PAGE_SIZE << 3);
	page_free(p, 3);
	u8 *q = page_alloc_zeroed(3);
	CHECK(q == p);
	int nonzero = 0;
	for (size_t i = 0; i < (PAGE_SIZE << 3); i++)
		nonzero += q[i] != 0;
	CHECK_EQ(nonzero, 0);
	page_free(q, 3);
	finish();
}

UNIT_TEST(misuse_is_reported_and_ignored)
{
	start();
	u8 *a = new_arena(MiB(1), MiB(1));
	CHECK_EQ(page_alloc_add_range((vaddr_t)a, MiB(1)), 0);
	struct page_alloc_stats before = stats();
	u8 *p = page_alloc(2);
	u8 *q = page_alloc(2);
	CHECK(p && q);

	page_free(p, 2);
	struct page_alloc_stats mid = stats();
	page_free(p, 2);
	CHECK_EQ(reports, 1);
	CHECK(last_va == p);
	CHECK(!strcmp(last_what, "double free"));
	struct page_alloc_stats s = stats();
	CHECK(same_free_blocks(&mid, &s));

	/* A page of a free block merged into a larger one. */
	page_free(p + PAGE_SIZE, 0);
	CHECK_EQ(reports, 2);
	CHECK(!strcmp(last_what, "double free"));

	page_free(q, 1);
	CHECK_EQ(reports, 3);
	CHECK(!strcmp(last_what, "free with the wrong order"));
	page_free(q, 3);
	CHECK_EQ(reports, 4);
	page_free(q + PAGE_SIZE, 0);
	CHECK_EQ(reports, 5);
	CHECK(!strcmp(last_what, "free of a pointer inside a block"));
	page_free(q + 8, 2);
	CHECK_EQ(reports, 6);
	CHECK(!strcmp(last_what, "free of an unaligned pointer"));
	page_free(q, PAGE_MAX_ORDER + 1);
	CHECK_EQ(reports, 7);

	/* The state bytes, and memory the allocator never had. */
	page_free(a, 0);
	CHECK_EQ(reports, 8);
	CHECK(!strcmp(last_what, "free of a foreign pointer"));
	page_free(a + MiB(1), 0);
	CHECK_EQ(reports, 9);
	u8 *outside = new_arena(PAGE_SIZE, PAGE_SIZE);
	page_free(outside, 0);
	CHECK_EQ(reports, 10);
	CHECK(last_va == outside);
	page_free(NULL, 0);
	CHECK_EQ(reports, 11);

	s = stats();
	CHECK(same_free_blocks(&mid, &s));
	page_free(q, 2);
	s = stats();
	CHECK(same_free_blocks(&before, &s));
	CHECK_EQ(reports, 11);
	finish();
}

UNIT_TEST(free_list_damage_is_reported)
{
	start();
	/* Managed pages: one order-0 block, then one order-1 block. */
	u8 *a = new_arena(4 * PAGE_SIZE, 4 * PAGE_SIZE);
	CHECK_EQ(page_alloc_add_range((vaddr_t)a, 4 * PAGE_SIZE), 0);
	u8 *z = page_alloc(0);
	CHECK(z == a + PAGE_SIZE);
	/* A stray write over the free order-1 block's list link. */
	*(void **)(a + 2 * PAGE_SIZE) = z;
	CHECK(page_alloc(1) == a + 2 * PAGE_SIZE);
	CHECK_EQ(reports, 0);
	/* The next block on that list is z, which is not free. */
	CHECK(page_alloc(1) == NULL);
	CHECK_EQ(reports, 1);
	CHECK(!strcmp(last_what, "free list corrupted"));
	CHECK(page_alloc(1) == NULL);
	CHECK_EQ(reports, 1);
	finish();
}

/* Random allocations and frees against a model of page ownership. */
#define MAX_LIVE 512

struct live {
	u8 *va;
	unsigned int order;
	u8 tag;
};

static bool inside_one_zone(const u8 *va, unsigned int order, u8 *const *zs,
			    const size_t *zsize, int nz)
{
	for (int i = 0; i < nz; i++) {
		if (va >= zs[i] &&
		    va + (PAGE_SIZE << order) <= zs[i] + zsize[i])
			return true;
	}
	return false;
}

UNIT_TEST(random_against_model)
{
	start();
	/* Three zones, one of them right after another in memory. */
	u8 *a = new_arena(MiB(4), MiB(1));
	u8 *b = new_arena(MiB(3) + 7 * PAGE_SIZE, PAGE_SIZE);
	u8 *zs[3] = { a + 5 * PAGE_SIZE, a + MiB(2), b + 7 * PAGE_SIZE };
	size_t zsize[3] = { MiB(2) - 5 * PAGE_SIZE, MiB(2), MiB(3) };
	for (int i = 0; i < 3; i++)
		CHECK_EQ(page_alloc_add_range((vaddr_t)zs[i], zsize[i]), 0);
	struct page_alloc_stats before = stats();
	CHECK_EQ(before.zones, 3);

	static struct live live[MAX_LIVE];
	int nlive = 0;
	u64 used = 0;
	unsigned int seed = 1;
	int bad = 0, failures = 0;

	for (int step = 0; step < 40000; step++) {
		seed = seed * 1664525u + 1013904223u;
		unsigned int r = seed >> 8;
		bool do_alloc =
			nlive == 0 || (nlive < MAX_LIVE && (r % 100) < 55);
		if (do_alloc) {
			/* Mostly small blocks, some big ones. */
			unsigned int order =
				(r >> 8) % 16 ? (r >> 12) % 4 : (r >> 12) % 10;
			u8 *va = page_alloc(order);
			if (!va) {
				failures++;
				/* Only when no block of that size is left. */
				struct page_alloc_stats s = stats();
				for (unsigned int o = order;
				     o <= PAGE_MAX_ORDER; o++)
					bad += s.free_blocks[o] != 0;
				continue;
			}
			if (((vaddr_t)va & ((PAGE_SIZE << order) - 1)) ||
			    !inside_one_zone(va, order, zs, zsize, 3))
				bad++;
			u8 tag = (u8)(step | 1);
			/* Mark the first and last byte of each page. */
			for (size_t pg = 0; pg < (1u << order); pg++) {
				va[pg * PAGE_SIZE + 16] = tag;
				va[pg * PAGE_SIZE + PAGE_SIZE - 1] = tag;
			}
			live[nlive++] = (struct live){ va, order, tag };
			used += 1u << order;
		} else {
			int i = (int)((r >> 4) % (unsigned int)nlive);
			struct live l = live[i];
			for (size_t pg = 0; pg < (1u << l.order); pg++) {
				if (l.va[pg * PAGE_SIZE + 16] != l.tag ||
				    l.va[pg * PAGE_SIZE + PAGE_SIZE - 1] !=
					    l.tag)
					bad++;
			}
			page_free(l.va, l.order);
			live[i] = live[--nlive];
			used -= 1u << l.order;
		}
		if (step % 97 == 0) {
			struct page_alloc_stats s = stats();
			if (s.free_pages != before.total_pages - used ||
			    free_pages_from_blocks(&s) != s.free_pages)
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(failures > 0); /* the run did reach exhaustion */
	while (nlive) {
		nlive--;
		page_free(live[nlive].va, live[nlive].order);
	}
	struct page_alloc_stats after = stats();
	CHECK(same_free_blocks(&before, &after));
	CHECK_EQ(reports, 0);
	finish();
}

UNIT_TEST(largest_order)
{
	start();
	/*
	 * A 1 GiB block needs 1 GiB of address space aligned to 1 GiB; the
	 * allocator only touches its state bytes and the list node, so a
	 * reserved mapping is enough.
	 */
	size_t span = GiB(3);
	u8 *m = mmap(NULL, span, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		printf("  no address space for a 1 GiB block, skipped\n");
		return;
	}
	u8 *block = (u8 *)ALIGN_UP((vaddr_t)m + MiB(1), GiB(1));
	/* 262208 pages: 64 of state bytes, then exactly the 1 GiB block. */
	CHECK_EQ(page_alloc_add_range((vaddr_t)block - 64 * PAGE_SIZE,
				      GiB(1) + 64 * PAGE_SIZE),
		 0);
	struct page_alloc_stats s = stats();
	CHECK_EQ(s.total_pages, 1ULL << PAGE_MAX_ORDER);
	CHECK_EQ(s.free_blocks[PAGE_MAX_ORDER], 1);
	CHECK(page_alloc(PAGE_MAX_ORDER + 1) == NULL);
	u8 *p = page_alloc(PAGE_MAX_ORDER);
	CHECK(p == block);
	CHECK(page_alloc(0) == NULL);
	page_free(p, PAGE_MAX_ORDER);
	/* Split all the way down and merge all the way back up. */
	p = page_alloc(0);
	CHECK(p == block);
	CHECK_EQ(stats().free_blocks[PAGE_MAX_ORDER - 1], 1);
	page_free(p, 0);
	CHECK_EQ(stats().free_blocks[PAGE_MAX_ORDER], 1);
	CHECK_EQ(reports, 0);
	page_alloc_reset();
	munmap(m, span);
	finish();
}

UNIT_MAIN()
