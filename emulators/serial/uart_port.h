/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the UART emulators share (uart_port.c): the guest-side serial port
 * each instance feeds, named "<guest>/<device node name>".
 */
#ifndef EMULATORS_UART_PORT_H
#define EMULATORS_UART_PORT_H

#include <keel/devemu.h>
#include <keel/vserial.h>

/*
 * The port name of inst in name; -EINVAL if it does not fit, -EEXIST if
 * a port has it already (both reported with devemu_error()).
 */
int uart_port_name(const struct devemu_instance *inst,
		   char name[VSERIAL_NAME_LEN]);
/* Create the port, input going to rx with inst; NULL (reported) if not. */
struct vserial *uart_port_create(struct devemu_instance *inst, const char *name,
				 vserial_rx_fn rx);

#endif
