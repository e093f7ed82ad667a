// SPDX-License-Identifier: GPL-2.0
/*
 * NS16550(A) UART, device-tree glue: "ns16550a"/"ns16550" nodes become
 * chardevs with interrupt-driven receive, and the stdout-path one the
 * early console. Registers are where reg-shift, reg-io-width and
 * reg-offset put them (serial_fdt.c), or in I/O ports for a UART on an
 * ISA bus; ns16550.c drives them.
 */
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/kconfig.h>
#include <keel/printk.h>
#include <hw/ns16550.h>
#include "ns16550.h"

struct ns16550 {
	struct serial_port port;
	struct ns16550_hw hw;
};

static struct ns16550_hw early_hw;

static void hw_set_layout(struct ns16550_hw *hw, void *base,
			  const struct serial_layout *l)
{
	hw->base = base;
	hw->shift = l->shift;
	hw->width = l->width;
}

/*
 * Registers in I/O ports (port set, 1) where the arch has them; 0 when
 * memory-mapped; -ENODEV for ports on an arch without (named in a log).
 */
static int use_io_port(int found, const char *name, struct ns16550_hw *hw,
		       u16 port)
{
	if (found <= 0)
		return found;
	if (!IS_ENABLED(CONFIG_SERIAL_NS16550_PORT_IO)) {
		printk(KERN_ERR "%s: registers in I/O ports, which this "
				"arch does not have\n",
		       name);
		return -ENODEV;
	}
	hw->io_port = true;
	hw->port = port;
	hw->width = 1;
	return 1;
}

static int ns16550_early_console(paddr_t base, const void *fdt, int node)
{
	struct serial_layout l;
	void *regs;
	u16 port;
	int err;

	err = serial_layout_from_fdt(fdt, node, &l);
	if (err)
		return err;
	err = serial_io_port_from_fdt(fdt, node, &port);
	err = use_io_port(err, "serial", &early_hw, port);
	if (err < 0)
		return err;
	if (err) {
		serial_early_console(&ns16550_tx_ops, &early_hw);
		return 0;
	}
	regs = ioremap(base + l.offset, (u64)NS16550_NR_REGS << l.shift);
	if (!regs)
		return -ENOMEM;
	hw_set_layout(&early_hw, regs, &l);
	serial_early_console(&ns16550_tx_ops, &early_hw);
	return 0;
}

/* Draining the receive FIFO is what clears the interrupt. */
static void ns16550_interrupt(unsigned int irq, void *arg)
{
	struct ns16550 *u = container_of(arg, struct ns16550, hw);

	serial_drain(&u->port.cd, ns16550_rx_ready, ns16550_rx_byte, &u->hw);
}

static int ns16550_probe(struct devtree_node *node)
{
	struct serial_layout l;
	struct ns16550_hw hw = { 0 };
	struct ns16550 *u;
	unsigned int irq;
	void *regs;
	u16 port;
	int err, in_ports;

	err = serial_layout_from_node(node, &l);
	if (err)
		return err;
	in_ports = serial_io_port_from_node(node, &port);
	in_ports = use_io_port(in_ports, node->name, &hw, port);
	if (in_ports < 0)
		return in_ports;
	if (in_ports)
		err = devtree_irq_get(node, 0, &irq);
	else
		err = serial_node_resources(node, l.offset,
					    (u64)NS16550_NR_REGS << l.shift,
					    &regs, &irq);
	if (err)
		return err;
	u = keel_zalloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	if (in_ports)
		u->hw = hw;
	else
		hw_set_layout(&u->hw, regs, &l);
	serial_port_init(&u->port, node->name, &ns16550_tx_ops, &u->hw);
	ns16550_init(&u->hw);
	err = serial_register(&u->port, node, irq, "ns16550", ns16550_interrupt,
			      ns16550_rx_on);
	if (err)
		keel_free(u);
	return err;
}

static const char *const ns16550_compatible[] = { "ns16550a", "ns16550", NULL };

static const struct driver ns16550_driver = {
	.name = "ns16550",
	.compatible = ns16550_compatible,
	.stage = DRIVER_STAGE_CONSOLE,
	.probe = ns16550_probe,
	.early_console = ns16550_early_console,
};
DRIVER_REGISTER(ns16550_driver);
