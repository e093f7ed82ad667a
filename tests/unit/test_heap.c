// SPDX-License-Identifier: GPL-2.0
/*
 * core/mm/heap.c (built with CONFIG_DEBUG_HEAP, as host_config.h says)
 * on top of the real page allocator over a host arena. The heap keeps its
 * state for the whole program, so every test leaves it as it found it and
 * checks exactly that.
 */
#include "unit.h"
#include <string.h>

#include <keel/bitops.h>
#include <keel/heap.h>
#include <keel/page_alloc.h>

static int heap_reports, page_reports;
static const char *last_what;
static const void *last_ptr;

void heap_report_error(const char *what, const void *ptr)
{
	heap_reports++;
	last_what = what;
	last_ptr = ptr;
}

void page_alloc_report_error(const char *what, const void *va)
{
	page_reports++;
}

#define ARENA_SIZE MiB(32)
static void *arena;

struct snapshot {
	struct heap_stats heap;
	struct page_alloc_stats pages;
};

static struct snapshot snap(void)
{
	struct snapshot s;

	heap_get_stats(&s.heap);
	page_alloc_get_stats(&s.pages);
	return s;
}

/* The figures that must come back once everything allocated is freed. */
static bool back_to(const struct snapshot *base)
{
	struct snapshot s = snap();

	return s.heap.bytes_in_use == base->heap.bytes_in_use &&
	       s.heap.bytes_held == base->heap.bytes_held &&
	       s.heap.live_blocks == base->heap.live_blocks &&
	       s.pages.free_pages == base->pages.free_pages &&
	       !memcmp(s.pages.free_blocks, base->pages.free_blocks,
		       sizeof(s.pages.free_blocks));
}

static struct snapshot start(void)
{
	if (!arena) {
		arena = aligned_alloc(MiB(2), ARENA_SIZE);
		page_alloc_add_range((vaddr_t)arena, ARENA_SIZE);
	}
	heap_reports = 0;
	page_reports = 0;
	last_what = NULL;
	last_ptr = NULL;
	return snap();
}

static void fill(void *p, size_t n, unsigned int seed)
{
	u8 *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (u8)(seed + i * 7);
}

static bool filled(const void *p, size_t n, unsigned int seed)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i] != (u8)(seed + i * 7))
			return false;
	}
	return true;
}

UNIT_TEST(empty_heap)
{
	struct snapshot base = start();

	CHECK_EQ(base.heap.live_blocks, 0);
	CHECK_EQ(base.heap.bytes_in_use, 0);
	CHECK_EQ(base.heap.bytes_held, 0);
	CHECK_EQ(heap_check(), 0);
	keel_free(NULL);
	CHECK(back_to(&base));
	CHECK_EQ(snap().heap.total_frees, 0);
	CHECK_EQ(heap_reports, 0);
}

UNIT_TEST(every_small_size_then_large)
{
	struct snapshot base = start();
	enum { N = 2200 };
	static u8 *p[N];
	u64 want = 0;
	int bad = 0;

	for (size_t s = 0; s < N; s++) {
		p[s] = keel_malloc(s);
		if (!p[s] || ((uintptr_t)p[s] & 15))
			bad++;
		else
			fill(p[s], s, (unsigned int)s);
		want += s;
	}
	CHECK_EQ(bad, 0);
	struct snapshot mid = snap();
	CHECK_EQ(mid.heap.bytes_in_use, want);
	CHECK_EQ(mid.heap.live_blocks, N);
	CHECK_EQ(mid.heap.total_allocs - base.heap.total_allocs, N);
	CHECK_EQ(mid.heap.bytes_held,
		 (base.pages.free_pages - mid.pages.free_pages) * PAGE_SIZE);
	CHECK(mid.heap.bytes_held >= want);
	CHECK_EQ(heap_check(), 0);
	/* No two blocks overlap: every pattern survived the others. */
	for (size_t s = 0; s < N; s++)
		bad += !filled(p[s], s, (unsigned int)s);
	CHECK_EQ(bad, 0);
	for (size_t s = 0; s < N; s += 2)
		keel_free(p[s]);
	for (size_t s = 1; s < N; s += 2)
		keel_free(p[s]);
	CHECK(back_to(&base));
	CHECK_EQ(snap().heap.total_frees - base.heap.total_frees, N);
	CHECK_EQ(heap_reports, 0);
	CHECK_EQ(page_reports, 0);
}

UNIT_TEST(large_blocks)
{
	static const size_t sizes[] = { 2100,  4000,  4056,   4057,  8192,
					10000, 65536, MiB(1), MiB(3) };
	struct snapshot base = start();
	void *p[ARRAY_SIZE(sizes)];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct snapshot before = snap();
		p[i] = keel_malloc(sizes[i]);
		CHECK(p[i] != NULL);
		if (!p[i])
			continue;
		CHECK(((uintptr_t)p[i] & 15) == 0);
		fill(p[i], sizes[i], (unsigned int)i);
		struct snapshot after = snap();
		u64 held = after.heap.bytes_held - before.heap.bytes_held;
		/* The smallest power-of-two run of pages that fits. */
		CHECK(held >= sizes[i] && held < 2 * (sizes[i] + 64) + 4096);
		CHECK(is_power_of_2(held / PAGE_SIZE));
	}
	CHECK_EQ(heap_check(), 0);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (p[i]) {
			CHECK(filled(p[i], sizes[i], (unsigned int)i));
			keel_free(p[i]);
		}
	}
	CHECK(back_to(&base));
	CHECK_EQ(heap_reports, 0);
}

UNIT_TEST(failed_allocations)
{
	struct snapshot base = start();

	CHECK(keel_malloc(ARENA_SIZE) == NULL);
	CHECK(keel_malloc((size_t)-1) == NULL);
	CHECK(keel_malloc((size_t)-100) == NULL);
	CHECK(keel_malloc((PAGE_SIZE << PAGE_MAX_ORDER) + 1) == NULL);
	CHECK(keel_calloc((size_t)1 << 33, (size_t)1 << 32) == NULL);
	CHECK(keel_calloc((size_t)-1, 2) == NULL);
	CHECK(keel_calloc(3, (size_t)-1 / 2) == NULL);
	CHECK_EQ(snap().heap.failed_allocs - base.heap.failed_allocs, 7);
	CHECK(back_to(&base));
	CHECK_EQ(heap_reports, 0);
}

UNIT_TEST(zero_sized_and_zeroed)
{
	struct snapshot base = start();
	void *a = keel_malloc(0);
	void *b = keel_malloc(0);
	void *c = keel_calloc(0, 100);
	void *d = keel_calloc(100, 0);

	CHECK(a && b && c && d);
	CHECK(a != b && b != c && c != d);
	keel_free(a);
	keel_free(b);
	keel_free(c);
	keel_free(d);

	/* Memory handed out again is poisoned until cleared. */
	u8 *keep = keel_malloc(200);
	u8 *x = keel_malloc(200);
	memset(x, 0xff, 200);
	keel_free(x);
	u8 *z = keel_zalloc(200);
	CHECK(z == x);
	int nonzero = 0;
	for (int i = 0; i < 200; i++)
		nonzero += z[i] != 0;
	keel_free(z);
	u32 *arr = keel_calloc(50, sizeof(u32));
	CHECK(arr != NULL);
	for (int i = 0; arr && i < 50; i++)
		nonzero += arr[i] != 0;
	CHECK_EQ(nonzero, 0);
	keel_free(arr);
	keel_free(keep);
	CHECK(back_to(&base));
	CHECK_EQ(heap_reports, 0);
}

UNIT_TEST(strdup_copies)
{
	struct snapshot base = start();
	char *s = keel_strdup("management terminal");
	char *e = keel_strdup("");

	CHECK(s && !strcmp(s, "management terminal"));
	CHECK(e && e[0] == '\0');
	CHECK_EQ(snap().heap.bytes_in_use - base.heap.bytes_in_use, 21);
	keel_free(s);
	keel_free(e);
	CHECK(back_to(&base));
}

/* Canaries and poison exist in debug builds only. */
#ifdef CONFIG_DEBUG_HEAP
UNIT_TEST(overrun_caught_by_canary)
{
	struct snapshot base = start();
	u8 *p = keel_malloc(10);
	u8 *big = keel_malloc(20000);

	CHECK(p && big);
	CHECK_EQ(heap_check(), 0);
	p[10] = 'x';
	big[20000 + 3] = 'y';
	CHECK_EQ(heap_check(), 2);
	CHECK_EQ(heap_reports, 2);
	keel_free(p);
	CHECK_EQ(heap_reports, 3);
	CHECK(!strcmp(last_what, "buffer overrun"));
	CHECK(last_ptr == p);
	keel_free(big);
	CHECK_EQ(heap_reports, 4);
	CHECK(last_ptr == big);
	/* Reported, and still freed. */
	CHECK(back_to(&base));
	CHECK_EQ(snap().heap.errors_detected - base.heap.errors_detected, 4);
	CHECK_EQ(heap_check(), 0);
}

#endif

UNIT_TEST(double_free_reported)
{
	struct snapshot base = start();
	void *keep = keel_malloc(24);
	void *p = keel_malloc(24);

	keel_free(p);
	struct snapshot once = snap();
	keel_free(p);
	CHECK_EQ(heap_reports, 1);
	CHECK(!strcmp(last_what, "double free"));
	CHECK(last_ptr == p);
	struct snapshot twice = snap();
	CHECK_EQ(twice.heap.total_frees, once.heap.total_frees);
	CHECK_EQ(twice.heap.live_blocks, once.heap.live_blocks);
	CHECK_EQ(twice.heap.errors_detected, once.heap.errors_detected + 1);

	void *big = keel_malloc(50000);
	keel_free(big);
	keel_free(big);
	CHECK_EQ(heap_reports, 2);
	CHECK(!strcmp(last_what, "double free"));
	keel_free(keep);
	CHECK(back_to(&base));
	CHECK_EQ(heap_check(), 0);
}

UNIT_TEST(bad_pointers_reported)
{
	struct snapshot base = start();
	u8 *p = keel_zalloc(256);
	u8 *big = keel_zalloc(10000);

	keel_free(p + 1);
	CHECK_EQ(heap_reports, 1);
	CHECK(!strcmp(last_what, "free of a misaligned pointer"));
	keel_free(p + 32);
	CHECK_EQ(heap_reports, 2);
	keel_free(big + 4096);
	CHECK_EQ(heap_reports, 3);

	/* A header that looks live inside a block is still not a block. */
	memcpy(p + 64, p - 16, 16);
	keel_free(p + 80);
	CHECK_EQ(heap_reports, 4);
	CHECK(!strcmp(last_what,
		      "free of a pointer the heap did not hand out"));
	memcpy(big + 4096, big - 16, 16);
	keel_free(big + 4112);
	CHECK_EQ(heap_reports, 5);
	CHECK(!strcmp(last_what, "damaged large block header"));

	/* An underrun over the header: reported, the block is kept. */
	u8 saved[16];
	memcpy(saved, p - 16, 16);
	memset(p - 16, 0x41, 16);
	keel_free(p);
	CHECK_EQ(heap_reports, 6);
	CHECK_EQ(heap_check(), 1);
	CHECK_EQ(heap_reports, 7);
	memcpy(p - 16, saved, 16);
	CHECK_EQ(heap_check(), 0);

	keel_free(p);
	keel_free(big);
	CHECK_EQ(heap_reports, 7);
	CHECK(back_to(&base));
	CHECK_EQ(snap().heap.errors_detected - base.heap.errors_detected, 7);
}

#ifdef CONFIG_DEBUG_HEAP
UNIT_TEST(write_after_free_reported)
{
	struct snapshot base = start();
	/* keep holds the slab while p sits freed in it. */
	u8 *keep = keel_malloc(40);
	u8 *p = keel_malloc(40);

	keel_free(p);
	CHECK_EQ(heap_check(), 0);
	p[5] = 1;
	CHECK_EQ(heap_check(), 1);
	CHECK(!strcmp(last_what, "write after free"));
	u8 *q = keel_malloc(40);
	CHECK(q == p);
	CHECK_EQ(heap_reports, 2);
	CHECK(!strcmp(last_what, "write after free"));
	keel_free(q);
	keel_free(keep);
	CHECK(back_to(&base));
}

UNIT_TEST(overrun_into_free_neighbour)
{
	struct snapshot base = start();
	/* 30 bytes: 64-byte objects, a and b next to each other. */
	u8 *a = keel_malloc(30);
	u8 *b = keel_malloc(30);

	CHECK(b == a + 64);
	keel_free(b);
	memset(a, 0x33, 64 + 8); /* over the canary and b's header */
	u8 *c = keel_malloc(30);
	CHECK(c != NULL && c != b);
	CHECK_EQ(heap_reports, 1);
	CHECK(!strcmp(last_what, "free list corrupted"));
	fill(c, 30, 1);
	keel_free(a);
	CHECK_EQ(heap_reports, 2);
	CHECK(!strcmp(last_what, "buffer overrun"));
	keel_free(c);
	/* The damaged slab went back once its last live block was freed. */
	CHECK(back_to(&base));
	CHECK_EQ(heap_check(), 0);
}

#endif

UNIT_TEST(empty_slabs_go_back)
{
	struct snapshot base = start();
	enum { N = 1000 };
	static void *p[N];

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++)
			p[i] = keel_malloc(40);
		CHECK(snap().heap.bytes_held > base.heap.bytes_held);
		/* Free from the middle out, so slabs empty in odd orders. */
		for (int i = N / 2; i < N; i++)
			keel_free(p[i]);
		for (int i = 0; i < N / 2; i++)
			keel_free(p[i]);
		CHECK(back_to(&base));
	}
	/* Room freed in a full slab is used before a new slab is made. */
	for (int i = 0; i < N; i++)
		p[i] = keel_malloc(40);
	u64 held = snap().heap.bytes_held;
	for (int i = 100; i < 110; i++)
		keel_free(p[i]);
	for (int i = 100; i < 110; i++) {
		p[i] = keel_malloc(40);
		CHECK(p[i] != NULL);
	}
	CHECK_EQ(snap().heap.bytes_held, held);
	for (int i = 0; i < N; i++)
		keel_free(p[i]);
	CHECK(back_to(&base));

	/* Allocating and freeing one block never leaves a slab behind. */
	for (int i = 0; i < 100; i++)
		keel_free(keel_malloc((size_t)i * 17));
	CHECK(back_to(&base));
	CHECK_EQ(heap_reports, 0);
}

struct tracked {
	u8 *p;
	size_t size;
	unsigned int seed;
};

UNIT_TEST(random_stress)
{
	struct snapshot base = start();
	enum { MAX_LIVE = 600 };
	static struct tracked live[MAX_LIVE];
	unsigned int rng = 7;
	int nlive = 0, bad = 0;
	u64 in_use = 0;

	for (int step = 0; step < 30000; step++) {
		rng = rng * 1103515245u + 12345u;
		unsigned int r = rng >> 4;
		if (nlive < MAX_LIVE && (nlive == 0 || r % 100 < 52)) {
			size_t size;
			switch ((r >> 8) % 10) {
			case 0:
				size = (r >> 12) % 70000;
				break;
			case 1:
			case 2:
				size = (r >> 12) % 2100;
				break;
			default:
				size = (r >> 12) % 200;
				break;
			}
			u8 *p = (r >> 20) % 4 ? keel_malloc(size) :
						keel_zalloc(size);
			if (!p) {
				bad++;
				continue;
			}
			fill(p, size, (unsigned int)step);
			live[nlive++] =
				(struct tracked){ p, size, (unsigned int)step };
			in_use += size;
		} else {
			int i = (int)((r >> 8) % (unsigned int)nlive);
			if (!filled(live[i].p, live[i].size, live[i].seed))
				bad++;
			keel_free(live[i].p);
			in_use -= live[i].size;
			live[i] = live[--nlive];
		}
		if (step % 1000 == 0) {
			struct snapshot s = snap();
			if (s.heap.bytes_in_use - base.heap.bytes_in_use !=
				    in_use ||
			    s.heap.live_blocks - base.heap.live_blocks !=
				    (u64)nlive)
				bad++;
			if (heap_check())
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
	while (nlive) {
		nlive--;
		CHECK(filled(live[nlive].p, live[nlive].size,
			     live[nlive].seed));
		keel_free(live[nlive].p);
	}
	CHECK(back_to(&base));
	CHECK_EQ(heap_reports, 0);
	CHECK_EQ(page_reports, 0);
}

UNIT_MAIN()
