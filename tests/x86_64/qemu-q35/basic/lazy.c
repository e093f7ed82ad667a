// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64's lazily switched state for `lazy-state` (tests/common/basic/
 * lazy.c): the MSRs that SVM's VMLOAD and VMSAVE switch rather than
 * VMRUN (FS and GS bases, KERNEL_GS_BASE, the SYSCALL and SYSENTER
 * MSRs), CR8 (the local APIC's TPR class), MXCSR and XMM0-XMM15.
 *
 * Every value is one the firmware can live with while interrupts are
 * off: addresses are canonical, MXCSR's reserved bits stay clear, and
 * arch_lazy_restore() puts the TPR back to 0 before interrupts are on.
 * The firmware uses neither FS nor GS, SYSCALL nor SSE.
 */
#include "x86.h"

#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define CANONICAL_LOW 0x00007ffffffffff0UL

static const struct {
	uint32_t msr;
	const char *name;
} msrs[] = {
	{ MSR_FS_BASE, "FS_BASE" },
	{ MSR_GS_BASE, "GS_BASE" },
	{ MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE" },
	{ MSR_STAR, "STAR" },
	{ MSR_LSTAR, "LSTAR" },
	{ MSR_CSTAR, "CSTAR" },
	{ MSR_SFMASK, "SFMASK" },
	{ MSR_SYSENTER_CS, "SYSENTER_CS" },
	{ MSR_SYSENTER_ESP, "SYSENTER_ESP" },
	{ MSR_SYSENTER_EIP, "SYSENTER_EIP" },
};

#define NR_MSRS ((unsigned int)ARRAY_SIZE(msrs))
#define W_CR8 NR_MSRS
#define W_MXCSR (NR_MSRS + 1)
#define W_XMM (NR_MSRS + 2)
#define NR_WORDS (W_XMM + 32)

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" ::"c"(msr), "a"((uint32_t)v),
			     "d"((uint32_t)(v >> 32))
			     : "memory");
}

unsigned int arch_lazy_begin(void)
{
	return NR_WORDS;
}

void arch_lazy_name(unsigned int i, char *buf, size_t size)
{
	if (i < NR_MSRS)
		snprintf(buf, size, "%s", msrs[i].name);
	else if (i == W_CR8)
		snprintf(buf, size, "CR8");
	else if (i == W_MXCSR)
		snprintf(buf, size, "MXCSR");
	else
		snprintf(buf, size, "XMM%u.%s", (i - W_XMM) / 2,
			 (i - W_XMM) % 2 ? "hi" : "lo");
}

uint64_t arch_lazy_value(unsigned int i, uint64_t random)
{
	if (i < NR_MSRS) {
		switch (msrs[i].msr) {
		case MSR_SYSENTER_CS:
			return random & 0xffff;
		case MSR_SFMASK:
			return random & 0xffffffff;
		case MSR_STAR:
			return random;
		default:
			return random & CANONICAL_LOW;
		}
	}
	if (i == W_CR8)
		return random & 0xf;
	/* The exception masks, rounding, flush-to-zero: no reserved bit. */
	if (i == W_MXCSR)
		return random & 0xff80;
	return random;
}

void arch_lazy_write(const uint64_t *v)
{
	uint32_t mxcsr = (uint32_t)v[W_MXCSR];

	for (unsigned int i = 0; i < NR_MSRS; i++)
		wrmsr(msrs[i].msr, v[i]);
	__asm__ __volatile__("mov %0, %%cr8" ::"r"(v[W_CR8]) : "memory");
	__asm__ __volatile__("ldmxcsr %0" ::"m"(mxcsr));
	__asm__ __volatile__("movdqu 0x00(%0), %%xmm0\n\t"
			     "movdqu 0x10(%0), %%xmm1\n\t"
			     "movdqu 0x20(%0), %%xmm2\n\t"
			     "movdqu 0x30(%0), %%xmm3\n\t"
			     "movdqu 0x40(%0), %%xmm4\n\t"
			     "movdqu 0x50(%0), %%xmm5\n\t"
			     "movdqu 0x60(%0), %%xmm6\n\t"
			     "movdqu 0x70(%0), %%xmm7\n\t"
			     "movdqu 0x80(%0), %%xmm8\n\t"
			     "movdqu 0x90(%0), %%xmm9\n\t"
			     "movdqu 0xa0(%0), %%xmm10\n\t"
			     "movdqu 0xb0(%0), %%xmm11\n\t"
			     "movdqu 0xc0(%0), %%xmm12\n\t"
			     "movdqu 0xd0(%0), %%xmm13\n\t"
			     "movdqu 0xe0(%0), %%xmm14\n\t"
			     "movdqu 0xf0(%0), %%xmm15" ::"r"(&v[W_XMM])
			     : "memory");
}

void arch_lazy_read(uint64_t *v)
{
	uint32_t mxcsr;

	for (unsigned int i = 0; i < NR_MSRS; i++)
		v[i] = rdmsr(msrs[i].msr);
	v[W_CR8] = read_cr(8);
	__asm__ __volatile__("stmxcsr %0" : "=m"(mxcsr));
	v[W_MXCSR] = mxcsr;
	__asm__ __volatile__("movdqu %%xmm0, 0x00(%0)\n\t"
			     "movdqu %%xmm1, 0x10(%0)\n\t"
			     "movdqu %%xmm2, 0x20(%0)\n\t"
			     "movdqu %%xmm3, 0x30(%0)\n\t"
			     "movdqu %%xmm4, 0x40(%0)\n\t"
			     "movdqu %%xmm5, 0x50(%0)\n\t"
			     "movdqu %%xmm6, 0x60(%0)\n\t"
			     "movdqu %%xmm7, 0x70(%0)\n\t"
			     "movdqu %%xmm8, 0x80(%0)\n\t"
			     "movdqu %%xmm9, 0x90(%0)\n\t"
			     "movdqu %%xmm10, 0xa0(%0)\n\t"
			     "movdqu %%xmm11, 0xb0(%0)\n\t"
			     "movdqu %%xmm12, 0xc0(%0)\n\t"
			     "movdqu %%xmm13, 0xd0(%0)\n\t"
			     "movdqu %%xmm14, 0xe0(%0)\n\t"
			     "movdqu %%xmm15, 0xf0(%0)" ::"r"(&v[W_XMM])
			     : "memory");
}

void arch_lazy_restore(void)
{
	__asm__ __volatile__("mov %0, %%cr8" ::"r"(0UL) : "memory");
}

void arch_lazy_end(void)
{
}

const char *arch_lazy_exit(unsigned int kind)
{
	switch (kind) {
	case 0:
		(void)cpuid(0x40000000, 0);
		return "CPUID 0x40000000";
	case 1:
		(void)lapic_read(LAPIC_VERSION);
		return "a local APIC version read";
	default:
		(void)lapic_read(LAPIC_PPR);
		return "a local APIC PPR read";
	}
}

/* Inside a handler: the interrupted RIP and IF, the APIC's view. */
unsigned int arch_lazy_irq_state(uint64_t *v, const char **names)
{
	struct x86_frame *f = x86_irq_frame[arch_cpu_id()];
	unsigned int vec = f ? (unsigned int)f->vector : 0;

	names[0] = "rip";
	v[0] = f ? f->rip : 0;
	names[1] = "rflags";
	v[1] = f ? f->rflags : 0;
	names[2] = "ISR word";
	v[2] = lapic_read(LAPIC_ISR + 0x10 * (vec / 32));
	names[3] = "PPR";
	v[3] = lapic_read(LAPIC_PPR);
	names[4] = "TPR";
	v[4] = lapic_read(LAPIC_TPR);
	return 5;
}
