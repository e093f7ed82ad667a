/* SPDX-License-Identifier: GPL-2.0 */
/*
 * National Semiconductor PC16550D UART ("16550A") register layout, from
 * its datasheet; the UART of QEMU's virt machines ("ns16550a"). Register
 * numbers, bit fields and the FIFO depth, shared by the host driver
 * (drivers/serial/ns16550.c), the guest emulator
 * (emulators/serial/ns16550.c) and their unit tests, so each fact is
 * written once. Names follow Linux's serial_reg.h (UART_<reg>,
 * UART_<reg>_<field>), fields by the datasheet's names; what belongs to
 * no one register is prefixed NS16550_. Constants only: no driver or
 * emulator state.
 */
#ifndef HW_NS16550_H
#define HW_NS16550_H

/*
 * Register numbers, each one byte wide. Register n is at n << reg-shift
 * in the window (the device tree's "reg-shift"; QEMU virt: 0).
 */
#define UART_RBR 0 /* read, DLAB = 0: receiver buffer */
#define UART_THR 0 /* write, DLAB = 0: transmitter holding */
#define UART_DLL 0 /* DLAB = 1: divisor latch, low byte */
#define UART_IER 1 /* DLAB = 0: interrupt enable */
#define UART_DLM 1 /* DLAB = 1: divisor latch, high byte */
#define UART_IIR 2 /* read: interrupt identification */
#define UART_FCR 2 /* write: FIFO control */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7
#define NS16550_NR_REGS 8

/* IER; bits 7:4 are always 0 */
#define UART_IER_ERBFI (1U << 0) /* received data available (and timeout) */
#define UART_IER_ETBEI (1U << 1) /* transmitter holding register empty */
#define UART_IER_ELSI (1U << 2) /* receiver line status */
#define UART_IER_EDSSI (1U << 3) /* modem status */
#define UART_IER_MASK 0x0fU

/* IIR: the interrupt identification in bits 3:0, FIFOs on in 7:6 */
#define UART_IIR_NO_INT 0x01U
#define UART_IIR_MSI 0x00U
#define UART_IIR_THRI 0x02U
#define UART_IIR_RDI 0x04U
#define UART_IIR_RLSI 0x06U
#define UART_IIR_CTI 0x0cU
#define UART_IIR_ID_MASK 0x0fU
#define UART_IIR_FIFOS_ON 0xc0U

/* FCR: receive trigger level select in bits 7:6 */
#define UART_FCR_FIFO_ENABLE (1U << 0)
#define UART_FCR_RX_RESET (1U << 1)
#define UART_FCR_TX_RESET (1U << 2)
#define UART_FCR_TRIGGER_SHIFT 6
#define UART_FCR_TRIGGER_MASK (3U << UART_FCR_TRIGGER_SHIFT)

/* LCR */
#define UART_LCR_WLEN8 0x03U /* 8-bit words; with bits 5:2 clear, 8N1 */
#define UART_LCR_BREAK (1U << 6)
#define UART_LCR_DLAB (1U << 7)

/* MCR; bits 7:5 are always 0 */
#define UART_MCR_DTR (1U << 0)
#define UART_MCR_RTS (1U << 1)
#define UART_MCR_OUT1 (1U << 2)
#define UART_MCR_OUT2 \
	(1U << 3) /* gates the interrupt line on PC-style boards */
#define UART_MCR_LOOP (1U << 4)
#define UART_MCR_MASK 0x1fU

/* LSR */
#define UART_LSR_DR (1U << 0)
#define UART_LSR_OE (1U << 1)
#define UART_LSR_PE (1U << 2)
#define UART_LSR_FE (1U << 3)
#define UART_LSR_BI (1U << 4)
#define UART_LSR_THRE (1U << 5)
#define UART_LSR_TEMT (1U << 6)
#define UART_LSR_FIFO_ERROR (1U << 7)
/* The errors that raise the receiver line status interrupt. */
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

/* MSR: changes in bits 3:0, the modem inputs in 7:4 */
#define UART_MSR_DCTS (1U << 0)
#define UART_MSR_DDSR (1U << 1)
#define UART_MSR_TERI (1U << 2)
#define UART_MSR_DDCD (1U << 3)
#define UART_MSR_CTS (1U << 4)
#define UART_MSR_DSR (1U << 5)
#define UART_MSR_RI (1U << 6)
#define UART_MSR_DCD (1U << 7)

/* The receive and transmit FIFOs hold 16 characters each. */
#define NS16550_FIFO_DEPTH 16

#endif
