// SPDX-License-Identifier: GPL-2.0
/*
 * riscv load/store decoding (arch/riscv/insn_decode.c) over encodings
 * assembled by hand from the RISC-V unprivileged spec (RV64I loads and
 * stores, the C extension's quadrants 0 and 2) and the transformed
 * instructions and pseudoinstructions the privileged spec puts in
 * htinst. Both ways Keel gets a trapping instruction are covered: from
 * htinst, and as read from guest memory (16 or 32 bits as its low bits
 * say).
 */
#include "unit.h"

#include <keel/errno.h>

#include "../../arch/riscv/insn_decode.h"

struct expect {
	const char *what;
	u32 insn;
	unsigned int size, reg;
	bool write, sign_extend;
};

static const struct riscv_mmio_access untouched = { 0x5a5a, 0xa5a5, true,
						    true };

static bool same(const struct riscv_mmio_access *a,
		 const struct riscv_mmio_access *b)
{
	return a->size == b->size && a->reg == b->reg && a->write == b->write &&
	       a->sign_extend == b->sign_extend;
}

static void check_decodes(const struct expect *e, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct riscv_mmio_access d = untouched;
		int err = riscv_decode_access(e[i].insn, &d);

		if (err || d.size != e[i].size || d.reg != e[i].reg ||
		    d.write != e[i].write ||
		    (!d.write && d.sign_extend != e[i].sign_extend))
			printf("  %s (0x%08x): err %d size %u reg %u write %d "
			       "sign %d\n",
			       e[i].what, e[i].insn, err, d.size, d.reg,
			       d.write, d.sign_extend);
		CHECK_EQ(err, 0);
		CHECK_EQ(d.size, e[i].size);
		CHECK_EQ(d.reg, e[i].reg);
		CHECK_EQ(d.write, e[i].write);
		if (!e[i].write)
			CHECK_EQ(d.sign_extend, e[i].sign_extend);
	}
}

static void check_refused(const u32 *insns, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct riscv_mmio_access d = untouched;

		if (riscv_decode_access(insns[i], &d) != -EINVAL)
			printf("  0x%08x decoded\n", insns[i]);
		CHECK_EQ(riscv_decode_access(insns[i], &d), -EINVAL);
		CHECK(same(&d, &untouched));
	}
}

UNIT_TEST(every_32bit_load_width)
{
	static const struct expect loads[] = {
		{ "lb a0,0(a1)", 0x00058503, 1, 10, false, true },
		{ "lh a0,0(a1)", 0x00059503, 2, 10, false, true },
		{ "lw a0,0(a1)", 0x0005a503, 4, 10, false, true },
		{ "ld a0,0(a1)", 0x0005b503, 8, 10, false, true },
		{ "lbu a0,0(a1)", 0x0005c503, 1, 10, false, false },
		{ "lhu a0,0(a1)", 0x0005d503, 2, 10, false, false },
		{ "lwu a0,0(a1)", 0x0005e503, 4, 10, false, false },
		{ "lw t0,16(sp)", 0x01012283, 4, 5, false, true },
		{ "lbu t6,-1(s0)", 0xfff44f83, 1, 31, false, false },
		{ "lw zero,0(a1)", 0x0005a003, 4, 0, false, true },
	};

	check_decodes(loads, ARRAY_SIZE(loads));
}

UNIT_TEST(every_32bit_store_width)
{
	static const struct expect stores[] = {
		{ "sb a0,0(a1)", 0x00a58023, 1, 10, true, false },
		{ "sh a0,0(a1)", 0x00a59023, 2, 10, true, false },
		{ "sw a0,0(a1)", 0x00a5a023, 4, 10, true, false },
		{ "sd a0,0(a1)", 0x00a5b023, 8, 10, true, false },
		{ "sd ra,8(sp)", 0x00113423, 8, 1, true, false },
		{ "sw t6,-4(s0)", 0xfff42e23, 4, 31, true, false },
		{ "sb zero,0(a1)", 0x00058023, 1, 0, true, false },
	};

	check_decodes(stores, ARRAY_SIZE(stores));
}

UNIT_TEST(compressed_register_forms_use_x8_to_x15)
{
	static const struct expect c[] = {
		{ "c.lw a0,0(a1)", 0x4188, 4, 10, false, true },
		{ "c.lw a0,4(a1)", 0x41c8, 4, 10, false, true },
		{ "c.ld a0,0(a1)", 0x6188, 8, 10, false, true },
		{ "c.sw a0,0(a1)", 0xc188, 4, 10, true, false },
		{ "c.sd a0,0(a1)", 0xe188, 8, 10, true, false },
		{ "c.lw s0,0(a5)", 0x4380, 4, 8, false, true },
		{ "c.lw a5,0(s0)", 0x401c, 4, 15, false, true },
		{ "c.sd a5,0(s0)", 0xe01c, 8, 15, true, false },
		{ "c.sw s0,0(a5)", 0xc380, 4, 8, true, false },
	};

	check_decodes(c, ARRAY_SIZE(c));
}

UNIT_TEST(compressed_stack_forms_use_any_register)
{
	static const struct expect c[] = {
		{ "c.lwsp a0,0(sp)", 0x4502, 4, 10, false, true },
		{ "c.ldsp ra,8(sp)", 0x60a2, 8, 1, false, true },
		{ "c.ldsp t6,0(sp)", 0x6f82, 8, 31, false, true },
		{ "c.swsp a0,0(sp)", 0xc02a, 4, 10, true, false },
		{ "c.sdsp ra,8(sp)", 0xe406, 8, 1, true, false },
		{ "c.sdsp t6,0(sp)", 0xe07e, 8, 31, true, false },
		{ "c.swsp zero,0(sp)", 0xc002, 4, 0, true, false },
	};

	check_decodes(c, ARRAY_SIZE(c));
}

UNIT_TEST(everything_else_refused)
{
	static const u32 refused[] = {
		0x0005f503, /* load funct3 7 (RV128's LDU) */
		0x00a5c023, /* store funct3 4 (RV128's SQ) */
		0x00a5f023, /* store funct3 7 */
		0x0005a507, /* flw fa0,0(a1) */
		0x0005b507, /* fld fa0,0(a1) */
		0x00a5a027, /* fsw fa0,0(a1) */
		0x00c5a52f, /* amoadd.w a0,a2,(a1) */
		0x1005a52f, /* lr.w a0,(a1) */
		0x00150513, /* addi a0,a0,1 */
		0x10500073, /* wfi */
		0x2188, /* c.fld fa0,0(a1) */
		0xa188, /* c.fsd fa0,0(a1) */
		0x8188, /* quadrant 0 funct3 4: reserved (Zcb) */
		0x0028, /* c.addi4spn a0,sp,8 */
		0x0000, /* the defined illegal instruction */
		0x0505, /* c.addi a0,1 (quadrant 1) */
		0x4505, /* c.li a0,1 */
		0x2502, /* c.fldsp fa0,0(sp) */
		0xa02a, /* c.fsdsp fa0,0(sp) */
		0x050a, /* c.slli a0,2 */
		0x852e, /* c.mv a0,a1 */
		0x8082, /* c.jr ra */
		0x9002, /* c.ebreak */
		0x4002, /* c.lwsp with rd x0: reserved */
		0x6002, /* c.ldsp with rd x0: reserved */
	};

	check_refused(refused, ARRAY_SIZE(refused));
}

UNIT_TEST(instruction_length_from_the_first_half)
{
	CHECK_EQ(riscv_insn_len(0x4188), 2);
	CHECK_EQ(riscv_insn_len(0x0000), 2);
	CHECK_EQ(riscv_insn_len(0x8082), 2);
	CHECK_EQ(riscv_insn_len(0xe406), 2);
	CHECK_EQ(riscv_insn_len(0xa503), 4); /* the low half of lw a0,0(a1) */
	CHECK_EQ(riscv_insn_len(0x8023), 4);
	CHECK_EQ(riscv_insn_len(0xffff), 4);
}

UNIT_TEST(htinst_pseudoinstructions_and_nothing)
{
	u32 insn = 0x12345678;

	/* The guest's own VS-stage walk: 32/64-bit reads and writes. */
	CHECK(riscv_htinst_is_pseudo(0x00002000));
	CHECK(riscv_htinst_is_pseudo(0x00003000));
	CHECK(riscv_htinst_is_pseudo(0x00002020));
	CHECK(riscv_htinst_is_pseudo(0x00003020));
	CHECK_EQ(riscv_htinst_insn(0x00003000, &insn), 0);
	/* 0: the hart gives nothing; Keel reads the instruction itself. */
	CHECK(!riscv_htinst_is_pseudo(0));
	CHECK_EQ(riscv_htinst_insn(0, &insn), 0);
	CHECK_EQ(insn, 0x12345678);
	CHECK(!riscv_htinst_is_pseudo(0x00002503));
	CHECK(!riscv_htinst_is_pseudo(0x00002501));
}

/*
 * Transformed instructions: imm cleared, rs1 the address offset of a
 * misaligned access, bit 1 clear when the original was compressed. Each
 * must decode as its original does when read from memory.
 */
UNIT_TEST(htinst_transformed_agrees_with_the_original)
{
	static const struct {
		const char *what;
		u64 htinst;
		u32 original;
		unsigned int len;
	} cases[] = {
		{ "lw a0,16(a1)", 0x00002503, 0x0105a503, 4 },
		{ "lbu t6,-1(s0)", 0x00004f83, 0xfff44f83, 4 },
		{ "lh a0 misaligned by 1", 0x00009503, 0x00059503, 4 },
		{ "sd ra,8(sp)", 0x00103023, 0x00113423, 4 },
		{ "sb a0,0(a1)", 0x00a00023, 0x00a58023, 4 },
		{ "c.lw a0,0(a1)", 0x00002501, 0x4188, 2 },
		{ "c.ld a0,0(a1)", 0x00003501, 0x6188, 2 },
		{ "c.sw a0,0(a1)", 0x00a02021, 0xc188, 2 },
		{ "c.sd a5,0(s0)", 0x00f03021, 0xe01c, 2 },
		{ "c.lwsp a0,0(sp)", 0x00002501, 0x4502, 2 },
		{ "c.ldsp ra,8(sp)", 0x00003081, 0x60a2, 2 },
		{ "c.swsp a0,0(sp)", 0x00a02021, 0xc02a, 2 },
		{ "c.sdsp ra,8(sp)", 0x00103021, 0xe406, 2 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct riscv_mmio_access from_htinst = untouched;
		struct riscv_mmio_access from_memory = untouched;
		u32 insn = 0;

		CHECK_EQ(riscv_htinst_insn(cases[i].htinst, &insn),
			 cases[i].len);
		CHECK_EQ(riscv_insn_len(cases[i].original & 0xffff),
			 cases[i].len);
		CHECK_EQ(riscv_decode_access(insn, &from_htinst), 0);
		CHECK_EQ(riscv_decode_access(cases[i].original, &from_memory),
			 0);
		if (!same(&from_htinst, &from_memory))
			printf("  %s: htinst size %u reg %u, memory size %u "
			       "reg %u\n",
			       cases[i].what, from_htinst.size, from_htinst.reg,
			       from_memory.size, from_memory.reg);
		CHECK(same(&from_htinst, &from_memory));
	}
}

UNIT_TEST(load_values_extend_by_width_and_sign)
{
	/* LB/LBU, LH/LHU, LW/LWU, LD: RV64 sign-extends LB, LH and LW. */
	CHECK_EQ(riscv_mmio_load_value(1, true, 0x80), 0xffffffffffffff80ULL);
	CHECK_EQ(riscv_mmio_load_value(1, true, 0x7f), 0x7f);
	CHECK_EQ(riscv_mmio_load_value(1, false, 0x80), 0x80);
	CHECK_EQ(riscv_mmio_load_value(2, true, 0x8001), 0xffffffffffff8001ULL);
	CHECK_EQ(riscv_mmio_load_value(2, false, 0x8001), 0x8001);
	CHECK_EQ(riscv_mmio_load_value(4, true, 0x80000000ULL),
		 0xffffffff80000000ULL);
	CHECK_EQ(riscv_mmio_load_value(4, false, 0x80000000ULL), 0x80000000);
	CHECK_EQ(riscv_mmio_load_value(8, true, 0x8000000000000001ULL),
		 0x8000000000000001ULL);
	/* Bits beyond the access are dropped before extending. */
	CHECK_EQ(riscv_mmio_load_value(1, false, 0xff34), 0x34);
	CHECK_EQ(riscv_mmio_load_value(1, true, 0x7f80), 0xffffffffffffff80ULL);
	CHECK_EQ(riscv_mmio_load_value(2, true, 0x18000),
		 0xffffffffffff8000ULL);
}

UNIT_TEST(store_values_cut_to_width)
{
	static const u64 reg = 0x1122334455667788ULL;

	CHECK_EQ(riscv_mmio_store_value(1, reg), 0x88);
	CHECK_EQ(riscv_mmio_store_value(2, reg), 0x7788);
	CHECK_EQ(riscv_mmio_store_value(4, reg), 0x55667788);
	CHECK_EQ(riscv_mmio_store_value(8, reg), reg);
}

UNIT_MAIN();
