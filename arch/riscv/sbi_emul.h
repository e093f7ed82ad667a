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
enum vcpu_exit_reason riscv_sbi_call(struct vcpu *v, u64 *a);

/* Keel's extension, in the firmware-specific range: "KEL". */
#define SBI_EXT_KEEL 0x0a4b454cUL
#define SBI_KEEL_YIELD 0 /* give the host CPU to another vCPU */

#endif
