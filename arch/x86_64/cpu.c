// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU: descriptor tables (a GDT and TSS per CPU, one IDT), control
 * registers, identity, idle and halt, thread contexts.
 */
#include "x86_64.h"
#include <keel/cpu.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <asm/x86.h>

#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x20
#define GDT_ENTRIES 6 /* null, code64, data, code32, TSS (two) */

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define TSS_AVAILABLE 0x89 /* present, 64-bit TSS, available */
#define IST_STACK_SIZE 4096
/* The vectors that may arrive on a broken stack take IST 1. */
#define VEC_NMI 2
#define VEC_DOUBLE_FAULT 8
#define VEC_MACHINE_CHECK 18

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct idt_gate {
	u16 offset0;
	u16 selector;
	u8 ist;
	u8 type;
	u16 offset1;
	u32 offset2;
	u32 reserved;
} __packed;

struct table_pointer {
	u16 limit;
	u64 base;
} __packed;

static u64 gdts[CONFIG_MAX_CPUS][GDT_ENTRIES] __aligned(16);
static struct tss tsses[CONFIG_MAX_CPUS] __aligned(16);
static u8 ist_stacks[CONFIG_MAX_CPUS][IST_STACK_SIZE] __aligned(16);
static struct idt_gate idt[256] __aligned(16);
static bool idt_built;

static void build_idt(void)
{
	for (unsigned int v = 0; v < ARRAY_SIZE(idt); v++) {
		u64 at = (u64)(uintptr_t)x86_vector_stubs + 16 * v;

		idt[v] = (struct idt_gate){
			.offset0 = (u16)at,
			.selector = SEL_CODE64,
			.ist = (v == VEC_NMI || v == VEC_DOUBLE_FAULT ||
				v == VEC_MACHINE_CHECK) ?
				       1 :
				       0,
			.type = GATE_INTERRUPT,
			.offset1 = (u16)(at >> 16),
			.offset2 = (u32)(at >> 32),
		};
	}
	idt_built = true;
}

/* Load this CPU's GDT, reload every segment register, then TR and IDTR. */
void x86_cpu_tables_init(unsigned int cpu)
{
	u64 *gdt = gdts[cpu];
	struct tss *tss = &tsses[cpu];
	u64 base = (u64)(uintptr_t)tss;
	u64 limit = sizeof(*tss) - 1;
	struct table_pointer gp = { sizeof(gdts[0]) - 1, (u64)(uintptr_t)gdt };
	struct table_pointer ip = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	if (!idt_built)
		build_idt();
	memset(tss, 0, sizeof(*tss));
	tss->ist[0] = (u64)(uintptr_t)(ist_stacks[cpu] + IST_STACK_SIZE);
	tss->iomap_base = sizeof(*tss); /* no I/O permission bitmap */
	gdt[0] = 0;
	gdt[1] = X86_GDT_CODE64;
	gdt[2] = X86_GDT_DATA;
	gdt[3] = X86_GDT_CODE32; /* unused after boot */
	gdt[4] = (limit & 0xffff) | (base & 0xffffff) << 16 |
		 (u64)TSS_AVAILABLE << 40 | ((limit >> 16) & 0xf) << 48 |
		 ((base >> 24) & 0xff) << 56;
	gdt[5] = base >> 32;
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "ltr %w3\n\t"
			 "lidt %4"
			 :
			 : "m"(gp), "i"(SEL_CODE64), "i"(SEL_DATA),
			   "r"(SEL_TSS), "m"(ip)
			 : "rax", "memory");
}

/*
 * Control registers Keel relies on, set on every CPU before any C code
 * asks for its struct cpu: RDGSBASE/WRGSBASE hold it (asm/cpu.h), so a
 * CPU without FSGSBASE cannot run Keel; neither can one without NX, which
 * W^X needs (head.S set EFER.NXE already).
 */
void x86_cpu_features_init(void)
{
	if (!(x86_cpuid(7, 0).ebx & CPUID7_EBX_FSGSBASE))
		x86_early_fatal("this CPU lacks FSGSBASE (CPUID 7 EBX bit 0)");
	if (!(x86_cpuid(0x80000001, 0).edx & CPUIDX1_EDX_NX))
		x86_early_fatal("this CPU lacks NX (no-execute pages)");
	x86_write_cr4(x86_read_cr4() | X86_CR4_FSGSBASE);
}

void arch_cpu_idle(void)
{
	/*
	 * HLT wakes only for an interrupt that can be taken, so open the
	 * window for exactly HLT (STI holds interrupts off for one more
	 * instruction): a pending interrupt ends the HLT at once, and its
	 * handler runs before this returns, with nothing lost in between.
	 */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* The initial APIC id (CPUID Fn0000_0001 EBX[31:24]), as the MADT has it. */
u64 arch_cpu_hwid(void)
{
	return x86_cpuid(1, 0).ebx >> 24;
}

paddr_t arch_secondary_entry(void)
{
	return arch_virt_to_phys(x86_secondary_entry);
}

void arch_cpu_init(void)
{
	x86_svm_cpu_init();
}

/* The brand string (CPUID Fn8000_0002-4), leading blanks dropped. */
static void cpu_brand(char brand[49])
{
	if (x86_cpuid(0x80000000, 0).eax < 0x80000004) {
		memcpy(brand, "x86-64", 7);
		return;
	}
	for (u32 i = 0; i < 3; i++) {
		struct x86_cpuid r = x86_cpuid(0x80000002 + i, 0);
		u32 w[4] = { r.eax, r.ebx, r.ecx, r.edx };

		memcpy(brand + 16 * i, w, sizeof(w));
	}
	brand[48] = 0;
}

/* The brand, then what guests and the APIC drivers depend on. */
int arch_cpu_describe(char *buf, size_t len)
{
	char brand[49];
	const char *p = brand;
	struct x86_cpuid ext = x86_cpuid(0x80000001, 0);
	struct x86_cpuid basic = x86_cpuid(1, 0);
	bool svm = ext.ecx & CPUIDX1_ECX_SVM;
	bool npt = svm && (x86_cpuid(0x8000000a, 0).edx & CPUIDXA_EDX_NPT);

	cpu_brand(brand);
	while (*p == ' ')
		p++;
	return snprintf(buf, len, "%s, long mode, %s%s%s%s", p,
			svm ? "AMD SVM" : "no SVM", npt ? " with NPT" : "",
			basic.ecx & CPUID1_ECX_X2APIC ? ", x2APIC" : "",
			basic.ecx & CPUID1_ECX_TSC_DEADLINE ? ", TSC deadline" :
							      "");
}

void __noreturn arch_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void arch_context_init(struct arch_context *ctx, void *stack_top,
		       thread_fn entry, void *arg)
{
	u64 *sp = (u64 *)ALIGN_DOWN((u64)(uintptr_t)stack_top, 16);

	*--sp = (u64)(uintptr_t)x86_thread_trampoline;
	memset(ctx, 0, sizeof(*ctx));
	ctx->rsp = (u64)(uintptr_t)sp;
	ctx->rbx = (u64)(uintptr_t)entry;
	ctx->r12 = (u64)(uintptr_t)arg;
}
