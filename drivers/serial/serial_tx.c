// SPDX-License-Identifier: GPL-2.0
/*
 * Polled transmit for every host UART: the drivers say only whether the
 * transmitter has room and how to hand it a byte.
 */
#include <keel/printk.h>
#include <keel/string.h>
#include "serial.h"

static void tx_one(const struct serial_tx_ops *ops, void *hw, char c)
{
	while (!ops->tx_ready(hw))
		;
	ops->tx_byte(hw, c);
}

void serial_tx_chars(const struct serial_tx_ops *ops, void *hw, const char *buf,
		     size_t len)
{
	for (size_t i = 0; i < len; i++) {
		/* Terminals move down on "\n" and back to column 0 on "\r". */
		if (buf[i] == '\n')
			tx_one(ops, hw, '\r');
		tx_one(ops, hw, buf[i]);
	}
}

/* The chardev write operation of every port: whole writes never interleave. */
static int port_write(struct chardev *cd, const char *buf, size_t len)
{
	struct serial_port *port = container_of(cd, struct serial_port, cd);
	unsigned long flags;

	spin_lock_irqsave(&port->tx_lock, flags);
	serial_tx_chars(port->tx, cd->priv, buf, len);
	spin_unlock_irqrestore(&port->tx_lock, flags);
	return (int)len;
}

void serial_port_init(struct serial_port *port, const char *name,
		      const struct serial_tx_ops *tx, void *hw)
{
	strlcpy(port->cd.name, name, sizeof(port->cd.name));
	port->cd.write = port_write;
	port->cd.priv = hw;
	port->tx = tx;
	spin_lock_init(&port->tx_lock);
}

/* Before the heap: one early console, so its hooks live here. */
static const struct serial_tx_ops *early_tx;
static void *early_hw;

/* printk turns "\n" into "\r\n" on its early path itself. */
static void early_putc(char c)
{
	tx_one(early_tx, early_hw, c);
}

void serial_early_console(const struct serial_tx_ops *tx, void *hw)
{
	early_tx = tx;
	early_hw = hw;
	printk_set_early_output(early_putc);
}
