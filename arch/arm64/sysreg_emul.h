/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARM64_SYSREG_EMUL_H
#define ARM64_SYSREG_EMUL_H

#include <keel/guest.h>
#include "esr.h"

/*
 * A trapped system-register access (decoded from the ESR's ISS) to the
 * EL1 physical timer, the PMU or the debug registers; true when emulated
 * (reg: the value written, or where a read goes).
 */
bool arm64_sysreg_emulate(struct vcpu *v, const struct esr_sysreg *access,
			  u64 *reg);

/* MDCR_EL2 and the CPU's own debug/PMU/timer state, once per host CPU. */
void arm64_guest_traps_init(void);

#endif
