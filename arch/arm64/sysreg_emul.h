/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARM64_SYSREG_EMUL_H
#define ARM64_SYSREG_EMUL_H

#include <keel/guest.h>

/*
 * A trapped system-register access (ESR ISS) to the EL1 physical timer,
 * the PMU or the debug registers; true when emulated (reg: the value
 * written, or where a read goes).
 */
bool arm64_sysreg_emulate(struct vcpu *v, u32 iss, u64 *reg);

/* MDCR_EL2 and the CPU's own debug/PMU/timer state, once per host CPU. */
void arm64_guest_traps_init(void);

#endif
