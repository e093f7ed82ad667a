/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keel's host device tree on x86, made from what the firmware gave: the
 * ACPI tables (acpi.h) and the PVH start_info (pvh.h). core/ then reads
 * it as it reads the device tree of every other arch, and drivers bind
 * to its nodes by compatible. The nodes and their compatibles are listed
 * in arch/x86_64/README.md ("The host device tree").
 */
#ifndef X86_HOST_FDT_H
#define X86_HOST_FDT_H

#include <keel/types.h>

#include "acpi.h"
#include "pvh.h"

/* Where every PC has its first serial port, and its ISA interrupt. */
#define X86_COM1_PORT 0x3f8
#define X86_COM1_ISA_IRQ 4

/*
 * Interrupt specifier flags of the I/O APIC nodes' second cell: the
 * trigger and polarity of a GSI, as in <dt-bindings/interrupt-controller/
 * irq.h>.
 */
#define X86_IRQ_EDGE_RISING 1
#define X86_IRQ_EDGE_FALLING 2
#define X86_IRQ_LEVEL_HIGH 4
#define X86_IRQ_LEVEL_LOW 8

/* The GSI and specifier flags an ISA interrupt arrives as (MADT overrides). */
void x86_isa_irq(const struct acpi_machine *m, unsigned int isa_irq, u32 *gsi,
		 u32 *flags);

/*
 * Write the host device tree into buf. 0; -ENOSPC when size is too
 * small; -EINVAL when the machine has no MADT or no enabled CPU; why
 * says which.
 */
int x86_host_fdt_build(const struct acpi_machine *m, const struct pvh_boot *b,
		       void *buf, size_t size, char *why, size_t why_size);

#endif
