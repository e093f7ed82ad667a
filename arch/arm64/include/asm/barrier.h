/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_BARRIER_H
#define ASM_BARRIER_H

#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")

#define mb() dsb(sy)
#define rmb() dsb(ld)
#define wmb() dsb(st)
#define smp_mb() dmb(ish)

#endif
