// SPDX-License-Identifier: GPL-2.0
/*
 * Guests' G-stage translation (hgatp): the core page-table walker in the
 * x4 formats (arch/riscv/pgtable_format.c: a root of 2048 entries, 16 KiB,
 * 2 more input bits), Sv48x4 when the hart has it, else Sv39x4, and a
 * VMID per guest. Entering guests is phase 2; these tables are what it
 * will load into hgatp.
 */
#include "pgtable.h"
#include "riscv.h"
#include <keel/bitops.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/page_alloc.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <arch/barrier.h>
#include <arch/mmu.h>
#include <asm/csr.h>
#include <asm/sbi.h>

#define HGATP_MODE_SHIFT 60
#define HGATP_MODE_SV39X4 8UL
#define HGATP_MODE_SV48X4 9UL
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MAX_BITS 14
#define HGATP_VMID_MASK (((1UL << HGATP_VMID_MAX_BITS) - 1) << HGATP_VMID_SHIFT)

/* The x4 root: four pages, aligned to their size. */
#define GSTAGE_ROOT_ORDER 2
/* Above this many pages one fence for the whole VMID is cheaper. */
#define FLUSH_PAGES_MAX 64

static struct {
	bool probed;
	unsigned long mode; /* 0: the hart has no G-stage */
	unsigned int levels;
	unsigned int vmid_bits;
} gstage;

static unsigned long vmid_map[(1U << HGATP_VMID_MAX_BITS) / 64];
static DEFINE_SPINLOCK(gstage_lock);

/* HFENCE.GVMA, spelled as its encoding: no assembler flag needed. */
static void hfence_gvma(unsigned long gpa_shifted, unsigned long vmid)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, %0, %1" ::"r"(gpa_shifted),
			 "r"(vmid)
			 : "memory");
}

static void hfence_gvma_all(void)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory");
}

static void hfence_gvma_vmid_all(unsigned long vmid)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, x0, %0" ::"r"(vmid)
			 : "memory");
}

/*
 * hgatp is WARL: a mode the hart lacks is not written, and VMID bits it
 * lacks read as zero. Harmless outside a guest: G-stage translation
 * applies only to guest (V=1) accesses. gstage_lock held.
 */
static void probe_gstage(void)
{
	unsigned long old;

	gstage.probed = true;
	if (!riscv_hart_has_h())
		return;
	old = csr_read(CSR_HGATP);
	csr_write(CSR_HGATP, HGATP_MODE_SV48X4 << HGATP_MODE_SHIFT);
	if (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT == HGATP_MODE_SV48X4) {
		gstage.mode = HGATP_MODE_SV48X4;
		gstage.levels = 4;
	} else {
		csr_write(CSR_HGATP, HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT);
		if (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT ==
		    HGATP_MODE_SV39X4) {
			gstage.mode = HGATP_MODE_SV39X4;
			gstage.levels = 3;
		}
	}
	if (gstage.mode) {
		csr_write(CSR_HGATP,
			  gstage.mode << HGATP_MODE_SHIFT | HGATP_VMID_MASK);
		unsigned long vmids = (csr_read(CSR_HGATP) & HGATP_VMID_MASK) >>
				      HGATP_VMID_SHIFT;

		gstage.vmid_bits = fls64(vmids);
	}
	csr_write(CSR_HGATP, old);
	/* Nothing may remain cached for a VMID of this probe. */
	hfence_gvma_all();
}

static bool gstage_available(void)
{
	unsigned long flags;

	spin_lock_irqsave(&gstage_lock, flags);
	if (!gstage.probed)
		probe_gstage();
	spin_unlock_irqrestore(&gstage_lock, flags);
	return gstage.mode != 0;
}

unsigned int arch_guest_pa_bits(void)
{
	if (!gstage_available())
		return 0;
	return 12 + 9 * gstage.levels + 2;
}

/* A G-stage leaf holds a 44-bit PPN: 56-bit host addresses. */
unsigned int arch_host_pa_bits(void)
{
	return 56;
}

/*
 * The guest's TLB entries on this hart go by address (the operand is the
 * guest-physical address shifted right by 2) or all at once; on the
 * other harts, through the firmware. A fence by address drops only leaf
 * entries; the walker asks to drop a freed table with its whole span
 * (2 MiB or more), always past FLUSH_PAGES_MAX, so that takes the
 * fence of the whole VMID, which drops them all.
 */
static void flush_gstage(struct pgtable *pt, u64 gpa, u64 size)
{
	struct arch_guest *ag = container_of(pt, struct arch_guest, gstage);
	static bool reported;
	struct sbiret ret;

	smp_mb();
	if (size > FLUSH_PAGES_MAX * PAGE_SIZE) {
		hfence_gvma_vmid_all(ag->vmid);
	} else {
		for (u64 a = gpa; a < gpa + size; a += PAGE_SIZE)
			hfence_gvma(a >> 2, ag->vmid);
	}
	if (!riscv_secondaries_started())
		return;
	ret = sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID, 0,
			SBI_HART_MASK_BASE_ALL, gpa, size, ag->vmid);
	if (ret.error && !reported) {
		reported = true;
		printk(KERN_ERR "gstage: SBI remote fence failed (%ld): other "
				"harts may use stale guest translations\n",
		       ret.error);
	}
}

static void *alloc_gstage_table(void)
{
	return page_alloc_zeroed(0);
}

static void free_table(void *table)
{
	page_free(table, 0);
}

/* VMID 0 is the one every guest shares when the hart has no VMID bits. */
static int alloc_vmid(unsigned int *vmid)
{
	unsigned int count = 1U << gstage.vmid_bits;
	unsigned long flags;
	int err = -EBUSY;

	if (!gstage.vmid_bits) {
		*vmid = 0;
		return 0;
	}
	spin_lock_irqsave(&gstage_lock, flags);
	for (unsigned int i = 1; i < count; i++) {
		if (!bitmap_test(vmid_map, i)) {
			bitmap_set(vmid_map, i);
			*vmid = i;
			err = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&gstage_lock, flags);
	return err;
}

static void free_vmid(unsigned int vmid)
{
	unsigned long flags;

	if (!vmid)
		return;
	spin_lock_irqsave(&gstage_lock, flags);
	bitmap_clear(vmid_map, vmid);
	spin_unlock_irqrestore(&gstage_lock, flags);
}

int riscv_gstage_init(struct arch_guest *ag)
{
	struct pgtable_format fmt;
	unsigned int vmid;
	u64 *root;
	int err;

	if (!gstage_available())
		return -ENOTSUP;
	err = alloc_vmid(&vmid);
	if (err)
		return err;
	root = page_alloc_zeroed(GSTAGE_ROOT_ORDER);
	err = root ? riscv_svx4_format(&fmt, gstage.levels) : -ENOMEM;
	if (!err && pgtable_root_size(&fmt) != PAGE_SIZE << GSTAGE_ROOT_ORDER)
		err = -EINVAL;
	if (!err)
		err = pgtable_init(&ag->gstage, &fmt, root, alloc_gstage_table,
				   free_table, flush_gstage);
	if (err) {
		if (root)
			page_free(root, GSTAGE_ROOT_ORDER);
		free_vmid(vmid);
		return err;
	}
	ag->vmid = vmid;
	ag->hgatp = gstage.mode << HGATP_MODE_SHIFT |
		    (unsigned long)vmid << HGATP_VMID_SHIFT |
		    arch_virt_to_phys(root) >> 12;
	return 0;
}

void riscv_gstage_destroy(struct arch_guest *ag)
{
	if (!ag->gstage.root)
		return;
	flush_gstage(&ag->gstage, 0, ag->gstage.fmt.input_limit);
	pgtable_free_tables(&ag->gstage);
	page_free(ag->gstage.root, GSTAGE_ROOT_ORDER);
	ag->gstage.root = NULL;
	free_vmid(ag->vmid);
	ag->vmid = 0;
	ag->hgatp = 0;
}

/* Guest accesses are user-level to the G-stage: every leaf has U. */
int riscv_gstage_map(struct arch_guest *ag, u64 gpa, paddr_t hpa, u64 size,
		     enum guest_mem_type type)
{
	u64 attrs = PTE_U | PTE_A | PTE_D | PTE_R;

	switch (type) {
	case GUEST_MEM_RAM:
		attrs |= PTE_W | PTE_X;
		break;
	case GUEST_MEM_ROM:
		attrs |= PTE_X;
		break;
	case GUEST_MEM_DEVICE:
		attrs |= PTE_W;
		break;
	default:
		return -EINVAL;
	}
	return pgtable_map(&ag->gstage, gpa, hpa, size, attrs);
}

int riscv_gstage_unmap(struct arch_guest *ag, u64 gpa, u64 size)
{
	return pgtable_unmap(&ag->gstage, gpa, size);
}
