/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables an x86 guest finds its machine in (ACPI 6.4): RSDP,
 * RSDT and XSDT, FADT with its FACS, a DSDT holding \_S5 and the
 * virtio-mmio devices (\_SB.VRnn), and the
 * MADT with the guest's local APICs, its I/O APIC, the PC's interrupt
 * source overrides and LINT1 as NMI. guest_acpi.c writes them into a
 * buffer that the guest sees at a given guest-physical address;
 * tests/unit/test_x86_guest_acpi.c reads them back with acpi.c and has
 * ACPICA's disassembler (iasl) check each one.
 */
#ifndef X86_GUEST_ACPI_H
#define X86_GUEST_ACPI_H

#include <keel/types.h>

#define GUEST_ACPI_MAX_CPUS 255U /* xAPIC entries: 8-bit APIC IDs */
#define GUEST_ACPI_MAX_VIRTIO 64U /* \_SB.VR00 to VR3F */

/*
 * A virtio-mmio device in the DSDT: an LNRO0005 device (the _HID Linux's
 * virtio_mmio driver matches, as QEMU's microvm machine gives it) with
 * its register window below 4 GiB and its I/O APIC input.
 */
struct x86_guest_acpi_mmio {
	u32 base, size;
	u32 gsi;
	bool level; /* else edge */
	bool low; /* active low, else high */
};

/*
 * The machine to describe. Ports are I/O ports; a zero pm_tmr means no
 * PM timer. APIC IDs and ACPI processor UIDs are 0 to nr_cpus - 1.
 */
struct x86_guest_acpi {
	unsigned int nr_cpus;
	u32 lapic_base;
	u32 ioapic_base;
	u8 ioapic_id;
	bool pic; /* an 8259A pair is there too (MADT PCAT_COMPAT) */
	u16 sci_irq; /* an ISA IRQ, level-triggered and active high */
	u16 pm1a_evt, pm1a_cnt, pm_tmr;
	u16 reset_port;
	u8 reset_value;
	u8 s5_slp_typ; /* what \_S5 tells the guest to write for S5 */
	unsigned int nr_virtio;
	struct x86_guest_acpi_mmio virtio[GUEST_ACPI_MAX_VIRTIO];
};

/*
 * Write the tables into buf, which the guest sees at guest-physical
 * address base (below 4 GiB: the FADT's 32-bit fields and the RSDT
 * point into it). 0, *used (bytes written) and *rsdp (the RSDP's
 * guest-physical address, 16-byte aligned); -ENOSPC when size is too
 * small, -EINVAL for a machine that cannot be described (no CPU, more
 * than GUEST_ACPI_MAX_CPUS, more than GUEST_ACPI_MAX_VIRTIO virtio
 * devices, base misaligned or above 4 GiB); why says which.
 */
int x86_guest_acpi_build(const struct x86_guest_acpi *m, u64 base, void *buf,
			 size_t size, size_t *used, u64 *rsdp, char *why,
			 size_t why_size);

#endif
