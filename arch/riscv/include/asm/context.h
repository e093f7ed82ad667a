/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_CONTEXT_H
#define ASM_CONTEXT_H

#include <keel/types.h>

/*
 * What a call must preserve in the LP64 ABI: ra, sp and s0-s11. Layout
 * shared with context.S. tp is per CPU, not per thread, and stays out.
 */
struct arch_context {
	u64 ra;
	u64 sp;
	u64 s[12];
};

#endif
