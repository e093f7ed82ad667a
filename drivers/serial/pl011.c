// SPDX-License-Identifier: GPL-2.0
/*
 * ARM PrimeCell PL011 UART, register level: polled transmit, receive for
 * the interrupt handler. fdt_pl011.c binds it.
 */
#include <keel/io.h>
#include "pl011.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTLCR_H 0x2c
#define UARTCR 0x30
#define UARTIMSC 0x38
#define UARTICR 0x44

#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define LCR_H_FEN (1U << 4)
#define LCR_H_WLEN_8 (3U << 5)
#define CR_UARTEN (1U << 0)
#define CR_TXE (1U << 8)
#define CR_RXE (1U << 9)
#define INT_RX (1U << 4)
#define INT_RT (1U << 6)
#define INT_ALL 0x7ff

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
	reg_write(hw, UARTLCR_H, LCR_H_FEN | LCR_H_WLEN_8);
	reg_write(hw, UARTCR, CR_UARTEN | CR_TXE | CR_RXE);
	reg_write(hw, UARTICR, INT_ALL);
}

static bool pl011_tx_ready(void *hw)
{
	return !(reg_read(hw, UARTFR) & FR_TXFF);
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
	return !(reg_read(hw, UARTFR) & FR_RXFE);
}

char pl011_rx_byte(void *hw)
{
	return (char)reg_read(hw, UARTDR);
}

void pl011_rx_on(void *hw)
{
	reg_write(hw, UARTIMSC, INT_RX | INT_RT);
}

void pl011_rx_ack(struct pl011_hw *hw)
{
	reg_write(hw, UARTICR, INT_RX | INT_RT);
}
