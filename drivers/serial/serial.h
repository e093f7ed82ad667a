/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host UART drivers share. Each driver is its register-level
 * part plus its device-tree glue; these are the pieces that do not depend
 * on the hardware:
 *   serial_tx.c   polled transmit (the console write loop, early output)
 *   serial_fdt.c  the register layout properties of the device tree
 *   serial.c      receiving into the chardev and bringing a port up
 */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <keel/chardev.h>
#include <keel/irq.h>
#include <keel/spinlock.h>

struct devtree_node;

/* A UART's transmitter, as the shared write loop drives it. */
struct serial_tx_ops {
	bool (*tx_ready)(void *hw); /* room for one more byte */
	void (*tx_byte)(void *hw, char c); /* only after tx_ready said so */
};

/*
 * Send len bytes, each once the transmitter has room (polled, so from any
 * context), with "\n" sent as "\r\n".
 */
void serial_tx_chars(const struct serial_tx_ops *ops, void *hw, const char *buf,
		     size_t len);

/*
 * A host UART as a chardev. Drivers embed it; its write operation runs
 * serial_tx_chars() under tx_lock, so concurrent writes do not interleave.
 */
struct serial_port {
	struct chardev cd; /* cd.priv is the driver's hw */
	spinlock_t tx_lock;
	const struct serial_tx_ops *tx;
};

/* Name the port's chardev and give it the shared write operation. */
void serial_port_init(struct serial_port *port, const char *name,
		      const struct serial_tx_ops *tx, void *hw);

/*
 * Polled printk output through tx on hw until a console exists. hw must
 * outlive boot (the heap does not exist yet: drivers keep it static).
 */
void serial_early_console(const struct serial_tx_ops *tx, void *hw);

/* Registers at most 16 bytes apart, as Linux's 8250 binding allows. */
#define SERIAL_REG_SHIFT_MAX 4

/* Where a UART's registers sit in its "reg" window, and how wide they are. */
struct serial_layout {
	u32 shift; /* register n at (n << shift) bytes: reg-shift, default 0 */
	u32 width; /* bytes per access, 1 or 4: reg-io-width, default 1 */
	u32 offset; /* register 0 this far into "reg": reg-offset, default 0 */
};

/*
 * Read a node's layout from the flattened tree (fdt, node offset) or the
 * live one. A property that is not one cell, a shift beyond
 * SERIAL_REG_SHIFT_MAX, a width other than 1 or 4, or accesses wider than
 * the register stride: -EINVAL, with a message naming the node.
 */
int serial_layout_from_fdt(const void *fdt, int offset,
			   struct serial_layout *out);
int serial_layout_from_node(const struct devtree_node *node,
			    struct serial_layout *out);
/*
 * Registers in an ISA bus's I/O-port space: 1 with the first port, 0
 * when they are not (memory-mapped), -EINVAL for a bad port range.
 */
int serial_io_port_from_fdt(const void *fdt, int offset, u16 *port);
int serial_io_port_from_node(const struct devtree_node *node, u16 *port);

/*
 * From the receive interrupt: move bytes into cd while ready(arg) says
 * one is waiting, reading each with read_byte(arg).
 */
void serial_drain(struct chardev *cd, bool (*ready)(void *arg),
		  char (*read_byte)(void *arg), void *arg);

/*
 * A port's first "reg" window from offset on, mapped (default_size bytes
 * when "reg" gives no size), and its first interrupt. 0 or -errno.
 */
int serial_node_resources(const struct devtree_node *node, u64 offset,
			  u64 default_size, void **regs, unsigned int *irq);

/*
 * Register the port's chardev, take its receive interrupt (handler gets
 * cd.priv; irq_name shows in `host irq stats`), let the driver unmask it
 * at the device (rx_on), and make the port the console if
 * /chosen/stdout-path names node. 0, or -errno with nothing left
 * registered.
 */
int serial_register(struct serial_port *port, const struct devtree_node *node,
		    unsigned int irq, const char *irq_name,
		    irq_handler_fn handler, void (*rx_on)(void *priv));

#endif
