/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <keel/types.h>

/* What the terminal calls a CPU's hardware id. */
#define ARCH_CPU_HWID_NAME "apic"

/*
 * The GS base holds this CPU's struct cpu (RDGSBASE, with CR4.FSGSBASE
 * set by head.S's callers before keel_main or secondary_main). Keel has
 * no user mode, so nothing ever swaps it (no SWAPGS).
 */
static inline void *arch_cpu_local(void)
{
	void *p;

	__asm__ volatile("rdgsbase %0" : "=r"(p));
	return p;
}

static inline void arch_set_cpu_local(void *p)
{
	__asm__ volatile("wrgsbase %0" ::"r"(p) : "memory");
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/*
 * x86 has no wait-for-event: a waiter pauses and re-reads (callers loop
 * on their condition), and a sender only has to make its stores visible.
 */
static inline void arch_wait_event(void)
{
	arch_cpu_relax();
}

static inline void arch_send_event(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

#endif
