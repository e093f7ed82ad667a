// SPDX-License-Identifier: GPL-2.0
/*
 * ARM GICv2 distributor and CPU interface. Every interrupt stays in
 * Group 0, which a GIC without security extensions signals as IRQ.
 */
#include <hw/gic.h>
#include <keel/cpu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/gic.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include "gic-common.h"

#define DEFAULT_PRIORITY 0xa0

static char *gicd, *gicc;
static struct gic_v2_virt virt;
static bool have_virt;
static unsigned int nr_lines;
static u8 cpu_iface_mask[CONFIG_MAX_CPUS];

static void gicv2_handle(void)
{
	for (;;) {
		u32 iar = readl(gicc + GICC_IAR);
		unsigned int id = iar & GICC_IAR_INTID_MASK;

		if (id >= GIC_NR_INTIDS) /* special: spurious */
			break;
		irq_dispatch(id);
		writel(iar, gicc + GICC_EOIR);
	}
}

static void gicv2_enable(unsigned int irq)
{
	writel(1U << (irq % 32), gicd + GICD_ISENABLER + (irq / 32) * 4);
}

static void gicv2_disable(unsigned int irq)
{
	writel(1U << (irq % 32), gicd + GICD_ICENABLER + (irq / 32) * 4);
}

static void gicv2_send_ipi(unsigned int cpu, enum ipi_type ipi)
{
	/* SGIs carry the IPI type as their number. */
	writel((u32)cpu_iface_mask[cpu] << GICD_SGIR_TARGETS_SHIFT | (u32)ipi,
	       gicd + GICD_SGIR);
}

static unsigned int gicv2_ipi_irq(enum ipi_type ipi)
{
	return (unsigned int)ipi;
}

static int gicv2_cpu_init(void)
{
	/* ITARGETSR0 is banked: it reads back this CPU's interface bit. */
	cpu_iface_mask[cpu_id()] = readl(gicd + GICD_ITARGETSR) & 0xff;
	writel(0xffffffff, gicd + GICD_ICENABLER);
	for (unsigned int i = 0; i < GIC_NR_PRIVATE; i += 4)
		writel(0x01010101U * DEFAULT_PRIORITY,
		       gicd + GICD_IPRIORITYR + i);
	writel(0xf0, gicc + GICC_PMR);
	writel(0, gicc + GICC_BPR);
	writel(1, gicc + GICC_CTLR);
	return 0;
}

static const struct irqchip gicv2_chip = {
	.name = "gic-v2",
	.handle = gicv2_handle,
	.enable = gicv2_enable,
	.disable = gicv2_disable,
	.send_ipi = gicv2_send_ipi,
	.translate = gic_translate,
	.ipi_irq = gicv2_ipi_irq,
	.cpu_init = gicv2_cpu_init,
};

static struct irqchip gicv2_instance;

const struct gic_v2_virt *gic_v2_virt(void)
{
	return have_virt ? &virt : NULL;
}

/*
 * The virtualization extensions, when the node lists them: GICH and GICV
 * as the third and fourth "reg" entries, the maintenance PPI in
 * "interrupts".
 */
static void find_virt(struct devtree_node *node)
{
	u32 cells[3];

	if (devtree_read_reg(node, 2, &virt.gich_base, &virt.gich_size) ||
	    devtree_read_reg(node, 3, &virt.gicv_base, &virt.gicv_size))
		return;
	for (unsigned int i = 0; i < 3; i++)
		if (devtree_prop_read_u32_index(node, "interrupts", i,
						&cells[i]))
			return;
	if (gic_translate(cells, 3, &virt.maintenance_irq))
		return;
	have_virt = true;
	printk(KERN_INFO "gic-v2: virtualization extensions, GICV at 0x%llx\n",
	       (unsigned long long)virt.gicv_base);
}

static int gicv2_probe(struct devtree_node *node)
{
	u64 dist, dist_size, cpu, cpu_size;
	u32 boot_mask;
	int err;

	if (devtree_read_reg(node, 0, &dist, &dist_size) ||
	    devtree_read_reg(node, 1, &cpu, &cpu_size))
		return -EINVAL;
	gicd = ioremap(dist, GICD_V2_SIZE);
	gicc = ioremap(cpu, GICC_V2_SIZE);
	if (!gicd || !gicc)
		return -ENOMEM;

	nr_lines =
		32 * ((readl(gicd + GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1);
	if (nr_lines > GIC_NR_INTIDS)
		nr_lines = GIC_NR_INTIDS;
	writel(0, gicd + GICD_CTLR);
	boot_mask = readl(gicd + GICD_ITARGETSR) & 0xff;
	for (unsigned int i = GIC_SPI_BASE; i < nr_lines; i += 32) {
		writel(0xffffffff, gicd + GICD_ICENABLER + i / 8);
		writel(0xffffffff, gicd + GICD_ICPENDR + i / 8);
	}
	for (unsigned int i = GIC_SPI_BASE; i < nr_lines; i += 4) {
		writel(0x01010101U * DEFAULT_PRIORITY,
		       gicd + GICD_IPRIORITYR + i);
		writel(0x01010101U * boot_mask, gicd + GICD_ITARGETSR + i);
	}
	writel(1, gicd + GICD_CTLR);

	gicv2_instance = gicv2_chip;
	gicv2_instance.nr_irqs = nr_lines;
	err = irqchip_register(&gicv2_instance, node);
	if (err)
		return err;
	printk(KERN_INFO "gic-v2: %u interrupt lines\n", nr_lines);
	find_virt(node);
	return 0;
}

static const char *const gicv2_compatible[] = { "arm,cortex-a15-gic",
						"arm,gic-400",
						"arm,cortex-a9-gic", NULL };

static const struct driver gicv2_driver = {
	.name = "gic-v2",
	.compatible = gicv2_compatible,
	.stage = DRIVER_STAGE_IRQCHIP,
	.probe = gicv2_probe,
};
DRIVER_REGISTER(gicv2_driver);
