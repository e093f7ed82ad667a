/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 layer of the basic firmware: what start.S and the C files share.
 */
#ifndef BASIC_X86_H
#define BASIC_X86_H

/* Where the AP trampoline sits: a start-up IPI's vector 1 (start.S). */
#define TRAMPOLINE 0x1000
#define STACK_SIZE 16384

/* GDT selectors (start.S). */
#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)

/* Interrupt vectors: timer, IPIs (one per kind), devices, spurious. */
#define VEC_TIMER 0x40
#define VEC_IPI_BASE 0x50 /* 0x50 + kind, kind 0..15 */
#define VEC_UART 0x70
#define VEC_SPURIOUS 0xff

#ifndef __ASSEMBLY__
#include "basic.h"

/* What the exception stubs push (start.S), lowest address first. */
struct x86_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

void x86_trap(struct x86_frame *f);
void x86_main(uint32_t fdt);
void x86_secondary_main(unsigned int cpu);
__noreturn void x86_park(void);

static inline uint32_t mmio_read32(uint64_t addr)
{
	uint32_t v;

	__asm__ __volatile__("movl %1, %0"
			     : "=r"(v)
			     : "m"(*(volatile uint32_t *)(uintptr_t)addr)
			     : "memory");
	return v;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	__asm__ __volatile__("movl %1, %0"
			     : "=m"(*(volatile uint32_t *)(uintptr_t)addr)
			     : "r"(v)
			     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;

	__asm__ __volatile__("cpuid"
			     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx),
			       "=d"(r.edx)
			     : "a"(leaf), "c"(sub));
	return r;
}

static inline uint64_t read_cr(int n)
{
	uint64_t v = 0;

	switch (n) {
	case 0:
		__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
		break;
	case 3:
		__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
		break;
	case 4:
		__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
		break;
	case 8:
		__asm__ __volatile__("mov %%cr8, %0" : "=r"(v));
		break;
	}
	return v;
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(v));
	return v;
}

/* Local APIC (lapic.c in the firmware: registers of hw/apic.h's xAPIC). */
#define LAPIC_ID 0x20
#define LAPIC_VERSION 0x30
#define LAPIC_TPR 0x80
#define LAPIC_PPR 0xa0
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ISR 0x100
#define LAPIC_IRR 0x200
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LAPIC_SVR_ENABLE 0x100
#define LAPIC_LVT_MASKED 0x10000
#define LAPIC_ICR_PENDING 0x1000
#define LAPIC_ICR_INIT 0x4500
#define LAPIC_ICR_STARTUP 0x4600
#define LAPIC_DIVIDE_1 0xb

extern uint64_t lapic_base;

static inline uint32_t lapic_read(unsigned int reg)
{
	return mmio_read32(lapic_base + reg);
}

static inline void lapic_write(unsigned int reg, uint32_t v)
{
	mmio_write32(lapic_base + reg, v);
}

/* The state each CPU's innermost interrupt handler interrupted. */
extern struct x86_frame *x86_irq_frame[BASIC_MAX_CPUS];

#endif /* __ASSEMBLY__ */
#endif /* BASIC_X86_H */
