/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <keel/types.h>

/* What the terminal calls a CPU's hardware id. */
#define ARCH_CPU_HWID_NAME "MPIDR"

/* TPIDR_EL2 holds this CPU's struct cpu; EL1 and guests never see it. */
static inline void *arch_cpu_local(void)
{
	void *p;

	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(p));
	return p;
}

static inline void arch_set_cpu_local(void *p)
{
	__asm__ volatile("msr tpidr_el2, %0" ::"r"(p) : "memory");
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

static inline void arch_wait_event(void)
{
	__asm__ volatile("wfe" ::: "memory");
}

static inline void arch_send_event(void)
{
	__asm__ volatile("dsb ishst\n\tsev" ::: "memory");
}

#endif
