// SPDX-License-Identifier: GPL-2.0
/*
 * The mmu command: an Sv39 identity map of the device window (read-write,
 * no execute, and I/O memory type where Svpbmt lets a page say so), RAM
 * (read-write), the image (read-write-execute) and one read-only page;
 * translation on, check that the console, memory and the read-only page
 * behave, translation off again. RISC-V caches are coherent and have no
 * architected switch, so unlike arm64 there is nothing to clean: the
 * check after satp is off shows that the same memory is seen untranslated.
 */
#include "riscv.h"

#define PAGE_SIZE 4096UL
#define ENTRIES 512
#define POOL 16
/* Identity maps need VA bit 38 clear: Sv39 sign-extends it. */
#define IDENTITY_LIMIT (1UL << 38)

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PBMT_IO (2UL << 61)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK (((1UL << 44) - 1) << PTE_PPN_SHIFT)

/* A and D preset: a hart may fault rather than update them. */
#define MAP_RAM (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define MAP_IMAGE (MAP_RAM | PTE_X)
#define MAP_RO (PTE_V | PTE_R | PTE_A)
#define MAP_DEVICE (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* Every device of QEMU riscv virt lies below RAM. */
#define DEVICE_BASE 0x00000000UL
#define DEVICE_SIZE 0x80000000UL

#define SCRATCH_MAX (1 * MiB)

static uint64_t pool[POOL][ENTRIES] __aligned(PAGE_SIZE);
static unsigned int pool_used;
static uint64_t ro_page[PAGE_SIZE / 8] __aligned(PAGE_SIZE);

static unsigned int level_shift(unsigned int level)
{
	return 12 + 9 * level; /* 2: 1 GiB, 1: 2 MiB, 0: 4 KiB */
}

static bool pte_is_table(uint64_t pte)
{
	return (pte & PTE_V) && !(pte & (PTE_R | PTE_W | PTE_X));
}

static uint64_t pte_addr(uint64_t pte)
{
	return (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT << 12;
}

static uint64_t pte_make(uint64_t pa, uint64_t flags)
{
	return pa >> 12 << PTE_PPN_SHIFT | flags;
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

/* The table below *entry (at `level`), made from a leaf if need be. */
static uint64_t *table_below(uint64_t *entry, unsigned int level)
{
	uint64_t *t;
	unsigned int i;

	if (pte_is_table(*entry))
		return (uint64_t *)(uintptr_t)pte_addr(*entry);
	t = table_alloc();
	if (!t)
		return NULL;
	if (*entry & PTE_V) {
		/* Same mapping, one level finer, so part of it can change. */
		uint64_t pa = pte_addr(*entry), flags = *entry & ~PTE_PPN_MASK;
		uint64_t step = 1UL << level_shift(level - 1);

		for (i = 0; i < ENTRIES; i++)
			t[i] = pte_make(pa + i * step, flags);
	}
	*entry = pte_make((uintptr_t)t, PTE_V);
	return t;
}

static int map(uint64_t *root, uint64_t pa, uint64_t size, uint64_t flags)
{
	if ((pa | size) & (PAGE_SIZE - 1) || pa + size > IDENTITY_LIMIT)
		return -1;
	while (size) {
		uint64_t *t = root;
		unsigned int level = 2;

		for (;;) {
			uint64_t block = 1UL << level_shift(level);
			uint64_t *e =
				&t[pa >> level_shift(level) & (ENTRIES - 1)];

			if (level == 0 ||
			    (!(pa & (block - 1)) && size >= block &&
			     !pte_is_table(*e))) {
				*e = pte_make(pa, flags);
				pa += block;
				size -= block;
				break;
			}
			t = table_below(e, level);
			if (!t)
				return -1;
			level--;
		}
	}
	return 0;
}

static uint64_t *build_tables(uint64_t device_flags)
{
	uint64_t *root;
	unsigned int i;

	pool_used = 0;
	root = table_alloc();
	if (!root || map(root, DEVICE_BASE, DEVICE_SIZE, device_flags))
		return NULL;
	for (i = 0; i < platform.nr_ram; i++) {
		uint64_t b = ALIGN_UP(platform.ram[i].base, PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(
			platform.ram[i].base + platform.ram[i].size, PAGE_SIZE);

		if (e > IDENTITY_LIMIT)
			e = IDENTITY_LIMIT;
		if (b < e && map(root, b, e - b, MAP_RAM))
			return NULL;
	}
	if (map(root, platform.image_start,
		platform.image_end - platform.image_start, MAP_IMAGE) ||
	    map(root, (uintptr_t)ro_page, PAGE_SIZE, MAP_RO))
		return NULL;
	return root;
}

static void satp_set(uint64_t satp)
{
	/* Table writes before the walks; no stale translations after. */
	__asm__ __volatile__(
		"sfence.vma\n\tcsrw satp, %0\n\tsfence.vma" ::"r"(satp)
		: "memory");
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

static bool try_write_ro(struct basic_fault *f)
{
	volatile uint64_t *p = &ro_page[0];

	fault_catch_begin();
	__asm__ __volatile__(MMIO_INSN("sd %0, 0(%1)")::"r"(0xbadUL), "r"(p)
			     : "memory");
	return fault_catch_end(f);
}

int cmd_mmu(int argc, char **argv)
{
	const uint64_t salt = 0x5a5aa5a5c3c33c3cUL;
	struct basic_range free_ram[BASIC_MAX_FREE];
	uint64_t *root, *s, *e, *p, satp_on, device_flags = MAP_DEVICE;
	unsigned int i, bad_on, bad_off, ro_bad;
	struct basic_fault f;
	bool faulted, pbmt = riscv_has_ext("svpbmt");

	if (argc > 1)
		return fail("usage: mmu");
	if (csr_read(satp))
		return fail("translation already on (satp 0x%lx)",
			    csr_read(satp));
	if (platform.image_start & (PAGE_SIZE - 1))
		return fail("image at 0x%lx is not page-aligned",
			    platform.image_start);
	if (!basic_free_ram(free_ram, ARRAY_SIZE(free_ram)))
		return fail("no free RAM for the scratch area");
	s = (uint64_t *)(uintptr_t)free_ram[0].base;
	e = s +
	    (free_ram[0].size < SCRATCH_MAX ? free_ram[0].size : SCRATCH_MAX) /
		    8;

	/* Without Svpbmt the physical memory attributes decide alone. */
	if (pbmt)
		device_flags |= PTE_PBMT_IO;
	root = build_tables(device_flags);
	if (!root)
		return fail(
			"page tables: RAM beyond 256 GiB or table pool full");
	for (i = 0; i < ARRAY_SIZE(ro_page); i++)
		ro_page[i] = salt ^ i;

	satp_set(SATP_MODE_SV39 | (uintptr_t)root >> 12);
	satp_on = csr_read(satp);
	if (!satp_on)
		return fail("satp ignored Sv39: not supported");
	printf("mmu on (satp 0x%lx, %u tables, device window %s): console works\n",
	       satp_on, pool_used, pbmt ? "Svpbmt IO" : "PMA attributes");

	for (p = s; p < e; p++)
		*p = (uintptr_t)p ^ salt;
	bad_on = check_scratch(s, e, salt);
	ro_bad = 0;
	for (i = 0; i < ARRAY_SIZE(ro_page); i++)
		ro_bad += ro_page[i] != (salt ^ i);
	faulted = try_write_ro(&f);

	satp_set(0);
	bad_off = check_scratch(s, e, salt);
	printf("mmu off again (satp 0x%lx)\n", csr_read(satp));
	printf("mmu scratch 0x%lx-0x%lx: %u bad words translated, %u after\n",
	       (uint64_t)(uintptr_t)s, (uint64_t)(uintptr_t)e, bad_on, bad_off);

	if ((satp_on >> 60) != 8 ||
	    (satp_on & ((1UL << 44) - 1)) != (uintptr_t)root >> 12)
		return fail("satp reads 0x%lx", satp_on);
	if (bad_on || bad_off)
		return fail("scratch memory: %u bad translated, %u after",
			    bad_on, bad_off);
	if (ro_bad)
		return fail("read-only page reads back wrong (%u words)",
			    ro_bad);
	if (!faulted)
		return fail("write to the read-only page did not fault");
	printf("mmu write to read-only 0x%lx: scause 0x%lx stval 0x%lx\n",
	       (uint64_t)(uintptr_t)ro_page, f.syndrome, f.addr);
	if (f.syndrome != EXC_STORE_PAGE)
		return fail(
			"write fault is not a store page fault (scause 0x%lx)",
			f.syndrome);
	if (f.addr != (uintptr_t)ro_page)
		return fail("stval 0x%lx is not the page", f.addr);
	if (ro_page[0] != salt)
		return fail("the read-only page was written");
	return 0;
}
