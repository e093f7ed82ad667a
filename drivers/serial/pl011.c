// SPDX-License-Identifier: GPL-2.0
/*
 * ARM PrimeCell PL011 UART, register level: polled transmit, receive for
 * the interrupt handler. fdt_pl011.c binds it.
 */
#include <keel/io.h>
#include <hw/pl011.h>
#include "pl011.h"

static u32 reg_read(const struct pl011_hw *hw, unsigned int reg)
{
	return readl(hw->base + reg);
}

static void reg_write(const struct pl011_hw *hw, unsigned int reg, u32 v)
{
	writel(v, hw->base + reg);
}

void pl011_init(struct pl011_hw *hw)
{
	reg_write(hw, UARTLCR_H, UARTLCR_H_FEN | UARTLCR_H_WLEN_8);
	reg_write(hw, UARTCR, UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE);
	reg_write(hw, UARTICR, PL011_INT_ALL);
}

static bool pl011_tx_ready(void *hw)
{
	return !(reg_read(hw, UARTFR) & UARTFR_TXFF);
}

static void pl011_tx_byte(void *hw, char c)
{
	reg_write(hw, UARTDR, (u8)c);
}

const struct serial_tx_ops pl011_tx_ops = {
	.tx_ready = pl011_tx_ready,
	.tx_byte = pl011_tx_byte,
};

bool pl011_rx_ready(void *hw)
{
	return !(reg_read(hw, UARTFR) & UARTFR_RXFE);
}

char pl011_rx_byte(void *hw)
{
	return (char)reg_read(hw, UARTDR);
}

void pl011_rx_on(void *hw)
{
	reg_write(hw, UARTIMSC, PL011_INT_RX | PL011_INT_RT);
}

void pl011_rx_ack(struct pl011_hw *hw)
{
	reg_write(hw, UARTICR, PL011_INT_RX | PL011_INT_RT);
}
