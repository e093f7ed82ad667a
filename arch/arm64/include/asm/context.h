/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_CONTEXT_H
#define ASM_CONTEXT_H

#include <keel/types.h>

/* Callee-saved registers of the AAPCS64, the only ones a call must keep. */
struct arch_context {
	u64 x19_x28[10];
	u64 fp; /* x29 */
	u64 lr; /* x30 */
	u64 sp;
};

#endif
