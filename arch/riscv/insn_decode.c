// SPDX-License-Identifier: GPL-2.0
/*
 * Loads and stores into the access they make, and the register values on
 * either side of it. Pure functions of their arguments, so the host unit
 * tests run them as Keel does.
 */
#include <keel/errno.h>
#include "insn_decode.h"

unsigned int riscv_htinst_insn(u64 htinst, u32 *insn)
{
	if (!(htinst & HTINST_TRANSFORMED))
		return 0;
	/* Bit 1 restored: the 32-bit form, whatever the original's size. */
	*insn = (u32)htinst | HTINST_ORIGINAL_32BIT;
	return (htinst & HTINST_ORIGINAL_32BIT) ? 4 : 2;
}

static int decode_32bit(u32 insn, struct riscv_mmio_access *access)
{
	unsigned int funct3 = FIELD_GET(INSN_FUNCT3, insn);

	switch (FIELD_GET(INSN_OPCODE, insn)) {
	case OPCODE_LOAD:
		if (funct3 == 7) /* LDU exists only in RV128 */
			return -EINVAL;
		access->size = 1U << (funct3 & LOAD_FUNCT3_WIDTH);
		access->reg = FIELD_GET(INSN_RD, insn);
		access->write = false;
		access->sign_extend = !(funct3 & LOAD_FUNCT3_UNSIGNED);
		return 0;
	case OPCODE_STORE:
		if (funct3 > 3) /* SQ is RV128's */
			return -EINVAL;
		access->size = 1U << funct3;
		access->reg = FIELD_GET(INSN_RS2, insn);
		access->write = true;
		access->sign_extend = false;
		return 0;
	default:
		return -EINVAL;
	}
}

static int decode_compressed(u32 insn, struct riscv_mmio_access *access)
{
	unsigned int funct3 = FIELD_GET(CINSN_FUNCT3, insn);
	unsigned int reg;

	switch (FIELD_GET(CINSN_QUADRANT, insn)) {
	case CQUADRANT_0:
		reg = 8 + FIELD_GET(CINSN_RD_RS2_PRIME, insn);
		break;
	case CQUADRANT_2:
		if (funct3 == CFUNCT3_LW || funct3 == CFUNCT3_LD) {
			reg = FIELD_GET(CINSN_RD, insn);
			if (!reg) /* C.LWSP/C.LDSP with rd x0 are reserved */
				return -EINVAL;
		} else {
			reg = FIELD_GET(CINSN_RS2, insn);
		}
		break;
	default:
		return -EINVAL;
	}
	if (funct3 != CFUNCT3_LW && funct3 != CFUNCT3_LD &&
	    funct3 != CFUNCT3_SW && funct3 != CFUNCT3_SD)
		return -EINVAL;
	access->size = (funct3 & CFUNCT3_DOUBLEWORD) ? 8 : 4;
	access->write = funct3 & CFUNCT3_STORE;
	access->sign_extend = !access->write; /* C.LW sign-extends on RV64 */
	access->reg = reg;
	return 0;
}

int riscv_decode_access(u32 insn, struct riscv_mmio_access *access)
{
	if (riscv_insn_len(insn) == 4)
		return decode_32bit(insn, access);
	return decode_compressed(insn & 0xffff, access);
}
