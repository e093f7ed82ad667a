/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host test build: keel/guest.h embeds these; code under test (device
 * emulators) only passes guests around, so placeholders are enough.
 */
#ifndef HOST_ASM_VCPU_H
#define HOST_ASM_VCPU_H
#include <keel/types.h>
struct arch_vcpu {
	u64 regs[4];
};
struct arch_guest {
	u64 unused;
	bool sstc; /* read by arch/riscv/vhart.h's inline riscv_vcpu_sstc() */
};
#endif
