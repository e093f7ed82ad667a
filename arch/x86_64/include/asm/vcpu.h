/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 guests (AMD SVM) are not there yet (vcpu.c refuses every guest):
 * these hold only what the refusal path touches.
 */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

#ifndef __ASSEMBLY__
#include <keel/types.h>

struct arch_vcpu {
	u64 apic_id; /* the local APIC id the guest would see: its index */
};

struct arch_guest {
	bool initialised; /* never, until SVM guests exist */
};
#endif

#endif
