/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NS16550(A) UART driver (drivers/serial/ns16550.c), for the
 * device-tree glue (fdt_ns16550.c) and nothing else: no device-tree,
 * chardev or interrupt knowledge here.
 */
#ifndef DRIVERS_SERIAL_NS16550_H
#define DRIVERS_SERIAL_NS16550_H

#include "serial.h"

struct ns16550_hw {
	char *base; /* register 0, the layout's reg-offset included */
	unsigned int shift;
	unsigned int width; /* 1 or 4 bytes */
	/* Registers in the I/O-port space instead, from port on, 1 apart. */
	bool io_port;
	u16 port;
};

/* Port I/O (ns16550_pio.c), where the arch has it (SERIAL_NS16550_PORT_IO). */
u8 ns16550_pio_read(u16 port);
void ns16550_pio_write(u16 port, u8 v);

/* 8N1 and FIFOs on, interrupts off, status left from before Keel cleared. */
void ns16550_init(struct ns16550_hw *hw);

extern const struct serial_tx_ops ns16550_tx_ops;

/* Receive side; each takes a struct ns16550_hw. */
bool ns16550_rx_ready(void *hw);
char ns16550_rx_byte(void *hw);
void ns16550_rx_on(void *hw); /* interrupt on received data */

#endif
