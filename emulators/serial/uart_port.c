// SPDX-License-Identifier: GPL-2.0
#include <keel/errno.h>
#include <keel/guest.h>
#include "uart_port.h"

int uart_port_name(const struct devemu_instance *inst,
		   char name[VSERIAL_NAME_LEN])
{
	if (vserial_port_name(name, guest_name(inst->guest), inst->name)) {
		devemu_error(inst, "serial port name '%s/%s' is too long",
			     guest_name(inst->guest), inst->name);
		return -EINVAL;
	}
	if (vserial_find(name)) {
		devemu_error(inst, "a serial port named '%s' already exists",
			     name);
		return -EEXIST;
	}
	return 0;
}

struct vserial *uart_port_create(struct devemu_instance *inst, const char *name,
				 vserial_rx_fn rx)
{
	struct vserial *vs = vserial_create(name, rx, inst);

	if (!vs)
		devemu_error(inst, "cannot create serial port '%s'", name);
	return vs;
}
