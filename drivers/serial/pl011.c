// SPDX-License-Identifier: GPL-2.0
/*
 * ARM PrimeCell PL011 UART: polled transmit, interrupt-driven receive into
 * the chardev layer.
 */
#include <keel/chardev.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "serial.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTLCR_H 0x2c
#define UARTCR 0x30
#define UARTIMSC 0x38
#define UARTICR 0x44

#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define LCR_H_FEN (1U << 4)
#define LCR_H_WLEN_8 (3U << 5)
#define CR_UARTEN (1U << 0)
#define CR_TXE (1U << 8)
#define CR_RXE (1U << 9)
#define INT_RX (1U << 4)
#define INT_RT (1U << 6)
#define INT_ALL 0x7ff

struct pl011 {
	struct chardev cd;
	void *base;
	spinlock_t tx_lock;
};

static void *early_base;

static void pl011_putc_raw(void *base, char c)
{
	while (readl((char *)base + UARTFR) & FR_TXFF)
		;
	writel((u8)c, (char *)base + UARTDR);
}

static void pl011_early_putc(char c)
{
	pl011_putc_raw(early_base, c);
}

static int pl011_early_console(paddr_t base, const void *fdt, int node)
{
	early_base = ioremap(base, 0x1000);
	if (!early_base)
		return -ENOMEM;
	printk_set_early_output(pl011_early_putc);
	return 0;
}

static int pl011_write(struct chardev *cd, const char *buf, size_t len)
{
	struct pl011 *u = container_of(cd, struct pl011, cd);
	unsigned long flags;

	spin_lock_irqsave(&u->tx_lock, flags);
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			pl011_putc_raw(u->base, '\r');
		pl011_putc_raw(u->base, buf[i]);
	}
	spin_unlock_irqrestore(&u->tx_lock, flags);
	return (int)len;
}

static bool pl011_rx_ready(void *arg)
{
	struct pl011 *u = arg;

	return !(readl((char *)u->base + UARTFR) & FR_RXFE);
}

static char pl011_rx_byte(void *arg)
{
	struct pl011 *u = arg;

	return (char)readl((char *)u->base + UARTDR);
}

static void pl011_interrupt(unsigned int irq, void *arg)
{
	struct pl011 *u = arg;

	writel(INT_RX | INT_RT, (char *)u->base + UARTICR);
	serial_drain(&u->cd, pl011_rx_ready, pl011_rx_byte, u);
}

static void pl011_rx_on(void *arg)
{
	struct pl011 *u = arg;

	writel(INT_RX | INT_RT, (char *)u->base + UARTIMSC);
}

static int pl011_probe(struct devtree_node *node)
{
	struct pl011 *u;
	u64 addr, size;
	unsigned int irq;
	int err;

	err = devtree_read_reg(node, 0, &addr, &size);
	if (err)
		return err;
	err = devtree_irq_get(node, 0, &irq);
	if (err)
		return err;
	u = keel_zalloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->base = ioremap(addr, size ? size : 0x1000);
	if (!u->base) {
		keel_free(u);
		return -ENOMEM;
	}
	spin_lock_init(&u->tx_lock);
	snprintf(u->cd.name, sizeof(u->cd.name), "%s", node->name);
	u->cd.write = pl011_write;
	u->cd.priv = u;

	writel(LCR_H_FEN | LCR_H_WLEN_8, (char *)u->base + UARTLCR_H);
	writel(CR_UARTEN | CR_TXE | CR_RXE, (char *)u->base + UARTCR);
	writel(INT_ALL, (char *)u->base + UARTICR);
	err = serial_register(&u->cd, node, irq, "pl011", pl011_interrupt,
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
