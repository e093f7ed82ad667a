/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARM64_PSCI_EMUL_H
#define ARM64_PSCI_EMUL_H

#include <keel/guest.h>

/*
 * A guest's HVC or SMC: PSCI 1.1 and SMCCC 1.1 calls, answered in x[0..3]
 * as the SMC Calling Convention says. Returns the exit core must handle.
 */
enum vcpu_exit_reason arm64_psci_call(struct vcpu *v, u64 *x);

#endif
