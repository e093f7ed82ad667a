/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

/*
 * The frame entry.S builds on an interrupt or exception: the general
 * registers it pushes, the vector and error code (0 when the vector has
 * none), then what the CPU pushed. Offsets shared with entry.S.
 */
#define X86_REGS_GPRS 15
#define X86_REGS_VECTOR (15 * 8)
#define X86_REGS_SIZE (22 * 8)

#ifndef __ASSEMBLY__
#include <keel/types.h>

struct arch_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};
#endif

#endif
