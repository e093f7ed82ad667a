// SPDX-License-Identifier: GPL-2.0
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/io.h>
#include <keel/memory.h>
#include <keel/page_alloc.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/mmu.h>

static struct memory_map map;
static paddr_t initrd_start, initrd_end;

const struct memory_map *memory_get_map(void)
{
	return &map;
}

int memory_initrd(paddr_t *start, paddr_t *end)
{
	if (initrd_end <= initrd_start)
		return -ENOENT;
	*start = initrd_start;
	*end = initrd_end;
	return 0;
}

static bool premapped(const struct mem_range *r)
{
	return !strcmp(r->what, "keel") || !strcmp(r->what, "device tree");
}

static void add_reserved(paddr_t start, paddr_t end, const char *what)
{
	struct mem_range *near;
	u64 best = ~0ULL;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (end <= start)
		return;
	if (map.nr_reserved < MEMORY_MAX_RESERVED) {
		map.reserved[map.nr_reserved++] =
			(struct mem_range){ start, end, what };
		return;
	}
	/*
	 * The table is full. Reserved memory must never reach the allocator,
	 * so grow the nearest entry to cover this range too: reserving a
	 * little more is safe, handing out firmware's memory is not.
	 */
	near = &map.reserved[map.nr_reserved - 1];
	for (unsigned int i = 0; i < map.nr_reserved; i++) {
		struct mem_range *r = &map.reserved[i];

		/* Keel and the device tree are mapped apart: keep them exact. */
		if (premapped(r))
			continue;
		u64 gap = r->end < start ? start - r->end :
			  end < r->start ? r->start - end :
					   0;

		if (gap < best) {
			best = gap;
			near = r;
		}
	}
	near->start = MIN(near->start, start);
	near->end = MAX(near->end, end);
	printk(KERN_WARN
	       "memory: reserved-range table full: %s merged into %s\n",
	       what, near->what);
}

/* Read every "reg" pair of a node with the given cell sizes into out. */
static int read_reg_ranges(const void *fdt, int node, int ac, int sc,
			   void (*out)(paddr_t, paddr_t, const char *),
			   const char *what)
{
	int len;
	const u32 *reg = kfdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -EINVAL;
	for (int i = 0; (i + ac + sc) * 4 <= len; i += ac + sc) {
		u64 base = kfdt_read_cells(reg + i, ac);
		u64 size = sc ? kfdt_read_cells(reg + i + ac, sc) : 0;

		if (size)
			out(base, base + size, what);
	}
	return 0;
}

static void add_bank(paddr_t start, paddr_t end, const char *what)
{
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (end <= start || map.nr_banks >= MEMORY_MAX_BANKS)
		return;
	map.banks[map.nr_banks++] = (struct mem_range){ start, end, what };
	map.ram_bytes += end - start;
}

static int find_ram(const void *fdt)
{
	int ac = kfdt_address_cells(fdt, 0), sc = kfdt_size_cells(fdt, 0);
	int node, depth = 0;

	/*
	 * Host RAM is described by memory nodes under the root (depth 2 when
	 * walking from before the root, at depth 1); deeper ones
	 * belong to guest descriptions (/guests/<name>/machine).
	 */
	for (node = kfdt_next_node(fdt, -1, &depth); node >= 0;
	     node = kfdt_next_node(fdt, node, &depth)) {
		const char *type = kfdt_getprop(fdt, node, "device_type", NULL);
		const char *status = kfdt_getprop(fdt, node, "status", NULL);

		if (depth != 2 || !type || strcmp(type, "memory"))
			continue;
		if (status && strcmp(status, "okay") && strcmp(status, "ok"))
			continue;
		read_reg_ranges(fdt, node, ac, sc, add_bank, "ram");
	}
	return map.nr_banks ? 0 : -ENOENT;
}

static void find_reserved(const void *fdt, paddr_t fdt_pa)
{
	paddr_t img_start, img_end;
	int node, n;

	arch_image_range(&img_start, &img_end);
	add_reserved(img_start, img_end, "keel");
	add_reserved(fdt_pa, fdt_pa + kfdt_totalsize(fdt), "device tree");

	n = kfdt_num_mem_rsv(fdt);
	for (int i = 0; i < n; i++) {
		u64 addr, size;

		if (!kfdt_get_mem_rsv(fdt, i, &addr, &size) && size)
			add_reserved(addr, addr + size, "memreserve");
	}

	node = kfdt_path_offset(fdt, "/chosen");
	if (node >= 0) {
		int len, elen;
		const u32 *s =
			kfdt_getprop(fdt, node, "linux,initrd-start", &len);
		const u32 *e =
			kfdt_getprop(fdt, node, "linux,initrd-end", &elen);

		/* Each may be one or two cells, independently. */
		if (s && e && (len == 4 || len == 8) &&
		    (elen == 4 || elen == 8)) {
			initrd_start = kfdt_read_cells(s, len / 4);
			initrd_end = kfdt_read_cells(e, elen / 4);
			add_reserved(initrd_start, initrd_end, "initrd");
		}
	}

	node = kfdt_path_offset(fdt, "/reserved-memory");
	if (node >= 0) {
		int ac = kfdt_address_cells(fdt, node);
		int sc = kfdt_size_cells(fdt, node);

		for (int child = kfdt_first_subnode(fdt, node); child >= 0;
		     child = kfdt_next_subnode(fdt, child))
			read_reg_ranges(fdt, child, ac, sc, add_reserved,
					"reserved-memory");
	}
}

/*
 * Call out(start, end) for the parts of [start, end) that no reserved
 * range marked by skip() covers.
 */
static int for_each_gap(paddr_t start, paddr_t end,
			bool (*skip)(const struct mem_range *r),
			int (*out)(paddr_t s, paddr_t e))
{
	while (start < end) {
		paddr_t cut = end;
		bool moved = true;
		int err;

		/* Step over every reserved range that start falls in. */
		while (moved) {
			moved = false;
			for (unsigned int i = 0; i < map.nr_reserved; i++) {
				const struct mem_range *r = &map.reserved[i];

				if (skip(r) && r->start <= start &&
				    r->end > start) {
					start = r->end;
					moved = true;
				}
			}
		}
		if (start >= end)
			break;
		for (unsigned int i = 0; i < map.nr_reserved; i++) {
			const struct mem_range *r = &map.reserved[i];

			if (skip(r) && r->start > start && r->start < cut)
				cut = r->start;
		}
		err = out(start, cut);
		if (err)
			return err;
		start = cut;
	}
	return 0;
}

static bool any_reserved(const struct mem_range *r)
{
	return true;
}

static int map_ram(paddr_t s, paddr_t e)
{
	return arch_mmu_map(s, s, e - s, MMU_NORMAL_RW);
}

static int give_to_allocator(paddr_t s, paddr_t e)
{
	if (e - s < 4 * PAGE_SIZE)
		return 0; /* too small to be worth the bookkeeping */
	return page_alloc_add_range((vaddr_t)arch_phys_to_virt(s), e - s);
}

int memory_init(const void *fdt, paddr_t fdt_pa)
{
	int err = find_ram(fdt);

	if (err)
		return err;
	find_reserved(fdt, fdt_pa);
	for (unsigned int i = 0; i < map.nr_banks; i++) {
		err = for_each_gap(map.banks[i].start, map.banks[i].end,
				   premapped, map_ram);
		if (err)
			return err;
	}
	for (unsigned int i = 0; i < map.nr_banks; i++) {
		err = for_each_gap(map.banks[i].start, map.banks[i].end,
				   any_reserved, give_to_allocator);
		if (err)
			return err;
	}
	return 0;
}

void *ioremap(paddr_t pa, u64 size)
{
	paddr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
	paddr_t end = ALIGN_UP(pa + size, PAGE_SIZE);

	if (!size || end < start)
		return NULL;
	if (arch_mmu_map(start, start, end - start, MMU_DEVICE))
		return NULL;
	return arch_phys_to_virt(pa);
}
