/* SPDX-License-Identifier: GPL-2.0 */
/* Host test build: threads are data only; nothing switches to them. */
#ifndef HOST_ASM_CONTEXT_H
#define HOST_ASM_CONTEXT_H
#include <keel/types.h>
struct arch_context {
	u64 regs[13];
};
#endif
