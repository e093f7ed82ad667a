/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RVWMO fences. The device-input (i) and device-output (o) sets make mb(),
 * rmb() and wmb() order MMIO against memory as the seam requires; smp_mb()
 * only orders memory between harts.
 */
#ifndef ASM_BARRIER_H
#define ASM_BARRIER_H

#define RISCV_FENCE(p, s) __asm__ volatile("fence " #p ", " #s ::: "memory")

#define mb() RISCV_FENCE(iorw, iorw)
#define rmb() RISCV_FENCE(ir, ir)
#define wmb() RISCV_FENCE(ow, ow)
#define smp_mb() RISCV_FENCE(rw, rw)

#endif
