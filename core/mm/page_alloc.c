// SPDX-License-Identifier: GPL-2.0
/*
 * Binary buddy allocator over the RAM ranges given at boot.
 *
 * Each range (a zone) starts with one state byte per page it manages; the
 * pages after that array are the ones handed out. Only the first page of a
 * block has a non-zero state byte, which records whether the block is free
 * or allocated and its order; every other byte is zero. Blocks are aligned
 * to their size in absolute page numbers, so the block holding a page is
 * found by trying each order's aligned-down head in turn, which is how a
 * free of a page already merged into a larger free block is still caught.
 *
 * Free blocks are linked through their own first bytes into one list per
 * order shared by all zones: a block's zone only matters for its state
 * byte and for bounding its buddy.
 */
#include <keel/page_alloc.h>
#include <keel/errno.h>
#include <keel/list.h>
#include <keel/spinlock.h>
#include <keel/string.h>

#define PS_FREE 0x80
#define PS_ALLOC 0x40
#define PS_ORDER_MASK 0x1f

struct zone {
	vaddr_t start, end; /* the whole range, state array included */
	u64 first_pfn; /* first page handed out */
	u64 end_pfn; /* one past the last */
	u8 *state; /* state[pfn - first_pfn] */
};

static DEFINE_SPINLOCK(page_lock);
static struct zone zones[PAGE_ALLOC_MAX_ZONES];
static unsigned int nzones;
static struct list_head free_lists[PAGE_MAX_ORDER + 1];
static bool lists_ready;
static u64 total_pages, free_pages;
static u64 free_blocks[PAGE_MAX_ORDER + 1];

static inline u64 pages_of(unsigned int order)
{
	return (u64)1 << order;
}

static inline void *pfn_to_va(u64 pfn)
{
	return (void *)(vaddr_t)(pfn << PAGE_SHIFT);
}

static inline u64 va_to_pfn(const void *va)
{
	return (u64)(vaddr_t)va >> PAGE_SHIFT;
}

static void init_lists(void)
{
	for (unsigned int o = 0; o <= PAGE_MAX_ORDER; o++)
		list_init(&free_lists[o]);
	lists_ready = true;
}

static struct zone *find_zone(u64 pfn)
{
	for (unsigned int i = 0; i < nzones; i++) {
		if (pfn >= zones[i].first_pfn && pfn < zones[i].end_pfn)
			return &zones[i];
	}
	return NULL;
}

static inline u8 *state_of(struct zone *z, u64 pfn)
{
	return &z->state[pfn - z->first_pfn];
}

static void push_free(struct zone *z, u64 pfn, unsigned int order)
{
	*state_of(z, pfn) = PS_FREE | order;
	list_add(pfn_to_va(pfn), &free_lists[order]);
	free_blocks[order]++;
}

static void pull_free(struct zone *z, u64 pfn, unsigned int order)
{
	*state_of(z, pfn) = 0;
	list_del(pfn_to_va(pfn));
	free_blocks[order]--;
}

/* The block that holds pfn: its head's state byte, head and order. */
static u8 block_of(struct zone *z, u64 pfn, u64 *head, unsigned int *order)
{
	for (unsigned int o = 0; o <= PAGE_MAX_ORDER; o++) {
		u64 h = pfn & ~(pages_of(o) - 1);
		if (h < z->first_pfn)
			break;
		u8 st = *state_of(z, h);
		if (st && (st & PS_ORDER_MASK) == o) {
			*head = h;
			*order = o;
			return st;
		}
	}
	return 0;
}

static void *alloc_locked(unsigned int order, const char **err)
{
	unsigned int o = order;

	while (o <= PAGE_MAX_ORDER && list_empty(&free_lists[o]))
		o++;
	if (o > PAGE_MAX_ORDER)
		return NULL;

	void *va = free_lists[o].next;
	u64 pfn = va_to_pfn(va);
	struct zone *z = find_zone(pfn);
	/*
	 * A free block whose state disagrees was written to after it was
	 * freed; its list cannot be trusted, so it is abandoned, leaking its
	 * blocks rather than handing out memory someone else is using.
	 */
	if (!z || ((vaddr_t)va & (PAGE_SIZE - 1)) ||
	    *state_of(z, pfn) != (PS_FREE | o)) {
		*err = "free list corrupted";
		free_pages -= free_blocks[o] * pages_of(o);
		free_blocks[o] = 0;
		list_init(&free_lists[o]);
		return NULL;
	}

	pull_free(z, pfn, o);
	while (o > order) {
		o--;
		push_free(z, pfn + pages_of(o), o);
	}
	*state_of(z, pfn) = PS_ALLOC | order;
	free_pages -= pages_of(order);
	return va;
}

static const char *free_locked(void *va, unsigned int order)
{
	u64 pfn = va_to_pfn(va);
	struct zone *z;
	/* Set by block_of(); initialised for compilers that cannot tell. */
	unsigned int horder = 0;
	u64 head = 0;
	u8 st;

	if (order > PAGE_MAX_ORDER)
		return "free with a bad order";
	if ((vaddr_t)va & (PAGE_SIZE - 1))
		return "free of an unaligned pointer";
	z = find_zone(pfn);
	if (!z)
		return "free of a foreign pointer";
	st = block_of(z, pfn, &head, &horder);
	if (st & PS_FREE)
		return "double free";
	if (!(st & PS_ALLOC) || head != pfn)
		return "free of a pointer inside a block";
	if (horder != order)
		return "free with the wrong order";

	*state_of(z, pfn) = 0;
	free_pages += pages_of(order);
	while (order < PAGE_MAX_ORDER) {
		u64 buddy = pfn ^ pages_of(order);
		if (buddy < z->first_pfn ||
		    buddy + pages_of(order) > z->end_pfn ||
		    *state_of(z, buddy) != (PS_FREE | order))
			break;
		pull_free(z, buddy, order);
		pfn &= ~pages_of(order);
		order++;
	}
	push_free(z, pfn, order);
	return NULL;
}

int page_alloc_add_range(vaddr_t base, u64 size)
{
	unsigned long flags;
	vaddr_t start, end;
	u64 npages, meta, pfn;
	struct zone *z;
	int err = 0;

	if (size > (u64)~base || base > ~(vaddr_t)0 - PAGE_SIZE)
		return -EINVAL;
	start = ALIGN_UP(base, PAGE_SIZE);
	end = ALIGN_DOWN(base + size, PAGE_SIZE);
	if (end <= start)
		return -EINVAL;
	npages = (end - start) >> PAGE_SHIFT;
	/* meta pages of state bytes cover the npages - meta pages after them. */
	meta = (npages + PAGE_SIZE) / (PAGE_SIZE + 1);
	if (npages < meta + 1)
		return -EINVAL;

	spin_lock_irqsave(&page_lock, flags);
	if (!lists_ready)
		init_lists();
	for (unsigned int i = 0; i < nzones; i++) {
		if (start < zones[i].end && zones[i].start < end) {
			err = -EINVAL;
			goto out;
		}
	}
	if (nzones == PAGE_ALLOC_MAX_ZONES) {
		err = -ENOSPC;
		goto out;
	}

	z = &zones[nzones++];
	z->start = start;
	z->end = end;
	z->state = (u8 *)start;
	z->first_pfn = (start >> PAGE_SHIFT) + meta;
	z->end_pfn = end >> PAGE_SHIFT;
	memset(z->state, 0, z->end_pfn - z->first_pfn);

	/* Cover the zone with the largest aligned blocks that fit. */
	for (pfn = z->first_pfn; pfn < z->end_pfn;) {
		unsigned int o = PAGE_MAX_ORDER;
		while (o && ((pfn & (pages_of(o) - 1)) ||
			     pfn + pages_of(o) > z->end_pfn))
			o--;
		push_free(z, pfn, o);
		pfn += pages_of(o);
	}
	total_pages += z->end_pfn - z->first_pfn;
	free_pages += z->end_pfn - z->first_pfn;
out:
	spin_unlock_irqrestore(&page_lock, flags);
	return err;
}

void *page_alloc(unsigned int order)
{
	const char *err = NULL;
	unsigned long flags;
	void *va = NULL;

	if (order > PAGE_MAX_ORDER)
		return NULL;
	spin_lock_irqsave(&page_lock, flags);
	if (lists_ready)
		va = alloc_locked(order, &err);
	spin_unlock_irqrestore(&page_lock, flags);
	/* Reported unlocked: a reporter may well look at the statistics. */
	if (err)
		page_alloc_report_error(err, NULL);
	return va;
}

void *page_alloc_zeroed(unsigned int order)
{
	void *va = page_alloc(order);

	if (va)
		memset(va, 0, PAGE_SIZE << order);
	return va;
}

void page_free(void *va, unsigned int order)
{
	const char *err = "free of a foreign pointer";
	unsigned long flags;

	spin_lock_irqsave(&page_lock, flags);
	if (lists_ready)
		err = free_locked(va, order);
	spin_unlock_irqrestore(&page_lock, flags);
	if (err)
		page_alloc_report_error(err, va);
}

void page_alloc_get_stats(struct page_alloc_stats *stats)
{
	unsigned long flags;

	spin_lock_irqsave(&page_lock, flags);
	stats->total_pages = total_pages;
	stats->free_pages = free_pages;
	for (unsigned int o = 0; o <= PAGE_MAX_ORDER; o++)
		stats->free_blocks[o] = free_blocks[o];
	stats->zones = nzones;
	spin_unlock_irqrestore(&page_lock, flags);
}

void page_alloc_reset(void)
{
	unsigned long flags;

	spin_lock_irqsave(&page_lock, flags);
	memset(zones, 0, sizeof(zones));
	nzones = 0;
	total_pages = 0;
	free_pages = 0;
	memset(free_blocks, 0, sizeof(free_blocks));
	init_lists();
	spin_unlock_irqrestore(&page_lock, flags);
}
