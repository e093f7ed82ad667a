// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the ACPI tables (acpi.h). Every table is mapped for its header
 * first, then for the length the header gives, and checksummed before
 * any field of it is used; entries inside a table are bounded by it.
 */
#include <keel/bitops.h>
#include <keel/errno.h>
#include <keel/printf.h>
#include <keel/string.h>

#include "acpi.h"

#define RSDP_SIGNATURE "RSD PTR "
#define RSDP_V1_LENGTH 20 /* what the first checksum covers */
#define RSDP_V2_LENGTH 36
#define RSDP_REVISION 15
#define RSDP_RSDT 16
#define RSDP_LENGTH 20
#define RSDP_XSDT 24

#define SDT_HEADER_LENGTH 36
#define SDT_LENGTH 4
/* A table longer than this is taken for garbage (QEMU's DSDT: 8 KiB). */
#define SDT_MAX_LENGTH (1U << 20)

#define MADT_LAPIC_ADDRESS 36
#define MADT_ENTRIES 44
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_LAPIC_ADDRESS_OVERRIDE 5
#define MADT_X2APIC 9
#define MADT_LAPIC_ENABLED 1U

#define HPET_BASE 40 /* a GAS */
#define HPET_LENGTH 56
#define MCFG_ENTRIES 44
#define MCFG_ENTRY_LENGTH 16

#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_FLAGS 112
#define FADT_RESET_REG 116 /* a GAS */
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172 /* a GAS */
#define FADT_X_PM1B_CNT 184 /* a GAS */
#define FADT_RESET_REG_SUP (1U << 10)
#define GAS_LENGTH 12

#define AML_NAME_OP 0x08
#define AML_PACKAGE_OP 0x12
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_BYTE_PREFIX 0x0a
#define AML_ROOT_PREFIX 0x5c

static u8 checksum(const u8 *p, size_t len)
{
	u8 sum = 0;

	while (len--)
		sum = (u8)(sum + *p++);
	return sum;
}

static void note_bad(struct acpi_machine *m, const char *what, u64 phys,
		     const char *why)
{
	m->bad_tables++;
	snprintf(m->bad_why, sizeof(m->bad_why), "%s at 0x%llx: %s", what,
		 (unsigned long long)phys, why);
}

/*
 * The table at phys, checked: NULL and *why when it is not mapped,
 * shorter than its header, implausibly long, or does not sum to zero.
 * *len its length.
 */
static const u8 *table_at(const struct acpi_memory *mem, u64 phys, u32 *len,
			  const char **why)
{
	const u8 *p = mem->map(mem->ctx, phys, SDT_HEADER_LENGTH);
	u32 n;

	*why = "not in memory";
	if (!p)
		return NULL;
	n = le32_get(p + SDT_LENGTH);
	*why = "length shorter than its header, or over 1 MiB";
	if (n < SDT_HEADER_LENGTH || n > SDT_MAX_LENGTH)
		return NULL;
	p = mem->map(mem->ctx, phys, n);
	*why = "not in memory";
	if (!p)
		return NULL;
	*why = "bad checksum";
	if (checksum(p, n))
		return NULL;
	*len = n;
	return p;
}

static void read_gas(const u8 *p, struct acpi_gas *g)
{
	g->space = p[0];
	g->bit_width = p[1];
	g->bit_offset = p[2];
	g->access_size = p[3];
	g->address = le64_get(p + 4);
}

static void add_cpu(struct acpi_machine *m, u32 apic_id, u32 uid, u32 flags,
		    bool x2apic)
{
	struct acpi_cpu *c;

	if (m->nr_cpus >= ACPI_MAX_CPUS)
		return;
	c = &m->cpus[m->nr_cpus++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->enabled = flags & MADT_LAPIC_ENABLED;
	c->x2apic = x2apic;
}

static void read_madt(const u8 *t, u32 len, struct acpi_machine *m, u64 phys)
{
	u32 off = MADT_ENTRIES;

	if (len < MADT_ENTRIES) {
		note_bad(m, "MADT", phys, "shorter than its fixed fields");
		return;
	}
	m->has_madt = true;
	m->lapic_base = le32_get(t + MADT_LAPIC_ADDRESS);
	while (off + 2 <= len) {
		const u8 *e = t + off;
		u8 type = e[0], elen = e[1];

		if (elen < 2 || off + elen > len) {
			note_bad(m, "MADT", phys,
				 "an entry's length runs past the table");
			return;
		}
		if (type == MADT_LAPIC && elen >= 8) {
			add_cpu(m, e[3], e[2], le32_get(e + 4), false);
		} else if (type == MADT_X2APIC && elen >= 16) {
			add_cpu(m, le32_get(e + 4), le32_get(e + 12),
				le32_get(e + 8), true);
		} else if (type == MADT_IOAPIC && elen >= 12 &&
			   m->nr_ioapics < ACPI_MAX_IOAPICS) {
			struct acpi_ioapic *io = &m->ioapics[m->nr_ioapics++];

			io->id = e[2];
			io->address = le32_get(e + 4);
			io->gsi_base = le32_get(e + 8);
		} else if (type == MADT_OVERRIDE && elen >= 10 &&
			   m->nr_overrides < ACPI_MAX_OVERRIDES) {
			struct acpi_override *o =
				&m->overrides[m->nr_overrides++];

			o->bus = e[2];
			o->source = e[3];
			o->gsi = le32_get(e + 4);
			o->flags = le16_get(e + 8);
		} else if (type == MADT_LAPIC_ADDRESS_OVERRIDE && elen >= 12) {
			m->lapic_base = le64_get(e + 4);
		}
		off += elen;
	}
}

static void read_hpet(const u8 *t, u32 len, struct acpi_machine *m, u64 phys)
{
	struct acpi_gas base;

	if (len < HPET_LENGTH) {
		note_bad(m, "HPET", phys, "shorter than its fixed fields");
		return;
	}
	read_gas(t + HPET_BASE, &base);
	m->has_hpet = true;
	m->hpet_base = base.address;
}

static void read_mcfg(const u8 *t, u32 len, struct acpi_machine *m)
{
	for (u32 off = MCFG_ENTRIES;
	     off + MCFG_ENTRY_LENGTH <= len && m->nr_mcfg < ACPI_MAX_MCFG;
	     off += MCFG_ENTRY_LENGTH) {
		struct acpi_mcfg *c = &m->mcfg[m->nr_mcfg++];

		c->base = le64_get(t + off);
		c->segment = le16_get(t + off + 8);
		c->bus_start = t[off + 10];
		c->bus_end = t[off + 11];
	}
}

/* A PM1 control block: the 64-bit GAS where the FADT is long enough. */
static void pm1_block(const u8 *t, u32 len, u32 legacy, u32 extended,
		      struct acpi_gas *g)
{
	if (len >= extended + GAS_LENGTH)
		read_gas(t + extended, g);
	if (!g->address) {
		memset(g, 0, sizeof(*g));
		g->space = ACPI_SPACE_IO;
		g->bit_width = 16;
		g->address = le32_get(t + legacy);
	}
}

/*
 * \_S5's package in the DSDT's AML: Name (_S5, Package (n) {a, b, ...})
 * with a and b as ZeroOp, OneOp or BytePrefix constants. A search, not
 * an AML interpreter: what firmware (QEMU's, and most) writes.
 */
static void read_s5(const u8 *t, u32 len, struct acpi_machine *m)
{
	for (u32 i = SDT_HEADER_LENGTH; i + 9 <= len; i++) {
		/* The name may be given from the root: \_S5_. */
		u32 n = i + 1 + (t[i + 1] == AML_ROOT_PREFIX), j;
		u8 v[2];

		if (t[i] != AML_NAME_OP || memcmp(t + n, "_S5_", 4) ||
		    t[n + 4] != AML_PACKAGE_OP)
			continue;
		/* PkgLength: its top two bits count the bytes that follow. */
		j = n + 5 + 1 + (t[n + 5] >> 6) + 1; /* past NumElements */
		for (unsigned int k = 0; k < 2; k++) {
			if (j >= len)
				return;
			if (t[j] == AML_ZERO_OP || t[j] == AML_ONE_OP) {
				v[k] = t[j];
				j++;
			} else if (t[j] == AML_BYTE_PREFIX && j + 1 < len) {
				v[k] = t[j + 1];
				j += 2;
			} else {
				return;
			}
		}
		m->has_s5 = true;
		m->s5_slp_typ_a = v[0];
		m->s5_slp_typ_b = v[1];
		return;
	}
}

static void read_fadt(const struct acpi_memory *mem, const u8 *t, u32 len,
		      struct acpi_machine *m, u64 phys)
{
	const char *why;
	const u8 *dsdt;
	u64 dsdt_phys;
	u32 dlen;

	if (len < FADT_RESET_VALUE + 1) {
		note_bad(m, "FADT", phys, "shorter than ACPI 2.0's");
		return;
	}
	m->has_fadt = true;
	m->sci_irq = le16_get(t + FADT_SCI_INT);
	pm1_block(t, len, FADT_PM1A_CNT, FADT_X_PM1A_CNT, &m->pm1a_cnt);
	pm1_block(t, len, FADT_PM1B_CNT, FADT_X_PM1B_CNT, &m->pm1b_cnt);
	m->reset_supported = le32_get(t + FADT_FLAGS) & FADT_RESET_REG_SUP;
	read_gas(t + FADT_RESET_REG, &m->reset_reg);
	m->reset_value = t[FADT_RESET_VALUE];
	dsdt_phys = len >= FADT_X_DSDT + 8 ? le64_get(t + FADT_X_DSDT) : 0;
	if (!dsdt_phys)
		dsdt_phys = le32_get(t + FADT_DSDT);
	dsdt = table_at(mem, dsdt_phys, &dlen, &why);
	if (!dsdt || memcmp(dsdt, "DSDT", 4)) {
		note_bad(m, "DSDT", dsdt_phys, dsdt ? "not a DSDT" : why);
		return;
	}
	read_s5(dsdt, dlen, m);
}

static void read_table(const struct acpi_memory *mem, u64 phys,
		       struct acpi_machine *m)
{
	const char *why;
	u32 len;
	const u8 *t = table_at(mem, phys, &len, &why);

	if (!t) {
		note_bad(m, "table", phys, why);
		return;
	}
	if (!memcmp(t, "APIC", 4))
		read_madt(t, len, m, phys);
	else if (!memcmp(t, "HPET", 4))
		read_hpet(t, len, m, phys);
	else if (!memcmp(t, "MCFG", 4))
		read_mcfg(t, len, m);
	else if (!memcmp(t, "FACP", 4))
		read_fadt(mem, t, len, m, phys);
}

int acpi_read_machine(const struct acpi_memory *mem, u64 rsdp_phys,
		      struct acpi_machine *out, char *why, size_t why_size)
{
	const u8 *rsdp = mem->map(mem->ctx, rsdp_phys, RSDP_V1_LENGTH);
	const u8 *sdt;
	const char *bad;
	unsigned int entry;
	u64 sdt_phys;
	u32 len;

	memset(out, 0, sizeof(*out));
	if (!rsdp || memcmp(rsdp, RSDP_SIGNATURE, 8) ||
	    checksum(rsdp, RSDP_V1_LENGTH)) {
		snprintf(why, why_size, "no valid RSDP at 0x%llx",
			 (unsigned long long)rsdp_phys);
		return -EINVAL;
	}
	out->revision = rsdp[RSDP_REVISION];
	sdt_phys = le32_get(rsdp + RSDP_RSDT);
	entry = 4;
	if (out->revision >= 2) {
		rsdp = mem->map(mem->ctx, rsdp_phys, RSDP_V2_LENGTH);
		len = rsdp ? le32_get(rsdp + RSDP_LENGTH) : 0;
		if (!rsdp || len < RSDP_V2_LENGTH ||
		    !(rsdp = mem->map(mem->ctx, rsdp_phys, len)) ||
		    checksum(rsdp, len)) {
			snprintf(why, why_size,
				 "RSDP revision %u at 0x%llx: bad extended "
				 "length or checksum",
				 out->revision, (unsigned long long)rsdp_phys);
			return -EINVAL;
		}
		if (le64_get(rsdp + RSDP_XSDT)) {
			sdt_phys = le64_get(rsdp + RSDP_XSDT);
			entry = 8;
		}
	}
	sdt = table_at(mem, sdt_phys, &len, &bad);
	if (!sdt || memcmp(sdt, entry == 8 ? "XSDT" : "RSDT", 4)) {
		snprintf(why, why_size, "%s at 0x%llx: %s",
			 entry == 8 ? "XSDT" : "RSDT",
			 (unsigned long long)sdt_phys,
			 sdt ? "wrong signature" : bad);
		return -EINVAL;
	}
	for (u32 off = SDT_HEADER_LENGTH; off + entry <= len; off += entry)
		read_table(mem,
			   entry == 8 ? le64_get(sdt + off) :
					le32_get(sdt + off),
			   out);
	return 0;
}
