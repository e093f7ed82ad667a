/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw spinlocks: arch_spinlock_t, ARCH_SPINLOCK_INIT,
 *   void arch_spin_lock(arch_spinlock_t *)
 *   bool arch_spin_trylock(arch_spinlock_t *)
 *   void arch_spin_unlock(arch_spinlock_t *)
 *   bool arch_spin_is_locked(arch_spinlock_t *)
 * A waiting CPU must not spin without letting the machine make progress
 * (WFE on arm64), so that single-threaded emulators such as QEMU's
 * -icount mode move on to the CPU holding the lock.
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H
#include <keel/types.h>
#include <asm/spinlock.h>
#endif
