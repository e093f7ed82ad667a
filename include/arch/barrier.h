/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mb()/rmb()/wmb(): full, read and write barriers for memory shared with
 * devices and other CPUs. smp_mb() orders only between CPUs.
 */
#ifndef ARCH_BARRIER_H
#define ARCH_BARRIER_H
#include <asm/barrier.h>
#define barrier() __asm__ volatile("" ::: "memory")
#endif
