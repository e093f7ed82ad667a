/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARM PrimeCell PL011 UART driver (drivers/serial/pl011.c), for the
 * device-tree glue (fdt_pl011.c) and nothing else: no device-tree,
 * chardev or interrupt knowledge here.
 */
#ifndef DRIVERS_SERIAL_PL011_H
#define DRIVERS_SERIAL_PL011_H

#include "serial.h"

struct pl011_hw {
	char *base;
};

/* UART, transmitter and receiver on, 8-bit words, FIFOs, interrupts cleared. */
void pl011_init(struct pl011_hw *hw);

extern const struct serial_tx_ops pl011_tx_ops;

/* Receive side; each takes a struct pl011_hw. */
bool pl011_rx_ready(void *hw);
char pl011_rx_byte(void *hw);
void pl011_rx_on(void *hw); /* interrupts on received data and timeout */
void pl011_rx_ack(struct pl011_hw *hw); /* before draining */

#endif
