/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Motorola MC146818A real-time clock and its 128 bytes of CMOS RAM
 * (the PC's "CMOS", ports 0x70/0x71; DS12887 and the PC chipsets' RTCs
 * are compatible): two byte-wide ports, an index (address) register and
 * a data register through which every internal register is reached.
 * From the MC146818A data sheet; the century byte at 0x32 is the PC's
 * (the ACPI FADT's CENTURY field names it).
 */
#ifndef KEEL_HW_MC146818_H
#define KEEL_HW_MC146818_H

#define MC146818_INDEX 0 /* port offset: which register the data port is */
#define MC146818_DATA 1
#define MC146818_WINDOW 2
/* On a PC bit 7 of the index masks NMI; the index itself is 7 bits. */
#define MC146818_INDEX_MASK 0x7f
#define MC146818_NR_REGS 128

#define MC_SECONDS 0x00
#define MC_SECONDS_ALARM 0x01
#define MC_MINUTES 0x02
#define MC_MINUTES_ALARM 0x03
#define MC_HOURS 0x04
#define MC_HOURS_ALARM 0x05
#define MC_DAY_OF_WEEK 0x06 /* 1-7, Sunday 1 */
#define MC_DAY_OF_MONTH 0x07
#define MC_MONTH 0x08
#define MC_YEAR 0x09 /* 0-99 */
#define MC_REG_A 0x0a
#define MC_REG_B 0x0b
#define MC_REG_C 0x0c
#define MC_REG_D 0x0d
#define MC_CENTURY 0x32 /* PC convention */

/* Register A */
#define MC_A_UIP 0x80 /* an update is less than 244 us away */
#define MC_A_DV_MASK 0x70 /* divider: time base and reset */
#define MC_A_DV_32K 0x20 /* 32.768 kHz time base, running */
#define MC_A_RS_MASK 0x0f /* periodic interrupt rate */
/* Register B */
#define MC_B_SET 0x80 /* updates inhibited while the time is set */
#define MC_B_PIE 0x40
#define MC_B_AIE 0x20
#define MC_B_UIE 0x10
#define MC_B_SQWE 0x08
#define MC_B_DM_BINARY 0x04 /* else BCD */
#define MC_B_24H 0x02 /* else 12-hour with bit 7 of the hours for PM */
#define MC_B_DSE 0x01
/* Register C: read-only, cleared by reading it */
#define MC_C_IRQF 0x80
#define MC_C_PF 0x40
#define MC_C_AF 0x20
#define MC_C_UF 0x10
/* Register D */
#define MC_D_VRT 0x80 /* valid RAM and time: the battery is good */

#define MC_HOURS_PM 0x80
/* An alarm byte with its two top bits set matches every value. */
#define MC_ALARM_DONT_CARE 0xc0

/* The time base: 32768 divider ticks a second. */
#define MC_TICKS_PER_SEC 32768U
/* UIP rises this long before each update. */
#define MC_UIP_NS 244000U

#endif
