/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

/* Layout shared with vectors.S: keep ARM64_REGS_SIZE in step. */
#define ARM64_REGS_SIZE (34 * 8)

#ifndef __ASSEMBLY__
#include <keel/types.h>

struct arch_regs {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
};
#endif

#endif
