/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARM64_VGIC_LR_H
#define ARM64_VGIC_LR_H

#include <keel/guest.h>
#include <keel/vgic.h>
#include "esr.h"

/*
 * A new vCPU: when its guest has a GIC, the host's list registers must be
 * of the same kind (set up when the first such guest is created).
 */
int arm64_vgic_vcpu_init(struct vcpu *v);
/* Load the list registers before entry; read them back after exit. */
void arm64_vgic_flush(struct vcpu *v);
/* The virtual interface's state into the CPU when the vCPU is loaded, and back. */
void arm64_vgic_load(struct vcpu *v);
void arm64_vgic_put(struct vcpu *v);
void arm64_vgic_sync(struct vcpu *v);
/*
 * A trapped system-register access (decoded from the ESR's ISS); true
 * when it was a GIC register Keel emulates (reg: the value written, or
 * where a read goes).
 */
bool arm64_vgic_sysreg(struct vcpu *v, const struct esr_sysreg *access,
		       u64 *reg);

#endif
