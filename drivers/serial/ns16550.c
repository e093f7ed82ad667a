// SPDX-License-Identifier: GPL-2.0
/*
 * NS16550(A) UART, register level: polled transmit, receive for the
 * interrupt handler. Registers are shift apart and width wide; the line
 * speed is left as the firmware set it. fdt_ns16550.c binds it.
 */
#include <keel/io.h>
#include "ns16550.h"

#define UART_RBR 0 /* read: receive buffer */
#define UART_THR 0 /* write: transmit holding */
#define UART_IER 1
#define UART_IIR 2 /* read: interrupt identification */
#define UART_FCR 2 /* write: FIFO control */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define IER_RDI (1U << 0) /* received data available */
#define FCR_ENABLE (1U << 0)
#define FCR_CLEAR_RX (1U << 1)
#define FCR_CLEAR_TX (1U << 2)
#define LCR_8N1 0x03
#define MCR_DTR (1U << 0)
#define MCR_RTS (1U << 1)
#define MCR_OUT2 (1U << 3) /* gates the interrupt line on PC-style boards */
#define LSR_DR (1U << 0)
#define LSR_THRE (1U << 5)

static u32 uart_read(const struct ns16550_hw *hw, unsigned int reg)
{
	char *addr = hw->base + (reg << hw->shift);

	return hw->width == 4 ? readl(addr) : readb(addr);
}

static void uart_write(const struct ns16550_hw *hw, unsigned int reg, u32 v)
{
	char *addr = hw->base + (reg << hw->shift);

	if (hw->width == 4)
		writel(v, addr);
	else
		writeb((u8)v, addr);
}

void ns16550_init(struct ns16550_hw *hw)
{
	uart_write(hw, UART_IER, 0);
	uart_write(hw, UART_LCR, LCR_8N1);
	uart_write(hw, UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX);
	uart_write(hw, UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	/* Stale status from before Keel: reading clears it. */
	uart_read(hw, UART_LSR);
	uart_read(hw, UART_IIR);
}

static bool ns16550_tx_ready(void *hw)
{
	return uart_read(hw, UART_LSR) & LSR_THRE;
}

static void ns16550_tx_byte(void *hw, char c)
{
	uart_write(hw, UART_THR, (u8)c);
}

const struct serial_tx_ops ns16550_tx_ops = {
	.tx_ready = ns16550_tx_ready,
	.tx_byte = ns16550_tx_byte,
};

bool ns16550_rx_ready(void *hw)
{
	return uart_read(hw, UART_LSR) & LSR_DR;
}

char ns16550_rx_byte(void *hw)
{
	return (char)uart_read(hw, UART_RBR);
}

void ns16550_rx_on(void *hw)
{
	uart_write(hw, UART_IER, IER_RDI);
}
