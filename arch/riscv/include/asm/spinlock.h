/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ticket locks on the A extension. Taking a ticket is one AMOADD.W.AQ on
 * the whole word (next in the upper half); the owner releases by storing
 * owner + 1 into the lower half alone, so its carry can never reach next.
 * Waiters PAUSE between reads so that an emulator running harts in turn
 * gets on with the one holding the lock.
 */
#ifndef ASM_SPINLOCK_H
#define ASM_SPINLOCK_H

#include <keel/types.h>

typedef union {
	volatile u32 word;
	struct {
		volatile u16 owner;
		volatile u16 next;
	};
} arch_spinlock_t;

#define ARCH_SPINLOCK_INIT \
	{                  \
		.word = 0  \
	}

#define SPIN_TICKET_ONE (1U << 16)

static inline void arch_spin_lock(arch_spinlock_t *lock)
{
	u32 old = __atomic_fetch_add(&lock->word, SPIN_TICKET_ONE,
				     __ATOMIC_ACQUIRE);
	u16 ticket = old >> 16;

	while ((u16)old != ticket) {
		__asm__ volatile(".4byte 0x0100000f" ::: "memory");
		old = __atomic_load_n(&lock->word, __ATOMIC_ACQUIRE);
	}
}

static inline bool arch_spin_trylock(arch_spinlock_t *lock)
{
	u32 old = __atomic_load_n(&lock->word, __ATOMIC_RELAXED);

	if ((old >> 16) != (old & 0xffff))
		return false;
	return __atomic_compare_exchange_n(&lock->word, &old,
					   old + SPIN_TICKET_ONE, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void arch_spin_unlock(arch_spinlock_t *lock)
{
	u16 next_owner = lock->owner + 1;

	__asm__ volatile("fence rw, w\n\tsh %0, %1"
			 :
			 : "r"(next_owner), "m"(lock->owner)
			 : "memory");
}

static inline bool arch_spin_is_locked(arch_spinlock_t *lock)
{
	u32 v = __atomic_load_n(&lock->word, __ATOMIC_RELAXED);

	return (v >> 16) != (v & 0xffff);
}

#endif
