/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixed-hardware registers of an ACPI PC (ACPI 6.4, 4.8): the PM1
 * event block (status and enable), the PM1 control block and the power
 * management timer, laid out one after another as the FADT of an x86
 * guest gives them (arch/x86_64/guest_acpi.c: 0x600, 0x604, 0x608); and
 * the chipset's reset control register (Intel's RST_CNT, port 0xcf9),
 * which the FADT names as the reset register.
 */
#ifndef KEEL_HW_ACPI_PM_H
#define KEEL_HW_ACPI_PM_H

#define ACPI_PM1_STS 0 /* 16 bits, write 1 to clear */
#define ACPI_PM1_EN 2 /* 16 bits */
#define ACPI_PM1_CNT 4 /* 16 bits */
#define ACPI_PM_TMR 8 /* 32 bits, read-only */
#define ACPI_PM_WINDOW 12

#define ACPI_PM1_TMR 0x0001 /* STS/EN: the timer's top bit changed */
#define ACPI_PM1_GBL 0x0020
#define ACPI_PM1_PWRBTN 0x0100
#define ACPI_PM1_SLPBTN 0x0200
#define ACPI_PM1_RTC 0x0400
#define ACPI_PM1_WAK 0x8000 /* STS only */
#define ACPI_PM1_STS_BITS 0x8731
#define ACPI_PM1_EN_BITS 0x0721

#define ACPI_PM1_CNT_SCI_EN 0x0001 /* the hardware is in ACPI mode */
#define ACPI_PM1_CNT_BM_RLD 0x0002
#define ACPI_PM1_CNT_GBL_RLS 0x0004 /* write-only */
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK 0x1c00
#define ACPI_PM1_CNT_SLP_EN 0x2000 /* write-only: enter the sleep type */

#define ACPI_PM_TIMER_HZ 3579545U

/* RST_CNT */
#define RST_CNT_SYS_RST 0x02
#define RST_CNT_RST_CPU 0x04 /* written as 1: the reset happens */
#define RST_CNT_FULL_RST 0x08

#endif
