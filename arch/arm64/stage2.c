// SPDX-License-Identifier: GPL-2.0
/*
 * Guests' stage-2 translation: the core page-table walker in the arm64
 * stage-2 format (arch/arm64/pgtable_format.c) with stage-2 leaf
 * attributes, a VMID per guest, and an IPA space as wide as the CPU's
 * physical addresses (ID_AA64MMFR0_EL1.PARange, at most 48 bits): up to
 * 39 bits it starts at level 1, beyond at level 0, with one 4 KiB root
 * table either way (no concatenation, though the format allows it).
 */
#include "pgtable.h"
#include <keel/bitops.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/page_alloc.h>
#include <keel/spinlock.h>
#include <arch/barrier.h>
#include <arch/irqflags.h>
#include <arch/mmu.h>
#include <asm/sysreg.h>

#define S2_MEMATTR_NORMAL_WB (0xfULL << 2)
#define S2_MEMATTR_DEVICE_NGNRE (0x1ULL << 2)
#define S2_XN (1ULL << 54)
#define S2_AP_RO (1ULL << 6)
#define S2_AP_RW (3ULL << 6)
#define S2_SH_INNER (3ULL << 8)
#define S2_AF (1ULL << 10)

#define VTCR_RES1 (1ULL << 31)
#define VTCR_SL0_SHIFT 6 /* 4 KiB granule: 2 - start level */
#define VTCR_IRGN0_WBWA (1ULL << 8)
#define VTCR_ORGN0_WBWA (1ULL << 10)
#define VTCR_SH0_INNER (3ULL << 12)
#define VTCR_PS_SHIFT 16

#define VMID_COUNT 256

static unsigned long vmid_map[VMID_COUNT / 64];
static DEFINE_SPINLOCK(vmid_lock);

unsigned int arch_guest_pa_bits(void)
{
	static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned int parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	unsigned int pa = parange < ARRAY_SIZE(bits) ? bits[parange] : 48;

	return pa < 48 ? pa : 48;
}

/* VTCR_EL2.PS is programmed from the same PARange, capped the same way. */
unsigned int arch_host_pa_bits(void)
{
	return arch_guest_pa_bits();
}

u64 arm64_vtcr(void);
u64 arm64_vtcr(void)
{
	unsigned int parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	if (parange > 5)
		parange = 5;
	return VTCR_RES1 | ((u64)parange << VTCR_PS_SHIFT) | VTCR_SH0_INNER |
	       VTCR_ORGN0_WBWA | VTCR_IRGN0_WBWA |
	       (u64)(2 - arm64_pgtable_start_level(arch_guest_pa_bits()))
		       << VTCR_SL0_SHIFT |
	       (64 - arch_guest_pa_bits());
}

static void *alloc_s2_table(void)
{
	return page_alloc_zeroed(0);
}

/*
 * TLB entries are tagged with the VMID in VTTBR_EL2: switch to it. All of
 * the VMID's entries go, cached table entries included.
 */
static void flush_guest_tlb(struct pgtable *pt, u64 ipa, u64 size)
{
	struct arch_guest *ag = container_of(pt, struct arch_guest, s2);
	unsigned long flags = arch_irq_save();
	u64 old = read_sysreg(vttbr_el2);

	write_sysreg(vttbr_el2, ag->vttbr);
	isb();
	dsb(ishst);
	__asm__ volatile("tlbi vmalls12e1is" ::: "memory");
	dsb(ish);
	isb();
	write_sysreg(vttbr_el2, old);
	isb();
	arch_irq_restore(flags);
}

static void free_table(void *table)
{
	page_free(table, 0);
}

int arch_guest_init(struct guest *g)
{
	struct arch_guest *ag = &g->arch;
	struct pgtable_format fmt;
	unsigned long flags;
	unsigned int vmid = 0;
	u64 *root;
	int err;

	spin_lock_irqsave(&vmid_lock, flags);
	for (unsigned int i = 1; i < VMID_COUNT; i++) {
		if (!bitmap_test(vmid_map, i)) {
			bitmap_set(vmid_map, i);
			vmid = i;
			break;
		}
	}
	spin_unlock_irqrestore(&vmid_lock, flags);
	if (!vmid)
		return -EBUSY;

	/* One root table at the start level VTCR_EL2.SL0 names. */
	root = alloc_s2_table();
	err = root ? arm64_stage2_format(
			     &fmt, arch_guest_pa_bits(),
			     arm64_pgtable_start_level(arch_guest_pa_bits())) :
		     -ENOMEM;
	if (!err)
		err = pgtable_init(&ag->s2, &fmt, root, alloc_s2_table,
				   free_table, flush_guest_tlb);
	if (err) {
		if (root)
			free_table(root);
		spin_lock_irqsave(&vmid_lock, flags);
		bitmap_clear(vmid_map, vmid);
		spin_unlock_irqrestore(&vmid_lock, flags);
		return err;
	}
	ag->vmid = vmid;
	ag->vttbr = ((u64)vmid << 48) | arch_virt_to_phys(ag->s2.root);
	ag->cntvoff = read_sysreg(cntpct_el0);
	return 0;
}

void arch_guest_start(struct guest *g)
{
	/* Its virtual counter starts near zero, as at power-on. */
	g->arch.cntvoff = read_sysreg(cntpct_el0);
}

void arch_guest_destroy(struct guest *g)
{
	struct arch_guest *ag = &g->arch;
	unsigned long flags;

	if (!ag->vmid)
		return;
	flush_guest_tlb(&ag->s2, 0, 0);
	pgtable_free_tables(&ag->s2);
	free_table(ag->s2.root);
	ag->s2.root = NULL;
	spin_lock_irqsave(&vmid_lock, flags);
	bitmap_clear(vmid_map, ag->vmid);
	spin_unlock_irqrestore(&vmid_lock, flags);
	ag->vmid = 0;
}

int arch_guest_map(struct guest *g, u64 gpa, paddr_t hpa, u64 size,
		   enum guest_mem_type type)
{
	u64 attrs = S2_AF | (type == GUEST_MEM_ROM ? S2_AP_RO : S2_AP_RW);

	/* Device: the guest's own attributes can only make it stricter. */
	if (type == GUEST_MEM_DEVICE)
		attrs |= S2_MEMATTR_DEVICE_NGNRE | S2_XN;
	else
		attrs |= S2_MEMATTR_NORMAL_WB | S2_SH_INNER;

	return pgtable_map(&g->arch.s2, gpa, hpa, size, attrs);
}

int arch_guest_unmap(struct guest *g, u64 gpa, u64 size)
{
	return pgtable_unmap(&g->arch.s2, gpa, size);
}
