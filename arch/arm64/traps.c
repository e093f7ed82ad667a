// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions Keel takes in its own code. Any synchronous exception at EL2
 * is a hypervisor bug: report everything useful and stop.
 */
#include <keel/panic.h>
#include <keel/printk.h>
#include <arch/regs.h>
#include <asm/sysreg.h>
#include "esr.h"

static const char *const vector_names[] = {
	"EL2t exception",
	"FIQ",
	"SError",
	"lower-EL AArch64 exception",
	"lower-EL AArch32 exception",
};

static const char *exception_class_name(unsigned int ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN:
		return "unknown reason";
	case ESR_EC_ILLEGAL_STATE:
		return "illegal execution state";
	case ESR_EC_SVC64:
		return "SVC";
	case ESR_EC_HVC64:
		return "HVC";
	case ESR_EC_SMC64:
		return "SMC";
	case ESR_EC_SYSREG:
		return "system register access";
	case ESR_EC_IABT_LOW:
	case ESR_EC_IABT_CUR:
		return "instruction abort";
	case ESR_EC_PC_ALIGN:
		return "PC alignment fault";
	case ESR_EC_DABT_LOW:
	case ESR_EC_DABT_CUR:
		return "data abort";
	case ESR_EC_SP_ALIGN:
		return "SP alignment fault";
	case ESR_EC_BRK64:
		return "BRK";
	default:
		return "other";
	}
}

void arch_regs_dump(const struct arch_regs *regs)
{
	for (unsigned int i = 0; i < 30; i += 2)
		printk(KERN_EMERG "  x%-2u %016llx  x%-2u %016llx\n", i,
		       (unsigned long long)regs->x[i], i + 1,
		       (unsigned long long)regs->x[i + 1]);
	printk(KERN_EMERG "  x30 %016llx  sp  %016llx\n",
	       (unsigned long long)regs->x[30], (unsigned long long)regs->sp);
	printk(KERN_EMERG "  elr %016llx  spsr %016llx\n",
	       (unsigned long long)regs->elr, (unsigned long long)regs->spsr);
}

void arm64_sync_exception(struct arch_regs *regs);
void arm64_sync_exception(struct arch_regs *regs)
{
	u64 esr = read_sysreg(esr_el2);
	u64 far = read_sysreg(far_el2);

	printk(KERN_EMERG
	       "EL2 synchronous exception: %s (ESR 0x%llx, FAR 0x%llx)\n",
	       exception_class_name(esr_ec(esr)), (unsigned long long)esr,
	       (unsigned long long)far);
	arch_regs_dump(regs);
	panic("unexpected exception in Keel at 0x%llx",
	      (unsigned long long)regs->elr);
}

void arm64_unexpected_exception(struct arch_regs *regs, u64 kind);
void arm64_unexpected_exception(struct arch_regs *regs, u64 kind)
{
	const char *what = kind < ARRAY_SIZE(vector_names) ?
				   vector_names[kind] :
				   "exception";

	printk(KERN_EMERG "unexpected %s (ESR 0x%llx)\n", what,
	       (unsigned long long)read_sysreg(esr_el2));
	arch_regs_dump(regs);
	panic("unexpected %s", what);
}
