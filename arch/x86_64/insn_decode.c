// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding the x86 instructions that access device windows
 * (insn_decode.h): prefixes, opcode, then the ModRM memory operand's
 * length, since the address itself comes from the fault.
 */
#include <keel/bitops.h>
#include <keel/errno.h>

#include "insn_decode.h"

#define PREFIX_OPSIZE 0x66
#define PREFIX_ADSIZE 0x67
#define PREFIX_LOCK 0xf0
#define PREFIX_REPNE 0xf2
#define PREFIX_REP 0xf3
#define REX_MASK 0xf0
#define REX_BASE 0x40
#define REX_W 0x08
#define REX_R 0x04
#define REX_B 0x01
#define OPCODE_TWO_BYTE 0x0f

#define MODRM_MOD(m) ((m) >> 6)
#define MODRM_REG(m) (((m) >> 3) & 7)
#define MODRM_RM(m) ((m)&7)
#define MOD_REGISTER 3
#define RM_SIB 4 /* 32/64-bit addressing: a SIB byte follows */
#define RM_DISP32 5 /* with mod 0: disp32 (RIP-relative in 64-bit mode) */
#define RM16_DISP16 6 /* 16-bit addressing, mod 0: disp16 alone */
#define SIB_BASE(s) ((s)&7)
#define SIB_BASE_NONE 5 /* with mod 0: no base, disp32 */

/* The byte at offset i of the instruction, if it can exist and was given. */
static int byte_at(const u8 *bytes, unsigned int n, unsigned int i, u8 *out)
{
	if (i >= X86_INSN_MAX_LEN)
		return -EINVAL;
	if (i >= n)
		return -ENODATA;
	*out = bytes[i];
	return 0;
}

/* The instruction ends at offset end (exclusive): within 15 and n? */
static int ends_at(unsigned int n, unsigned int end)
{
	if (end > X86_INSN_MAX_LEN)
		return -EINVAL;
	return end > n ? -ENODATA : 0;
}

static unsigned int operand_size(enum x86_cpu_mode mode, bool opsize, u8 rex)
{
	if (rex & REX_W)
		return 8;
	if (mode == X86_MODE_16)
		return opsize ? 4 : 2;
	return opsize ? 2 : 4;
}

static unsigned int address_size(enum x86_cpu_mode mode, bool adsize)
{
	switch (mode) {
	case X86_MODE_64:
		return adsize ? 4 : 8;
	case X86_MODE_32:
		return adsize ? 2 : 4;
	default:
		return adsize ? 4 : 2;
	}
}

/*
 * The memory operand at offset at (its ModRM byte): *len its bytes,
 * ModRM, SIB and displacement. A register operand (mod 3) is no access.
 */
static int modrm_memory(const u8 *bytes, unsigned int n, unsigned int at,
			unsigned int addr_size, unsigned int *len)
{
	unsigned int mod, rm, disp = 0, head = 1;
	u8 modrm, sib;
	int err = byte_at(bytes, n, at, &modrm);

	if (err)
		return err;
	mod = MODRM_MOD(modrm);
	rm = MODRM_RM(modrm);
	if (mod == MOD_REGISTER)
		return -EINVAL;
	if (addr_size == 2) {
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || rm == RM16_DISP16)
			disp = 2;
	} else {
		if (rm == RM_SIB) {
			err = byte_at(bytes, n, at + 1, &sib);
			if (err)
				return err;
			head = 2;
			if (mod == 0 && SIB_BASE(sib) == SIB_BASE_NONE)
				disp = 4;
		}
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || (mod == 0 && rm == RM_DISP32))
			disp = 4;
	}
	*len = head + disp;
	return ends_at(n, at + *len);
}

/* The little-endian immediate of size bytes at offset at. */
static u64 immediate(const u8 *bytes, unsigned int at, unsigned int size)
{
	u64 v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (u64)bytes[at + i] << (8 * i);
	return v;
}

/* A register operand from a ModRM reg field (with REX.R) or fixed rAX. */
static void set_register(struct x86_mmio_access *a, unsigned int reg, bool byte,
			 u8 rex)
{
	a->operand = X86_OPERAND_REG;
	if (byte && !rex && reg >= 4 && reg < 8) {
		a->reg = reg - 4;
		a->high_byte = true;
	} else {
		a->reg = reg;
	}
}

struct prefixes {
	bool opsize, adsize, rep, lock;
	int segment; /* an override's X86_SEG_*, or -1 */
	u8 rex;
	unsigned int opcode_at; /* the index of the opcode's first byte */
};

/*
 * Legacy prefixes in any order, then REX (64-bit mode) just before the
 * opcode: a REX followed by another prefix is ignored.
 */
static int read_prefixes(const u8 *bytes, unsigned int n,
			 enum x86_cpu_mode mode, struct prefixes *p)
{
	unsigned int i;
	u8 op;
	int err;

	*p = (struct prefixes){ .segment = -1 };
	for (i = 0;; i++) {
		err = byte_at(bytes, n, i, &op);
		if (err)
			return err;
		switch (op) {
		case PREFIX_OPSIZE:
			p->opsize = true;
			break;
		case PREFIX_ADSIZE:
			p->adsize = true;
			break;
		case PREFIX_LOCK:
			p->lock = true;
			break;
		case PREFIX_REPNE:
		case PREFIX_REP:
			p->rep = true;
			break;
		case 0x26: /* ES, CS, SS, DS: bits 4:3 say which */
		case 0x2e:
		case 0x36:
		case 0x3e:
			p->segment = (op >> 3) & 3;
			break;
		case 0x64:
			p->segment = X86_SEG_FS;
			break;
		case 0x65:
			p->segment = X86_SEG_GS;
			break;
		default:
			if (mode == X86_MODE_64 &&
			    (op & REX_MASK) == REX_BASE) {
				p->rex = op;
				continue;
			}
			p->opcode_at = i;
			return 0;
		}
		p->rex = 0;
	}
}

int x86_decode_string_segment(const u8 *bytes, unsigned int n,
			      enum x86_cpu_mode mode)
{
	struct prefixes p;
	int err = read_prefixes(bytes, n, mode, &p);

	if (err)
		return err;
	return p.segment < 0 ? X86_SEG_DS : p.segment;
}

int x86_decode_mov_cr(const u8 *bytes, unsigned int n, enum x86_cpu_mode mode,
		      struct x86_cr_access *out)
{
	struct prefixes p;
	u8 op, op2, modrm;
	unsigned int i;
	int err;

	err = read_prefixes(bytes, n, mode, &p);
	if (err)
		return err;
	i = p.opcode_at;
	err = byte_at(bytes, n, i, &op);
	if (err)
		return err;
	if (op != OPCODE_TWO_BYTE || p.rep)
		return -EINVAL;
	err = byte_at(bytes, n, i + 1, &op2);
	if (err)
		return err;
	if (op2 != 0x20 && op2 != 0x22)
		return -EINVAL;
	err = byte_at(bytes, n, i + 2, &modrm);
	if (err)
		return err;
	err = ends_at(n, i + 3);
	if (err)
		return err;
	*out = (struct x86_cr_access){
		.len = i + 3,
		.cr = MODRM_REG(modrm) | ((p.rex & REX_R) ? 8 : 0),
		.reg = MODRM_RM(modrm) | ((p.rex & REX_B) ? 8 : 0),
		.write = op2 == 0x22,
	};
	/* AMD's alternative encoding of CR8 (CPUID AltMovCr8). */
	if (p.lock) {
		if (out->cr != 0)
			return -EINVAL;
		out->cr = 8;
	}
	return 0;
}

int x86_decode_mmio(const u8 *bytes, unsigned int n, enum x86_cpu_mode mode,
		    struct x86_mmio_access *out)
{
	struct x86_mmio_access a = { 0 };
	bool opsize, adsize, rep, lock;
	unsigned int i, osz, asz, mem_len, imm_size;
	struct prefixes p;
	u8 rex, op, op2, modrm;
	int err;

	err = read_prefixes(bytes, n, mode, &p);
	if (err)
		return err;
	opsize = p.opsize;
	adsize = p.adsize;
	rep = p.rep;
	lock = p.lock;
	rex = p.rex;
	i = p.opcode_at;
	op = bytes[i];
	i++;
	/* LOCK with any of these is #UD. */
	if (lock)
		return -EINVAL;
	osz = operand_size(mode, opsize, rex);
	asz = address_size(mode, adsize);
	a.addr_size = asz;

	switch (op) {
	case 0x88: /* MOV r/m8, r8 */
	case 0x89: /* MOV r/m, r */
	case 0x8a: /* MOV r8, r/m8 */
	case 0x8b: /* MOV r, r/m */
		err = byte_at(bytes, n, i, &modrm);
		if (!err)
			err = modrm_memory(bytes, n, i, asz, &mem_len);
		if (err)
			return err;
		a.size = (op & 1) ? osz : 1;
		a.write = !(op & 2);
		set_register(&a, MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0),
			     a.size == 1, rex);
		a.reg_size = a.size;
		a.len = i + mem_len;
		break;
	case 0xc6: /* MOV r/m8, imm8 */
	case 0xc7: /* MOV r/m, imm16/32 (sign-extended to 64 by REX.W) */
		err = byte_at(bytes, n, i, &modrm);
		if (!err)
			err = modrm_memory(bytes, n, i, asz, &mem_len);
		if (err)
			return err;
		if (MODRM_REG(modrm) != 0)
			return -EINVAL;
		a.size = op == 0xc6 ? 1 : osz;
		imm_size = a.size == 8 ? 4 : a.size;
		err = ends_at(n, i + mem_len + imm_size);
		if (err)
			return err;
		a.imm = immediate(bytes, i + mem_len, imm_size);
		if (a.size == 8 && (a.imm & (1ULL << 31)))
			a.imm |= ~0ULL << 32;
		a.operand = X86_OPERAND_IMM;
		a.write = true;
		a.len = i + mem_len + imm_size;
		break;
	case 0xa0: /* MOV AL, moffs8 */
	case 0xa1: /* MOV rAX, moffs */
	case 0xa2: /* MOV moffs8, AL */
	case 0xa3: /* MOV moffs, rAX */
		err = ends_at(n, i + asz);
		if (err)
			return err;
		a.size = (op & 1) ? osz : 1;
		a.write = op & 2;
		set_register(&a, X86_REG_RAX, a.size == 1, rex);
		a.reg_size = a.size;
		a.len = i + asz;
		break;
	case 0x63: /* MOVSXD r, r/m32 (REX.W; a plain 16/32-bit load without) */
		if (mode != X86_MODE_64)
			return -EINVAL; /* ARPL */
		err = byte_at(bytes, n, i, &modrm);
		if (!err)
			err = modrm_memory(bytes, n, i, asz, &mem_len);
		if (err)
			return err;
		a.size = osz == 8 ? 4 : osz;
		a.reg_size = osz;
		a.sign_extend = osz == 8;
		set_register(&a, MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0),
			     false, rex);
		a.len = i + mem_len;
		break;
	case OPCODE_TWO_BYTE:
		err = byte_at(bytes, n, i, &op2);
		if (err)
			return err;
		i++;
		/* MOVZX (B6 B7) and MOVSX (BE BF) r, r/m8 or r/m16 */
		if (op2 != 0xb6 && op2 != 0xb7 && op2 != 0xbe && op2 != 0xbf)
			return -EINVAL;
		err = byte_at(bytes, n, i, &modrm);
		if (!err)
			err = modrm_memory(bytes, n, i, asz, &mem_len);
		if (err)
			return err;
		a.size = (op2 & 1) ? 2 : 1;
		a.reg_size = osz;
		a.sign_extend = op2 & 8;
		set_register(&a, MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0),
			     false, rex);
		a.len = i + mem_len;
		break;
	case 0xa4: /* MOVS m8, m8 */
	case 0xa5: /* MOVS m, m */
		a.size = (op & 1) ? osz : 1;
		a.string = X86_STRING_MOVS;
		a.operand = X86_OPERAND_STRING;
		a.len = i;
		break;
	case 0xaa: /* STOS m8, AL */
	case 0xab: /* STOS m, rAX */
	case 0xac: /* LODS AL, m8 */
	case 0xad: /* LODS rAX, m */
		a.size = (op & 1) ? osz : 1;
		a.write = op < 0xac;
		a.string = a.write ? X86_STRING_STOS : X86_STRING_LODS;
		/* AL, never AH: the accumulator is register 0. */
		set_register(&a, X86_REG_RAX, false, rex);
		a.reg_size = a.size;
		a.len = i;
		break;
	default:
		return -EINVAL;
	}
	/* REP means something to the string forms only (XRELEASE else). */
	a.rep = rep && a.string != X86_STRING_NONE;
	*out = a;
	return 0;
}

u64 x86_mmio_store_value(const struct x86_mmio_access *a, u64 reg_value)
{
	if (a->high_byte)
		return (reg_value >> 8) & 0xff;
	return bytes_cut(reg_value, a->size);
}

u64 x86_mmio_load_result(const struct x86_mmio_access *a, u64 old, u64 value)
{
	value = bytes_extend(value, a->size, a->sign_extend);
	if (a->high_byte)
		return (old & ~0xff00ULL) | ((value & 0xff) << 8);
	switch (a->reg_size) {
	case 1:
	case 2:
		return (old & ~bytes_cut(~0ULL, a->reg_size)) |
		       bytes_cut(value, a->reg_size);
	case 4:
		/* A 32-bit register write clears bits 63:32. */
		return value & 0xffffffffULL;
	default:
		return value;
	}
}
