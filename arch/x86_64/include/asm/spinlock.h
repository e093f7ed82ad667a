/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ticket locks: taking a ticket is one LOCK XADD on the whole word (next
 * in the upper half); the owner releases by storing owner + 1 into the
 * lower half alone, a plain store, which TSO keeps after every access of
 * the critical section. Waiters PAUSE between reads.
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
		__asm__ volatile("pause" ::: "memory");
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
	__atomic_store_n(&lock->owner, (u16)(lock->owner + 1),
			 __ATOMIC_RELEASE);
}

static inline bool arch_spin_is_locked(arch_spinlock_t *lock)
{
	u32 v = __atomic_load_n(&lock->word, __ATOMIC_RELAXED);

	return (v >> 16) != (v & 0xffff);
}

#endif
