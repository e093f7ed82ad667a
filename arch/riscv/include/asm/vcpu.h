/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests on riscv64 are phase 2 (G-stage tables, VS-mode switch, SBI for
 * guests, a virtual PLIC). Until then arch_guest_init() refuses every
 * guest, so no vCPU ever exists and these carry only what the refusal and
 * the hardware id need.
 */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

#include <keel/types.h>

struct arch_vcpu {
	u64 hartid; /* the hart id the guest would see */
};

struct arch_guest {
	bool initialised; /* never true before phase 2 */
};

#endif
