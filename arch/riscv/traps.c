// SPDX-License-Identifier: GPL-2.0
/*
 * Traps Keel takes in its own code: interrupts go to core; any exception
 * in HS-mode is a hypervisor bug, so report everything useful and stop.
 */
#include "riscv.h"
#include <keel/panic.h>
#include <keel/printk.h>
#include <arch/cpu.h>
#include <arch/regs.h>
#include <asm/csr.h>

static const char *const exception_names[] = {
	[0] = "instruction address misaligned",
	[1] = "instruction access fault",
	[2] = "illegal instruction",
	[3] = "breakpoint",
	[4] = "load address misaligned",
	[5] = "load access fault",
	[6] = "store/AMO address misaligned",
	[7] = "store/AMO access fault",
	[8] = "environment call from U-mode",
	[9] = "environment call from HS-mode",
	[10] = "environment call from VS-mode",
	[12] = "instruction page fault",
	[13] = "load page fault",
	[15] = "store/AMO page fault",
	[20] = "instruction guest-page fault",
	[21] = "load guest-page fault",
	[22] = "virtual instruction",
	[23] = "store/AMO guest-page fault",
};

/* ABI names, in register-number order. */
static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp",	 "t0",	"t1", "t2", "s0", "s1", "a0",
	"a1",	"a2", "a3", "a4", "a5",	 "a6",	"a7", "s2", "s3", "s4", "s5",
	"s6",	"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *exception_name(u64 code)
{
	if (code < ARRAY_SIZE(exception_names) && exception_names[code])
		return exception_names[code];
	return "reserved cause";
}

void arch_regs_dump(const struct arch_regs *regs)
{
	for (unsigned int i = 1; i < 32; i += 2) {
		if (i + 1 < 32)
			printk(KERN_EMERG "  %-4s %016llx  %-4s %016llx\n",
			       reg_names[i], (unsigned long long)regs->x[i],
			       reg_names[i + 1],
			       (unsigned long long)regs->x[i + 1]);
		else
			printk(KERN_EMERG "  %-4s %016llx\n", reg_names[i],
			       (unsigned long long)regs->x[i]);
	}
	printk(KERN_EMERG "  sepc %016llx  sstatus %016llx\n",
	       (unsigned long long)regs->sepc,
	       (unsigned long long)regs->sstatus);
	printk(KERN_EMERG "  scause %016llx  stval %016llx\n",
	       (unsigned long long)regs->scause,
	       (unsigned long long)regs->stval);
}

#define EXC_ILLEGAL_INSTRUCTION 2

extern char riscv_stimecmp_probe_insn[];
extern char riscv_guest_fetch_insn[];
extern char riscv_guest_fetch_word_insn[];

void riscv_trap(struct arch_regs *regs)
{
	u64 code = SCAUSE_CODE(regs->scause);

	if (regs->scause & SCAUSE_INTERRUPT) {
		irq_handle_entry();
		return;
	}
	/* The one instruction allowed to trap: see riscv_stimecmp_probe. */
	if (code == EXC_ILLEGAL_INSTRUCTION &&
	    regs->sepc == (u64)(uintptr_t)riscv_stimecmp_probe_insn) {
		regs->x[10] = (u64)-1; /* a0 */
		regs->sepc += 4;
		return;
	}
	/*
	 * Reading a guest's instruction (HLVX) faults when the guest's own
	 * page tables no longer map it: the caller sees -1 in a0.
	 */
	if (regs->sepc == (u64)(uintptr_t)riscv_guest_fetch_insn ||
	    regs->sepc == (u64)(uintptr_t)riscv_guest_fetch_word_insn) {
		regs->sepc += 4;
		return;
	}
	printk(KERN_EMERG
	       "HS-mode exception: %s (scause 0x%llx, stval 0x%llx)\n",
	       exception_name(code), (unsigned long long)regs->scause,
	       (unsigned long long)regs->stval);
	arch_regs_dump(regs);
	panic("unexpected exception in Keel at 0x%llx",
	      (unsigned long long)regs->sepc);
}
