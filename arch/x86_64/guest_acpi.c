// SPDX-License-Identifier: GPL-2.0
/*
 * An x86 guest's ACPI tables (guest_acpi.h), laid out one after another
 * in the order a reader follows them: RSDP, XSDT, RSDT, FADT, FACS,
 * DSDT, MADT. Layouts from the ACPI 6.4 specification (5.2.5 RSDP,
 * 5.2.6 headers, 5.2.9 FADT, 5.2.10 FACS, 5.2.12 MADT) and the AML
 * grammar (20.2) for \_S5 and the virtio devices (with the resource
 * descriptors of 6.4).
 */
#include <keel/bitops.h>
#include <keel/errno.h>
#include <keel/printf.h>
#include <keel/string.h>

#include "guest_acpi.h"

#define HEADER_LENGTH 36
#define RSDP_LENGTH 36
#define RSDP_V1_LENGTH 20
#define FADT_LENGTH 276
#define FADT_REVISION 6
#define FADT_MINOR 4
#define FACS_LENGTH 64
#define FACS_ALIGN 64
#define MADT_REVISION 5
#define TABLE_ALIGN 16
#define GAS_LENGTH 12
#define GAS_IO 1
/*
 * GAS access sizes: the PM1 blocks "legacy", as in ACPI 1.0 (their
 * halves are 16-bit registers); the reset register bytes, the PM timer
 * dwords.
 */
#define GAS_LEGACY 0
#define GAS_BYTE 1
#define GAS_DWORD 3

/* FADT fields (Table 5.9) */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_PM1A_EVT_BLK 56
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM_TMR_BLK 76
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN 91
#define FADT_P_LVL2_LAT 96
#define FADT_P_LVL3_LAT 98
#define FADT_CENTURY 108
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR_VERSION 131
#define FADT_X_FIRMWARE_CTRL 132
#define FADT_X_DSDT 140
#define FADT_X_PM1A_EVT_BLK 148
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM_TMR_BLK 208
/* C2 and C3 latencies over 100 and 1000 us: neither is supported. */
#define NO_C2 101
#define NO_C3 1001
#define CMOS_CENTURY 0x32
/* FADT flags */
#define FADT_WBINVD (1U << 0)
#define FADT_PROC_C1 (1U << 2)
#define FADT_PWR_BUTTON (1U << 4) /* none, as a fixed feature */
#define FADT_SLP_BUTTON (1U << 5)
#define FADT_TMR_VAL_EXT (1U << 8) /* a 32-bit PM timer */
#define FADT_RESET_REG_SUP (1U << 10)
/* IA-PC boot architecture flags: ISA devices there, no 8042, no VGA. */
#define IAPC_LEGACY_DEVICES (1U << 0)
#define IAPC_VGA_NOT_PRESENT (1U << 2)

/* MADT */
#define MADT_LAPIC_ADDRESS 36
#define MADT_FLAGS 40
#define MADT_PCAT_COMPAT 1U
#define MADT_LAPIC 0
#define MADT_LAPIC_LENGTH 8
#define MADT_IOAPIC 1
#define MADT_IOAPIC_LENGTH 12
#define MADT_OVERRIDE 2
#define MADT_OVERRIDE_LENGTH 10
#define MADT_LAPIC_NMI 4
#define MADT_LAPIC_NMI_LENGTH 6
#define MADT_ENABLED 1U
#define ALL_PROCESSORS 0xff
/* MPS INTI flags: polarity and trigger given, high and level. */
#define INTI_LEVEL_HIGH 0x000d
#define ISA_TIMER_IRQ 0
#define TIMER_GSI 2

/* AML */
#define AML_NAME_OP 0x08
#define AML_PACKAGE_OP 0x12
#define AML_BYTE_PREFIX 0x0a
#define AML_ZERO_OP 0x00
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_STRING_PREFIX 0x0d
#define AML_EXT_OP_PREFIX 0x5b
#define AML_DEVICE_OP 0x82 /* after the prefix */
#define AML_ROOT_CHAR 0x5c
/* Resource descriptors (6.4.3) */
#define RES_MEMORY32_FIXED 0x86
#define RES_MEMORY32_FIXED_LENGTH 9
#define RES_READ_WRITE 0x01
#define RES_EXT_IRQ 0x89
#define RES_EXT_IRQ_LENGTH 6
#define RES_EXT_IRQ_CONSUMER (1U << 0)
#define RES_EXT_IRQ_EDGE (1U << 1)
#define RES_EXT_IRQ_LOW (1U << 2)
#define RES_END_TAG 0x79

struct layout {
	u8 *buf;
	size_t size, used;
	u64 base;
};

static u8 checksum(const u8 *p, size_t len)
{
	u8 sum = 0;

	while (len--)
		sum = (u8)(sum + *p++);
	return (u8)-sum;
}

/* Room for len bytes at the next multiple of align; NULL if none. */
static u8 *reserve(struct layout *l, size_t len, size_t align, u64 *gpa)
{
	size_t at = (l->used + align - 1) & ~(align - 1);

	if (at > l->size || len > l->size - at)
		return NULL;
	l->used = at + len;
	*gpa = l->base + at;
	memset(l->buf + at, 0, len);
	return l->buf + at;
}

static void header(u8 *t, const char *sig, u32 len, u8 revision)
{
	memcpy(t, sig, 4);
	le32_put(t + 4, len);
	t[8] = revision;
	memcpy(t + 10, "KEEL  ", 6);
	memcpy(t + 16, "KEELVM  ", 8);
	le32_put(t + 24, 1);
	memcpy(t + 28, "KEEL", 4);
	le32_put(t + 32, 1);
}

static void seal(u8 *t)
{
	t[9] = 0;
	t[9] = checksum(t, le32_get(t + 4));
}

/* A Generic Address Structure for bytes at an I/O port. */
static void gas_io(u8 *p, u16 port, u8 bytes, u8 access)
{
	p[0] = GAS_IO;
	p[1] = (u8)(bytes * 8);
	p[2] = 0;
	p[3] = access;
	le64_put(p + 4, port);
}

static void write_fadt(u8 *t, const struct x86_guest_acpi *m, u64 facs,
		       u64 dsdt)
{
	u32 flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON |
		    FADT_SLP_BUTTON | FADT_RESET_REG_SUP;

	header(t, "FACP", FADT_LENGTH, FADT_REVISION);
	le32_put(t + FADT_FIRMWARE_CTRL, (u32)facs);
	le32_put(t + FADT_DSDT, (u32)dsdt);
	le16_put(t + FADT_SCI_INT, m->sci_irq);
	le32_put(t + FADT_PM1A_EVT_BLK, m->pm1a_evt);
	le32_put(t + FADT_PM1A_CNT_BLK, m->pm1a_cnt);
	t[FADT_PM1_EVT_LEN] = 4;
	t[FADT_PM1_CNT_LEN] = 2;
	if (m->pm_tmr) {
		le32_put(t + FADT_PM_TMR_BLK, m->pm_tmr);
		t[FADT_PM_TMR_LEN] = 4;
		flags |= FADT_TMR_VAL_EXT;
		gas_io(t + FADT_X_PM_TMR_BLK, m->pm_tmr, 4, GAS_DWORD);
	}
	le16_put(t + FADT_P_LVL2_LAT, NO_C2);
	le16_put(t + FADT_P_LVL3_LAT, NO_C3);
	t[FADT_CENTURY] = CMOS_CENTURY;
	le16_put(t + FADT_IAPC_BOOT_ARCH,
		 IAPC_LEGACY_DEVICES | IAPC_VGA_NOT_PRESENT);
	le32_put(t + FADT_FLAGS, flags);
	gas_io(t + FADT_RESET_REG, m->reset_port, 1, GAS_BYTE);
	t[FADT_RESET_VALUE] = m->reset_value;
	t[FADT_MINOR_VERSION] = FADT_MINOR;
	le64_put(t + FADT_X_FIRMWARE_CTRL, facs);
	le64_put(t + FADT_X_DSDT, dsdt);
	gas_io(t + FADT_X_PM1A_EVT_BLK, m->pm1a_evt, 4, GAS_LEGACY);
	gas_io(t + FADT_X_PM1A_CNT_BLK, m->pm1a_cnt, 2, GAS_LEGACY);
	seal(t);
}

static void write_facs(u8 *f)
{
	memcpy(f, "FACS", 4);
	le32_put(f + 4, FACS_LENGTH);
	f[32] = 2; /* version */
}

/* Name (_S5, Package (4) { typ, typ, Zero, Zero }) */
#define S5_AML_LENGTH 14
/*
 * Device (VRnn) { Name (_HID, "LNRO0005") Name (_UID, n)
 *	Name (_CRS, ResourceTemplate () { Memory32Fixed (ReadWrite, base,
 *	size) Interrupt (ResourceConsumer, Level or Edge, ActiveHigh or
 *	ActiveLow, Exclusive) { gsi } }) }
 * in 61 bytes: PkgLengths of one byte (below 64) throughout.
 */
#define CRS_BYTES (12 + 9 + 2)
#define CRS_AML_LENGTH (1 + 4 + 1 + 1 + 2 + CRS_BYTES)
#define DEVICE_BODY_LENGTH (4 + 15 + 7 + CRS_AML_LENGTH)
#define DEVICE_AML_LENGTH (2 + 1 + DEVICE_BODY_LENGTH)
/* Scope (\_SB) around them: a PkgLength of two bytes, then \_SB_. */
#define SCOPE_HEAD_LENGTH (1 + 2 + 5)

static size_t dsdt_aml_length(const struct x86_guest_acpi *m)
{
	if (!m->nr_virtio)
		return S5_AML_LENGTH;
	return S5_AML_LENGTH + SCOPE_HEAD_LENGTH +
	       m->nr_virtio * DEVICE_AML_LENGTH;
}

/* A PkgLength of two bytes (20.2.4): up to 4095, itself included. */
static u8 *pkg_length2(u8 *a, size_t len)
{
	a[0] = (u8)(0x40 | (len & 0xf));
	a[1] = (u8)(len >> 4);
	return a + 2;
}

static u8 *name_seg(u8 *a, const char *seg)
{
	memcpy(a, seg, 4);
	return a + 4;
}

static u8 *virtio_device(u8 *a, unsigned int i,
			 const struct x86_guest_acpi_mmio *d)
{
	static const char hex[] = "0123456789ABCDEF";
	char seg[5] = { 'V', 'R', hex[i >> 4 & 0xf], hex[i & 0xf], 0 };

	*a++ = AML_EXT_OP_PREFIX;
	*a++ = AML_DEVICE_OP;
	*a++ = (u8)(1 + DEVICE_BODY_LENGTH);
	a = name_seg(a, seg);
	*a++ = AML_NAME_OP;
	a = name_seg(a, "_HID");
	*a++ = AML_STRING_PREFIX;
	memcpy(a, "LNRO0005", 9); /* with its NUL */
	a += 9;
	*a++ = AML_NAME_OP;
	a = name_seg(a, "_UID");
	*a++ = AML_BYTE_PREFIX;
	*a++ = (u8)i;
	*a++ = AML_NAME_OP;
	a = name_seg(a, "_CRS");
	*a++ = AML_BUFFER_OP;
	*a++ = (u8)(1 + 2 + CRS_BYTES);
	*a++ = AML_BYTE_PREFIX;
	*a++ = CRS_BYTES;
	*a++ = RES_MEMORY32_FIXED;
	le16_put(a, RES_MEMORY32_FIXED_LENGTH);
	a[2] = RES_READ_WRITE;
	le32_put(a + 3, d->base);
	le32_put(a + 7, d->size);
	a += 11;
	*a++ = RES_EXT_IRQ;
	le16_put(a, RES_EXT_IRQ_LENGTH);
	a[2] = (u8)(RES_EXT_IRQ_CONSUMER | (d->level ? 0 : RES_EXT_IRQ_EDGE) |
		    (d->low ? RES_EXT_IRQ_LOW : 0));
	a[3] = 1; /* one interrupt */
	le32_put(a + 4, d->gsi);
	a += 8;
	*a++ = RES_END_TAG;
	*a++ = 0; /* checksum 0: none */
	return a;
}

static void write_dsdt(u8 *t, const struct x86_guest_acpi *m)
{
	u8 *a = t + HEADER_LENGTH;

	header(t, "DSDT", HEADER_LENGTH + (u32)dsdt_aml_length(m), 2);
	a[0] = AML_NAME_OP;
	memcpy(a + 1, "_S5_", 4);
	a[5] = AML_PACKAGE_OP;
	a[6] = 8; /* PkgLength: itself, NumElements and the elements */
	a[7] = 4;
	a[8] = AML_BYTE_PREFIX;
	a[9] = m->s5_slp_typ;
	a[10] = AML_BYTE_PREFIX;
	a[11] = m->s5_slp_typ;
	a[12] = AML_ZERO_OP;
	a[13] = AML_ZERO_OP;
	a += S5_AML_LENGTH;
	if (m->nr_virtio) {
		*a++ = AML_SCOPE_OP;
		a = pkg_length2(a, SCOPE_HEAD_LENGTH - 1 +
					   m->nr_virtio * DEVICE_AML_LENGTH);
		*a++ = AML_ROOT_CHAR;
		a = name_seg(a, "_SB_");
		for (unsigned int i = 0; i < m->nr_virtio; i++)
			a = virtio_device(a, i, &m->virtio[i]);
	}
	seal(t);
}

static u32 madt_length(const struct x86_guest_acpi *m)
{
	return 44 + m->nr_cpus * MADT_LAPIC_LENGTH + MADT_IOAPIC_LENGTH +
	       2 * MADT_OVERRIDE_LENGTH + MADT_LAPIC_NMI_LENGTH;
}

static u8 * override(u8 *e, u8 source, u32 gsi, u16 flags)
{
	e[0] = MADT_OVERRIDE;
	e[1] = MADT_OVERRIDE_LENGTH;
	e[2] = 0; /* ISA */
	e[3] = source;
	le32_put(e + 4, gsi);
	le16_put(e + 8, flags);
	return e + MADT_OVERRIDE_LENGTH;
}

static void write_madt(u8 *t, const struct x86_guest_acpi *m)
{
	u8 *e = t + 44;

	header(t, "APIC", madt_length(m), MADT_REVISION);
	le32_put(t + MADT_LAPIC_ADDRESS, m->lapic_base);
	le32_put(t + MADT_FLAGS, m->pic ? MADT_PCAT_COMPAT : 0);
	for (unsigned int i = 0; i < m->nr_cpus; i++, e += MADT_LAPIC_LENGTH) {
		e[0] = MADT_LAPIC;
		e[1] = MADT_LAPIC_LENGTH;
		e[2] = (u8)i; /* ACPI processor UID */
		e[3] = (u8)i; /* APIC ID */
		le32_put(e + 4, MADT_ENABLED);
	}
	e[0] = MADT_IOAPIC;
	e[1] = MADT_IOAPIC_LENGTH;
	e[2] = m->ioapic_id;
	le32_put(e + 4, m->ioapic_base);
	le32_put(e + 8, 0);
	e += MADT_IOAPIC_LENGTH;
	/* The PIT's IRQ 0 on pin 2, as on every PC; the SCI level and high. */
	e = override(e, ISA_TIMER_IRQ, TIMER_GSI, 0);
	e = override(e, (u8)m->sci_irq, m->sci_irq, INTI_LEVEL_HIGH);
	e[0] = MADT_LAPIC_NMI;
	e[1] = MADT_LAPIC_NMI_LENGTH;
	e[2] = ALL_PROCESSORS;
	le16_put(e + 3, 0);
	e[5] = 1; /* LINT1 */
	seal(t);
}

static void write_rsdp(u8 *p, u64 rsdt, u64 xsdt)
{
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "KEEL  ", 6);
	p[15] = 2; /* revision: XSDT */
	le32_put(p + 16, (u32)rsdt);
	le32_put(p + 20, RSDP_LENGTH);
	le64_put(p + 24, xsdt);
	p[8] = checksum(p, RSDP_V1_LENGTH);
	p[32] = checksum(p, RSDP_LENGTH);
}

int x86_guest_acpi_build(const struct x86_guest_acpi *m, u64 base, void *buf,
			 size_t size, size_t *used, u64 *rsdp, char *why,
			 size_t why_size)
{
	struct layout l = { buf, size, 0, base };
	u64 rsdp_gpa = 0, xsdt = 0, rsdt = 0, fadt = 0, facs = 0, dsdt = 0,
	    madt = 0;
	u8 *p_rsdp, *p_xsdt, *p_rsdt, *p_fadt, *p_facs, *p_dsdt, *p_madt;

	if (!m->nr_cpus || m->nr_cpus > GUEST_ACPI_MAX_CPUS) {
		snprintf(why, why_size,
			 "ACPI: %u vCPUs (1 to %u can be described)",
			 m->nr_cpus, GUEST_ACPI_MAX_CPUS);
		return -EINVAL;
	}
	if (m->nr_virtio > GUEST_ACPI_MAX_VIRTIO) {
		snprintf(
			why, why_size,
			"ACPI: %u virtio devices (at most %u can be described)",
			m->nr_virtio, GUEST_ACPI_MAX_VIRTIO);
		return -EINVAL;
	}
	if (base % FACS_ALIGN || base >= (1ULL << 32) ||
	    size > (1ULL << 32) - base) {
		snprintf(
			why, why_size,
			"ACPI: tables at 0x%llx: not 64-byte aligned below 4 GiB",
			(unsigned long long)base);
		return -EINVAL;
	}
	p_rsdp = reserve(&l, RSDP_LENGTH, TABLE_ALIGN, &rsdp_gpa);
	p_xsdt = reserve(&l, HEADER_LENGTH + 2 * 8, TABLE_ALIGN, &xsdt);
	p_rsdt = reserve(&l, HEADER_LENGTH + 2 * 4, TABLE_ALIGN, &rsdt);
	p_fadt = reserve(&l, FADT_LENGTH, TABLE_ALIGN, &fadt);
	p_facs = reserve(&l, FACS_LENGTH, FACS_ALIGN, &facs);
	p_dsdt = reserve(&l, HEADER_LENGTH + dsdt_aml_length(m), TABLE_ALIGN,
			 &dsdt);
	p_madt = reserve(&l, madt_length(m), TABLE_ALIGN, &madt);
	if (!p_rsdp || !p_xsdt || !p_rsdt || !p_fadt || !p_facs || !p_dsdt ||
	    !p_madt) {
		snprintf(why, why_size,
			 "ACPI: the tables do not fit in %zu bytes", size);
		return -ENOSPC;
	}
	write_madt(p_madt, m);
	write_dsdt(p_dsdt, m);
	write_facs(p_facs);
	write_fadt(p_fadt, m, facs, dsdt);
	header(p_xsdt, "XSDT", HEADER_LENGTH + 2 * 8, 1);
	le64_put(p_xsdt + HEADER_LENGTH, fadt);
	le64_put(p_xsdt + HEADER_LENGTH + 8, madt);
	seal(p_xsdt);
	header(p_rsdt, "RSDT", HEADER_LENGTH + 2 * 4, 1);
	le32_put(p_rsdt + HEADER_LENGTH, (u32)fadt);
	le32_put(p_rsdt + HEADER_LENGTH + 4, (u32)madt);
	seal(p_rsdt);
	write_rsdp(p_rsdp, rsdt, xsdt);
	*used = l.used;
	*rsdp = rsdp_gpa;
	return 0;
}
