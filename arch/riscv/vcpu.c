// SPDX-License-Identifier: GPL-2.0
/*
 * Guests on riscv64, as far as phase 1 goes: a guest gets its G-stage
 * tables and VMID (gstage.c), but vCPUs cannot run yet. Phase 2 replaces
 * the vCPU half of this file (the VS-mode world switch, SBI for guests, a
 * virtual PLIC, the guest's device-tree nodes). Until then
 * arch_vcpu_init() refuses every vCPU with a message that says so, so the
 * vCPU functions below cannot be reached and do nothing that looks like
 * success.
 */
#include "riscv.h"
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/vcpu.h>

#define NOT_YET "guests are not supported on riscv64 yet"

int arch_guest_init(struct guest *g)
{
	int err = riscv_gstage_init(&g->arch);

	if (err == -ENOTSUP)
		printk(KERN_ERR "guest %s: the hart has no hypervisor "
				"extension (G-stage translation)\n",
		       g->name);
	return err;
}

void arch_guest_destroy(struct guest *g)
{
	riscv_gstage_destroy(&g->arch);
}

int arch_guest_map(struct guest *g, u64 gpa, paddr_t hpa, u64 size,
		   enum guest_mem_type type)
{
	return riscv_gstage_map(&g->arch, gpa, hpa, size, type);
}

int arch_guest_unmap(struct guest *g, u64 gpa, u64 size)
{
	return riscv_gstage_unmap(&g->arch, gpa, size);
}

int arch_vcpu_init(struct vcpu *v)
{
	printk(KERN_ERR "guest %s: " NOT_YET "\n", v->guest->name);
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

/* A guest's harts are numbered 0, 1, ... by vCPU index. */
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
