// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI table reading (arch/x86_64/acpi.c). QEMU q35's own tables
 * (x86_q35_acpi.h) give the expected machine; copies of them are then
 * corrupted the ways firmware and memory get tables wrong (checksums,
 * lengths, entries running past their table, pointers to nothing), and
 * tables made here cover what q35 does not use (an XSDT, x2APIC
 * entries, a local APIC address override, \_S5 with BytePrefix values).
 */
#include "unit.h"

#include <keel/bitops.h>
#include <keel/errno.h>
#include <string.h>

#include "../../arch/x86_64/acpi.h"
#include "x86_q35_acpi.h"

#define MADT_PHYS 0xffe2220ULL
#define HPET_PHYS 0xffe22a0ULL
#define FACP_PHYS 0xffe212cULL
#define RSDT_PHYS 0xffe233cULL
#define EXTRA_PHYS 0x100000ULL /* tables made here */

struct region {
	u64 phys;
	u8 *buf;
	size_t len;
};

static u8 rsdp[36];
static u8 area[sizeof(q35_area)];
static u8 extra[4096];
static struct region regions[3];
static struct acpi_machine m;
static char why[128];

static const void *map(void *ctx, u64 phys, size_t len)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(regions); i++) {
		struct region *r = &regions[i];

		if (phys >= r->phys && len <= r->len &&
		    phys - r->phys <= r->len - len)
			return r->buf + (phys - r->phys);
	}
	return NULL;
}

static const struct acpi_memory mem = { map, NULL };

/* Fresh copies of q35's tables, nothing made up yet. */
static void reset(void)
{
	memset(rsdp, 0, sizeof(rsdp));
	memcpy(rsdp, q35_rsdp, sizeof(q35_rsdp));
	memcpy(area, q35_area, sizeof(area));
	memset(extra, 0, sizeof(extra));
	regions[0] = (struct region){ Q35_RSDP_PHYS, rsdp, sizeof(q35_rsdp) };
	regions[1] = (struct region){ Q35_AREA_PHYS, area, sizeof(area) };
	regions[2] = (struct region){ EXTRA_PHYS, extra, sizeof(extra) };
}

static u8 *at(u64 phys)
{
	return (u8 *)map(NULL, phys, 1);
}

static void fix_checksum(u8 *p, size_t len, size_t field)
{
	u8 sum = 0;

	p[field] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + p[i]);
	p[field] = (u8)-sum;
}

static void fix_table(u64 phys)
{
	u8 *t = at(phys);

	fix_checksum(t, le32_get(t + 4), 9);
}

static int read_machine(void)
{
	why[0] = 0;
	return acpi_read_machine(&mem, Q35_RSDP_PHYS, &m, why, sizeof(why));
}

static void check_why(const char *text, const char *want)
{
	if (!strstr(text, want))
		printf("  \"%s\" lacks \"%s\"\n", text, want);
	CHECK(strstr(text, want) != NULL);
}

UNIT_TEST(q35_tables)
{
	static const struct {
		u8 source;
		u32 gsi;
		u16 flags;
	} overrides[] = { { 0, 2, 0 },
			  { 5, 5, 0xd },
			  { 9, 9, 0xd },
			  { 10, 10, 0xd },
			  { 11, 11, 0xd } };

	reset();
	CHECK_EQ(read_machine(), 0);
	CHECK_EQ(m.revision, 0);
	CHECK_EQ(m.bad_tables, 0);
	CHECK(m.has_madt);
	CHECK_EQ(m.lapic_base, 0xfee00000);
	CHECK_EQ(m.nr_cpus, 2);
	for (unsigned int i = 0; i < 2; i++) {
		CHECK_EQ(m.cpus[i].apic_id, i);
		CHECK_EQ(m.cpus[i].uid, i);
		CHECK(m.cpus[i].enabled && !m.cpus[i].x2apic);
	}
	CHECK_EQ(m.nr_ioapics, 1);
	CHECK_EQ(m.ioapics[0].id, 0);
	CHECK_EQ(m.ioapics[0].address, 0xfec00000);
	CHECK_EQ(m.ioapics[0].gsi_base, 0);
	CHECK_EQ(m.nr_overrides, ARRAY_SIZE(overrides));
	for (unsigned int i = 0; i < ARRAY_SIZE(overrides); i++) {
		CHECK_EQ(m.overrides[i].bus, 0);
		CHECK_EQ(m.overrides[i].source, overrides[i].source);
		CHECK_EQ(m.overrides[i].gsi, overrides[i].gsi);
		CHECK_EQ(m.overrides[i].flags, overrides[i].flags);
	}
	CHECK(m.has_hpet);
	CHECK_EQ(m.hpet_base, 0xfed00000);
	CHECK_EQ(m.nr_mcfg, 1);
	CHECK_EQ(m.mcfg[0].base, 0xb0000000);
	CHECK_EQ(m.mcfg[0].segment, 0);
	CHECK_EQ(m.mcfg[0].bus_start, 0);
	CHECK_EQ(m.mcfg[0].bus_end, 255);
	CHECK(m.has_fadt);
	CHECK_EQ(m.sci_irq, 9);
	CHECK_EQ(m.pm1a_cnt.space, ACPI_SPACE_IO);
	CHECK_EQ(m.pm1a_cnt.address, 0x604);
	CHECK_EQ(m.pm1a_cnt.bit_width, 16);
	CHECK_EQ(m.pm1b_cnt.address, 0);
	CHECK(m.reset_supported);
	CHECK_EQ(m.reset_reg.space, ACPI_SPACE_IO);
	CHECK_EQ(m.reset_reg.address, 0xcf9);
	CHECK_EQ(m.reset_reg.bit_width, 8);
	CHECK_EQ(m.reset_value, 0x0f);
	CHECK(m.has_s5);
	CHECK_EQ(m.s5_slp_typ_a, 0);
	CHECK_EQ(m.s5_slp_typ_b, 0);
}

UNIT_TEST(rsdp_and_rsdt_refusals)
{
	reset();
	rsdp[0] = 'r';
	CHECK_EQ(read_machine(), -EINVAL);
	check_why(why, "no valid RSDP");
	reset();
	rsdp[16] ^= 1; /* the RSDT's address, checksum not fixed */
	CHECK_EQ(read_machine(), -EINVAL);
	check_why(why, "no valid RSDP");
	reset();
	regions[0].phys = 0xe0000;
	CHECK_EQ(read_machine(), -EINVAL);

	reset();
	at(RSDT_PHYS)[40] ^= 0xff;
	CHECK_EQ(read_machine(), -EINVAL);
	check_why(why, "RSDT at 0xffe233c: bad checksum");
	reset();
	le32_put(at(RSDT_PHYS) + 4, 20);
	CHECK_EQ(read_machine(), -EINVAL);
	check_why(why, "shorter than its header");
	reset();
	le32_put(at(RSDT_PHYS) + 4, 0x1000); /* past the end of memory */
	CHECK_EQ(read_machine(), -EINVAL);
	check_why(why, "not in memory");
	reset();
	memcpy(at(RSDT_PHYS), "XSDT", 4);
	fix_table(RSDT_PHYS);
	CHECK_EQ(read_machine(), -EINVAL);
	check_why(why, "wrong signature");
}

UNIT_TEST(bad_tables_are_skipped_and_counted)
{
	u8 *madt;

	reset();
	at(HPET_PHYS)[44] ^= 1; /* the base address, checksum not fixed */
	CHECK_EQ(read_machine(), 0);
	CHECK(!m.has_hpet);
	CHECK_EQ(m.bad_tables, 1);
	check_why(m.bad_why, "0xffe22a0: bad checksum");
	CHECK(m.has_madt && m.has_fadt && m.nr_mcfg == 1);

	/* An entry's length running past the table: entries before kept. */
	reset();
	madt = at(MADT_PHYS);
	madt[44 + 8 + 1] = 200; /* the second CPU's entry */
	fix_table(MADT_PHYS);
	CHECK_EQ(read_machine(), 0);
	CHECK_EQ(m.nr_cpus, 1);
	CHECK_EQ(m.nr_ioapics, 0);
	CHECK_EQ(m.bad_tables, 1);
	check_why(m.bad_why, "runs past the table");
	/* A zero-length entry would loop for ever. */
	madt[44 + 8 + 1] = 0;
	fix_table(MADT_PHYS);
	CHECK_EQ(read_machine(), 0);
	CHECK_EQ(m.nr_cpus, 1);
	check_why(m.bad_why, "runs past the table");

	/* Lengths that cannot be: short, or beyond memory. */
	reset();
	le32_put(at(HPET_PHYS) + 4, 35);
	CHECK_EQ(read_machine(), 0);
	CHECK(!m.has_hpet);
	check_why(m.bad_why, "shorter than its header");
	reset();
	le32_put(at(HPET_PHYS) + 4, 40); /* a header, no base address */
	fix_table(HPET_PHYS);
	CHECK_EQ(read_machine(), 0);
	CHECK(!m.has_hpet);
	check_why(m.bad_why, "shorter than its fixed fields");
	reset();
	le32_put(at(RSDT_PHYS) + 36 + 8, 0x7000000); /* HPET: nowhere */
	fix_table(RSDT_PHYS);
	CHECK_EQ(read_machine(), 0);
	CHECK(!m.has_hpet);
	check_why(m.bad_why, "0x7000000: not in memory");

	/* A DSDT that is bad costs \_S5 only. */
	reset();
	at(0xffe0040)[100] ^= 1;
	CHECK_EQ(read_machine(), 0);
	CHECK(m.has_fadt && !m.has_s5);
	check_why(m.bad_why, "DSDT at 0xffe0040: bad checksum");
}

/* A table header of length len at p with signature sig. */
static void header(u8 *p, const char *sig, u32 len, u8 revision)
{
	memcpy(p, sig, 4);
	le32_put(p + 4, len);
	p[8] = revision;
	memcpy(p + 10, "KEELTS", 6);
}

/* A Processor Local x2APIC entry at e; the byte after it. */
static u8 *x2apic_entry(u8 *e, u32 apic_id, u32 flags, u32 uid)
{
	e[0] = 9;
	e[1] = 16;
	le32_put(e + 4, apic_id);
	le32_put(e + 8, flags);
	le32_put(e + 12, uid);
	return e + 16;
}

UNIT_TEST(xsdt_x2apic_and_s5_forms)
{
	/* extra: XSDT at +0, MADT at +0x100, FADT at +0x200, DSDT at +0x400 */
	static const u8 aml[] = { 0x10, 0x05, 0x5c, 0x00, 0x00, /* Scope */
				  0x08, 0x5c, '_',  'S',  '5',
				  '_',	0x12, 0x08, 0x04, 0x0a,
				  0x07, 0x0a, 0x05, 0x00, 0x00 };
	u8 *xsdt = extra, *madt = extra + 0x100, *fadt = extra + 0x200;
	u8 *dsdt = extra + 0x400, *e;

	reset();
	/* RSDP revision 2 pointing at an XSDT. */
	rsdp[15] = 2;
	le32_put(rsdp + 20, 36);
	le64_put(rsdp + 24, EXTRA_PHYS);
	regions[0].len = 36;
	fix_checksum(rsdp, 20, 8);
	fix_checksum(rsdp, 36, 32);

	header(xsdt, "XSDT", 36 + 3 * 8, 1);
	le64_put(xsdt + 36, EXTRA_PHYS + 0x100);
	le64_put(xsdt + 44, EXTRA_PHYS + 0x200);
	le64_put(xsdt + 52, HPET_PHYS); /* q35's, through 64 bits */
	fix_checksum(xsdt, 36 + 3 * 8, 9);

	/* Two x2APICs (one disabled) and a local APIC address override. */
	header(madt, "APIC", 44 + 16 * 2 + 12, 5);
	le32_put(madt + 36, 0xfee00000);
	e = madt + 44;
	e = x2apic_entry(e, 0x100, 1, 7);
	e = x2apic_entry(e, 0x101, 0, 8);
	e[0] = 5;
	e[1] = 12;
	le64_put(e + 4, 0x1fee00000ULL);
	fix_checksum(madt, le32_get(madt + 4), 9);

	/* q35's FADT, its DSDT made here (through X_DSDT), reset off. */
	memcpy(fadt, at(FACP_PHYS), 244);
	le32_put(fadt + 40, 0);
	le64_put(fadt + 140, EXTRA_PHYS + 0x400);
	le32_put(fadt + 112, le32_get(fadt + 112) & ~(1U << 10));
	fix_checksum(fadt, 244, 9);
	header(dsdt, "DSDT", 36 + sizeof(aml), 2);
	memcpy(dsdt + 36, aml, sizeof(aml));
	fix_checksum(dsdt, 36 + sizeof(aml), 9);

	CHECK_EQ(read_machine(), 0);
	CHECK_EQ(m.revision, 2);
	CHECK_EQ(m.bad_tables, 0);
	CHECK_EQ(m.nr_cpus, 2);
	CHECK(m.cpus[0].x2apic && m.cpus[0].enabled);
	CHECK_EQ(m.cpus[0].apic_id, 0x100);
	CHECK_EQ(m.cpus[0].uid, 7);
	CHECK(m.cpus[1].x2apic && !m.cpus[1].enabled);
	CHECK_EQ(m.cpus[1].apic_id, 0x101);
	CHECK_EQ(m.lapic_base, 0x1fee00000ULL);
	CHECK(m.has_hpet && m.has_fadt && !m.reset_supported);
	CHECK(m.has_s5);
	CHECK_EQ(m.s5_slp_typ_a, 7);
	CHECK_EQ(m.s5_slp_typ_b, 5);
	/* The XSDT's own checksum. */
	xsdt[40] ^= 1;
	CHECK_EQ(read_machine(), -EINVAL);
	check_why(why, "XSDT at 0x100000: bad checksum");
	/* The RSDP's extended checksum. */
	xsdt[40] ^= 1;
	rsdp[33] ^= 1;
	CHECK_EQ(read_machine(), -EINVAL);
	check_why(why, "extended length or checksum");
}

/*
 * Random damage that checksums do not catch (each table's sum fixed
 * after it): every read ends, within the tables, with bounded counts.
 */
UNIT_TEST(random_damage_with_valid_checksums)
{
	static const u64 tables[] = { RSDT_PHYS, MADT_PHYS,    HPET_PHYS,
				      FACP_PHYS, 0xffe22d8ULL, 0xffe0040ULL };
	u64 seed = 0x2545f4914f6cdd1dULL;
	unsigned int ok = 0, refused = 0;

	for (unsigned int iter = 0; iter < 3000; iter++) {
		unsigned int t, flips;
		u8 *p;
		u32 len;
		int err;

		reset();
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		t = (unsigned int)(seed >> 33) % ARRAY_SIZE(tables);
		p = at(tables[t]);
		len = le32_get(p + 4);
		flips = 1 + (unsigned int)(seed >> 20) % 4;
		for (unsigned int i = 0; i < flips; i++) {
			seed = seed * 6364136223846793005ULL +
			       1442695040888963407ULL;
			/* Not the signature; the length itself sometimes. */
			p[4 + (seed >> 35) % (len - 4)] ^= (u8)(seed >> 56);
		}
		/* Fixed only while the length still fits in memory. */
		if (le32_get(p + 4) == len)
			fix_table(tables[t]);
		err = read_machine();
		CHECK(err == 0 || err == -EINVAL);
		if (err) {
			refused++;
			continue;
		}
		ok++;
		CHECK(m.nr_cpus <= ACPI_MAX_CPUS);
		CHECK(m.nr_ioapics <= ACPI_MAX_IOAPICS);
		CHECK(m.nr_overrides <= ACPI_MAX_OVERRIDES);
		CHECK(m.nr_mcfg <= ACPI_MAX_MCFG);
	}
	CHECK(ok > 1000);
	CHECK(refused > 10); /* the RSDT's own damage */
}

UNIT_MAIN();
