/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

/*
 * Layout shared with entry.S: x[n] at 8 * n (x[0] holds nothing, x[2] is
 * sp before the trap), then the trap CSRs.
 */
#define RISCV_REGS_SEPC (32 * 8)
#define RISCV_REGS_SSTATUS (33 * 8)
#define RISCV_REGS_SCAUSE (34 * 8)
#define RISCV_REGS_STVAL (35 * 8)
#define RISCV_REGS_SIZE (36 * 8)

#ifndef __ASSEMBLY__
#include <keel/types.h>

struct arch_regs {
	u64 x[32];
	u64 sepc;
	u64 sstatus;
	u64 scause;
	u64 stval;
};
#endif

#endif
