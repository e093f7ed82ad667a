/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loads and stores a riscv guest's guest-page faults come from,
 * decoded into the access Keel emulates (insn_decode.c, host-tested by
 * tests/unit/test_insn_decode.c). The instruction is either the
 * transformed one the hart leaves in htinst or the one read at the
 * guest's pc; encodings as the RISC-V unprivileged spec (RV64I and the C
 * extension) and the privileged spec's htinst give them.
 */
#ifndef RISCV_INSN_DECODE_H
#define RISCV_INSN_DECODE_H

#include <keel/bitops.h>
#include <keel/types.h>

/* 32-bit instruction fields. */
#define INSN_OPCODE GENMASK(6, 0)
#define INSN_RD GENMASK(11, 7)
#define INSN_FUNCT3 GENMASK(14, 12)
#define INSN_RS2 GENMASK(24, 20)

#define OPCODE_LOAD 0x03 /* LB LH LW LD LBU LHU LWU by funct3 */
#define OPCODE_STORE 0x23 /* SB SH SW SD by funct3 */
#define LOAD_FUNCT3_UNSIGNED BIT(2) /* LBU LHU LWU */
#define LOAD_FUNCT3_WIDTH GENMASK(1, 0) /* 1 << width bytes */

/* Compressed (16-bit) instruction fields. */
#define CINSN_QUADRANT GENMASK(1, 0)
#define CINSN_FUNCT3 GENMASK(15, 13)
#define CINSN_RD_RS2_PRIME GENMASK(4, 2) /* x8 + n in C.LW/C.LD/C.SW/C.SD */
#define CINSN_RD GENMASK(11, 7) /* C.LWSP C.LDSP */
#define CINSN_RS2 GENMASK(6, 2) /* C.SWSP C.SDSP */

#define CQUADRANT_0 0 /* C.LW C.LD C.SW C.SD */
#define CQUADRANT_2 2 /* C.LWSP C.LDSP C.SWSP C.SDSP */
#define CFUNCT3_LW 2
#define CFUNCT3_LD 3
#define CFUNCT3_SW 6
#define CFUNCT3_SD 7
#define CFUNCT3_DOUBLEWORD BIT(0) /* of the four above: LD, SD */
#define CFUNCT3_STORE BIT(2) /* of the four above: SW, SD */

/*
 * htinst after a guest-page fault: bit 0 set for a transformed load or
 * store (bit 1 then clear when the original was compressed); non-zero
 * with bit 0 clear for a pseudoinstruction, the guest's own VS-stage
 * table walk; 0 when the hart gives nothing.
 */
#define HTINST_TRANSFORMED BIT(0)
#define HTINST_ORIGINAL_32BIT BIT(1)

static inline bool riscv_htinst_is_pseudo(u64 htinst)
{
	return htinst && !(htinst & HTINST_TRANSFORMED);
}

/*
 * A transformed instruction as the 32-bit encoding it stands for and
 * the trapping instruction's length (2 or 4); 0 when htinst holds none.
 */
unsigned int riscv_htinst_insn(u64 htinst, u32 *insn);

/* The length of an instruction from its first 16 bits: 2 or 4. */
static inline unsigned int riscv_insn_len(u32 first_half)
{
	return (first_half & CINSN_QUADRANT) == 3 ? 4 : 2;
}

/* A load or store of one integer register. */
struct riscv_mmio_access {
	unsigned int size; /* bytes: 1, 2, 4 or 8 */
	unsigned int reg; /* rd of a load, rs2 of a store; x0 is zero */
	bool write;
	bool sign_extend; /* a narrower load sign-extends into the register */
};

/*
 * Decode an instruction, 32-bit or compressed as its low bits say, into
 * the access it makes. -EINVAL for anything but an integer load or store
 * (FP, AMOs, reserved encodings).
 */
int riscv_decode_access(u32 insn, struct riscv_mmio_access *access);

/*
 * The bytes a store writes: the register cut to the access size. Inline,
 * as the next, for the MMIO exit's path.
 */
static inline u64 riscv_mmio_store_value(unsigned int size, u64 reg)
{
	return bytes_cut(reg, size);
}

/* What a load leaves in its register: data cut to size, then extended. */
static inline u64 riscv_mmio_load_value(unsigned int size, bool sign_extend,
					u64 data)
{
	return bytes_extend(data, size, sign_extend);
}

#endif
