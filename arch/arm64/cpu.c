// SPDX-License-Identifier: GPL-2.0
#include <keel/printf.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <asm/sysreg.h>
#include "sysreg_emul.h"

#define HCR_RW (1ULL << 31)
#define HCR_FMO (1ULL << 3)
#define HCR_IMO (1ULL << 4)
#define HCR_AMO (1ULL << 5)
#define CNTHCTL_EL1PCTEN (1ULL << 0)
#define CNTHCTL_EVNTEN (1ULL << 2)
#define CNTHCTL_EVNTI(n) ((u64)(n) << 4)

extern char secondary_entry[];
void arm64_thread_trampoline(void);
u64 arm64_vtcr(void);

void arch_cpu_idle(void)
{
	__asm__ volatile("dsb sy\n\twfi" ::: "memory");
}

u64 arch_cpu_hwid(void)
{
	/* Affinity fields only, as the device tree's cpu "reg" gives them. */
	return read_sysreg(mpidr_el1) & 0xff00ffffffULL;
}

paddr_t arch_secondary_entry(void)
{
	return arch_virt_to_phys(secondary_entry);
}

void arch_cpu_init(void)
{
	/*
	 * Lower ELs are AArch64. Physical IRQ/FIQ/SError are routed to EL2
	 * (IMO/FMO/AMO): without them an interrupt targets EL1 and is never
	 * taken while Keel runs at EL2.
	 */
	write_sysreg(hcr_el2, HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO);
	/*
	 * Guests read the physical counter without a trap, but their EL1
	 * physical timer is emulated per vCPU (EL1PCEN clear: CNTP_* trap;
	 * sysreg_emul.c). The event stream (every 2^11 counter ticks) bounds
	 * any WFE wait in Keel.
	 */
	write_sysreg(cnthctl_el2,
		     CNTHCTL_EL1PCTEN | CNTHCTL_EVNTEN | CNTHCTL_EVNTI(10));
	/* PMU and debug registers trap too (MDCR_EL2), for the same reason. */
	arm64_guest_traps_init();
	write_sysreg(cntvoff_el2, 0);
	/*
	 * FP/SIMD traps until a guest uses it (vcpu.c): Keel itself never
	 * does. SVE and SME trap always: guests are not told of them, and
	 * their wider registers are not switched.
	 */
	write_sysreg(cptr_el2, CPTR_EL2_TRAP_FP);
	/*
	 * The same for every guest on this CPU, so set once here rather
	 * than on each guest entry: stage-2 geometry, and the MIDR guests
	 * read (the host's own).
	 */
	write_sysreg(vtcr_el2, arm64_vtcr());
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	__asm__ volatile("isb" ::: "memory");
}

static const char *arm_core_name(u32 part)
{
	switch (part) {
	case 0xd03:
		return "Cortex-A53";
	case 0xd04:
		return "Cortex-A35";
	case 0xd05:
		return "Cortex-A55";
	case 0xd07:
		return "Cortex-A57";
	case 0xd08:
		return "Cortex-A72";
	case 0xd09:
		return "Cortex-A73";
	case 0xd0b:
		return "Cortex-A76";
	case 0xd0c:
		return "Neoverse-N1";
	case 0xd40:
		return "Neoverse-V1";
	case 0xd49:
		return "Neoverse-N2";
	default:
		return NULL;
	}
}

int arch_cpu_describe(char *buf, size_t len)
{
	u64 midr = read_sysreg(midr_el1);
	u32 implementer = (midr >> 24) & 0xff;
	u32 part = (midr >> 4) & 0xfff;
	const char *name = implementer == 0x41 ? arm_core_name(part) : NULL;

	if (name)
		return snprintf(
			buf, len, "ARMv8 %s r%up%u (MIDR 0x%08llx), EL2", name,
			(unsigned int)(midr >> 20) & 0xf,
			(unsigned int)midr & 0xf, (unsigned long long)midr);
	return snprintf(
		buf, len,
		"ARMv8 implementer 0x%02x part 0x%03x (MIDR 0x%08llx), EL2",
		implementer, part, (unsigned long long)midr);
}

void __noreturn arch_halt(void)
{
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	for (;;)
		__asm__ volatile("wfi");
}

void arch_context_init(struct arch_context *ctx, void *stack_top,
		       thread_fn entry, void *arg)
{
	for (unsigned int i = 0; i < 10; i++)
		ctx->x19_x28[i] = 0;
	ctx->x19_x28[0] = (u64)(uintptr_t)entry;
	ctx->x19_x28[1] = (u64)(uintptr_t)arg;
	ctx->fp = 0;
	ctx->lr = (u64)(uintptr_t)arm64_thread_trampoline;
	ctx->sp = ALIGN_DOWN((u64)(uintptr_t)stack_top, 16);
}
