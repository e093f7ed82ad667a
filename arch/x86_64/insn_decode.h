/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 instructions a guest touches a device window with, decoded
 * from the bytes at its instruction pointer (insn_decode.c, host-tested
 * by tests/unit/test_x86_insn_decode.c). A nested page fault under AMD
 * SVM gives the guest-physical address but not the access: its size,
 * direction and register come from the instruction, as the Intel SDM and
 * AMD APM volume 3 encode it (legacy prefixes, REX, opcode, ModRM, SIB,
 * displacement, immediate).
 *
 * Decoded: MOV between a register and memory (88, 89, 8A, 8B), MOV of an
 * immediate to memory (C6 /0, C7 /0), MOV with a memory offset (A0-A3),
 * MOVZX and MOVSX (0F B6, B7, BE, BF), MOVSXD (63, 64-bit mode), and the
 * string forms MOVS, STOS and LODS (A4, A5, AA, AB, AC, AD) with or
 * without REP: what Linux's readb..readq and writeb..writeq compile to,
 * and what memcpy_toio, memset_io and firmware use. Anything else is
 * refused, and the caller gives the guest a fault.
 */
#ifndef X86_INSN_DECODE_H
#define X86_INSN_DECODE_H

#include <keel/types.h>

/* The longest x86 instruction the CPU accepts. */
#define X86_INSN_MAX_LEN 15

/* The code segment's default operand and address size (CS.D, EFER.LMA). */
enum x86_cpu_mode {
	X86_MODE_16,
	X86_MODE_32,
	X86_MODE_64,
};

/* Where the data of the access comes from (stores) or goes (loads). */
enum x86_operand {
	X86_OPERAND_REG, /* a general register, reg */
	X86_OPERAND_IMM, /* an immediate in the instruction: imm */
	X86_OPERAND_STRING, /* MOVS: memory to memory, both through RSI/RDI */
};

enum x86_string_op {
	X86_STRING_NONE,
	X86_STRING_MOVS, /* [RSI] to [RDI] */
	X86_STRING_STOS, /* rAX to [RDI] */
	X86_STRING_LODS, /* [RSI] to rAX */
};

/* General registers as ModRM and REX number them. */
#define X86_REG_RAX 0
#define X86_REG_RCX 1
#define X86_REG_RDX 2
#define X86_REG_RBX 3
#define X86_REG_RSP 4
#define X86_REG_RBP 5
#define X86_REG_RSI 6
#define X86_REG_RDI 7

struct x86_mmio_access {
	unsigned int len; /* bytes of the instruction, prefixes included */
	unsigned int size; /* bytes accessed in memory: 1, 2, 4 or 8 */
	/*
	 * A store to memory. For MOVS, which reads [RSI] and writes [RDI],
	 * it is false: which side is the device is the caller's to tell
	 * from the faulting address.
	 */
	bool write;
	enum x86_operand operand;
	unsigned int reg; /* X86_OPERAND_REG: 0-15 (RAX-R15) */
	/*
	 * The operand is bits 15:8 of reg 0-3: AH, CH, DH or BH, which a
	 * byte operand numbered 4-7 names when no REX prefix is present.
	 */
	bool high_byte;
	u64 imm; /* X86_OPERAND_IMM: the size bytes stored */
	/*
	 * Loads: the register's width written (1, 2, 4 or 8) and how the
	 * size bytes read are widened to it. A 1- or 2-byte write keeps the
	 * register's other bits; a 4-byte one clears bits 63:32 (64-bit
	 * mode; in other modes they do not exist).
	 */
	unsigned int reg_size;
	bool sign_extend;
	/* String forms: which, REP (RCX counts), RSI/RDI/RCX's width. */
	enum x86_string_op string;
	bool rep;
	unsigned int addr_size;
};

/*
 * Decode the n bytes at the guest's instruction pointer (at most
 * X86_INSN_MAX_LEN are looked at). 0 and *out filled; -EINVAL for an
 * instruction that is not one of the forms above, or has no memory
 * operand, or a LOCK prefix (#UD for these), or is longer than 15
 * bytes; -ENODATA when the instruction runs past the n bytes given (the
 * caller may fetch the rest, from the next page). *out is untouched on
 * error.
 */
int x86_decode_mmio(const u8 *bytes, unsigned int n, enum x86_cpu_mode mode,
		    struct x86_mmio_access *out);

/* Segment registers as the override prefixes and SVM number them. */
#define X86_SEG_ES 0
#define X86_SEG_CS 1
#define X86_SEG_SS 2
#define X86_SEG_DS 3
#define X86_SEG_FS 4
#define X86_SEG_GS 5

/*
 * The segment a string instruction's source operand (OUTS, LODS, MOVS's
 * [RSI]) is read through: its override prefix's, else DS; -ENODATA when
 * the bytes end among the prefixes.
 */
int x86_decode_string_segment(const u8 *bytes, unsigned int n,
			      enum x86_cpu_mode mode);

/*
 * MOV to or from a control register (0F 22 /r, 0F 20 /r), which SVM
 * intercepts without saying which register (no decode assists): the CR
 * (ModRM.reg with REX.R; AMD's LOCK prefix on CR0 names CR8) and the
 * general register (ModRM.rm with REX.B: the mod field is ignored, the
 * operand is always a register). Operand-size prefixes do not matter:
 * 64 bits in 64-bit mode, 32 elsewhere.
 */
struct x86_cr_access {
	unsigned int len;
	unsigned int cr; /* 0-15 */
	unsigned int reg; /* 0-15 */
	bool write; /* to the control register */
};

/* 0 and *out; -EINVAL for another instruction; -ENODATA: bytes short. */
int x86_decode_mov_cr(const u8 *bytes, unsigned int n, enum x86_cpu_mode mode,
		      struct x86_cr_access *out);

/* A store's value: the size bytes of reg_value (its bits 15:8 for AH..BH). */
u64 x86_mmio_store_value(const struct x86_mmio_access *a, u64 reg_value);

/*
 * A load's register after it: old is its value before, value the size
 * bytes read.
 */
u64 x86_mmio_load_result(const struct x86_mmio_access *a, u64 old, u64 value);

#endif
