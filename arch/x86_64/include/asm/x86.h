/* SPDX-License-Identifier: GPL-2.0 */
/* Control registers, MSRs and CPUID, for arch/x86_64 and its drivers. */
#ifndef ASM_X86_H
#define ASM_X86_H

#define X86_CR0_PE (1UL << 0)
#define X86_CR0_MP (1UL << 1)
#define X86_CR0_EM (1UL << 2)
#define X86_CR0_TS (1UL << 3)
#define X86_CR0_ET (1UL << 4)
#define X86_CR0_NE (1UL << 5)
#define X86_CR0_WP (1UL << 16)
#define X86_CR0_NW (1UL << 29)
#define X86_CR0_CD (1UL << 30)
#define X86_CR0_PG (1UL << 31)

/*
 * The flat descriptors every GDT of Keel's holds (head.S's two, cpu.c's
 * per CPU), Accessed bits preset: loading a selector sets its
 * descriptor's, a write a read-only GDT page would refuse under paging
 * (SDM vol. 3A 3.4.5.1).
 */
#define X86_GDT_CODE64 0x00af9b000000ffff /* selector 0x08 */
#define X86_GDT_DATA 0x00cf93000000ffff /* selector 0x10 */
#define X86_GDT_CODE32 0x00cf9b000000ffff /* selector 0x18 */

/* The page below 1 MiB secondary CPUs start in (smpboot.c, head.S). */
#define X86_TRAMPOLINE_PA 0x8000

#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_FSGSBASE (1UL << 16)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
#define EFER_SVME (1ULL << 12)
#define MSR_GS_BASE 0xc0000101
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_EXTD (1ULL << 10)
#define APIC_BASE_ENABLE (1ULL << 11)

#ifndef __ASSEMBLY__
#include <keel/types.h>

struct x86_cpuid {
	u32 eax, ebx, ecx, edx;
};

static inline struct x86_cpuid x86_cpuid(u32 leaf, u32 subleaf)
{
	struct x86_cpuid r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline u64 x86_rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (u64)hi << 32 | lo;
}

static inline void x86_wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
			 : "memory");
}

static inline u64 x86_rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

static inline unsigned long x86_read_cr0(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline unsigned long x86_read_cr2(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline unsigned long x86_read_cr3(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void x86_write_cr3(unsigned long v)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

static inline unsigned long x86_read_cr4(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void x86_write_cr4(unsigned long v)
{
	__asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

#endif

/* CPUID Fn0000_0001 and Fn8000_0001 feature bits Keel asks about. */
#define CPUID1_ECX_X2APIC (1U << 21)
#define CPUID1_ECX_TSC_DEADLINE (1U << 24)
#define CPUID1_ECX_HYPERVISOR (1U << 31)
#define CPUID7_EBX_FSGSBASE (1U << 0)
#define CPUIDX1_ECX_SVM (1U << 2)
#define CPUIDX1_EDX_NX (1U << 20)
#define CPUIDX1_EDX_GIB_PAGES (1U << 26)
#define CPUIDXA_EDX_NPT (1U << 0)
#define CPUIDX7_EDX_INVARIANT_TSC (1U << 8)

#endif
