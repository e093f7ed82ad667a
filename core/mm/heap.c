// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor heap.
 *
 * Every block starts with a 16-byte header (struct block_hdr) right before
 * the pointer handed out, in all builds: it names the block's size class,
 * which is what lets keel_free() find the slab without any lookup, and it
 * keeps the 16-byte alignment the arm64 ABI expects of malloc.
 *
 * Small blocks come from slabs: blocks of 2^order pages, aligned to their
 * size by the page allocator, so a block's slab is its address rounded down
 * to the slab size of its class. A slab starts with struct slab; its
 * objects follow. Objects are handed out in address order the first time
 * (so a new slab costs no set-up) and from a free list threaded through
 * the headers of freed objects afterwards. A slab whose last object is
 * freed goes straight back to the page allocator: after a set of blocks is
 * freed, the heap holds no more pages than before it was allocated.
 *
 * Large blocks get their own pages, with a list link in front of the
 * header so that they can be walked.
 *
 * With CONFIG_DEBUG_HEAP a canary follows the bytes asked for, freed
 * memory is poisoned and the poison is checked when the memory is handed
 * out again. Errors are reported after the heap lock is dropped, so that
 * a reporter may look at the heap statistics.
 */
#include <keel/heap.h>
#include <keel/list.h>
#include <keel/page_alloc.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/bitops.h>

#ifdef CONFIG_DEBUG_HEAP
#define HEAP_DEBUG 1
#define CANARY_SIZE 8
#else
#define HEAP_DEBUG 0
#define CANARY_SIZE 0
#endif

#define MAGIC_LIVE 0x6b4c4956u
#define MAGIC_FREE 0x6b465245u
#define MAGIC_SLAB 0x6b534c42u
#define CLS_LARGE 0xffffu
#define POISON 0x6b

struct block_hdr {
	u32 magic;
	u16 cls; /* size class, or CLS_LARGE */
	u16 order; /* large blocks: the page order */
	union {
		u64 size; /* live: the bytes asked for */
		struct block_hdr *next_free; /* free slab object */
	};
};

_Static_assert(sizeof(struct block_hdr) == 16, "header keeps alignment");

struct slab {
	u32 magic;
	u16 cls;
	u16 inuse; /* live objects */
	u16 carved; /* objects ever handed out; the rest are untouched */
	u16 capacity;
	struct block_hdr *free;
	/* On its class's partial list, or on the full list. */
	struct list_head link;
};

#define SLAB_HDR_SIZE 64
_Static_assert(sizeof(struct slab) <= SLAB_HDR_SIZE, "slab header fits");

struct large_hdr {
	struct list_head link;
	struct block_hdr hdr;
};

/*
 * Object sizes, header included, and the order of their slabs: big enough
 * that the slab header and the rounding waste stay a small fraction.
 */
static const struct {
	u16 size;
	u8 order;
} classes[] = {
	{ 32, 0 },   { 48, 0 },	  { 64, 0 },   { 96, 0 },  { 128, 0 },
	{ 192, 0 },  { 256, 0 },  { 384, 0 },  { 512, 1 }, { 768, 1 },
	{ 1024, 2 }, { 1536, 2 }, { 2048, 3 },
};

#define NCLASSES ARRAY_SIZE(classes)
#define HDR_SIZE sizeof(struct block_hdr)
#define LARGE_OVERHEAD (sizeof(struct large_hdr) + CANARY_SIZE)
#define MAX_ALLOC ((PAGE_SIZE << PAGE_MAX_ORDER) - LARGE_OVERHEAD)

struct class_lists {
	struct list_head partial; /* slabs with objects to hand out */
	struct list_head full;
};

static DEFINE_SPINLOCK(heap_lock);
static bool heap_ready;
static struct class_lists lists[NCLASSES];
static struct list_head large_blocks;
static struct heap_stats stats;

static const u8 canary[8] = { 0xde, 0xad, 0xc0, 0xde, 0x5a, 0xa5, 0x3c, 0xc3 };

/* Errors found under the lock, reported once it is dropped. */
#define REPORT_MAX 16
struct reports {
	unsigned int n;
	unsigned int dropped;
	struct {
		const char *what;
		const void *ptr;
	} r[REPORT_MAX];
};

static void note(struct reports *rep, const char *what, const void *ptr)
{
	stats.errors_detected++;
	if (rep->n < REPORT_MAX) {
		rep->r[rep->n].what = what;
		rep->r[rep->n].ptr = ptr;
		rep->n++;
	} else {
		rep->dropped++;
	}
}

static void flush_reports(const struct reports *rep)
{
	for (unsigned int i = 0; i < rep->n; i++)
		heap_report_error(rep->r[i].what, rep->r[i].ptr);
	if (rep->dropped)
		heap_report_error("more heap errors not shown", NULL);
}

static void heap_init_locked(void)
{
	for (unsigned int i = 0; i < NCLASSES; i++) {
		list_init(&lists[i].partial);
		list_init(&lists[i].full);
	}
	list_init(&large_blocks);
	heap_ready = true;
}

static inline size_t slab_bytes(unsigned int cls)
{
	return PAGE_SIZE << classes[cls].order;
}

static inline struct block_hdr *slab_obj(struct slab *s, unsigned int i)
{
	return (struct block_hdr *)((char *)s + SLAB_HDR_SIZE +
				    (size_t)i * classes[s->cls].size);
}

static inline void *payload(struct block_hdr *h)
{
	return h + 1;
}

static unsigned int class_for(size_t size)
{
	size_t total = HDR_SIZE + size + CANARY_SIZE;

	for (unsigned int i = 0; i < NCLASSES; i++) {
		if (total <= classes[i].size)
			return i;
	}
	return NCLASSES;
}

static bool canary_intact(struct block_hdr *h)
{
	return !memcmp((const u8 *)payload(h) + h->size, canary, CANARY_SIZE);
}

/* Slab object payloads are 16-byte multiples, so whole words are checked. */
static bool poison_intact(struct block_hdr *h, size_t len)
{
	const unsigned long pattern = (~0UL / 0xff) * POISON;
	const unsigned long *w = payload(h);

	for (size_t i = 0; i < len / sizeof(*w); i++) {
		if (w[i] != pattern)
			return false;
	}
	return true;
}

static struct slab *new_slab(unsigned int cls)
{
	struct slab *s = page_alloc(classes[cls].order);

	if (!s)
		return NULL;
	stats.bytes_held += slab_bytes(cls);
	s->magic = MAGIC_SLAB;
	s->cls = (u16)cls;
	s->inuse = 0;
	s->carved = 0;
	s->capacity =
		(u16)((slab_bytes(cls) - SLAB_HDR_SIZE) / classes[cls].size);
	s->free = NULL;
	list_add(&s->link, &lists[cls].partial);
	return s;
}

static bool free_obj_valid(struct slab *s, struct block_hdr *h)
{
	uintptr_t first = (uintptr_t)slab_obj(s, 0);
	uintptr_t a = (uintptr_t)h;

	return a >= first && (a - first) % classes[s->cls].size == 0 &&
	       (a - first) / classes[s->cls].size < s->carved &&
	       h->magic == MAGIC_FREE;
}

static struct block_hdr *slab_alloc(unsigned int cls, struct reports *rep)
{
	struct class_lists *cl = &lists[cls];
	struct block_hdr *h;
	struct slab *s;

	for (;;) {
		if (list_empty(&cl->partial) && !new_slab(cls))
			return NULL;
		s = list_first_entry(&cl->partial, struct slab, link);
		if (!s->free) {
			h = slab_obj(s, s->carved++);
			break;
		}
		h = s->free;
		if (free_obj_valid(s, h)) {
			s->free = h->next_free;
			if (HEAP_DEBUG &&
			    !poison_intact(h, classes[cls].size - HDR_SIZE))
				note(rep, "write after free", payload(h));
			break;
		}
		/*
		 * An overrun of the object before it has hit this header.
		 * The rest of the free list is lost; parking the slab on
		 * the full list keeps it out of use (a slab with fewer than
		 * capacity live objects never leaves it) until its live
		 * objects are freed, which then returns it as usual.
		 */
		note(rep, "free list corrupted", payload(h));
		s->free = NULL;
		list_del(&s->link);
		list_add(&s->link, &cl->full);
	}

	s->inuse++;
	if (!s->free && s->carved == s->capacity) {
		list_del(&s->link);
		list_add(&s->link, &cl->full);
	}
	h->cls = (u16)cls;
	h->order = 0;
	return h;
}

static struct block_hdr *large_alloc(size_t size)
{
	unsigned int order = order_base_2(
		(size + LARGE_OVERHEAD + PAGE_SIZE - 1) >> PAGE_SHIFT);
	struct large_hdr *l;

	if (order > PAGE_MAX_ORDER)
		return NULL;
	l = page_alloc(order);
	if (!l)
		return NULL;
	stats.bytes_held += PAGE_SIZE << order;
	list_add(&l->link, &large_blocks);
	l->hdr.cls = CLS_LARGE;
	l->hdr.order = (u16)order;
	return &l->hdr;
}

void *keel_malloc(size_t size)
{
	struct reports rep = { 0 };
	struct block_hdr *h = NULL;
	unsigned long flags;
	unsigned int cls;

	spin_lock_irqsave(&heap_lock, flags);
	if (!heap_ready)
		heap_init_locked();
	if (size <= MAX_ALLOC) {
		cls = class_for(size);
		h = cls < NCLASSES ? slab_alloc(cls, &rep) : large_alloc(size);
	}
	if (h) {
		h->magic = MAGIC_LIVE;
		h->size = size;
		if (HEAP_DEBUG)
			memcpy((u8 *)payload(h) + size, canary, CANARY_SIZE);
		stats.bytes_in_use += size;
		stats.live_blocks++;
		stats.total_allocs++;
	} else {
		stats.failed_allocs++;
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	flush_reports(&rep);
	return h ? payload(h) : NULL;
}

void *keel_zalloc(size_t size)
{
	void *p = keel_malloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *keel_calloc(size_t n, size_t size)
{
	unsigned long flags;

	if (n && size > (size_t)-1 / n) {
		spin_lock_irqsave(&heap_lock, flags);
		stats.failed_allocs++;
		spin_unlock_irqrestore(&heap_lock, flags);
		return NULL;
	}
	return keel_zalloc(n * size);
}

char *keel_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = keel_malloc(len);

	if (p)
		memcpy(p, s, len);
	return p;
}

/*
 * Decide whether h is the header of a live block. Only the header is read
 * before the checks that make reading more (the slab header) safe.
 */
static const char *check_header(struct block_hdr *h)
{
	if (h->magic == MAGIC_FREE)
		return "double free";
	if (h->magic != MAGIC_LIVE)
		return "free of a bad pointer or damaged header";
	if (h->cls == CLS_LARGE) {
		uintptr_t start =
			(uintptr_t)h - offsetof(struct large_hdr, hdr);
		if ((start & (PAGE_SIZE - 1)) || h->order > PAGE_MAX_ORDER ||
		    h->size > (PAGE_SIZE << h->order) - LARGE_OVERHEAD)
			return "damaged large block header";
		return NULL;
	}
	if (h->cls >= NCLASSES ||
	    h->size > classes[h->cls].size - HDR_SIZE - CANARY_SIZE)
		return "damaged block header";

	struct slab *s =
		(struct slab *)ALIGN_DOWN((uintptr_t)h, slab_bytes(h->cls));
	uintptr_t first = (uintptr_t)s + SLAB_HDR_SIZE;
	uintptr_t a = (uintptr_t)h;
	if (s->magic != MAGIC_SLAB || s->cls != h->cls || a < first ||
	    (a - first) % classes[h->cls].size ||
	    (a - first) / classes[h->cls].size >= s->carved)
		return "free of a pointer the heap did not hand out";
	return NULL;
}

static void slab_free(struct block_hdr *h)
{
	unsigned int cls = h->cls;
	struct slab *s =
		(struct slab *)ALIGN_DOWN((uintptr_t)h, slab_bytes(cls));

	if (HEAP_DEBUG)
		memset(payload(h), POISON, classes[cls].size - HDR_SIZE);
	h->magic = MAGIC_FREE;
	h->next_free = s->free;
	s->free = h;
	if (s->inuse == s->capacity) {
		list_del(&s->link);
		list_add(&s->link, &lists[cls].partial);
	}
	if (--s->inuse == 0) {
		list_del(&s->link);
		s->magic = 0;
		stats.bytes_held -= slab_bytes(cls);
		page_free(s, classes[cls].order);
	}
}

static void large_free(struct block_hdr *h)
{
	struct large_hdr *l = container_of(h, struct large_hdr, hdr);
	unsigned int order = h->order;

	if (HEAP_DEBUG)
		memset(payload(h), POISON, h->size + CANARY_SIZE);
	h->magic = MAGIC_FREE;
	list_del(&l->link);
	stats.bytes_held -= PAGE_SIZE << order;
	page_free(l, order);
}

void keel_free(void *ptr)
{
	struct reports rep = { 0 };
	struct block_hdr *h;
	const char *err;
	unsigned long flags;

	if (!ptr)
		return;
	spin_lock_irqsave(&heap_lock, flags);
	if (!heap_ready)
		heap_init_locked();
	if ((uintptr_t)ptr & (HDR_SIZE - 1)) {
		note(&rep, "free of a misaligned pointer", ptr);
		goto out;
	}
	h = (struct block_hdr *)ptr - 1;
	err = check_header(h);
	if (err) {
		note(&rep, err, ptr);
		goto out;
	}
	if (HEAP_DEBUG && !canary_intact(h))
		note(&rep, "buffer overrun", ptr);

	stats.bytes_in_use -= h->size;
	stats.live_blocks--;
	stats.total_frees++;
	if (h->cls == CLS_LARGE)
		large_free(h);
	else
		slab_free(h);
out:
	spin_unlock_irqrestore(&heap_lock, flags);
	flush_reports(&rep);
}

void heap_get_stats(struct heap_stats *out)
{
	unsigned long flags;

	spin_lock_irqsave(&heap_lock, flags);
	*out = stats;
	spin_unlock_irqrestore(&heap_lock, flags);
}

static unsigned long check_slab(struct slab *s, struct reports *rep)
{
	size_t objsize = classes[s->cls].size;
	unsigned long damaged = 0;

	for (unsigned int i = 0; i < s->carved; i++) {
		struct block_hdr *h = slab_obj(s, i);
		const char *what = NULL;

		if (h->magic == MAGIC_LIVE) {
			if (h->cls != s->cls ||
			    h->size > objsize - HDR_SIZE - CANARY_SIZE)
				what = "damaged block header";
			else if (HEAP_DEBUG && !canary_intact(h))
				what = "buffer overrun";
		} else if (h->magic == MAGIC_FREE) {
			if (HEAP_DEBUG && !poison_intact(h, objsize - HDR_SIZE))
				what = "write after free";
		} else {
			what = "damaged block header";
		}
		if (what) {
			note(rep, what, payload(h));
			damaged++;
		}
	}
	return damaged;
}

unsigned long heap_check(void)
{
	struct reports rep = { 0 };
	unsigned long damaged = 0;
	unsigned long flags;
	struct large_hdr *l;
	struct slab *s;

	spin_lock_irqsave(&heap_lock, flags);
	if (!heap_ready)
		heap_init_locked();
	for (unsigned int c = 0; c < NCLASSES; c++) {
		list_for_each_entry(s, &lists[c].partial, link)
			damaged += check_slab(s, &rep);
		list_for_each_entry(s, &lists[c].full, link)
			damaged += check_slab(s, &rep);
	}
	list_for_each_entry(l, &large_blocks, link) {
		if (l->hdr.magic != MAGIC_LIVE || l->hdr.cls != CLS_LARGE) {
			note(&rep, "damaged large block header",
			     payload(&l->hdr));
			damaged++;
		} else if (HEAP_DEBUG && !canary_intact(&l->hdr)) {
			note(&rep, "buffer overrun", payload(&l->hdr));
			damaged++;
		}
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	flush_reports(&rep);
	return damaged;
}
