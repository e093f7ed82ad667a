// SPDX-License-Identifier: GPL-2.0
/*
 * The mmu command: identity-map RAM (normal, write-back) and the device
 * window (Device-nGnRnE) with a 4 KiB granule and a 39-bit address space,
 * one page of the image read-only; turn the MMU and caches on, check that
 * the console, memory and the read-only page behave, turn everything off
 * again. Tables are built with the MMU off, so they are cleaned from the
 * caches before the walker, which reads them cacheable, uses them.
 */
#include "arm64.h"

#define PAGE_SIZE 4096UL
#define ENTRIES 512
#define POOL 16
#define VA_BITS 39
#define ADDR_MASK 0x0000fffffffff000UL

#define DESC_BLOCK 1UL
#define DESC_TABLE 3UL
#define DESC_PAGE 3UL
#define ATTR_DEVICE (0UL << 2) /* MAIR index 0 */
#define ATTR_NORMAL (1UL << 2) /* MAIR index 1 */
#define AP_RO (2UL << 6)
#define SH_INNER (3UL << 8)
#define AF (1UL << 10)
#define PXN (1UL << 53)
#define UXN (1UL << 54)

#define MAP_NORMAL (ATTR_NORMAL | SH_INNER | AF | UXN)
#define MAP_DEVICE (ATTR_DEVICE | AF | PXN | UXN)
#define MAIR_VALUE 0xff00UL /* 0: Device-nGnRnE, 1: Normal WB RW-alloc */

/* The devices: GIC, PL011, PL031 and their neighbours. */
#define DEVICE_BASE 0x08000000UL
#define DEVICE_SIZE 0x02000000UL

#define SCRATCH_MAX (1 * MiB)

static uint64_t pool[POOL][ENTRIES] __aligned(PAGE_SIZE);
static unsigned int pool_used;
static uint64_t ro_page[PAGE_SIZE / 8] __aligned(PAGE_SIZE);

static unsigned int level_shift(unsigned int level)
{
	return 39 - 9 * level; /* 1: 1 GiB, 2: 2 MiB, 3: 4 KiB */
}

static uint64_t *table_alloc(void)
{
	uint64_t *t;

	if (pool_used == POOL)
		return NULL;
	t = pool[pool_used++];
	memset(t, 0, PAGE_SIZE);
	return t;
}

/* The table below *entry (at `level`), made from a block if need be. */
static uint64_t *table_below(uint64_t *entry, unsigned int level)
{
	uint64_t *t;
	unsigned int i;

	if ((*entry & 3) == DESC_TABLE)
		return (uint64_t *)(uintptr_t)(*entry & ADDR_MASK);
	t = table_alloc();
	if (!t)
		return NULL;
	if ((*entry & 3) == DESC_BLOCK) {
		/* Same mapping, one level finer, so part of it can change. */
		uint64_t out = *entry & ADDR_MASK,
			 attrs = *entry & ~ADDR_MASK & ~3UL;
		uint64_t step = 1UL << level_shift(level + 1);

		for (i = 0; i < ENTRIES; i++)
			t[i] = (out + i * step) | attrs |
			       (level + 1 == 3 ? DESC_PAGE : DESC_BLOCK);
	}
	*entry = (uintptr_t)t | DESC_TABLE;
	return t;
}

static int map(uint64_t *l1, uint64_t pa, uint64_t size, uint64_t attrs)
{
	if ((pa | size) & (PAGE_SIZE - 1) || pa + size > 1UL << VA_BITS)
		return -1;
	while (size) {
		uint64_t *t = l1;
		unsigned int level = 1;

		for (;;) {
			uint64_t block = 1UL << level_shift(level);
			uint64_t *e =
				&t[pa >> level_shift(level) & (ENTRIES - 1)];

			if (level == 3 ||
			    (!(pa & (block - 1)) && size >= block &&
			     (*e & 3) != DESC_TABLE)) {
				*e = pa | attrs |
				     (level == 3 ? DESC_PAGE : DESC_BLOCK);
				pa += block;
				size -= block;
				break;
			}
			t = table_below(e, level);
			if (!t)
				return -1;
			level++;
		}
	}
	return 0;
}

static uint64_t *build_tables(void)
{
	uint64_t *l1;
	unsigned int i;

	pool_used = 0;
	l1 = table_alloc();
	if (!l1 || map(l1, DEVICE_BASE, DEVICE_SIZE, MAP_DEVICE))
		return NULL;
	for (i = 0; i < platform.nr_ram; i++) {
		uint64_t b = ALIGN_UP(platform.ram[i].base, PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(
			platform.ram[i].base + platform.ram[i].size, PAGE_SIZE);

		/* Banks beyond the 39-bit space stay unmapped: unused here. */
		if (e > 1ULL << VA_BITS)
			continue;
		if (b < e && map(l1, b, e - b, MAP_NORMAL))
			return NULL;
	}
	if (map(l1, (uintptr_t)ro_page, PAGE_SIZE, MAP_NORMAL | AP_RO))
		return NULL;
	return l1;
}

static uint64_t tcr_value(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	if (parange > 5)
		parange = 5;
	return (64 - VA_BITS) /* T0SZ */ | 1UL << 8 /* IRGN0 WBWA */ |
	       1UL << 10 /* ORGN0 WBWA */ | 3UL << 12 /* SH0 inner */ |
	       1UL << 23 /* EPD1: no TTBR1 walks */ | parange << 32 /* IPS */;
}

static unsigned int check_scratch(const uint64_t *s, const uint64_t *e,
				  uint64_t salt)
{
	unsigned int bad = 0;

	for (; s < e; s++) {
		if (*s != ((uintptr_t)s ^ salt))
			bad++;
	}
	return bad;
}

static int try_write_ro(struct basic_fault *f)
{
	volatile uint64_t *p = &ro_page[0];

	fault_catch_begin();
	__asm__ __volatile__("str %0, [%1]" ::"r"(0xbadUL), "r"(p) : "memory");
	return fault_catch_end(f);
}

int cmd_mmu(int argc, char **argv)
{
	const uint64_t salt = 0x5a5aa5a5c3c33c3cUL;
	struct basic_range free_ram[BASIC_MAX_FREE];
	uint64_t *l1, *s, *e, *p, sctlr_on, dfsc;
	unsigned int i, bad_on, bad_off, ro_bad;
	struct basic_fault f;
	bool faulted;

	if (argc > 1)
		return fail("usage: mmu");
	if (read_sysreg(sctlr_el1) & 1)
		return fail("MMU already on");
	if (!basic_free_ram(free_ram, ARRAY_SIZE(free_ram)))
		return fail("no free RAM for the scratch area");
	s = (uint64_t *)(uintptr_t)free_ram[0].base;
	e = s +
	    (free_ram[0].size < SCRATCH_MAX ? free_ram[0].size : SCRATCH_MAX) /
		    8;

	l1 = build_tables();
	if (!l1)
		return fail(
			"page tables: RAM beyond 512 GiB or table pool full");
	for (i = 0; i < ARRAY_SIZE(ro_page); i++)
		ro_page[i] = salt ^ i;
	/* Nothing stale may be hit once the caches are on. */
	arm64_dcache_civac(platform.image_start, platform.image_end);
	arm64_dcache_civac((uintptr_t)s, (uintptr_t)e);

	arm64_mmu_on((uintptr_t)l1, tcr_value(), MAIR_VALUE);
	sctlr_on = read_sysreg(sctlr_el1);
	printf("mmu on (SCTLR_EL1 0x%lx, %u tables): console works\n", sctlr_on,
	       pool_used);

	for (p = s; p < e; p++)
		*p = (uintptr_t)p ^ salt;
	bad_on = check_scratch(s, e, salt);
	ro_bad = 0;
	for (i = 0; i < ARRAY_SIZE(ro_page); i++)
		ro_bad += ro_page[i] != (salt ^ i);
	faulted = try_write_ro(&f);

	arm64_mmu_off(platform.image_start, platform.image_end, (uintptr_t)s,
		      (uintptr_t)e);
	/* With the caches off this reads RAM: the clean must have worked. */
	bad_off = check_scratch(s, e, salt);
	printf("mmu off again (SCTLR_EL1 0x%lx)\n", read_sysreg(sctlr_el1));
	printf("mmu scratch 0x%lx-0x%lx: %u bad words cached, %u in RAM after\n",
	       (uint64_t)(uintptr_t)s, (uint64_t)(uintptr_t)e, bad_on, bad_off);

	if (!(sctlr_on & 1) || !(sctlr_on & 4))
		return fail("SCTLR_EL1.M/C did not stick");
	if (bad_on || bad_off)
		return fail("scratch memory: %u bad with caches, %u after",
			    bad_on, bad_off);
	if (ro_bad)
		return fail("read-only page reads back wrong (%u words)",
			    ro_bad);
	if (!faulted)
		return fail("write to the read-only page did not fault");
	dfsc = f.syndrome & 0x3f;
	printf("mmu write to read-only 0x%lx: ESR 0x%lx FAR 0x%lx\n",
	       (uint64_t)(uintptr_t)ro_page, f.syndrome, f.addr);
	/* Data abort at EL1, write, permission fault at any level. */
	if (ESR_EC(f.syndrome) != EC_DABT_CUR || !(f.syndrome & 1UL << 6) ||
	    (dfsc & 0x3c) != 0x0c)
		return fail("write fault is not a permission fault (ESR 0x%lx)",
			    f.syndrome);
	if (f.addr != (uintptr_t)ro_page)
		return fail("FAR 0x%lx is not the page", f.addr);
	if (ro_page[0] != salt)
		return fail("the read-only page was written");
	return 0;
}
