// SPDX-License-Identifier: GPL-2.0
/* Receiving into a port's chardev, and bringing a port up. */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/string.h>
#include "serial.h"

void serial_drain(struct chardev *cd, bool (*ready)(void *arg),
		  char (*read_byte)(void *arg), void *arg)
{
	char buf[32];
	size_t n = 0;

	while (ready(arg)) {
		buf[n++] = read_byte(arg);
		if (n == sizeof(buf)) {
			chardev_receive(cd, buf, n);
			n = 0;
		}
	}
	if (n)
		chardev_receive(cd, buf, n);
}

/* /chosen/stdout-path, options (":115200n8") left off, names node. */
static bool is_stdout(const struct devtree_node *node)
{
	struct devtree_node *root = devtree_host_root();
	struct devtree_node *chosen = devtree_find_path(root, "/chosen");
	const char *path;
	char buf[128];
	char *colon;

	if (!chosen || devtree_prop_read_string(chosen, "stdout-path", &path))
		return false;
	strlcpy(buf, path, sizeof(buf));
	colon = strchr(buf, ':');
	if (colon)
		*colon = 0;
	return devtree_find_path(root, buf) == node;
}

int serial_register(struct serial_port *port, const struct devtree_node *node,
		    unsigned int irq, const char *irq_name,
		    irq_handler_fn handler, void (*rx_on)(void *priv))
{
	struct chardev *cd = &port->cd;
	int err = chardev_register(cd);

	if (err)
		return err;
	err = irq_register(irq, handler, cd->priv, irq_name, 0);
	if (err) {
		chardev_unregister(cd);
		return err;
	}
	rx_on(cd->priv);
	if (is_stdout(node))
		console_set(cd);
	return 0;
}

int serial_node_resources(const struct devtree_node *node, u64 offset,
			  u64 default_size, void **regs, unsigned int *irq)
{
	u64 addr, size;
	int err;

	err = devtree_read_reg(node, 0, &addr, &size);
	if (err)
		return err;
	err = devtree_irq_get(node, 0, irq);
	if (err)
		return err;
	*regs = ioremap(addr + offset, size ? size : default_size);
	return *regs ? 0 : -ENOMEM;
}
