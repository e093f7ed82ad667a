/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ticket locks. A waiter arms the exclusive monitor on the lock word and
 * sleeps in WFE; the owner's store to the word clears the monitor and wakes
 * it, so waiting CPUs neither burn bus bandwidth nor stall emulators that
 * run CPUs one at a time.
 */
#ifndef ASM_SPINLOCK_H
#define ASM_SPINLOCK_H

#include <keel/types.h>

/* Aligned as the 32-bit word LDAXR takes: else an alignment fault. */
typedef struct {
	volatile u16 owner;
	volatile u16 next;
} __aligned(4) arch_spinlock_t;

#define ARCH_SPINLOCK_INIT \
	{                  \
		0, 0       \
	}

static inline void arch_spin_lock(arch_spinlock_t *lock)
{
	u32 tmp, ticket, newval;

	__asm__ volatile(
		/* take a ticket: atomically increment lock->next */
		"1:	ldaxr	%w0, [%3]\n"
		"	add	%w1, %w0, #0x10000\n"
		"	stxr	%w2, %w1, [%3]\n"
		"	cbnz	%w2, 1b\n"
		/* our ticket is in the upper half of the old value */
		"	eor	%w1, %w0, %w0, ror #16\n"
		"	cbz	%w1, 3f\n"
		"	sevl\n"
		"2:	wfe\n"
		"	ldaxrh	%w2, [%3]\n"
		"	eor	%w1, %w2, %w0, lsr #16\n"
		"	cbnz	%w1, 2b\n"
		"3:"
		: "=&r"(ticket), "=&r"(newval), "=&r"(tmp)
		: "r"(lock)
		: "memory");
}

static inline bool arch_spin_trylock(arch_spinlock_t *lock)
{
	u32 *word = (u32 *)lock;
	u32 old = __atomic_load_n(word, __ATOMIC_RELAXED);

	if ((old >> 16) != (old & 0xffff))
		return false;
	return __atomic_compare_exchange_n(word, &old, old + 0x10000, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void arch_spin_unlock(arch_spinlock_t *lock)
{
	u16 next_owner = lock->owner + 1;

	__asm__ volatile("stlrh %w0, [%1]" ::"r"(next_owner), "r"(&lock->owner)
			 : "memory");
}

static inline bool arch_spin_is_locked(arch_spinlock_t *lock)
{
	return lock->owner != lock->next;
}

#endif
