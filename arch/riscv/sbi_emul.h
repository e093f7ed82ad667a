/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SBI a guest's ECALLs from VS-mode reach (sbi_emul.c), following the
 * RISC-V SBI specification v2.0: BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN
 * and Keel's own extension. Anything else answers SBI_ERR_NOT_SUPPORTED,
 * never an exception.
 */
#ifndef RISCV_SBI_EMUL_H
#define RISCV_SBI_EMUL_H

#include <keel/guest.h>

/*
 * A guest ECALL: a[0..7] are its a0-a7 (a7 the extension, a6 the
 * function). The answer goes to a[0] (error) and a[1] (value); returns
 * the exit core must handle (VCPU_EXIT_HYPERCALL when nothing more).
 */
enum vcpu_exit_reason riscv_sbi_call(struct vcpu *v, unsigned long *a);

/*
 * What the SBI needs of the vCPU code (arch/riscv/vcpu.c defines them):
 *   riscv_vcpu_set_timer   SBI TIME: the next timer interrupt at the
 *                          guest's time value, clearing a pending one
 *   riscv_vcpu_send_ipi    raise target's supervisor software interrupt
 *                          and kick it
 *   riscv_vcpu_fence       target must run FENCE.I (i_cache) or drop its
 *                          guest TLB entries before it next runs
 */
void riscv_vcpu_set_timer(struct vcpu *v, u64 guest_time);
void riscv_vcpu_send_ipi(struct vcpu *target);
void riscv_vcpu_fence(struct vcpu *target, bool i_cache);
/*
 *   riscv_vcpu_suspend     HSM hart_suspend: the vCPU is SUSPENDED until it
 *                          next runs; non_retentive: it then resumes at
 *                          addr with a0 = hart id, a1 = opaque
 *   riscv_vcpu_suspended   whether target is in hart_suspend now
 */
void riscv_vcpu_suspend(struct vcpu *v, bool non_retentive, u64 addr,
			u64 opaque);
bool riscv_vcpu_suspended(struct vcpu *target);

/* Keel's extension, in the firmware-specific range: "KEL". */
#define SBI_EXT_KEEL 0x0a4b454cUL
#define SBI_KEEL_YIELD 0 /* give the host CPU to another vCPU */

#endif
