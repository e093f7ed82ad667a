/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARM PrimeCell Real Time Clock (PL031): its register layout, as the
 * Technical Reference Manual (ARM DDI 0224) defines it, for the host
 * driver (drivers/rtc/pl031.c), the emulator (emulators/rtc/pl031.c) and
 * its unit test. Offsets are in bytes from the device's base; every
 * register is 32 bits wide.
 */
#ifndef KEEL_HW_PL031_H
#define KEEL_HW_PL031_H

#define RTCDR 0x00 /* data: the counter, seconds */
#define RTCMR 0x04 /* match */
#define RTCLR 0x08 /* load: writing sets the counter */
#define RTCCR 0x0c /* control */
#define RTCIMSC 0x10 /* interrupt mask set or clear */
#define RTCRIS 0x14 /* raw interrupt status */
#define RTCMIS 0x18 /* masked interrupt status */
#define RTCICR 0x1c /* interrupt clear (write-only) */

/*
 * The identification registers RTCPeriphID0-3 and RTCPCellID0-3, each
 * holding one byte in its low bits, one word apart.
 */
#define RTCPERIPHID0 0xfe0
#define RTCPCELLID3 0xffc

/* What they read on r1p3: part 0x031, designer 0x41 (ARM), revision 1. */
#define RTCPERIPHID0_VALUE 0x31
#define RTCPERIPHID1_VALUE 0x10
#define RTCPERIPHID2_VALUE 0x14
#define RTCPERIPHID3_VALUE 0x00
#define RTCPCELLID0_VALUE 0x0d
#define RTCPCELLID1_VALUE 0xf0
#define RTCPCELLID2_VALUE 0x05
#define RTCPCELLID3_VALUE 0xb1

/* The 4 KiB the device decodes. */
#define PL031_WINDOW 0x1000

/* RTCCR: the start bit; once set, writes have no effect until reset. */
#define RTCCR_START (1U << 0)
/* RTCIMSC, RTCRIS, RTCMIS, RTCICR: the one interrupt, the match. */
#define RTCINT_MATCH (1U << 0)

#endif
