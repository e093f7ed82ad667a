/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARM PrimeCell UART (PL011) register layout, from its Technical
 * Reference Manual (ARM DDI 0183): register offsets, bit fields, the
 * implemented bits of each register and the reset values. Shared by the
 * host driver (drivers/serial/pl011.c), the guest emulator
 * (emulators/serial/pl011.c) and their unit tests, so each fact is
 * written once. Registers keep the TRM's names (UARTDR ...) and their
 * fields are prefixed by the register; what belongs to no one register
 * is prefixed PL011_. Constants only: no driver or emulator state.
 */
#ifndef HW_PL011_H
#define HW_PL011_H

/* Register offsets; every register is a 32-bit word. */
#define UARTDR 0x000
#define UARTRSR 0x004 /* read: receive status */
#define UARTECR 0x004 /* write: error clear (any value) */
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0 /* UARTPeriphID0-3, then UARTPCellID0-3 */
#define UARTPCELLID0 0xff0
#define UARTPCELLID3 0xffc

/* The PrimeCell register window. */
#define PL011_WINDOW 0x1000

/* UARTDR: the data byte, and on reads the receive error bits beside it. */
#define UARTDR_DATA 0xffU
#define UARTDR_FE (1U << 8)
#define UARTDR_PE (1U << 9)
#define UARTDR_BE (1U << 10)
#define UARTDR_OE (1U << 11)

/* UARTRSR: the errors of the character last read, and overrun. */
#define UARTRSR_FE (1U << 0)
#define UARTRSR_PE (1U << 1)
#define UARTRSR_BE (1U << 2)
#define UARTRSR_OE (1U << 3)
#define UARTRSR_MASK 0xfU

/* UARTFR */
#define UARTFR_CTS (1U << 0)
#define UARTFR_DSR (1U << 1)
#define UARTFR_DCD (1U << 2)
#define UARTFR_BUSY (1U << 3)
#define UARTFR_RXFE (1U << 4)
#define UARTFR_TXFF (1U << 5)
#define UARTFR_RXFF (1U << 6)
#define UARTFR_TXFE (1U << 7)
#define UARTFR_RI (1U << 8)

/* UARTLCR_H */
#define UARTLCR_H_BRK (1U << 0)
#define UARTLCR_H_FEN (1U << 4)
#define UARTLCR_H_WLEN_8 (3U << 5)
#define UARTLCR_H_MASK 0xffU

/* UARTCR; bits 6:3 are reserved */
#define UARTCR_UARTEN (1U << 0)
#define UARTCR_LBE (1U << 7)
#define UARTCR_TXE (1U << 8)
#define UARTCR_RXE (1U << 9)
#define UARTCR_DTR (1U << 10)
#define UARTCR_RTS (1U << 11)
#define UARTCR_OUT1 (1U << 12)
#define UARTCR_OUT2 (1U << 13)
#define UARTCR_MASK 0xff87U
#define UARTCR_RESET (UARTCR_TXE | UARTCR_RXE)

/* UARTIFLS: receive level select in bits 5:3, transmit in 2:0. */
#define UARTIFLS_RXIFLSEL_SHIFT 3
#define UARTIFLS_MASK 0x3fU
#define UARTIFLS_RESET 0x12U /* both FIFOs at 1/2 */

/* Implemented bits of the other read-write registers. */
#define UARTILPR_MASK 0xffU
#define UARTIBRD_MASK 0xffffU
#define UARTFBRD_MASK 0x3fU
#define UARTDMACR_MASK 0x7U

/* Interrupt bits, the same in UARTIMSC, UARTRIS, UARTMIS and UARTICR. */
#define PL011_INT_RIM (1U << 0)
#define PL011_INT_CTSM (1U << 1)
#define PL011_INT_DCDM (1U << 2)
#define PL011_INT_DSRM (1U << 3)
#define PL011_INT_RX (1U << 4)
#define PL011_INT_TX (1U << 5)
#define PL011_INT_RT (1U << 6)
#define PL011_INT_FE (1U << 7)
#define PL011_INT_PE (1U << 8)
#define PL011_INT_BE (1U << 9)
#define PL011_INT_OE (1U << 10)
#define PL011_INT_ALL 0x7ffU

/*
 * The identification registers, one byte each in the low byte of its
 * word: byte n of PL011_PERIPHID is UARTPeriphIDn (part number 0x011,
 * designer 0x41, ARM), byte n of PL011_PCELLID is UARTPCellIDn.
 */
#define PL011_PERIPHID 0x00141011U
#define PL011_PCELLID 0xb105f00dU

/* The identification byte at offset reg, UARTPERIPHID0 to UARTPCELLID3. */
static inline unsigned int pl011_id_byte(unsigned int reg)
{
	unsigned int n = (reg - UARTPERIPHID0) / 4;
	unsigned int id = n < 4 ? PL011_PERIPHID : PL011_PCELLID;

	return (id >> (8 * (n % 4))) & 0xff;
}

/* r1p5 has 32-entry FIFOs; with FEN clear they are 1-entry holding registers */
#define PL011_FIFO_DEPTH 32

#endif
