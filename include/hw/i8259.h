/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel 8259A interrupt controller pair of a PC: a master at ports
 * 0x20-0x21 and a slave at 0xa0-0xa1 cascaded on the master's IR2, with
 * the edge/level control registers (ELCR) of the PC chipsets at
 * 0x4d0-0x4d1. From the 8259A data sheet and the PIIX/ICH ELCR.
 */
#ifndef KEEL_HW_I8259_H
#define KEEL_HW_I8259_H

#define I8259_COMMAND 0 /* port offset: ICW1, OCW2, OCW3; IRR/ISR/poll */
#define I8259_DATA 1 /* ICW2-4, OCW1 (IMR) */
#define I8259_WINDOW 2
#define I8259_CASCADE_IRQ 2 /* the master's input the slave drives */

#define ICW1_INIT 0x10
#define ICW1_LTIM 0x08 /* level-triggered inputs */
#define ICW1_SNGL 0x02 /* no slave */
#define ICW1_IC4 0x01 /* ICW4 follows */
#define ICW4_SFNM 0x10 /* special fully nested mode */
#define ICW4_AEOI 0x02 /* automatic end of interrupt */

#define OCW3_SELECT 0x08 /* with bit 4 clear: OCW3, else OCW2 */
#define OCW3_ESMM 0x40 /* SMM below is meant */
#define OCW3_SMM 0x20 /* special mask mode */
#define OCW3_POLL 0x04
#define OCW3_RR 0x02 /* RIS below is meant */
#define OCW3_RIS 0x01 /* reads give ISR, else IRR */

/* OCW2 commands (bits 7:5) */
#define OCW2_CLEAR_ROTATE_AEOI 0
#define OCW2_EOI 1
#define OCW2_NOP 2
#define OCW2_SPECIFIC_EOI 3
#define OCW2_SET_ROTATE_AEOI 4
#define OCW2_ROTATE_EOI 5
#define OCW2_SET_PRIORITY 6
#define OCW2_ROTATE_SPECIFIC_EOI 7

#define I8259_POLL_INT 0x80 /* a poll read found a request */

/* ELCR bits that exist: IRQ 0, 1, 2, 8 and 13 are always edge. */
#define ELCR_MASTER_MASK 0xf8
#define ELCR_SLAVE_MASK 0xde

#endif
