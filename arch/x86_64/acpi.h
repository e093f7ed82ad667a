/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables an x86 machine describes itself with, read into what
 * Keel needs of them (acpi.c, host-tested by tests/unit/test_x86_acpi.c
 * against QEMU q35's own tables): the RSDP, the RSDT or XSDT, the MADT
 * (local APICs and x2APICs, I/O APICs, interrupt source overrides), the
 * HPET, the MCFG and the FADT (reset register, PM1 control blocks, SCI)
 * with the DSDT's \_S5 sleep type for power-off. Layouts as the ACPI 6.4
 * specification gives them (5.2.5 RSDP, 5.2.6 headers, 5.2.9 FADT,
 * 5.2.12 MADT) and the HPET and PCI Firmware specifications.
 *
 * Turning this into device-tree nodes is the port's next step; the
 * reader here checks everything it reads and never trusts a length.
 */
#ifndef X86_ACPI_H
#define X86_ACPI_H

#include <keel/types.h>

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_MCFG 4

/* Physical memory as the reader sees it: NULL for what is not there. */
struct acpi_memory {
	const void *(*map)(void *ctx, u64 phys, size_t len);
	void *ctx;
};

/* A Generic Address Structure (5.2.3.2). */
struct acpi_gas {
	u8 space; /* ACPI_SPACE_* */
	u8 bit_width, bit_offset, access_size;
	u64 address;
};
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1

struct acpi_cpu {
	u32 apic_id;
	u32 uid; /* ACPI processor UID */
	bool enabled;
	bool x2apic; /* from a Processor Local x2APIC entry */
};

struct acpi_ioapic {
	u32 id;
	u32 address;
	u32 gsi_base;
};

/* An ISA interrupt that is not identity-mapped or not edge/high. */
struct acpi_override {
	u8 bus, source;
	u32 gsi;
	u16 flags; /* MPS INTI flags: polarity bits 1:0, trigger 3:2 */
};

struct acpi_mcfg {
	u64 base;
	u16 segment;
	u8 bus_start, bus_end;
};

struct acpi_machine {
	u8 revision; /* the RSDP's: 0 (RSDT) or 2 and later (XSDT) */
	bool has_madt;
	u64 lapic_base;
	unsigned int nr_cpus;
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned int nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int nr_overrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	bool has_hpet;
	u64 hpet_base;
	unsigned int nr_mcfg;
	struct acpi_mcfg mcfg[ACPI_MAX_MCFG];
	bool has_fadt;
	u16 sci_irq;
	struct acpi_gas pm1a_cnt, pm1b_cnt; /* pm1b's address 0: none */
	bool reset_supported; /* FADT flag RESET_REG_SUP */
	struct acpi_gas reset_reg;
	u8 reset_value;
	bool has_s5; /* \_S5 found in the DSDT */
	u8 s5_slp_typ_a, s5_slp_typ_b;
	/* Tables skipped (bad checksum, short, unmapped), the last reason. */
	unsigned int bad_tables;
	char bad_why[96];
};

/*
 * Read the tables from the RSDP at rsdp_phys. 0 and *out; -EINVAL with
 * why when the RSDP or the RSDT/XSDT itself is unusable. A bad table
 * under it is skipped and counted in out->bad_tables, as Linux does.
 */
int acpi_read_machine(const struct acpi_memory *mem, u64 rsdp_phys,
		      struct acpi_machine *out, char *why, size_t why_size);

#endif
