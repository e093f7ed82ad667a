// SPDX-License-Identifier: GPL-2.0
/*
 * NS16550(A) UART: polled transmit, interrupt-driven receive into the
 * chardev layer. Registers are reg-shift apart and reg-io-width wide, as
 * the device tree says; the line speed is left as the firmware set it.
 */
#include <keel/chardev.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/heap.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "serial.h"

#define UART_RBR 0 /* read: receive buffer */
#define UART_THR 0 /* write: transmit holding */
#define UART_IER 1
#define UART_IIR 2 /* read: interrupt identification */
#define UART_FCR 2 /* write: FIFO control */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define IER_RDI (1U << 0) /* received data available */
#define FCR_ENABLE (1U << 0)
#define FCR_CLEAR_RX (1U << 1)
#define FCR_CLEAR_TX (1U << 2)
#define LCR_8N1 0x03
#define MCR_DTR (1U << 0)
#define MCR_RTS (1U << 1)
#define MCR_OUT2 (1U << 3) /* gates the interrupt line on PC-style boards */
#define LSR_DR (1U << 0)
#define LSR_THRE (1U << 5)

/* Where the registers are and how to reach them. */
struct uart_regs {
	char *base;
	unsigned int shift;
	unsigned int width; /* 1 or 4 bytes */
};

struct ns16550 {
	struct chardev cd;
	struct uart_regs regs;
	spinlock_t tx_lock;
};

static struct uart_regs early_regs;

static u32 uart_read(const struct uart_regs *r, unsigned int reg)
{
	char *addr = r->base + (reg << r->shift);

	return r->width == 4 ? readl(addr) : readb(addr);
}

static void uart_write(const struct uart_regs *r, unsigned int reg, u32 v)
{
	char *addr = r->base + (reg << r->shift);

	if (r->width == 4)
		writel(v, addr);
	else
		writeb((u8)v, addr);
}

static void uart_putc_raw(const struct uart_regs *r, char c)
{
	while (!(uart_read(r, UART_LSR) & LSR_THRE))
		;
	uart_write(r, UART_THR, (u8)c);
}

static void ns16550_early_putc(char c)
{
	uart_putc_raw(&early_regs, c);
}

/* Registers 1 to 16 bytes apart, reached with 8- or 32-bit accesses. */
static int layout_check(u32 shift, u32 width)
{
	return shift <= 4 && (width == 1 || width == 4) ? 0 : -EINVAL;
}

/* A one-cell property of the flat tree, or the binding's default. */
static u32 flat_u32(const void *fdt, int node, const char *name, u32 dflt)
{
	int len;
	const u32 *p = kfdt_getprop(fdt, node, name, &len);

	return p && len == 4 ? kfdt32_to_cpu(*p) : dflt;
}

static int ns16550_early_console(paddr_t base, const void *fdt, int node)
{
	u32 shift = flat_u32(fdt, node, "reg-shift", 0);
	u32 width = flat_u32(fdt, node, "reg-io-width", 1);
	u32 offset = flat_u32(fdt, node, "reg-offset", 0);

	if (layout_check(shift, width))
		return -EINVAL;
	early_regs.base = ioremap(base + offset, 8ULL << shift);
	if (!early_regs.base)
		return -ENOMEM;
	early_regs.shift = shift;
	early_regs.width = width;
	printk_set_early_output(ns16550_early_putc);
	return 0;
}

static int ns16550_write(struct chardev *cd, const char *buf, size_t len)
{
	struct ns16550 *u = container_of(cd, struct ns16550, cd);
	unsigned long flags;

	spin_lock_irqsave(&u->tx_lock, flags);
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			uart_putc_raw(&u->regs, '\r');
		uart_putc_raw(&u->regs, buf[i]);
	}
	spin_unlock_irqrestore(&u->tx_lock, flags);
	return (int)len;
}

static bool ns16550_rx_ready(void *arg)
{
	struct ns16550 *u = arg;

	return uart_read(&u->regs, UART_LSR) & LSR_DR;
}

static char ns16550_rx_byte(void *arg)
{
	struct ns16550 *u = arg;

	return (char)uart_read(&u->regs, UART_RBR);
}

/* Draining the receive FIFO is what clears the interrupt. */
static void ns16550_interrupt(unsigned int irq, void *arg)
{
	struct ns16550 *u = arg;

	serial_drain(&u->cd, ns16550_rx_ready, ns16550_rx_byte, u);
}

static void ns16550_rx_on(void *arg)
{
	struct ns16550 *u = arg;

	uart_write(&u->regs, UART_IER, IER_RDI);
}

static u32 node_u32(const struct devtree_node *node, const char *name, u32 dflt)
{
	u32 v;

	return devtree_prop_read_u32(node, name, &v) ? dflt : v;
}

static int ns16550_probe(struct devtree_node *node)
{
	u32 shift = node_u32(node, "reg-shift", 0);
	u32 width = node_u32(node, "reg-io-width", 1);
	u32 offset = node_u32(node, "reg-offset", 0);
	struct ns16550 *u;
	u64 addr, size;
	unsigned int irq;
	int err;

	if (layout_check(shift, width))
		return -EINVAL;
	err = devtree_read_reg(node, 0, &addr, &size);
	if (err)
		return err;
	err = devtree_irq_get(node, 0, &irq);
	if (err)
		return err;
	u = keel_zalloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->regs.base = ioremap(addr + offset, size ? size : 8ULL << shift);
	if (!u->regs.base) {
		keel_free(u);
		return -ENOMEM;
	}
	u->regs.shift = shift;
	u->regs.width = width;
	spin_lock_init(&u->tx_lock);
	snprintf(u->cd.name, sizeof(u->cd.name), "%s", node->name);
	u->cd.write = ns16550_write;
	u->cd.priv = u;

	uart_write(&u->regs, UART_IER, 0);
	uart_write(&u->regs, UART_LCR, LCR_8N1);
	uart_write(&u->regs, UART_FCR,
		   FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX);
	uart_write(&u->regs, UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	/* Stale status from before Keel: reading clears it. */
	uart_read(&u->regs, UART_LSR);
	uart_read(&u->regs, UART_IIR);
	err = serial_register(&u->cd, node, irq, "ns16550", ns16550_interrupt,
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
