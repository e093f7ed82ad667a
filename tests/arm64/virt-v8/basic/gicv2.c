// SPDX-License-Identifier: GPL-2.0
/*
 * GICv2: distributor and CPU interface, both by MMIO. Every interrupt
 * stays in Group 0, which a GIC without security extensions (and a
 * virtual CPU interface with FIQEn clear) signals as IRQ. As for the
 * GICv3, only the interrupts the firmware uses are configured.
 */
#include "arm64.h"

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_PIDR2 0xfe8

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

#define PRIORITY PRIORITY_DEFAULT

/* Each CPU's interface bit, as its banked ITARGETSR0 reports it. */
static uint8_t cpu_mask[BASIC_MAX_CPUS];

static bool gicv2_probe(void)
{
	struct basic_fault f;
	uint32_t pidr2 = 0;

	return arch_try_read32(GICD_BASE + GICD_PIDR2, &pidr2, &f) &&
	       (pidr2 >> 4 & 0xf) == 2;
}

static int gicv2_init_distributor(void)
{
	mmio_write32(GICD_BASE + GICD_CTLR, 0);
	mmio_write32(GICD_BASE + GICD_CTLR, 1);
	return 0;
}

static void rmw32(uint64_t reg, uint32_t clear, uint32_t set)
{
	mmio_write32(reg, (mmio_read32(reg) & ~clear) | set);
}

static uint8_t mask_of(unsigned int cpu)
{
	return cpu_mask[cpu] ? cpu_mask[cpu] : (uint8_t)(1U << (cpu & 7));
}

static void gicv2_enable_spi(unsigned int intid)
{
	unsigned int shift = (intid % 4) * 8;

	rmw32(GICD_BASE + GICD_IPRIORITYR + intid / 4 * 4, 0xffU << shift,
	      (uint32_t)PRIORITY << shift);
	rmw32(GICD_BASE + GICD_ICFGR + intid / 16 * 4, 3U << (intid % 16 * 2),
	      0);
	rmw32(GICD_BASE + GICD_ITARGETSR + intid / 4 * 4, 0xffU << shift,
	      (uint32_t)mask_of(0) << shift);
	mmio_write32(GICD_BASE + GICD_ISENABLER + intid / 32 * 4,
		     1U << intid % 32);
}

static int gicv2_init_cpu(void)
{
	unsigned int cpu = arch_cpu_id(), i;

	cpu_mask[cpu] = mmio_read32(GICD_BASE + GICD_ITARGETSR) & 0xff;
	mmio_write32(GICD_BASE + GICD_ICENABLER, 0xffffffff);
	for (i = 0; i < 32; i += 4)
		mmio_write32(GICD_BASE + GICD_IPRIORITYR + i,
			     PRIORITY * 0x01010101U);
	mmio_write32(GICD_BASE + GICD_ISENABLER,
		     0xffffU | 1U << INTID_VTIMER | 1U << INTID_PTIMER);
	mmio_write32(GICC_BASE + GICC_PMR, 0xff);
	mmio_write32(GICC_BASE + GICC_BPR, 0);
	mmio_write32(GICC_BASE + GICC_CTLR, 1);
	return cpu_mask[cpu] ? 0 : -1;
}

/* Banked per CPU for private interrupts. */
static void gicv2_set_private_priority(unsigned int intid, uint8_t prio)
{
	unsigned int shift = (intid % 4) * 8;

	rmw32(GICD_BASE + GICD_IPRIORITYR + intid / 4 * 4, 0xffU << shift,
	      (uint32_t)prio << shift);
}

static void gicv2_send_sgi(unsigned int cpu, unsigned int sgi)
{
	/* Memory written before the SGI must be visible to its handler. */
	dsb_sy();
	mmio_write32(GICD_BASE + GICD_SGIR,
		     (uint32_t)mask_of(cpu) << 16 | (sgi & 15));
}

static void gicv2_handle_irq(uint64_t now)
{
	unsigned int i;

	/* Bounded, so that a stuck line cannot starve the interrupted code. */
	for (i = 0; i < 16; i++) {
		uint32_t iar = mmio_read32(GICC_BASE + GICC_IAR);
		unsigned int intid = iar & 0x3ff;

		if (intid >= 1020)
			return;
		if (i)
			now = arch_counter();
		arm64_irq(intid, now);
		mmio_write32(GICC_BASE + GICC_EOIR, iar);
	}
}

static void gicv2_info(void)
{
	unsigned int cpu;

	printf("GICv2: GICD_CTLR 0x%x GICD_TYPER 0x%x\n",
	       mmio_read32(GICD_BASE + GICD_CTLR),
	       mmio_read32(GICD_BASE + GICD_TYPER));
	for (cpu = 0; cpu < platform.nr_cpus; cpu++) {
		if (cpu_mask[cpu])
			printf("vCPU%u CPU interface mask 0x%x\n", cpu,
			       cpu_mask[cpu]);
	}
}

const struct gic_ops gicv2_ops = {
	.name = "GICv2",
	.probe = gicv2_probe,
	.init_distributor = gicv2_init_distributor,
	.init_cpu = gicv2_init_cpu,
	.enable_spi = gicv2_enable_spi,
	.send_sgi = gicv2_send_sgi,
	.set_private_priority = gicv2_set_private_priority,
	.handle_irq = gicv2_handle_irq,
	.info = gicv2_info,
};
