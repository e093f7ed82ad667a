/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Atomic integers. The compiler's __atomic builtins are the implementation
 * on every arch Keel supports (arm64 builds them inline as LL/SC, without
 * outline helpers), so this header is arch-neutral.
 */
#ifndef ARCH_ATOMIC_H
#define ARCH_ATOMIC_H
#include <keel/types.h>

typedef struct {
	volatile long counter;
} atomic_t;

#define ATOMIC_INIT(v) \
	{              \
		(v)    \
	}

static inline long atomic_read(const atomic_t *a)
{
	return __atomic_load_n(&a->counter, __ATOMIC_RELAXED);
}

static inline void atomic_set(atomic_t *a, long v)
{
	__atomic_store_n(&a->counter, v, __ATOMIC_RELAXED);
}

static inline long atomic_add_return(atomic_t *a, long v)
{
	return __atomic_add_fetch(&a->counter, v, __ATOMIC_SEQ_CST);
}

static inline long atomic_sub_return(atomic_t *a, long v)
{
	return __atomic_sub_fetch(&a->counter, v, __ATOMIC_SEQ_CST);
}

static inline void atomic_inc(atomic_t *a)
{
	__atomic_add_fetch(&a->counter, 1, __ATOMIC_RELAXED);
}

static inline long atomic_cmpxchg(atomic_t *a, long old, long new_value)
{
	__atomic_compare_exchange_n(&a->counter, &old, new_value, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

#endif
