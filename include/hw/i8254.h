/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel 8254 programmable interval timer, as a PC wires it: three
 * 16-bit counters clocked at 1.193182 MHz (ports 0x40-0x42) and a control
 * word register (0x43); counter 0's output is IRQ 0, counter 2's gate and
 * output are bits of the PC's port 0x61 ("NMI status and control"), with
 * the speaker enable and the DRAM refresh toggle. From the 8254 data
 * sheet and the PC/AT's port 0x61.
 */
#ifndef KEEL_HW_I8254_H
#define KEEL_HW_I8254_H

#define I8254_FREQ_HZ 1193182U
#define I8254_COUNTERS 3
#define I8254_CONTROL 3 /* port offset of the control word */
#define I8254_WINDOW 4

/* Control word */
#define I8254_SC_SHIFT 6 /* counter 0-2; 3 is the read-back command */
#define I8254_SC_READ_BACK 3
#define I8254_RW_SHIFT 4 /* 0 latch, 1 LSB, 2 MSB, 3 LSB then MSB */
#define I8254_RW_LATCH 0
#define I8254_RW_LSB 1
#define I8254_RW_MSB 2
#define I8254_RW_WORD 3
#define I8254_MODE_SHIFT 1 /* modes 0-5; 6 and 7 are 2 and 3 */
#define I8254_BCD 0x01
/* Read-back command: what to latch (active low) and which counters. */
#define I8254_RB_NO_COUNT 0x20
#define I8254_RB_NO_STATUS 0x10
#define I8254_RB_COUNTER(n) (0x02 << (n))
/* Status byte */
#define I8254_STATUS_OUT 0x80
#define I8254_STATUS_NULL_COUNT 0x40

/* Port 0x61 */
#define PORT61_GATE2 0x01
#define PORT61_SPEAKER 0x02
#define PORT61_WRITABLE 0x0f
#define PORT61_REFRESH 0x10 /* toggles every 15.085 us */
#define PORT61_OUT2 0x20
#define PORT61_REFRESH_NS 15085U

#endif
