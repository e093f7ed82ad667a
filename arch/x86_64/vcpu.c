// SPDX-License-Identifier: GPL-2.0
/*
 * Guests on x86-64: not yet. The SVM port replaces this file (a VMCB per
 * vCPU, nested page tables through the one walker, the world switch,
 * the I/O-port exit, the local APIC and I/O APIC emulators). Until then
 * arch_guest_init() refuses every guest with a message that says so, so
 * no vCPU is ever created; the vCPU functions below cannot be reached
 * and do nothing that looks like success.
 */
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/vcpu.h>
#include <asm/x86.h>

#define NOT_YET "guests are not supported on x86_64 yet"

/* What SVM's nested paging could map: the CPU's physical address bits. */
unsigned int arch_guest_pa_bits(void)
{
	return x86_cpuid(0x80000008, 0).eax & 0xff;
}

unsigned int arch_host_pa_bits(void)
{
	return x86_cpuid(0x80000008, 0).eax & 0xff;
}

int arch_guest_init(struct guest *g)
{
	printk(KERN_ERR "guest %s: " NOT_YET "\n", g->name);
	return -ENOSYS;
}

void arch_guest_start(struct guest *g)
{
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
	v->arch.apic_id = v->index;
}

void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	vcpu_exit_clear(exit);
	exit->reason = VCPU_EXIT_FATAL;
	exit->why = NOT_YET;
}

void arch_vcpu_put(struct vcpu *v)
{
}

void arch_vcpu_mmio_done(struct vcpu *v, const struct vcpu_exit *exit,
			 u64 value)
{
}

void arch_vcpu_inject_abort(struct vcpu *v, const struct vcpu_exit *exit)
{
}

/* A guest's local APICs will be numbered 0, 1, ... by vCPU index. */
u64 arch_vcpu_hwid(const struct vcpu *v)
{
	return v->index;
}

u64 arch_vcpu_timer_deadline(struct vcpu *v)
{
	return 0;
}

bool arch_vcpu_timer_wakes_loaded(struct vcpu *v)
{
	return false;
}

bool arch_vcpu_irq_pending(struct vcpu *v)
{
	return false;
}

void arch_vcpu_dump(struct vcpu *v, int (*print)(const char *fmt, ...))
{
	print("no vCPU state: " NOT_YET "\n");
}

int arch_guest_place_kernel(const void *image, size_t size, u64 bank_base,
			    u64 bank_size, struct arch_kernel_placement *out,
			    char *why, size_t why_size)
{
	snprintf(why, why_size, NOT_YET);
	return -ENOSYS;
}

int arch_guest_fdt_fixup(struct guest *g, struct devtree_node *root)
{
	return -ENOSYS;
}
