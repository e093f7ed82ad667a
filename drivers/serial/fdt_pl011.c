// SPDX-License-Identifier: GPL-2.0
/*
 * ARM PrimeCell PL011 UART, device-tree glue: "arm,pl011" nodes become
 * chardevs with interrupt-driven receive, and the stdout-path one the
 * early console. pl011.c drives the registers.
 */
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/io.h>
#include <hw/pl011.h>
#include "pl011.h"

struct pl011 {
	struct serial_port port;
	struct pl011_hw hw;
};

static struct pl011_hw early_hw;

static int pl011_early_console(paddr_t base, const void *fdt, int node)
{
	early_hw.base = ioremap(base, PL011_WINDOW);
	if (!early_hw.base)
		return -ENOMEM;
	serial_early_console(&pl011_tx_ops, &early_hw);
	return 0;
}

static void pl011_interrupt(unsigned int irq, void *arg)
{
	struct pl011 *u = container_of(arg, struct pl011, hw);

	pl011_rx_ack(&u->hw);
	serial_drain(&u->port.cd, pl011_rx_ready, pl011_rx_byte, &u->hw);
}

static int pl011_probe(struct devtree_node *node)
{
	struct pl011 *u;
	unsigned int irq;
	void *regs;
	int err;

	err = serial_node_resources(node, 0, PL011_WINDOW, &regs, &irq);
	if (err)
		return err;
	u = keel_zalloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->hw.base = regs;
	serial_port_init(&u->port, node->name, &pl011_tx_ops, &u->hw);
	pl011_init(&u->hw);
	err = serial_register(&u->port, node, irq, "pl011", pl011_interrupt,
			      pl011_rx_on);
	if (err)
		keel_free(u);
	return err;
}

static const char *const pl011_compatible[] = { "arm,pl011", NULL };

static const struct driver pl011_driver = {
	.name = "pl011",
	.compatible = pl011_compatible,
	.stage = DRIVER_STAGE_CONSOLE,
	.probe = pl011_probe,
	.early_console = pl011_early_console,
};
DRIVER_REGISTER(pl011_driver);
