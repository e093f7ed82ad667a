/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv64 guests: the G-stage tables exist (gstage.c); running vCPUs
 * (VS-mode switch, SBI for guests, a virtual PLIC) is phase 2, and until
 * then arch_vcpu_init() refuses every vCPU, so struct arch_vcpu carries
 * nothing yet.
 */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

#include <keel/types.h>
#include "../../pgtable.h"

struct arch_vcpu {
	u64 hartid; /* the hart id the guest sees: its vCPU index */
};

struct arch_guest {
	struct riscv_pgtable gstage;
	unsigned long hgatp; /* mode, VMID and root: what entry will load */
	unsigned int vmid;
};

#endif
