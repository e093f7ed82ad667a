/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 keeps loads and stores in order except a store followed by a
 * load of another address (TSO); MMIO to uncached memory is never
 * reordered. So rmb() and wmb() need only stop the compiler, while mb()
 * and smp_mb() are a full fence (a locked no-op on the stack is as strong
 * as MFENCE for ordinary memory and cheaper).
 */
#ifndef ASM_BARRIER_H
#define ASM_BARRIER_H

#define mb() __asm__ volatile("mfence" ::: "memory")
#define rmb() __asm__ volatile("" ::: "memory")
#define wmb() __asm__ volatile("" ::: "memory")
#define smp_mb() __asm__ volatile("lock; addl $0, -4(%%rsp)" ::: "memory", "cc")

#endif
