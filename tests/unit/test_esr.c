// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 trap syndromes (arch/arm64/esr.h, esr.c) as a guest's accesses
 * produce them. Syndromes are written here field by field from the Arm
 * ARM's ESR_EL2 layout (and as whole hex values worked out by hand), not
 * with esr.h's masks, so a wrong mask in esr.h shows.
 */
#include "unit.h"

#include <keel/errno.h>

#include "../../arch/arm64/esr.h"

/* ESR_EL2 of a data abort from a lower EL with a valid syndrome. */
static u64 dabt(unsigned int sas, bool sse, unsigned int srt, bool sf, bool wnr)
{
	return (0x24ULL << 26) | (1ULL << 25) | (1ULL << 24) |
	       ((u64)sas << 22) | ((u64)sse << 21) | ((u64)srt << 16) |
	       ((u64)sf << 15) | ((u64)wnr << 6) | 0x07; /* translation L3 */
}

/* The decoder must leave its output alone when it refuses. */
static const struct esr_dabt untouched = { 0x5a5a, 0xa5a5, true, true, true };

static bool same(const struct esr_dabt *a, const struct esr_dabt *b)
{
	return a->size == b->size && a->reg == b->reg && a->write == b->write &&
	       a->sign_extend == b->sign_extend && a->reg64 == b->reg64;
}

static bool is_untouched(const struct esr_dabt *d)
{
	return same(d, &untouched);
}

UNIT_TEST(exception_class_length_and_iss)
{
	CHECK_EQ(esr_ec(0x93810007ULL), 0x24);
	CHECK_EQ(esr_ec(0x5e000000ULL), 0x17); /* SMC #0 */
	CHECK_EQ(esr_ec(0xf2000000ULL), 0x3c); /* BRK */
	CHECK_EQ(esr_ec(0xfc000000ULL), 0x3f); /* all six bits */
	CHECK_EQ(esr_iss(0x93810007ULL), 0x1810007);
	CHECK_EQ(esr_iss(~0ULL), 0x1ffffff);
	CHECK_EQ(esr_insn_len(0x93810007ULL), 4);
	CHECK_EQ(esr_insn_len(0x91810007ULL), 2); /* IL 0: a T32 16-bit one */
}

UNIT_TEST(injected_syndromes)
{
	/* Undefined instruction: EC 0, IL 1, nothing else. */
	CHECK_EQ(esr_make(ESR_EC_UNKNOWN, 0), 0x02000000);
	/* Synchronous external abort on a read at EL1: the classic value. */
	CHECK_EQ(esr_make(ESR_EC_DABT_CUR, ESR_FSC_EXTABT), 0x96000010);
	CHECK_EQ(esr_make(ESR_EC_DABT_CUR, ESR_FSC_EXTABT | ESR_DABT_WNR),
		 0x96000050);
	CHECK_EQ(esr_make(ESR_EC_DABT_LOW, ESR_FSC_EXTABT), 0x92000010);
	CHECK_EQ(esr_make(ESR_EC_IABT_LOW, ESR_FSC_EXTABT), 0x82000010);
	CHECK_EQ(esr_make(ESR_EC_IABT_CUR, ESR_FSC_EXTABT), 0x86000010);
	/* An ISS never spills into IL or EC. */
	CHECK_EQ(esr_make(ESR_EC_UNKNOWN, ~0ULL), 0x03ffffff);
}

UNIT_TEST(fault_ipa_from_hpfar_and_far)
{
	/* IPA 0x9000018 (a PL011 register) under a kernel VA. */
	CHECK_EQ(esr_abort_ipa(0x90000, 0xffff800012345018ULL), 0x9000018);
	/* FIPA is IPA[51:12] from bit 4: the top of a 52-bit space. */
	CHECK_EQ(esr_abort_ipa(0xffffffffff0ULL, 0xfff), 0xfffffffffffffULL);
	CHECK_EQ(esr_abort_ipa(0, 0xabc), 0xabc);
}

UNIT_TEST(loads_of_each_size)
{
	/* LDRB W1 / LDRH W2 / LDR W3 / LDR X4, SAS 0..3 */
	static const struct {
		unsigned int sas, size, reg;
		bool sf;
	} cases[] = {
		{ 0, 1, 1, false },
		{ 1, 2, 2, false },
		{ 2, 4, 3, false },
		{ 3, 8, 4, true },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct esr_dabt d = untouched;

		CHECK_EQ(esr_dabt_decode(dabt(cases[i].sas, false, cases[i].reg,
					      cases[i].sf, false),
					 &d),
			 0);
		CHECK_EQ(d.size, cases[i].size);
		CHECK_EQ(d.reg, cases[i].reg);
		CHECK(!d.write);
		CHECK(!d.sign_extend);
		CHECK_EQ(d.reg64, cases[i].sf);
	}
	/* The same LDR W3 as one value: 0x93830007. */
	{
		struct esr_dabt d = untouched;

		CHECK_EQ(esr_dabt_decode(0x93830007ULL, &d), 0);
		CHECK_EQ(d.size, 4);
		CHECK_EQ(d.reg, 3);
		CHECK(!d.write && !d.sign_extend && !d.reg64);
	}
}

UNIT_TEST(stores_of_each_size)
{
	static const u64 rt = 0x1122334455667788ULL;
	static const u64 stored[] = { 0x88, 0x7788, 0x55667788, rt };

	for (unsigned int sas = 0; sas < 4; sas++) {
		struct esr_dabt d = untouched;

		/* STRB/STRH/STR W/STR X from x9 */
		CHECK_EQ(esr_dabt_decode(dabt(sas, false, 9, sas == 3, true),
					 &d),
			 0);
		CHECK_EQ(d.size, 1U << sas);
		CHECK_EQ(d.reg, 9);
		CHECK(d.write);
		CHECK_EQ(esr_dabt_store_value(d.size, rt), stored[sas]);
	}
	/* STR X30 as one value: EC 0x24, IL, ISV, SAS 3, SRT 30, SF, WnR. */
	{
		struct esr_dabt d = untouched;

		CHECK_EQ(esr_dabt_decode(0x93de8047ULL, &d), 0);
		CHECK_EQ(d.size, 8);
		CHECK_EQ(d.reg, 30);
		CHECK(d.write && d.reg64);
	}
}

UNIT_TEST(zero_register_is_reported_as_31)
{
	struct esr_dabt d = untouched;

	/* STR WZR and LDR XZR: Rt 31 is XZR/WZR in a load or store. */
	CHECK_EQ(esr_dabt_decode(dabt(2, false, 31, false, true), &d), 0);
	CHECK_EQ(d.reg, 31);
	CHECK(d.write);
	CHECK_EQ(esr_dabt_decode(dabt(3, false, 31, true, false), &d), 0);
	CHECK_EQ(d.reg, 31);
	CHECK(!d.write);
}

UNIT_TEST(loads_zero_extend_without_sse)
{
	/* A device answering with more bits than were asked for. */
	CHECK_EQ(esr_dabt_load_value(1, false, false, 0xffffff80ULL), 0x80);
	CHECK_EQ(esr_dabt_load_value(2, false, true, 0x12348000ULL), 0x8000);
	CHECK_EQ(esr_dabt_load_value(4, false, true, 0xaabbccdd80000000ULL),
		 0x80000000);
	CHECK_EQ(esr_dabt_load_value(8, false, true, 0x8000000000000001ULL),
		 0x8000000000000001ULL);
	/* LDR W: the top half of X is zero, whatever came back. */
	CHECK_EQ(esr_dabt_load_value(4, false, false, 0xaabbccdd11223344ULL),
		 0x11223344);
}

UNIT_TEST(sign_extension_into_w_and_x)
{
	struct esr_dabt d = untouched;

	/* LDRSB W5: SSE set, SF clear. */
	CHECK_EQ(esr_dabt_decode(dabt(0, true, 5, false, false), &d), 0);
	CHECK(d.sign_extend && !d.reg64);
	CHECK_EQ(esr_dabt_load_value(d.size, d.sign_extend, d.reg64, 0x80),
		 0xffffff80ULL);
	CHECK_EQ(esr_dabt_load_value(d.size, d.sign_extend, d.reg64, 0x7f),
		 0x7f);
	/* LDRSB X5: SSE and SF. */
	CHECK_EQ(esr_dabt_decode(dabt(0, true, 5, true, false), &d), 0);
	CHECK(d.sign_extend && d.reg64);
	CHECK_EQ(esr_dabt_load_value(d.size, d.sign_extend, d.reg64, 0x80),
		 0xffffffffffffff80ULL);
	/* LDRSH W and X. */
	CHECK_EQ(esr_dabt_load_value(2, true, false, 0x8001), 0xffff8001ULL);
	CHECK_EQ(esr_dabt_load_value(2, true, true, 0x8001),
		 0xffffffffffff8001ULL);
	CHECK_EQ(esr_dabt_load_value(2, true, true, 0x7fff), 0x7fff);
	/* LDRSW X: SAS 2, SSE, SF. */
	CHECK_EQ(esr_dabt_decode(dabt(2, true, 7, true, false), &d), 0);
	CHECK_EQ(d.size, 4);
	CHECK_EQ(esr_dabt_load_value(d.size, d.sign_extend, d.reg64,
				     0x80000000ULL),
		 0xffffffff80000000ULL);
	CHECK_EQ(esr_dabt_load_value(d.size, d.sign_extend, d.reg64,
				     0x7fffffffULL),
		 0x7fffffff);
	/* The sign is the access's top bit, not the data's. */
	CHECK_EQ(esr_dabt_load_value(1, true, true, 0x8000007fULL), 0x7f);
}

UNIT_TEST(no_syndrome_refused)
{
	struct esr_dabt d = untouched;

	/* ISV clear (an LDP, say): the other bits mean nothing. */
	CHECK_EQ(esr_dabt_decode(dabt(3, false, 4, true, false) & ~(1ULL << 24),
				 &d),
		 -EINVAL);
	CHECK(is_untouched(&d));
	CHECK_EQ(esr_dabt_decode(0x92000007ULL, &d), -EINVAL);
	CHECK(is_untouched(&d));
	CHECK_EQ(esr_dabt_decode(0x92000047ULL, &d), -EINVAL); /* a write */
	CHECK(is_untouched(&d));
}

UNIT_TEST(stage1_walk_refused)
{
	struct esr_dabt d = untouched;

	/* S1PTW: the guest's page-table walk hit a device or nothing. */
	CHECK_EQ(esr_dabt_decode(0x92000087ULL, &d), -EINVAL);
	CHECK(is_untouched(&d));
	/* Even should a syndrome come with it: no register was involved. */
	CHECK_EQ(esr_dabt_decode(dabt(3, false, 1, true, false) | (1ULL << 7),
				 &d),
		 -EINVAL);
	CHECK(is_untouched(&d));
}

UNIT_TEST(other_iss_bits_do_not_change_the_access)
{
	struct esr_dabt plain = untouched, d = untouched;
	u64 esr = dabt(2, false, 12, false, true);

	CHECK_EQ(esr_dabt_decode(esr, &plain), 0);
	/* AR (STLR), FnV, EA, CM, and another fault status code. */
	CHECK_EQ(esr_dabt_decode(esr | (1ULL << 14) | (1ULL << 10) |
					 (1ULL << 9) | (1ULL << 8) | 0x3f,
				 &d),
		 0);
	CHECK(same(&plain, &d));
	CHECK_EQ(d.size, 4);
	CHECK_EQ(d.reg, 12);
	CHECK(d.write);
}

UNIT_TEST(wfx_tells_wfe_from_wfi)
{
	CHECK(!(0x06000000ULL & ESR_WFX_TI_WFE)); /* WFI */
	CHECK(0x06000001ULL & ESR_WFX_TI_WFE); /* WFE */
	CHECK_EQ(esr_ec(0x06000001ULL), ESR_EC_WFX);
}

/* ISS of a trapped MSR/MRS, field by field. */
static u32 sys_iss(unsigned int op0, unsigned int op1, unsigned int crn,
		   unsigned int crm, unsigned int op2, unsigned int rt,
		   bool read)
{
	return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) |
	       (rt << 5) | (crm << 1) | (unsigned int)read;
}

UNIT_TEST(sysreg_accesses)
{
	struct esr_sysreg sr;

	/* MSR ICC_SGI1R_EL1, X2: op0 3, op1 0, CRn 12, CRm 11, op2 5. */
	sr = esr_sysreg_decode(sys_iss(3, 0, 12, 11, 5, 2, false));
	CHECK_EQ(sr.op0, 3);
	CHECK_EQ(sr.op1, 0);
	CHECK_EQ(sr.crn, 12);
	CHECK_EQ(sr.crm, 11);
	CHECK_EQ(sr.op2, 5);
	CHECK_EQ(sr.rt, 2);
	CHECK(!sr.read);
	/* The same by hand: 0x3a3056. */
	CHECK_EQ(sys_iss(3, 0, 12, 11, 5, 2, false), 0x3a3056);
	/* MRS X5, CNTP_CTL_EL0: op0 3, op1 3, CRn 14, CRm 2, op2 1. */
	sr = esr_sysreg_decode(sys_iss(3, 3, 14, 2, 1, 5, true));
	CHECK(sr.op0 == 3 && sr.op1 == 3 && sr.crn == 14 && sr.crm == 2 &&
	      sr.op2 == 1 && sr.rt == 5 && sr.read);
	/* DC CISW, X0: op0 1, op1 0, CRn 7, CRm 14, op2 2. */
	sr = esr_sysreg_decode(sys_iss(1, 0, 7, 14, 2, 0, false));
	CHECK(sr.op0 == 1 && sr.op1 == 0 && sr.crn == 7 && sr.crm == 14 &&
	      sr.op2 == 2 && sr.rt == 0 && !sr.read);
	/* Every field at its widest, and MRS XZR. */
	sr = esr_sysreg_decode(sys_iss(3, 7, 15, 15, 7, 31, true));
	CHECK(sr.op0 == 3 && sr.op1 == 7 && sr.crn == 15 && sr.crm == 15 &&
	      sr.op2 == 7 && sr.rt == 31 && sr.read);
	/* Bits 24:22 are RES0 and belong to no field. */
	sr = esr_sysreg_decode(0x1c00000);
	CHECK(!sr.op0 && !sr.op1 && !sr.crn && !sr.crm && !sr.op2 && !sr.rt &&
	      !sr.read);
}

UNIT_MAIN();
