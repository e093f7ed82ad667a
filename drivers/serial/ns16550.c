// SPDX-License-Identifier: GPL-2.0
/*
 * NS16550(A) UART, register level: polled transmit, receive for the
 * interrupt handler. Registers are shift apart and width wide, in memory
 * or (x86) in the I/O-port space; the line speed is left as the firmware
 * set it. fdt_ns16550.c binds it.
 */
#include <keel/io.h>
#include <keel/kconfig.h>
#include <hw/ns16550.h>
#include "ns16550.h"

static u32 uart_read(const struct ns16550_hw *hw, unsigned int reg)
{
	if (IS_ENABLED(CONFIG_SERIAL_NS16550_PORT_IO) && hw->io_port)
		return ns16550_pio_read(hw->port + reg);
	char *addr = hw->base + (reg << hw->shift);

	return hw->width == 4 ? readl(addr) : readb(addr);
}

static void uart_write(const struct ns16550_hw *hw, unsigned int reg, u32 v)
{
	if (IS_ENABLED(CONFIG_SERIAL_NS16550_PORT_IO) && hw->io_port) {
		ns16550_pio_write(hw->port + reg, (u8)v);
		return;
	}
	char *addr = hw->base + (reg << hw->shift);

	if (hw->width == 4)
		writel(v, addr);
	else
		writeb((u8)v, addr);
}

void ns16550_init(struct ns16550_hw *hw)
{
	uart_write(hw, UART_IER, 0);
	uart_write(hw, UART_LCR, UART_LCR_WLEN8); /* 8N1, DLAB clear */
	uart_write(hw, UART_FCR,
		   UART_FCR_FIFO_ENABLE | UART_FCR_RX_RESET |
			   UART_FCR_TX_RESET);
	uart_write(hw, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	/* Stale status from before Keel: reading clears it. */
	uart_read(hw, UART_LSR);
	uart_read(hw, UART_IIR);
}

static bool ns16550_tx_ready(void *hw)
{
	return uart_read(hw, UART_LSR) & UART_LSR_THRE;
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
	return uart_read(hw, UART_LSR) & UART_LSR_DR;
}

char ns16550_rx_byte(void *hw)
{
	return (char)uart_read(hw, UART_RBR);
}

void ns16550_rx_on(void *hw)
{
	uart_write(hw, UART_IER, UART_IER_ERBFI);
}
