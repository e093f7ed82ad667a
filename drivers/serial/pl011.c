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

static void pl011_interrupt(unsigned int irq, void *arg)
{
	struct pl011 *u = arg;
	char buf[32];
	size_t n = 0;

	writel(INT_RX | INT_RT, (char *)u->base + UARTICR);
	while (!(readl((char *)u->base + UARTFR) & FR_RXFE)) {
		buf[n++] = (char)readl((char *)u->base + UARTDR);
		if (n == sizeof(buf)) {
			chardev_receive(&u->cd, buf, n);
			n = 0;
		}
	}
	if (n)
		chardev_receive(&u->cd, buf, n);
}

static bool is_stdout(const struct devtree_node *node)
{
	struct devtree_node *root = devtree_host_root();
	struct devtree_node *chosen = devtree_find_path(root, "/chosen");
	const char *path;
	char buf[128];

	if (!chosen || devtree_prop_read_string(chosen, "stdout-path", &path))
		return false;
	strlcpy(buf, path, sizeof(buf));
	char *colon = strchr(buf, ':');

	if (colon)
		*colon = 0;
	return devtree_find_path(root, buf) == node;
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
	err = chardev_register(&u->cd);
	if (err)
		goto free;
	err = irq_register(irq, pl011_interrupt, u, "pl011", 0);
	if (err)
		goto unregister;
	writel(INT_RX | INT_RT, (char *)u->base + UARTIMSC);
	if (is_stdout(node))
		console_set(&u->cd);
	return 0;
unregister:
	chardev_unregister(&u->cd);
free:
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
