// SPDX-License-Identifier: GPL-2.0
/*
 * x86 device-access decoding (arch/x86_64/insn_decode.c). The byte
 * sequences of the 64-bit forms are what GNU as assembles for the
 * instruction named beside each (checked with objdump when written);
 * the 32- and 16-bit ones follow the SDM's ModRM tables (16-bit
 * addressing: mod 0 rm 6 is disp16 alone, no SIB byte).
 */
#include "unit.h"

#include <keel/errno.h>

#include "../../arch/x86_64/insn_decode.h"

struct form {
	const char *what;
	enum x86_cpu_mode mode;
	u8 bytes[X86_INSN_MAX_LEN];
	unsigned int n; /* bytes given */
	unsigned int len, size, reg;
	bool write;
	unsigned int reg_size;
};

#define M64 X86_MODE_64
#define M32 X86_MODE_32
#define M16 X86_MODE_16

/* Sentinel contents: a refused decode must leave them. */
static const struct x86_mmio_access untouched = {
	.len = 99,
	.size = 99,
	.reg = 99,
	.imm = 0x5a5a5a5a,
};

static bool is_untouched(const struct x86_mmio_access *a)
{
	return a->len == 99 && a->size == 99 && a->reg == 99 &&
	       a->imm == 0x5a5a5a5a;
}

static void check_forms(const struct form *f, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		struct x86_mmio_access a = untouched;
		int err = x86_decode_mmio(f[i].bytes, f[i].n, f[i].mode, &a);

		if (err || a.len != f[i].len || a.size != f[i].size ||
		    a.reg != f[i].reg || a.write != f[i].write ||
		    (!a.write && a.reg_size != f[i].reg_size))
			printf("  %s: err %d len %u size %u reg %u write %d "
			       "reg_size %u\n",
			       f[i].what, err, a.len, a.size, a.reg, a.write,
			       a.reg_size);
		CHECK_EQ(err, 0);
		CHECK_EQ(a.len, f[i].len);
		CHECK_EQ(a.size, f[i].size);
		CHECK_EQ(a.reg, f[i].reg);
		CHECK_EQ(a.write, f[i].write);
		CHECK(a.operand == X86_OPERAND_REG);
		CHECK(a.string == X86_STRING_NONE && !a.rep);
		if (!f[i].write)
			CHECK_EQ(a.reg_size, f[i].reg_size);
	}
}

static int decode(enum x86_cpu_mode mode, const u8 *bytes, unsigned int n,
		  struct x86_mmio_access *a)
{
	*a = untouched;
	return x86_decode_mmio(bytes, n, mode, a);
}

UNIT_TEST(mov_between_register_and_memory_64bit)
{
	static const struct form f[] = {
		{ "mov (%rax),%eax",
		  M64,
		  { 0x8b, 0x00 },
		  2,
		  2,
		  4,
		  0,
		  false,
		  4 },
		{ "mov (%rdi),%rax",
		  M64,
		  { 0x48, 0x8b, 0x07 },
		  3,
		  3,
		  8,
		  0,
		  false,
		  8 },
		{ "mov (%rsi),%ax",
		  M64,
		  { 0x66, 0x8b, 0x06 },
		  3,
		  3,
		  2,
		  0,
		  false,
		  2 },
		{ "mov 0x10(%rdi),%al",
		  M64,
		  { 0x8a, 0x47, 0x10 },
		  3,
		  3,
		  1,
		  0,
		  false,
		  1 },
		{ "mov 0x10(%rdi),%sil",
		  M64,
		  { 0x40, 0x8a, 0x77, 0x10 },
		  4,
		  4,
		  1,
		  6,
		  false,
		  1 },
		{ "mov 0x4(%rax),%r9d",
		  M64,
		  { 0x44, 0x8b, 0x48, 0x04 },
		  4,
		  4,
		  4,
		  9,
		  false,
		  4 },
		{ "mov (%r8),%r10b",
		  M64,
		  { 0x45, 0x8a, 0x10 },
		  3,
		  3,
		  1,
		  10,
		  false,
		  1 },
		{ "mov %edx,(%rax)", M64, { 0x89, 0x10 }, 2, 2, 4, 2, true, 0 },
		{ "mov %r15,(%rsp)",
		  M64,
		  { 0x4c, 0x89, 0x3c, 0x24 },
		  4,
		  4,
		  8,
		  15,
		  true,
		  0 },
		{ "mov %eax,0x1000 (SIB, no base)",
		  M64,
		  { 0x89, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00 },
		  7,
		  7,
		  4,
		  0,
		  true,
		  0 },
		{ "mov 0x12345678(%rip),%eax",
		  M64,
		  { 0x8b, 0x05, 0x78, 0x56, 0x34, 0x12 },
		  6,
		  6,
		  4,
		  0,
		  false,
		  4 },
		{ "mov %eax,0x100(%rax,%rcx,4)",
		  M64,
		  { 0x89, 0x84, 0x88, 0x00, 0x01, 0x00, 0x00 },
		  7,
		  7,
		  4,
		  0,
		  true,
		  0 },
		{ "mov %bl,0x100000(%rax)",
		  M64,
		  { 0x88, 0x98, 0x00, 0x00, 0x10, 0x00 },
		  6,
		  6,
		  1,
		  3,
		  true,
		  0 },
		/* Trailing bytes of the next instruction are not its. */
		{ "mov (%rax),%eax; nop",
		  M64,
		  { 0x8b, 0x00, 0x90, 0x90 },
		  4,
		  2,
		  4,
		  0,
		  false,
		  4 },
	};

	check_forms(f, ARRAY_SIZE(f));
}

UNIT_TEST(byte_registers_4_to_7_are_high_bytes_without_rex)
{
	static const u8 ah[] = { 0x8a, 0x67, 0x10 }; /* mov 0x10(%rdi),%ah */
	static const u8 sil[] = { 0x40, 0x8a, 0x77, 0x10 };
	static const u8 bh_store[] = { 0x88, 0x38 }; /* mov %bh,(%rax) */
	struct x86_mmio_access a;

	CHECK_EQ(decode(M64, ah, sizeof(ah), &a), 0);
	CHECK(a.high_byte);
	CHECK_EQ(a.reg, X86_REG_RAX);
	CHECK_EQ(decode(M64, sil, sizeof(sil), &a), 0);
	CHECK(!a.high_byte);
	CHECK_EQ(a.reg, X86_REG_RSI);
	CHECK_EQ(decode(M64, bh_store, sizeof(bh_store), &a), 0);
	CHECK(a.high_byte && a.write);
	CHECK_EQ(a.reg, X86_REG_RBX);
	CHECK_EQ(x86_mmio_store_value(&a, 0x1122334455667788ULL), 0x77);
	/* 32-bit mode has no REX: the same bytes, the same high byte. */
	CHECK_EQ(decode(M32, ah, sizeof(ah), &a), 0);
	CHECK(a.high_byte);
}

UNIT_TEST(mov_immediate_to_memory)
{
	static const struct {
		const char *what;
		u8 bytes[12];
		unsigned int n, len, size;
		u64 imm;
	} f[] = {
		{ "movl $0x12345678,(%rax)",
		  { 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 },
		  6,
		  6,
		  4,
		  0x12345678 },
		{ "movq $-1,(%rax)",
		  { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff },
		  7,
		  7,
		  8,
		  ~0ULL },
		{ "movq $-0x80000000,(%rax)",
		  { 0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80 },
		  7,
		  7,
		  8,
		  0xffffffff80000000ULL },
		{ "movq $0x7fffffff,(%rax)",
		  { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f },
		  7,
		  7,
		  8,
		  0x7fffffff },
		{ "movw $0x1234,0x8(%rax)",
		  { 0x66, 0xc7, 0x40, 0x08, 0x34, 0x12 },
		  6,
		  6,
		  2,
		  0x1234 },
		{ "movb $0x5a,0x3(%rdi)",
		  { 0xc6, 0x47, 0x03, 0x5a },
		  4,
		  4,
		  1,
		  0x5a },
		{ "movl $1,0x1000(%rip)",
		  { 0xc7, 0x05, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00,
		    0x00 },
		  10,
		  10,
		  4,
		  1 },
	};
	struct x86_mmio_access a;

	for (unsigned int i = 0; i < ARRAY_SIZE(f); i++) {
		int err = decode(M64, f[i].bytes, f[i].n, &a);

		if (err || a.len != f[i].len || a.imm != f[i].imm)
			printf("  %s: err %d len %u imm 0x%llx\n", f[i].what,
			       err, a.len, (unsigned long long)a.imm);
		CHECK_EQ(err, 0);
		CHECK(a.operand == X86_OPERAND_IMM && a.write);
		CHECK_EQ(a.len, f[i].len);
		CHECK_EQ(a.size, f[i].size);
		CHECK_EQ(a.imm, f[i].imm);
		CHECK_EQ(x86_mmio_store_value(&a, a.imm), f[i].imm);
	}
}

UNIT_TEST(mov_with_a_memory_offset)
{
	static const u8 load64[] = { 0xa1, 0x88, 0x77, 0x66, 0x55,
				     0x44, 0x33, 0x22, 0x11 };
	static const u8 store8[] = { 0xa2, 0x88, 0x77, 0x66, 0x55,
				     0x44, 0x33, 0x22, 0x11 };
	static const u8 addr32[] = { 0x67, 0x48, 0xa3, 0x00, 0x10, 0x00, 0x00 };
	static const u8 mode32[] = { 0xa1, 0x00, 0x10, 0x00, 0x00 };
	static const u8 mode16[] = { 0xa1, 0x00, 0x10 };
	struct x86_mmio_access a;

	CHECK_EQ(decode(M64, load64, sizeof(load64), &a), 0);
	CHECK(!a.write && a.len == 9 && a.size == 4 && a.reg == 0);
	CHECK_EQ(decode(M64, store8, sizeof(store8), &a), 0);
	CHECK(a.write && a.len == 9 && a.size == 1 && !a.high_byte);
	CHECK_EQ(decode(M64, addr32, sizeof(addr32), &a), 0);
	CHECK(a.write && a.len == 7 && a.size == 8);
	CHECK_EQ(decode(M32, mode32, sizeof(mode32), &a), 0);
	CHECK(a.len == 5 && a.size == 4);
	CHECK_EQ(decode(M16, mode16, sizeof(mode16), &a), 0);
	CHECK(a.len == 3 && a.size == 2);
	/* Short of its offset. */
	CHECK_EQ(decode(M64, load64, 8, &a), -ENODATA);
	CHECK(is_untouched(&a));
}

UNIT_TEST(movzx_movsx_movsxd)
{
	static const struct {
		const char *what;
		u8 bytes[6];
		unsigned int n, len, size, reg, reg_size;
		bool sign;
	} f[] = {
		{ "movzbl (%rdi),%eax",
		  { 0x0f, 0xb6, 0x07 },
		  3,
		  3,
		  1,
		  0,
		  4,
		  false },
		{ "movzwl 0x2(%rbx),%r11d",
		  { 0x44, 0x0f, 0xb7, 0x5b, 0x02 },
		  5,
		  5,
		  2,
		  11,
		  4,
		  false },
		{ "movswq (%rdi),%rax",
		  { 0x48, 0x0f, 0xbf, 0x07 },
		  4,
		  4,
		  2,
		  0,
		  8,
		  true },
		{ "movsbw (%rcx),%dx",
		  { 0x66, 0x0f, 0xbe, 0x11 },
		  4,
		  4,
		  1,
		  2,
		  2,
		  true },
		{ "movslq (%rdi),%rax",
		  { 0x48, 0x63, 0x07 },
		  3,
		  3,
		  4,
		  0,
		  8,
		  true },
		{ "movsxd without REX.W: a 32-bit load",
		  { 0x63, 0x07 },
		  2,
		  2,
		  4,
		  0,
		  4,
		  false },
	};
	struct x86_mmio_access a;

	for (unsigned int i = 0; i < ARRAY_SIZE(f); i++) {
		int err = decode(M64, f[i].bytes, f[i].n, &a);

		if (err || a.len != f[i].len || a.size != f[i].size ||
		    a.reg != f[i].reg || a.reg_size != f[i].reg_size ||
		    a.sign_extend != f[i].sign)
			printf("  %s: err %d len %u size %u reg %u reg_size %u "
			       "sign %d\n",
			       f[i].what, err, a.len, a.size, a.reg, a.reg_size,
			       a.sign_extend);
		CHECK_EQ(err, 0);
		CHECK(!a.write && !a.high_byte);
		CHECK_EQ(a.len, f[i].len);
		CHECK_EQ(a.size, f[i].size);
		CHECK_EQ(a.reg, f[i].reg);
		CHECK_EQ(a.reg_size, f[i].reg_size);
		CHECK_EQ(a.sign_extend, f[i].sign);
	}
}

UNIT_TEST(string_forms)
{
	static const u8 rep_movsl[] = { 0xf3, 0xa5 };
	static const u8 rep_stosq[] = { 0xf3, 0x48, 0xab };
	static const u8 lodsb[] = { 0xac };
	static const u8 addr32_rep_movsb[] = { 0x67, 0xf3, 0xa4 };
	static const u8 stosw16[] = { 0xab };
	struct x86_mmio_access a;

	CHECK_EQ(decode(M64, rep_movsl, sizeof(rep_movsl), &a), 0);
	CHECK(a.string == X86_STRING_MOVS && a.operand == X86_OPERAND_STRING);
	CHECK(a.rep && a.len == 2 && a.size == 4 && a.addr_size == 8);
	CHECK_EQ(decode(M64, rep_stosq, sizeof(rep_stosq), &a), 0);
	CHECK(a.string == X86_STRING_STOS && a.write && a.rep);
	CHECK(a.operand == X86_OPERAND_REG && a.reg == X86_REG_RAX);
	CHECK(a.len == 3 && a.size == 8);
	CHECK_EQ(decode(M64, lodsb, sizeof(lodsb), &a), 0);
	CHECK(a.string == X86_STRING_LODS && !a.write && !a.rep);
	CHECK(a.size == 1 && a.reg_size == 1 && !a.high_byte && a.len == 1);
	CHECK_EQ(decode(M64, addr32_rep_movsb, sizeof(addr32_rep_movsb), &a),
		 0);
	CHECK(a.rep && a.size == 1 && a.addr_size == 4 && a.len == 3);
	CHECK_EQ(decode(M16, stosw16, sizeof(stosw16), &a), 0);
	CHECK(a.size == 2 && a.addr_size == 2);
}

UNIT_TEST(prefixes_that_change_nothing_or_are_dropped)
{
	/* mov %fs:(%rax),%eax: the fault gave the address. */
	static const u8 fs[] = { 0x64, 0x8b, 0x00 };
	/* xrelease mov %eax,(%rax): REP on a store is HLE, not a count. */
	static const u8 xrelease[] = { 0xf3, 0x89, 0x00 };
	/* A REX followed by a legacy prefix is ignored: a 16-bit load. */
	static const u8 rex_then_66[] = { 0x48, 0x66, 0x8b, 0x00 };
	/* Of two REX prefixes the last counts. */
	static const u8 two_rex[] = { 0x48, 0x44, 0x8b, 0x00 };
	struct x86_mmio_access a;

	CHECK_EQ(decode(M64, fs, sizeof(fs), &a), 0);
	CHECK(a.len == 3 && a.size == 4);
	CHECK_EQ(decode(M64, xrelease, sizeof(xrelease), &a), 0);
	CHECK(a.write && !a.rep && a.len == 3);
	CHECK_EQ(decode(M64, rex_then_66, sizeof(rex_then_66), &a), 0);
	CHECK(a.size == 2 && a.reg == 0 && a.len == 4);
	CHECK_EQ(decode(M64, two_rex, sizeof(two_rex), &a), 0);
	CHECK(a.size == 4 && a.reg == 8 && a.len == 4);
}

UNIT_TEST(legacy_modes_and_16bit_addressing)
{
	static const struct form f[] = {
		{ "32: mov (%eax),%eax",
		  M32,
		  { 0x8b, 0x00 },
		  2,
		  2,
		  4,
		  0,
		  false,
		  4 },
		{ "32: mov (%eax),%ax",
		  M32,
		  { 0x66, 0x8b, 0x00 },
		  3,
		  3,
		  2,
		  0,
		  false,
		  2 },
		{ "32: mov %eax,0x1000 (disp32, no RIP)",
		  M32,
		  { 0x89, 0x05, 0x00, 0x10, 0x00, 0x00 },
		  6,
		  6,
		  4,
		  0,
		  true,
		  0 },
		{ "32: addr16 mov (%bx,%si),%eax",
		  M32,
		  { 0x67, 0x8b, 0x00 },
		  3,
		  3,
		  4,
		  0,
		  false,
		  4 },
		{ "32: addr16 mov 0x1234,%eax",
		  M32,
		  { 0x67, 0x8b, 0x06, 0x34, 0x12 },
		  5,
		  5,
		  4,
		  0,
		  false,
		  4 },
		{ "16: mov (%bx),%ax",
		  M16,
		  { 0x8b, 0x07 },
		  2,
		  2,
		  2,
		  0,
		  false,
		  2 },
		{ "16: mov (%bx),%eax",
		  M16,
		  { 0x66, 0x8b, 0x07 },
		  3,
		  3,
		  4,
		  0,
		  false,
		  4 },
		{ "16: mov 0x2(%bp),%ax",
		  M16,
		  { 0x8b, 0x46, 0x02 },
		  3,
		  3,
		  2,
		  0,
		  false,
		  2 },
		{ "16: mov 0x1234(%bx),%ax",
		  M16,
		  { 0x8b, 0x87, 0x34, 0x12 },
		  4,
		  4,
		  2,
		  0,
		  false,
		  2 },
		{ "16: addr32 mov (%eax,%ecx,1),%ax",
		  M16,
		  { 0x67, 0x8b, 0x04, 0x08 },
		  4,
		  4,
		  2,
		  0,
		  false,
		  2 },
	};

	check_forms(f, ARRAY_SIZE(f));
}

UNIT_TEST(refused_forms)
{
	static const struct {
		const char *what;
		enum x86_cpu_mode mode;
		u8 bytes[16];
		unsigned int n;
	} f[] = {
		{ "mov %eax,%eax (no memory)", M64, { 0x8b, 0xc0 }, 2 },
		{ "lock mov %eax,(%rax)", M64, { 0xf0, 0x89, 0x00 }, 3 },
		{ "add %eax,(%rax)", M64, { 0x01, 0x00 }, 2 },
		{ "ud2", M64, { 0x0f, 0x0b }, 2 },
		{ "c7 /1", M64, { 0xc7, 0x08, 0, 0, 0, 0 }, 6 },
		{ "cmpsb", M64, { 0xa6 }, 1 },
		{ "32: arpl (63)", M32, { 0x63, 0x00 }, 2 },
		{ "32: 40 is inc %eax", M32, { 0x40, 0x8b, 0x00 }, 3 },
		{ "15 prefixes and an opcode",
		  M64,
		  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		    0x66, 0x66, 0x66, 0x66, 0x66, 0x8b },
		  16 },
		{ "16 bytes long",
		  M64,
		  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x67, 0xc7, 0x84,
		    0x88, 0, 0, 0, 0, 0x34 },
		  16 },
	};
	struct x86_mmio_access a;

	for (unsigned int i = 0; i < ARRAY_SIZE(f); i++) {
		int err = decode(f[i].mode, f[i].bytes, f[i].n, &a);

		if (err != -EINVAL)
			printf("  %s: %d\n", f[i].what, err);
		CHECK_EQ(err, -EINVAL);
		CHECK(is_untouched(&a));
	}
}

UNIT_TEST(truncated_instructions_ask_for_more)
{
	static const u8 sib[] = { 0x89, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00 };
	static const u8 imm[] = { 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 };
	static const u8 movzx[] = { 0x0f, 0xb6, 0x07 };
	struct x86_mmio_access a;

	CHECK_EQ(decode(M64, sib, 0, &a), -ENODATA);
	for (unsigned int n = 1; n < sizeof(sib); n++)
		CHECK_EQ(decode(M64, sib, n, &a), -ENODATA);
	for (unsigned int n = 1; n < sizeof(imm); n++)
		CHECK_EQ(decode(M64, imm, n, &a), -ENODATA);
	for (unsigned int n = 1; n < sizeof(movzx); n++)
		CHECK_EQ(decode(M64, movzx, n, &a), -ENODATA);
	CHECK(is_untouched(&a));
	CHECK_EQ(decode(M64, sib, sizeof(sib), &a), 0);
}

/* The opcodes (after any prefix) that may decode: nothing else does. */
static bool claimed_opcode(u8 op)
{
	return (op >= 0x88 && op <= 0x8b) || op == 0xc6 || op == 0xc7 ||
	       (op >= 0xa0 && op <= 0xa5) || (op >= 0xaa && op <= 0xad) ||
	       op == 0x63 || op == 0x0f;
}

UNIT_TEST(every_one_byte_opcode)
{
	u8 bytes[X86_INSN_MAX_LEN] = { 0 };
	struct x86_mmio_access a;
	unsigned int decoded = 0;

	/* Opcode, then ModRM 0x00 ((%rax)) and zero bytes. */
	for (unsigned int op = 0; op < 256; op++) {
		bool prefix = op == 0x26 || op == 0x2e || op == 0x36 ||
			      op == 0x3e || op == 0x64 || op == 0x65 ||
			      op == 0x66 || op == 0x67 || op == 0xf2 ||
			      op == 0xf3 || (op & 0xf0) == 0x40;
		int err;

		bytes[0] = (u8)op;
		err = decode(M64, bytes, sizeof(bytes), &a);
		if (prefix || op == 0xf0)
			continue; /* decoded as the prefix of what follows */
		if (!claimed_opcode((u8)op)) {
			CHECK_EQ(err, -EINVAL);
			continue;
		}
		if (op == 0x0f) { /* 0F 00: not MOVZX/MOVSX */
			CHECK_EQ(err, -EINVAL);
			continue;
		}
		CHECK_EQ(err, 0);
		CHECK(a.len >= 1 && a.len <= 10);
		decoded++;
	}
	/* 88-8B, C6, C7, A0-A5, AA-AD, 63 */
	CHECK_EQ(decoded, 4 + 2 + 6 + 4 + 1);
}

/*
 * Garbage: whatever the bytes, a decode stays within them and within 15,
 * succeeds only for a claimed opcode, and leaves *out alone on refusal.
 */
UNIT_TEST(garbage_bytes)
{
	u64 seed = 0x9e3779b97f4a7c15ULL;
	unsigned int ok = 0, refused = 0, short_ = 0;

	for (unsigned int iter = 0; iter < 200000; iter++) {
		u8 bytes[X86_INSN_MAX_LEN + 1];
		struct x86_mmio_access a;
		enum x86_cpu_mode mode = (enum x86_cpu_mode)(iter % 3);
		unsigned int n;
		int err;

		for (unsigned int i = 0; i < sizeof(bytes); i++) {
			seed = seed * 6364136223846793005ULL +
			       1442695040888963407ULL;
			bytes[i] = (u8)(seed >> 56);
			/* Prefixes and claimed opcodes more often than chance. */
			if ((seed >> 40) % 4 == 0)
				bytes[i] = (u8)(0x88 + (seed >> 32) % 4);
			else if ((seed >> 40) % 7 == 0)
				bytes[i] = (u8)(0x40 + (seed >> 32) % 16);
		}
		n = (unsigned int)((seed >> 20) % (sizeof(bytes) + 1));
		err = decode(mode, bytes, n, &a);
		if (err == 0) {
			CHECK(a.len >= 1 && a.len <= n &&
			      a.len <= X86_INSN_MAX_LEN);
			CHECK(a.size == 1 || a.size == 2 || a.size == 4 ||
			      a.size == 8);
			CHECK(a.reg < 16);
			ok++;
		} else {
			CHECK(err == -EINVAL || err == -ENODATA);
			CHECK(is_untouched(&a));
			if (err == -ENODATA)
				short_++;
			else
				refused++;
		}
	}
	/* The mix exercised all three outcomes. */
	CHECK(ok > 1000 && refused > 1000 && short_ > 1000);
}

UNIT_TEST(register_results_of_loads)
{
	const u64 old = 0x1111222233334444ULL;
	struct x86_mmio_access a = { 0 };

	/* mov 8 bits into AL keeps the rest; into AH, bits 15:8. */
	a.size = a.reg_size = 1;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0xab), 0x11112222333344abULL);
	a.high_byte = true;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0xab), 0x111122223333ab44ULL);
	a.high_byte = false;
	/* 16 bits keep the rest; 32 clear bits 63:32; 64 replace. */
	a.size = a.reg_size = 2;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0xbeef), 0x111122223333beefULL);
	a.size = a.reg_size = 4;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0xdeadbeef), 0xdeadbeefULL);
	a.size = a.reg_size = 8;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0x0123456789abcdefULL),
		 0x0123456789abcdefULL);
	/* Bits above the access are not the device's. */
	a.size = a.reg_size = 1;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0xffffff80), 0x1111222233334480);
	/* movzbl: zero-extended, upper half cleared. */
	a.size = 1;
	a.reg_size = 4;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0x80), 0x80);
	/* movsbw: sign-extended to 16, the rest kept. */
	a.sign_extend = true;
	a.reg_size = 2;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0x80), 0x111122223333ff80ULL);
	/* movswq and movslq. */
	a.size = 2;
	a.reg_size = 8;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0x8000), 0xffffffffffff8000ULL);
	a.size = 4;
	CHECK_EQ(x86_mmio_load_result(&a, old, 0x7fffffff), 0x7fffffffULL);
	CHECK_EQ(x86_mmio_load_result(&a, old, 0x80000000),
		 0xffffffff80000000ULL);
	/* Stores take the access's bytes of the register. */
	a = (struct x86_mmio_access){ .size = 2 };
	CHECK_EQ(x86_mmio_store_value(&a, old), 0x4444);
	a.size = 8;
	CHECK_EQ(x86_mmio_store_value(&a, old), old);
}

/* MOV to and from control registers, as SVM's CR8 intercepts need them. */
struct cr_form {
	const char *what;
	enum x86_cpu_mode mode;
	u8 bytes[X86_INSN_MAX_LEN];
	unsigned int n;
	int err;
	unsigned int len, cr, reg;
	bool write;
};

#define CR_REFUSED(w, m, count, e, ...)                             \
	{                                                           \
		.what = (w), .mode = (m), .bytes = { __VA_ARGS__ }, \
		.n = (count), .err = (e)                            \
	}

static const struct cr_form cr_forms[] = {
	{ "mov %rax,%cr8",
	  M64,
	  { 0x44, 0x0f, 0x22, 0xc0 },
	  4,
	  0,
	  4,
	  8,
	  0,
	  true },
	{ "mov %cr8,%rcx",
	  M64,
	  { 0x44, 0x0f, 0x20, 0xc1 },
	  4,
	  0,
	  4,
	  8,
	  1,
	  false },
	{ "mov %r9,%cr8",
	  M64,
	  { 0x45, 0x0f, 0x22, 0xc1 },
	  4,
	  0,
	  4,
	  8,
	  9,
	  true },
	{ "mov %cr3,%r15",
	  M64,
	  { 0x41, 0x0f, 0x20, 0xdf },
	  4,
	  0,
	  4,
	  3,
	  15,
	  false },
	{ "lock mov %eax,%cr0 (CR8)",
	  M32,
	  { 0xf0, 0x0f, 0x22, 0xc0 },
	  4,
	  0,
	  4,
	  8,
	  0,
	  true },
	{ "lock mov %cr0,%ecx (CR8)",
	  M32,
	  { 0xf0, 0x0f, 0x20, 0xc1 },
	  4,
	  0,
	  4,
	  8,
	  1,
	  false },
	{ "mov %eax,%cr3", M32, { 0x0f, 0x22, 0xd8 }, 3, 0, 3, 3, 0, true },
	/* The mod field is ignored: 0x00 is still a register operand. */
	{ "mov %eax,%cr0 (mod 0)",
	  M32,
	  { 0x0f, 0x22, 0x00 },
	  3,
	  0,
	  3,
	  0,
	  0,
	  true },
	{ "66 mov %cr8,%rdx",
	  M64,
	  { 0x66, 0x44, 0x0f, 0x20, 0xc2 },
	  5,
	  0,
	  5,
	  8,
	  2,
	  false },
	/* Refused */
	CR_REFUSED("lock mov %eax,%cr3", M32, 4, -EINVAL, 0xf0, 0x0f, 0x22,
		   0xd8),
	CR_REFUSED("mov %eax,%dr0", M32, 3, -EINVAL, 0x0f, 0x23, 0xc0),
	CR_REFUSED("rep mov %eax,%cr0", M32, 4, -EINVAL, 0xf3, 0x0f, 0x22,
		   0xc0),
	CR_REFUSED("REX in 32-bit mode is INC", M32, 4, -EINVAL, 0x44, 0x0f,
		   0x22, 0xc0),
	CR_REFUSED("nop", M64, 1, -EINVAL, 0x90),
	CR_REFUSED("truncated", M64, 3, -ENODATA, 0x44, 0x0f, 0x22),
	CR_REFUSED("prefixes only", M64, 2, -ENODATA, 0x66, 0x66),
};

UNIT_TEST(mov_control_register_forms)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cr_forms); i++) {
		const struct cr_form *f = &cr_forms[i];
		struct x86_cr_access a = { .len = 99, .cr = 99, .reg = 99 };
		int err = x86_decode_mov_cr(f->bytes, f->n, f->mode, &a);

		if (err != f->err)
			printf("  %s: error %d, expected %d\n", f->what, err,
			       f->err);
		CHECK_EQ(err, f->err);
		if (err)
			continue;
		CHECK_EQ(a.len, f->len);
		CHECK_EQ(a.cr, f->cr);
		CHECK_EQ(a.reg, f->reg);
		CHECK_EQ(a.write, f->write);
	}
}

/* The source segment of OUTS/LODS/MOVS: an override's, else DS. */
UNIT_TEST(string_source_segment)
{
	static const u8 outsb[] = { 0x6e };
	static const u8 fs_outsb[] = { 0x64, 0x6e };
	static const u8 es_rep_outsb[] = { 0x26, 0xf3, 0x6e };
	static const u8 rep_gs_outsw[] = { 0xf3, 0x66, 0x65, 0x6f };
	static const u8 ss_then_cs[] = { 0x36, 0x2e, 0x6e };
	static const u8 only_prefix[] = { 0x64 };

	CHECK_EQ(x86_decode_string_segment(outsb, 1, M32), X86_SEG_DS);
	CHECK_EQ(x86_decode_string_segment(fs_outsb, 2, M64), X86_SEG_FS);
	CHECK_EQ(x86_decode_string_segment(es_rep_outsb, 3, M32), X86_SEG_ES);
	CHECK_EQ(x86_decode_string_segment(rep_gs_outsw, 4, M64), X86_SEG_GS);
	/* The last override counts. */
	CHECK_EQ(x86_decode_string_segment(ss_then_cs, 3, M16), X86_SEG_CS);
	CHECK_EQ(x86_decode_string_segment(only_prefix, 1, M64), -ENODATA);
}

UNIT_MAIN();
