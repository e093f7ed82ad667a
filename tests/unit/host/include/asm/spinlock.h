/* SPDX-License-Identifier: GPL-2.0 */
/* Host test build: a lock is a flag; taking a held lock is a bug. */
#ifndef HOST_ASM_SPINLOCK_H
#define HOST_ASM_SPINLOCK_H
#include <assert.h>
typedef struct {
	int held;
} arch_spinlock_t;
#define ARCH_SPINLOCK_INIT \
	{                  \
		0          \
	}
static inline void arch_spin_lock(arch_spinlock_t *l)
{
	assert(!l->held);
	l->held = 1;
}
static inline bool arch_spin_trylock(arch_spinlock_t *l)
{
	if (l->held)
		return false;
	l->held = 1;
	return true;
}
static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	assert(l->held);
	l->held = 0;
}
static inline bool arch_spin_is_locked(arch_spinlock_t *l)
{
	return l->held;
}
#endif
