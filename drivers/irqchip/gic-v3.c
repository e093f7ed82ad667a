// SPDX-License-Identifier: GPL-2.0
/*
 * ARM GICv3: distributor with affinity routing, one redistributor per CPU
 * and the system-register CPU interface. Interrupts are Group 1.
 */
#include <hw/gic.h>
#include <keel/cpu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include "gic-common.h"
#include <keel/timer.h>
#include <asm/sysreg.h>

#define GICR_MAX_REGIONS 8
#define DEFAULT_PRIORITY 0xa0
#define RWP_TIMEOUT_LOOPS 1000000

static char *gicd;
static char *gicr_regions[GICR_MAX_REGIONS];
static u64 gicr_region_sizes[GICR_MAX_REGIONS];
static unsigned int nr_gicr_regions;
static char *gicr_of_cpu[CONFIG_MAX_CPUS];
static unsigned int nr_lines;

static void wait_rwp(char *reg, u32 bit)
{
	for (unsigned int i = 0; i < RWP_TIMEOUT_LOOPS; i++)
		if (!(readl(reg) & bit))
			return;
	printk(KERN_ERR "gic-v3: register write did not complete\n");
}

static void gicv3_handle(void)
{
	for (;;) {
		u64 iar = read_sysreg(ICC_IAR1_EL1);
		unsigned int id = iar & 0xffffff;

		if (id >= GIC_NR_INTIDS && id <= GIC_INTID_SPURIOUS)
			break;
		irq_dispatch(id);
		write_sysreg(ICC_EOIR1_EL1, iar);
	}
}

static void gicv3_enable(unsigned int irq)
{
	if (irq < GIC_NR_PRIVATE) {
		char *rd = gicr_of_cpu[cpu_id()];

		writel(1U << irq, rd + GICR_SGI_BASE + GICR_ISENABLER0);
	} else {
		writel(1U << (irq % 32),
		       gicd + GICD_ISENABLER + (irq / 32) * 4);
	}
}

static void gicv3_disable(unsigned int irq)
{
	if (irq < GIC_NR_PRIVATE) {
		char *rd = gicr_of_cpu[cpu_id()];

		writel(1U << irq, rd + GICR_SGI_BASE + GICR_ICENABLER0);
		wait_rwp(rd + GICR_CTLR, GICR_CTLR_RWP);
	} else {
		writel(1U << (irq % 32),
		       gicd + GICD_ICENABLER + (irq / 32) * 4);
		wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
	}
}

static void gicv3_send_ipi(unsigned int cpu, enum ipi_type ipi)
{
	u64 hwid = cpus[cpu].hwid;
	u64 aff0 = hwid & 0xff;
	u64 sgi = ((hwid >> 32) & 0xff) << ICC_SGI1R_AFF3_SHIFT |
		  ((hwid >> 16) & 0xff) << ICC_SGI1R_AFF2_SHIFT |
		  (u64)ipi << ICC_SGI1R_INTID_SHIFT |
		  ((hwid >> 8) & 0xff) << ICC_SGI1R_AFF1_SHIFT |
		  (1ULL << (aff0 & 0xf));

	__asm__ volatile("dsb ishst" ::: "memory");
	write_sysreg(ICC_SGI1R_EL1, sgi);
	__asm__ volatile("isb" ::: "memory");
}

static unsigned int gicv3_ipi_irq(enum ipi_type ipi)
{
	return (unsigned int)ipi;
}

static char *find_redistributor(u64 affinity)
{
	for (unsigned int r = 0; r < nr_gicr_regions; r++) {
		char *rd = gicr_regions[r];
		char *end = rd + gicr_region_sizes[r];

		while (rd < end) {
			u64 typer = readq(rd + GICR_TYPER);

			if ((typer >> 32) == affinity)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			rd += (typer & GICR_TYPER_VLPIS) ? GICR_V4_SIZE :
							   GICR_V3_SIZE;
		}
	}
	return NULL;
}

static int gicv3_cpu_init(void)
{
	char *rd = find_redistributor(gic_affinity32(arch_cpu_hwid()));
	char *sgi;
	u32 waker;

	if (!rd) {
		printk(KERN_ERR "gic-v3: no redistributor for CPU%u\n",
		       cpu_id());
		return -ENODEV;
	}
	gicr_of_cpu[cpu_id()] = rd;
	sgi = rd + GICR_SGI_BASE;

	waker = readl(rd + GICR_WAKER);
	writel(waker & ~GICR_WAKER_PROCESSOR_SLEEP, rd + GICR_WAKER);
	wait_rwp(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);

	writel(0xffffffff, sgi + GICR_ICENABLER0);
	wait_rwp(rd + GICR_CTLR, GICR_CTLR_RWP);
	writel(0xffffffff, sgi + GICR_IGROUPR0);
	for (unsigned int i = 0; i < GIC_NR_PRIVATE; i += 4)
		writel(0x01010101U * DEFAULT_PRIORITY,
		       sgi + GICR_IPRIORITYR0 + i);

	/* System-register interface for EL2, and allow it for EL1 later. */
	write_sysreg(ICC_SRE_EL2, read_sysreg(ICC_SRE_EL2) | 0x9);
	__asm__ volatile("isb" ::: "memory");
	write_sysreg(ICC_PMR_EL1, 0xf0);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	__asm__ volatile("isb" ::: "memory");
	return 0;
}

static const struct irqchip gicv3_chip = {
	.name = "gic-v3",
	.handle = gicv3_handle,
	.enable = gicv3_enable,
	.disable = gicv3_disable,
	.send_ipi = gicv3_send_ipi,
	.translate = gic_translate,
	.ipi_irq = gicv3_ipi_irq,
	.cpu_init = gicv3_cpu_init,
};

static struct irqchip gicv3_instance;

static int gicv3_probe(struct devtree_node *node)
{
	u64 addr, size, boot_affinity;
	int err;

	if (devtree_read_reg(node, 0, &addr, &size))
		return -EINVAL;
	gicd = ioremap(addr, GICD_V3_SIZE);
	if (!gicd)
		return -ENOMEM;
	for (unsigned int i = 1; i <= GICR_MAX_REGIONS; i++) {
		if (devtree_read_reg(node, i, &addr, &size))
			break;
		/* Later reg entries (GICC/GICH/GICV) are not redistributors. */
		if (i > 1) {
			u32 nr;

			if (devtree_prop_read_u32(
				    node, "#redistributor-regions", &nr) ||
			    i > nr)
				break;
		}
		gicr_regions[nr_gicr_regions] = ioremap(addr, size);
		if (!gicr_regions[nr_gicr_regions])
			return -ENOMEM;
		gicr_region_sizes[nr_gicr_regions++] = size;
	}
	if (!nr_gicr_regions)
		return -EINVAL;

	nr_lines =
		32 * ((readl(gicd + GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1);
	if (nr_lines > GIC_NR_INTIDS)
		nr_lines = GIC_NR_INTIDS;
	writel(0, gicd + GICD_CTLR);
	wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
	boot_affinity = gic_irouter_affinity(arch_cpu_hwid());
	for (unsigned int i = GIC_SPI_BASE; i < nr_lines; i += 32) {
		writel(0xffffffff, gicd + GICD_ICENABLER + i / 8);
		writel(0xffffffff, gicd + GICD_ICPENDR + i / 8);
		writel(0xffffffff, gicd + GICD_IGROUPR + i / 8);
	}
	wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
	for (unsigned int i = GIC_SPI_BASE; i < nr_lines; i += 4)
		writel(0x01010101U * DEFAULT_PRIORITY,
		       gicd + GICD_IPRIORITYR + i);
	for (unsigned int i = GIC_SPI_BASE; i < nr_lines; i++)
		writeq(boot_affinity, gicd + GICD_IROUTER + i * 8);
	writel(GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1 | GICD_CTLR_ENABLE_G0,
	       gicd + GICD_CTLR);
	wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);

	gicv3_instance = gicv3_chip;
	gicv3_instance.nr_irqs = nr_lines;
	err = gicv3_cpu_init();
	if (err)
		return err;
	err = irqchip_register(&gicv3_instance, node);
	if (err)
		return err;
	printk(KERN_INFO
	       "gic-v3: %u interrupt lines, %u redistributor region(s)\n",
	       nr_lines, nr_gicr_regions);
	return 0;
}

static const char *const gicv3_compatible[] = { "arm,gic-v3", NULL };

static const struct driver gicv3_driver = {
	.name = "gic-v3",
	.compatible = gicv3_compatible,
	.stage = DRIVER_STAGE_IRQCHIP,
	.probe = gicv3_probe,
};
DRIVER_REGISTER(gicv3_driver);
