/* SPDX-License-Identifier: GPL-2.0 */
/* Host test build: the core/ code under test runs on one thread. */
#ifndef HOST_ASM_BARRIER_H
#define HOST_ASM_BARRIER_H
#define mb() __sync_synchronize()
#define rmb() __sync_synchronize()
#define wmb() __sync_synchronize()
#define smp_mb() __sync_synchronize()
#endif
