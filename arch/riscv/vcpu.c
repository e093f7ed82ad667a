// SPDX-License-Identifier: GPL-2.0
/*
 * Guests on riscv64: not yet. Phase 2 replaces this file (G-stage tables
 * with VMIDs through pgtable.c, the VS-mode world switch, SBI for guests,
 * a virtual PLIC). Until then arch_guest_init() refuses every guest with
 * a message that says so, so no vCPU is ever created; the vCPU functions
 * below cannot be reached and do nothing that looks like success.
 */
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/vcpu.h>
#include <asm/csr.h>

#define NOT_YET "guests are not supported on riscv64 yet"

#define HGATP_MODE_SHIFT 60
#define HGATP_MODE_SV39X4 8UL
#define HGATP_MODE_SV48X4 9UL

/*
 * The G-stage modes the hart offers: hgatp is WARL and ignores a write
 * naming a mode it lacks. Harmless outside a guest: G-stage translation
 * applies only to guest (V=1) accesses.
 */
unsigned int arch_guest_pa_bits(void)
{
	unsigned int bits = 0;
	unsigned long old = csr_read(CSR_HGATP);

	csr_write(CSR_HGATP, HGATP_MODE_SV48X4 << HGATP_MODE_SHIFT);
	if (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT == HGATP_MODE_SV48X4) {
		bits = 50;
	} else {
		csr_write(CSR_HGATP, HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT);
		if (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT ==
		    HGATP_MODE_SV39X4)
			bits = 41;
	}
	csr_write(CSR_HGATP, old);
	return bits;
}

int arch_guest_init(struct guest *g)
{
	printk(KERN_ERR "guest %s: " NOT_YET "\n", g->name);
	return -ENOSYS;
}

void arch_guest_destroy(struct guest *g)
{
	/* arch_guest_init() never succeeds, so there is nothing to undo. */
	g->arch.initialised = false;
}

int arch_guest_map(struct guest *g, u64 gpa, paddr_t hpa, u64 size,
		   enum guest_mem_type type)
{
	return -ENOSYS;
}

int arch_guest_unmap(struct guest *g, u64 gpa, u64 size)
{
	return -ENOSYS;
}

int arch_vcpu_init(struct vcpu *v)
{
	return -ENOSYS;
}

void arch_vcpu_destroy(struct vcpu *v)
{
}

void arch_vcpu_reset(struct vcpu *v, u64 entry, u64 arg)
{
	v->arch.hartid = v->index;
}

void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	memset(exit, 0, sizeof(*exit));
	exit->reason = VCPU_EXIT_FATAL;
	exit->why = NOT_YET;
}

void arch_vcpu_mmio_done(struct vcpu *v, const struct vcpu_exit *exit,
			 u64 value)
{
}

void arch_vcpu_inject_abort(struct vcpu *v, const struct vcpu_exit *exit)
{
}

/* A guest's harts will be numbered 0, 1, ... by vCPU index. */
u64 arch_vcpu_hwid(const struct vcpu *v)
{
	return v->index;
}

u64 arch_vcpu_timer_deadline(struct vcpu *v)
{
	return 0;
}

void arch_vcpu_dump(struct vcpu *v, int (*print)(const char *fmt, ...))
{
	print("no vCPU state: " NOT_YET "\n");
}

/*
 * A RISC-V Linux Image header: text_offset at byte 8, "RSC\x05" at 56.
 * Anything else loads at the start of RAM.
 */
#define IMAGE_MAGIC2_OFFSET 56
#define IMAGE_MAGIC2 0x05435352U

u64 arch_guest_kernel_offset(const void *image, size_t size)
{
	const u8 *p = image;
	u32 magic2;
	u64 text_offset;

	if (size < 64)
		return 0;
	memcpy(&magic2, p + IMAGE_MAGIC2_OFFSET, 4);
	if (magic2 != IMAGE_MAGIC2)
		return 0;
	memcpy(&text_offset, p + 8, 8);
	return text_offset;
}

int arch_guest_fdt_fixup(struct guest *g, struct devtree_node *root)
{
	return -ENOSYS;
}
