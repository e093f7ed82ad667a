/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host UART drivers share (drivers/serial/serial.c): receiving
 * into their chardev, and the steps of bringing a port up that do not
 * depend on the hardware.
 */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <keel/chardev.h>
#include <keel/irq.h>

struct devtree_node;

/*
 * From the receive interrupt: move bytes into cd while ready(arg) says
 * one is waiting, reading each with read_byte(arg).
 */
void serial_drain(struct chardev *cd, bool (*ready)(void *arg),
		  char (*read_byte)(void *arg), void *arg);

/*
 * Register cd, take the port's receive interrupt (handler gets
 * cd->priv; irq_name shows in `host irq stats`), let the driver unmask it at the device (rx_on), and make
 * the port the console if /chosen/stdout-path names node. 0, or -errno
 * with nothing left registered.
 */
int serial_register(struct chardev *cd, const struct devtree_node *node,
		    unsigned int irq, const char *irq_name,
		    irq_handler_fn handler, void (*rx_on)(void *priv));

#endif
