/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spinlocks. Locks taken from interrupt context, or from threads that an
 * interrupt handler may contend with, must use the _irqsave forms.
 */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include <arch/irqflags.h>
#include <arch/spinlock.h>

typedef struct {
	arch_spinlock_t raw;
} spinlock_t;

#define SPINLOCK_INIT              \
	{                          \
		ARCH_SPINLOCK_INIT \
	}
#define DEFINE_SPINLOCK(name) spinlock_t name = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *l)
{
	*l = (spinlock_t)SPINLOCK_INIT;
}

static inline void spin_lock(spinlock_t *l)
{
	arch_spin_lock(&l->raw);
}

static inline bool spin_trylock(spinlock_t *l)
{
	return arch_spin_trylock(&l->raw);
}

static inline void spin_unlock(spinlock_t *l)
{
	arch_spin_unlock(&l->raw);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return arch_spin_is_locked(&l->raw);
}

#define spin_lock_irqsave(l, flags)        \
	do {                               \
		(flags) = arch_irq_save(); \
		arch_spin_lock(&(l)->raw); \
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	arch_spin_unlock(&l->raw);
	arch_irq_restore(flags);
}

#endif
