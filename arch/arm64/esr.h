/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exception syndrome (ESR_EL2) of what a guest, or Keel itself, traps
 * into EL2 with: every field Keel reads by the name the Arm ARM gives it
 * (DDI 0487, "ESR_EL2" and the ISS encodings per exception class), and
 * the decoding of the syndromes Keel acts on into plain values (esr.c,
 * host-tested by tests/unit/test_esr.c).
 */
#ifndef ARM64_ESR_H
#define ARM64_ESR_H

#include <keel/bitops.h>
#include <keel/types.h>

/* ESR_ELx: exception class, instruction length, instruction syndrome. */
#define ESR_EC GENMASK_ULL(31, 26)
#define ESR_IL BIT_ULL(25) /* 1: a 32-bit instruction trapped */
#define ESR_ISS GENMASK_ULL(24, 0)

/* Exception classes (ESR_ELx.EC) Keel handles or names. */
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFX 0x01
#define ESR_EC_FP_ASIMD 0x07
#define ESR_EC_ILLEGAL_STATE 0x0e
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYSREG 0x18
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_BRK64 0x3c

/* ISS of WFI/WFE (EC 0x01): TI bit 0 tells WFE from WFI. */
#define ESR_WFX_TI_WFE BIT_ULL(0)

/* ISS of a data abort (EC 0x24/0x25); instruction aborts share S1PTW. */
#define ESR_DABT_ISV BIT_ULL(24) /* bits 23:14 hold a valid syndrome */
#define ESR_DABT_SAS GENMASK_ULL(23, 22) /* access size: 1 << SAS bytes */
#define ESR_DABT_SSE BIT_ULL(21) /* a load sign-extends */
#define ESR_DABT_SRT GENMASK_ULL(20, 16) /* the transfer register Rt */
#define ESR_DABT_SF BIT_ULL(15) /* Rt is 64-bit (X), else 32-bit (W) */
#define ESR_DABT_AR BIT_ULL(14) /* acquire/release semantics */
#define ESR_DABT_FNV BIT_ULL(10) /* FAR not valid */
#define ESR_DABT_EA BIT_ULL(9) /* external abort type */
#define ESR_DABT_CM BIT_ULL(8) /* from a cache maintenance instruction */
#define ESR_DABT_S1PTW BIT_ULL(7) /* the guest's own table walk faulted */
#define ESR_DABT_WNR BIT_ULL(6) /* a write */
#define ESR_DABT_DFSC GENMASK_ULL(5, 0) /* fault status code */

/* Fault status codes (DFSC/IFSC). */
#define ESR_FSC_EXTABT 0x10 /* synchronous external abort */

/* ISS of a trapped MSR/MRS or system instruction (EC 0x18). */
#define ESR_SYS_OP0 GENMASK_ULL(21, 20)
#define ESR_SYS_OP2 GENMASK_ULL(19, 17)
#define ESR_SYS_OP1 GENMASK_ULL(16, 14)
#define ESR_SYS_CRN GENMASK_ULL(13, 10)
#define ESR_SYS_RT GENMASK_ULL(9, 5)
#define ESR_SYS_CRM GENMASK_ULL(4, 1)
#define ESR_SYS_READ BIT_ULL(0) /* Direction: 1 for MRS (a read) */

/* HPFAR_EL2.FIPA: bits 51:12 of the faulting IPA, from bit 4. */
#define HPFAR_FIPA_SHIFT 4

static inline unsigned int esr_ec(u64 esr)
{
	return FIELD_GET(ESR_EC, esr);
}

static inline u32 esr_iss(u64 esr)
{
	return FIELD_GET(ESR_ISS, esr);
}

/* Bytes the trapping instruction takes: what the pc skips past it. */
static inline unsigned int esr_insn_len(u64 esr)
{
	return (esr & ESR_IL) ? 4 : 2;
}

/* A syndrome to inject for a 32-bit instruction: class and ISS. */
static inline u64 esr_make(unsigned int ec, u64 iss)
{
	return FIELD_PREP(ESR_EC, ec) | ESR_IL | (iss & ESR_ISS);
}

/* The intermediate physical address of a stage-2 abort. */
static inline u64 esr_abort_ipa(u64 hpfar, u64 far)
{
	return ((hpfar >> HPFAR_FIPA_SHIFT) << 12) | (far & 0xfff);
}

/* A data abort Keel can emulate: one register to or from memory. */
struct esr_dabt {
	unsigned int size; /* bytes: 1, 2, 4 or 8 */
	unsigned int reg; /* Rt; 31 is the zero register */
	bool write;
	bool sign_extend; /* a narrower load sign-extends into Rt */
	bool reg64; /* Rt is an X register; a W register's top half is 0 */
};

/*
 * Decode a data abort's syndrome. -EINVAL when it describes no single
 * register access: ISV clear (load/store pair, writeback, SIMD...) or
 * the guest's own stage-1 table walk (S1PTW), which the architecture
 * reports without a syndrome anyway.
 */
int esr_dabt_decode(u64 esr, struct esr_dabt *access);

/* The bytes a store writes: Rt's value cut to the access size. */
u64 esr_dabt_store_value(unsigned int size, u64 rt);

/*
 * What a load of size bytes leaves in its register: data cut to the
 * size, sign-extended when asked, and limited to 32 bits for a W
 * register.
 */
u64 esr_dabt_load_value(unsigned int size, bool sign_extend, bool reg64,
			u64 data);

/* A trapped system-register access, by its encoding. */
struct esr_sysreg {
	unsigned int op0, op1, crn, crm, op2;
	unsigned int rt; /* the general register; 31 is the zero register */
	bool read; /* MRS; false for MSR */
};

static inline struct esr_sysreg esr_sysreg_decode(u32 iss)
{
	return (struct esr_sysreg){
		.op0 = FIELD_GET(ESR_SYS_OP0, iss),
		.op1 = FIELD_GET(ESR_SYS_OP1, iss),
		.crn = FIELD_GET(ESR_SYS_CRN, iss),
		.crm = FIELD_GET(ESR_SYS_CRM, iss),
		.op2 = FIELD_GET(ESR_SYS_OP2, iss),
		.rt = FIELD_GET(ESR_SYS_RT, iss),
		.read = iss & ESR_SYS_READ,
	};
}

#endif
