/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC and I/O APICs ("keel,x86-lapic", "keel,x86-ioapic"):
 * the root irqchip core/ sees on x86-64 (drivers/irqchip/x86-apic.c).
 *
 * Keel's host IRQ numbers on x86-64 are interrupt vectors:
 *   0x30 + GSI   a device line routed through an I/O APIC
 *   0xef         the local APIC timer (drivers/timer/x86_tsc.c)
 *   0xf0 + n     IPI n (enum ipi_type)
 *   0xff         the local APIC's spurious vector (never dispatched)
 */
#ifndef KEEL_DRIVERS_X86_APIC_H
#define KEEL_DRIVERS_X86_APIC_H

#include <keel/types.h>

#define X86_VECTOR_GSI_BASE 0x30
#define X86_VECTOR_APIC_TIMER 0xef
#define X86_VECTOR_IPI_BASE 0xf0
#define X86_VECTOR_SPURIOUS 0xff
#define X86_MAX_GSI (X86_VECTOR_APIC_TIMER - X86_VECTOR_GSI_BASE)

/* Whether this CPU's local APIC is set up (the irqchip probed). */
bool x86_apic_ready(void);
/*
 * This CPU's timer, counting down from count at the bus clock (divide
 * by 1) in one-shot mode; 0 stops it. Its interrupt is enabled by
 * irq_register() of X86_VECTOR_APIC_TIMER.
 */
void x86_apic_timer_start(u32 count);
u32 x86_apic_timer_remaining(void);
/*
 * INIT, then STARTUP twice, to the CPU with this APIC id: it starts in
 * real mode at start_page (4 KiB-aligned, below 1 MiB). 0, or -EINVAL
 * for an address STARTUP cannot name, -ETIMEDOUT when the APIC never
 * sent one of them.
 */
int x86_apic_start_cpu(u32 apic_id, paddr_t start_page);

#endif
