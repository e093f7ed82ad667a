/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_CONTEXT_H
#define ASM_CONTEXT_H

#include <keel/types.h>

/*
 * What a call must preserve in the System V AMD64 ABI: rsp, rbx, rbp and
 * r12-r15; the return address is on the stack rsp points to. Layout
 * shared with context.S.
 */
struct arch_context {
	u64 rsp;
	u64 rbx, rbp, r12, r13, r14, r15;
};

#endif
