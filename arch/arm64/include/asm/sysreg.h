/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_SYSREG_H
#define ASM_SYSREG_H

#include <keel/types.h>

#define read_sysreg(reg)                                               \
	({                                                             \
		u64 sysreg_val_;                                       \
		__asm__ volatile("mrs %0, " #reg : "=r"(sysreg_val_)); \
		sysreg_val_;                                           \
	})

#define write_sysreg(reg, val) \
	__asm__ volatile("msr " #reg ", %x0" ::"rZ"((u64)(val)) : "memory")

/* GICv3 CPU interface registers by encoding, so any assembler takes them. */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_DIR_EL1 S3_0_C12_C11_1
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_SRE_EL2 S3_4_C12_C9_5

/* ISR_EL1, read at EL2: the physical FIQ (F) and IRQ (I) pending. */
#define ISR_EL1_F (1ULL << 6)
#define ISR_EL1_I (1ULL << 7)

/* CNT{P,V}_CTL_EL0 and CNTHP_CTL_EL2 (Arm ARM D11). */
#define CNT_CTL_ENABLE (1ULL << 0)
#define CNT_CTL_IMASK (1ULL << 1)
#define CNT_CTL_ISTATUS (1ULL << 2)

/* EL2 physical timer */
#define CNTHP_CTL_EL2 S3_4_C14_C2_1
#define CNTHP_CVAL_EL2 S3_4_C14_C2_2

/* CPTR_EL2 with HCR_EL2.E2H clear: what traps to EL2 (TFP: FP/SIMD). */
#define CPTR_EL2_RES1 0x22ffULL /* bits 13, 9 and 7:0 */
#define CPTR_EL2_TZ (1ULL << 8)
#define CPTR_EL2_TFP (1ULL << 10)
#define CPTR_EL2_TSM (1ULL << 12)
#define CPTR_EL2_NO_FP (CPTR_EL2_RES1 | CPTR_EL2_TZ | CPTR_EL2_TSM)
#define CPTR_EL2_TRAP_FP (CPTR_EL2_NO_FP | CPTR_EL2_TFP)

#define SPSR_MODE_EL2H 0x9
#define DAIF_IRQ (1UL << 7)

#endif
