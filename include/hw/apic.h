/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 APICs: the local APIC in xAPIC mode (Intel SDM vol. 3A ch. 11,
 * "Advanced Programmable Interrupt Controller"; AMD APM vol. 2 ch. 16)
 * and the I/O APIC (the 82093AA data sheet, which QEMU's q35 models).
 * Offsets are into the local APIC's 4 KiB window; each register is 32
 * bits wide at a 16-byte boundary.
 */
#ifndef KEEL_HW_APIC_H
#define KEEL_HW_APIC_H

#define LAPIC_DEFAULT_BASE 0xfee00000ULL
#define LAPIC_WINDOW 0x1000

#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_APR 0x090
#define LAPIC_PPR 0x0a0
#define LAPIC_EOI 0x0b0
#define LAPIC_RRD 0x0c0
#define LAPIC_LDR 0x0d0
#define LAPIC_DFR 0x0e0
#define LAPIC_SVR 0x0f0
#define LAPIC_ISR 0x100 /* 8 registers, 32 vectors each */
#define LAPIC_TMR 0x180
#define LAPIC_IRR 0x200
#define LAPIC_ESR 0x280
#define LAPIC_LVT_CMCI 0x2f0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define LAPIC_ID_SHIFT 24 /* xAPIC: the ID in bits 31:24 */
#define LAPIC_TPR_MASK 0xff
#define LAPIC_DFR_FLAT 0xffffffffU
#define LAPIC_DFR_CLUSTER 0x0fffffffU

#define SVR_VECTOR_MASK 0xff
#define SVR_ENABLE (1U << 8)
#define SVR_FOCUS_DISABLED (1U << 9)

/* ESR bits (errors latched, shown after a write to ESR) */
#define ESR_SEND_ILLEGAL_VECTOR (1U << 5)
#define ESR_RECEIVE_ILLEGAL_VECTOR (1U << 6)
#define ESR_ILLEGAL_REGISTER (1U << 7)

/* LVT entries */
#define LVT_VECTOR_MASK 0xff
#define LVT_DELIVERY_SHIFT 8
#define LVT_DELIVERY_MASK (7U << 8)
#define LVT_PENDING (1U << 12) /* delivery status, read-only */
#define LVT_ACTIVE_LOW (1U << 13)
#define LVT_REMOTE_IRR (1U << 14)
#define LVT_LEVEL (1U << 15)
#define LVT_MASKED (1U << 16)
#define LVT_TIMER_MODE_SHIFT 17
#define LVT_TIMER_MODE_MASK (3U << 17)
#define LVT_TIMER_ONESHOT 0
#define LVT_TIMER_PERIODIC 1
#define LVT_TIMER_TSC_DEADLINE 2

/* Delivery modes (ICR, LVT, I/O APIC redirection entries) */
#define APIC_DM_FIXED 0
#define APIC_DM_LOWEST 1
#define APIC_DM_SMI 2
#define APIC_DM_NMI 4
#define APIC_DM_INIT 5
#define APIC_DM_STARTUP 6
#define APIC_DM_EXTINT 7

/* ICR */
#define ICR_VECTOR_MASK 0xff
#define ICR_DELIVERY_SHIFT 8
#define ICR_DELIVERY_MASK (7U << 8)
#define ICR_LOGICAL (1U << 11)
#define ICR_PENDING (1U << 12)
#define ICR_ASSERT (1U << 14)
#define ICR_LEVEL (1U << 15)
#define ICR_SHORTHAND_SHIFT 18
#define ICR_SHORTHAND_MASK (3U << 18)
#define ICR_DEST_FIELD 0
#define ICR_SELF 1
#define ICR_ALL 2
#define ICR_ALL_BUT_SELF 3
#define ICR_HI_DEST_SHIFT 24
#define ICR_INIT (APIC_DM_INIT << ICR_DELIVERY_SHIFT)
#define ICR_STARTUP (APIC_DM_STARTUP << ICR_DELIVERY_SHIFT)

/* The timer's divide configuration: bits 3, 1, 0; 0b111 divides by 1. */
#define TIMER_DIVIDE_MASK 0xb
#define TIMER_DIVIDE_BY_1 0xb

/* IA32_APIC_BASE (MSR 0x1b) */
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ULL

/* The I/O APIC: an index register and a data window, 32-bit each. */
#define IOAPIC_DEFAULT_BASE 0xfec00000ULL
#define IOAPIC_WINDOW 0x20
#define IOAPIC_SELECT 0x00
#define IOAPIC_DATA 0x10
#define IOAPIC_EOI 0x40 /* version 0x20 and later: directed EOI */
#define IOAPIC_ID 0x00
#define IOAPIC_VERSION 0x01
#define IOAPIC_ARB 0x02
#define IOAPIC_ROUTE(n) (0x10 + 2 * (n)) /* low word; high word at +1 */
#define ROUTE_VECTOR_MASK 0xff
#define ROUTE_DELIVERY_SHIFT 8
#define ROUTE_LOGICAL (1U << 11)
#define ROUTE_PENDING (1U << 12) /* delivery status, read-only */
#define ROUTE_ACTIVE_LOW (1U << 13)
#define ROUTE_REMOTE_IRR (1U << 14) /* read-only */
#define ROUTE_LEVEL (1U << 15)
#define ROUTE_MASKED (1U << 16)
#define ROUTE_DEST_SHIFT 56 /* in the 64-bit entry */

/* dt-bindings/interrupt-controller/irq.h: an I/O APIC specifier's type */
#define IRQ_TYPE_EDGE_RISING 1
#define IRQ_TYPE_EDGE_FALLING 2
#define IRQ_TYPE_LEVEL_HIGH 4
#define IRQ_TYPE_LEVEL_LOW 8

#endif
