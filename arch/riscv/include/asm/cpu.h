/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <keel/types.h>

/* What the terminal calls a CPU's hardware id. */
#define ARCH_CPU_HWID_NAME "hart"

/*
 * tp holds this CPU's struct cpu. The ABI reserves tp for a thread
 * pointer the compiler never allocates, and Keel has no TLS, so it is
 * free; trap entry and the context switch leave it alone, which keeps it
 * right when a preempted thread resumes on another CPU. (sscratch stays
 * 0 in Keel: guest exits will use it to find the host's state.)
 */
static inline void *arch_cpu_local(void)
{
	void *p;

	__asm__ volatile("mv %0, tp" : "=r"(p));
	return p;
}

static inline void arch_set_cpu_local(void *p)
{
	__asm__ volatile("mv tp, %0" ::"r"(p) : "memory");
}

/*
 * Zihintpause PAUSE, spelled as its encoding (FENCE w,0) so any assembler
 * takes it; a hart without the extension runs it as a harmless fence.
 */
static inline void arch_cpu_relax(void)
{
	__asm__ volatile(".4byte 0x0100000f" ::: "memory");
}

/*
 * RISC-V has no wait-for-event: a waiter pauses and re-reads (callers loop
 * on their condition), and a sender only has to make its stores visible.
 */
static inline void arch_wait_event(void)
{
	arch_cpu_relax();
}

static inline void arch_send_event(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
}

#endif
