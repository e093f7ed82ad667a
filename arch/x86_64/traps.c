// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts and exceptions Keel takes in its own code: interrupts go to
 * core; any exception in Keel is a hypervisor bug, so report everything
 * useful and stop.
 */
#include "x86_64.h"
#include <keel/cpu.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <arch/cpu.h>
#include <arch/regs.h>
#include <asm/vector.h>
#include <asm/x86.h>

#define VEC_PAGE_FAULT 14

static const char *const exception_names[] = {
	[0] = "divide error",
	[1] = "debug",
	[2] = "NMI",
	[3] = "breakpoint",
	[4] = "overflow",
	[5] = "BOUND range exceeded",
	[6] = "invalid opcode",
	[7] = "device not available",
	[8] = "double fault",
	[10] = "invalid TSS",
	[11] = "segment not present",
	[12] = "stack-segment fault",
	[13] = "general protection",
	[14] = "page fault",
	[16] = "x87 floating-point error",
	[17] = "alignment check",
	[18] = "machine check",
	[19] = "SIMD floating-point",
	[20] = "virtualization exception",
	[21] = "control protection",
	[29] = "VMM communication",
	[30] = "security exception",
};

static unsigned int irq_vector[CONFIG_MAX_CPUS];

unsigned int x86_irq_vector(void)
{
	return irq_vector[cpu_id()];
}

/* The general registers in struct arch_regs order. */
static const char *const reg_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
	"r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

void arch_regs_dump(const struct arch_regs *regs)
{
	const u64 *gpr = &regs->rax;

	for (unsigned int i = 0; i < ARRAY_SIZE(reg_names); i += 3)
		printk(KERN_EMERG
		       "  %-3s %016llx  %-3s %016llx  %-3s %016llx\n",
		       reg_names[i], (unsigned long long)gpr[i],
		       reg_names[i + 1], (unsigned long long)gpr[i + 1],
		       reg_names[i + 2], (unsigned long long)gpr[i + 2]);
	printk(KERN_EMERG "  rip %016llx  rsp %016llx  rflags %08llx\n",
	       (unsigned long long)regs->rip, (unsigned long long)regs->rsp,
	       (unsigned long long)regs->rflags);
	printk(KERN_EMERG "  cs %04llx  ss %04llx  cr2 %016lx  cr3 %016lx\n",
	       (unsigned long long)regs->cs, (unsigned long long)regs->ss,
	       x86_read_cr2(), x86_read_cr3());
}

static const char *exception_name(u64 vector)
{
	if (vector < ARRAY_SIZE(exception_names) && exception_names[vector])
		return exception_names[vector];
	return "reserved vector";
}

void x86_trap(struct arch_regs *regs)
{
	if (regs->vector >= X86_FIRST_IRQ_VECTOR) {
		irq_vector[cpu_id()] = (unsigned int)regs->vector;
		irq_handle_entry();
		return;
	}
	printk(KERN_EMERG "exception in Keel: %s (vector %llu, error 0x%llx)\n",
	       exception_name(regs->vector), (unsigned long long)regs->vector,
	       (unsigned long long)regs->error);
	if (regs->vector == VEC_PAGE_FAULT)
		printk(KERN_EMERG "  fault address 0x%lx\n", x86_read_cr2());
	arch_regs_dump(regs);
	panic("unexpected exception in Keel at 0x%llx",
	      (unsigned long long)regs->rip);
}
