// SPDX-License-Identifier: GPL-2.0
#include "riscv.h"
#include <keel/cpu.h>
#include <keel/fdt.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <arch/barrier.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <asm/csr.h>
#include <asm/isa.h>

extern char secondary_entry[];

/*
 * S-mode cannot read mhartid: each hart learns its id from a0 at entry
 * and keeps it here, by logical CPU number.
 */
static u64 hartid_of_cpu[CONFIG_MAX_CPUS];
/* The loader's device tree, for the harts' "riscv,isa" strings. */
static const void *boot_fdt;

void riscv_early_init(u64 hartid, paddr_t fdt_pa)
{
	hartid_of_cpu[0] = hartid;
	boot_fdt = arch_phys_to_virt(fdt_pa);
	riscv_mmu_init(fdt_pa);
}

void riscv_secondary_init(unsigned int cpu, u64 hartid)
{
	hartid_of_cpu[cpu] = hartid;
	riscv_mmu_enable_secondary();
}

/*
 * The CPU being started on a hart that entered through primary_entry (see
 * head.S), or -1: core starts one CPU at a time and marks it starting
 * before it asks the firmware.
 */
int riscv_misdirected_cpu(u64 hartid)
{
	smp_mb();
	for (unsigned int c = 1; c < CONFIG_MAX_CPUS; c++)
		if (cpus[c].state == CPU_STARTING && cpus[c].hwid == hartid)
			return (int)c;
	return -1;
}

void arch_cpu_idle(void)
{
	/* WFI wakes on any interrupt enabled in sie, even with SIE clear. */
	__asm__ volatile("wfi" ::: "memory");
}

u64 arch_cpu_hwid(void)
{
	return hartid_of_cpu[cpu_id()];
}

paddr_t arch_secondary_entry(void)
{
	return arch_virt_to_phys(secondary_entry);
}

void arch_cpu_init(void)
{
	/*
	 * Interrupt sources are the irqchip's to enable, one by one; nothing
	 * from before Keel (the firmware's choices) stays on.
	 */
	csr_write(CSR_SIE, 0);
	csr_write(CSR_SSCRATCH, 0);
}

/* This hart's "riscv,isa" from its cpu node in the loader's tree. */
static const char *this_hart_isa(void)
{
	int cpus_node = kfdt_path_offset(boot_fdt, "/cpus");
	u64 hartid = arch_cpu_hwid();
	int node;

	if (cpus_node < 0)
		return NULL;
	int ac = kfdt_address_cells(boot_fdt, cpus_node);

	for (node = kfdt_first_subnode(boot_fdt, cpus_node); node >= 0;
	     node = kfdt_next_subnode(boot_fdt, node)) {
		int len;
		const u32 *reg = kfdt_getprop(boot_fdt, node, "reg", &len);

		if (!reg || ac < 1 || ac > 2 || len < ac * 4 ||
		    kfdt_read_cells(reg, ac) != hartid)
			continue;
		const char *isa =
			kfdt_getprop(boot_fdt, node, "riscv,isa", &len);

		return isa && len > 0 && isa[len - 1] == 0 ? isa : NULL;
	}
	return NULL;
}

bool riscv_hart_has_h(void)
{
	const char *isa = this_hart_isa();

	return isa && riscv_isa_has(isa, "h");
}

int arch_cpu_describe(char *buf, size_t len)
{
	const char *isa = this_hart_isa();
	bool has_h = isa && riscv_isa_has(isa, "h");

	return snprintf(buf, len, "RISC-V %s, Sv%u, %s", isa ? isa : "rv64",
			riscv_mmu_va_bits() + 1,
			has_h ? "HS-mode" : "S-mode (no H extension)");
}

void __noreturn arch_halt(void)
{
	csr_clear(CSR_SSTATUS, SR_SIE);
	csr_write(CSR_SIE, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void arch_context_init(struct arch_context *ctx, void *stack_top,
		       thread_fn entry, void *arg)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(ctx->s); i++)
		ctx->s[i] = 0;
	ctx->s[1] = (u64)(uintptr_t)entry;
	ctx->s[2] = (u64)(uintptr_t)arg;
	ctx->ra = (u64)(uintptr_t)riscv_thread_trampoline;
	ctx->sp = ALIGN_DOWN((u64)(uintptr_t)stack_top, 16);
}

/*
 * Zkr's seed CSR would be the source, but in S/HS-mode it is readable
 * only when M-mode firmware has set mseccfg.SSEED (privileged spec
 * 3.1.6.5 / Zkr), and Keel cannot ask whether it did: a read otherwise
 * traps as an illegal instruction. OpenSBI 1.1 (QEMU 7.2's) never writes
 * mseccfg. So a RISC-V host serves entropy only from a virtio-rng.
 */
void arch_entropy_init(void)
{
}
