// SPDX-License-Identifier: GPL-2.0
/*
 * GICv3: distributor and redistributors by MMIO, the CPU interface by
 * ICC_* system registers. Every interrupt the firmware uses is Group 1
 * (Non-secure): with a single security state Group 0 would arrive as FIQ.
 * Only the interrupts the firmware uses are configured, so that an
 * emulated GIC need not implement more.
 */
#include "arm64.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8
/* EnableGrp0/EnableGrp1 (one state) or EnableGrp1/EnableGrp1A (NS). */
#define GICD_CTLR_ENABLE 0x3
#define GICD_CTLR_ARE 0x10
#define GICD_CTLR_RWP (1U << 31)

#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_CTLR_RWP (1U << 3)
#define GICR_TYPER_VLPIS (1U << 1)
#define GICR_TYPER_LAST (1U << 4)
#define GICR_WAKER_SLEEP (1U << 1)
#define GICR_WAKER_ASLEEP (1U << 2)
/* In the SGI/PPI frame, 64 KiB after RD_base. */
#define GICR_SGI 0x10000
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_IPRIORITYR 0x0400

#define PRIORITY PRIORITY_DEFAULT
#define SPIN_LIMIT 1000000

static uint64_t gicr[BASIC_MAX_CPUS];

static int wait_clear(uint64_t reg, uint32_t bit)
{
	unsigned int i;

	for (i = 0; i < SPIN_LIMIT; i++) {
		if (!(mmio_read32(reg) & bit))
			return 0;
	}
	return -1;
}

static int gicv3_init_distributor(void)
{
	mmio_write32(GICD_BASE + GICD_CTLR, 0);
	if (wait_clear(GICD_BASE + GICD_CTLR, GICD_CTLR_RWP))
		return -1;
	/* Affinity routing first: the enables may change only after it. */
	mmio_write32(GICD_BASE + GICD_CTLR, GICD_CTLR_ARE);
	if (wait_clear(GICD_BASE + GICD_CTLR, GICD_CTLR_RWP))
		return -1;
	mmio_write32(GICD_BASE + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE);
	return wait_clear(GICD_BASE + GICD_CTLR, GICD_CTLR_RWP);
}

static void rmw32(uint64_t reg, uint32_t clear, uint32_t set)
{
	mmio_write32(reg, (mmio_read32(reg) & ~clear) | set);
}

static void gicv3_enable_spi(unsigned int intid)
{
	unsigned int shift = (intid % 4) * 8;

	rmw32(GICD_BASE + GICD_IGROUPR + intid / 32 * 4, 0, 1U << intid % 32);
	rmw32(GICD_BASE + GICD_IPRIORITYR + intid / 4 * 4, 0xffU << shift,
	      (uint32_t)PRIORITY << shift);
	/* Level-sensitive, as the PL011 line is. */
	rmw32(GICD_BASE + GICD_ICFGR + intid / 16 * 4, 3U << (intid % 16 * 2),
	      0);
	/* To the boot vCPU. */
	mmio_write64(GICD_BASE + GICD_IROUTER + intid * 8,
		     mpidr_affinity(platform.cpu_hwid[0]));
	mmio_write32(GICD_BASE + GICD_ISENABLER + intid / 32 * 4,
		     1U << intid % 32);
}

/* This CPU's redistributor: the frame whose GICR_TYPER names its MPIDR. */
static uint64_t find_redistributor(uint64_t mpidr)
{
	uint64_t aff = (mpidr & 0xffffff) | (mpidr >> 32 & 0xff) << 24;
	uint64_t rd = GICR_BASE;
	unsigned int i;

	for (i = 0; i < 1024; i++) {
		uint64_t typer = mmio_read64(rd + GICR_TYPER);

		if (typer >> 32 == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		rd += typer & GICR_TYPER_VLPIS ? 0x40000 : 0x20000;
	}
	return 0;
}

static int gicv3_init_cpu(void)
{
	unsigned int cpu = arch_cpu_id(), i;
	uint64_t rd = find_redistributor(read_sysreg(mpidr_el1));
	uint64_t sgi = rd + GICR_SGI;

	if (!rd)
		return -1;
	gicr[cpu] = rd;

	rmw32(rd + GICR_WAKER, GICR_WAKER_SLEEP, 0);
	if (wait_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP))
		return -1;

	mmio_write32(sgi + GICR_ICENABLER0, 0xffffffff);
	if (wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP))
		return -1;
	mmio_write32(sgi + GICR_IGROUPR0, 0xffffffff);
	for (i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICR_IPRIORITYR + i, PRIORITY * 0x01010101U);
	mmio_write32(sgi + GICR_ISENABLER0,
		     0xffffU | 1U << INTID_VTIMER | 1U << INTID_PTIMER);

	write_sysreg(read_sysreg(icc_sre_el1) | 1, icc_sre_el1);
	isb();
	if (!(read_sysreg(icc_sre_el1) & 1))
		return -1;
	write_sysreg(0xff, icc_pmr_el1);
	write_sysreg(0, icc_bpr1_el1);
	/* EOImode 0: one write both drops priority and deactivates. */
	write_sysreg(0, icc_ctlr_el1);
	write_sysreg(1, icc_igrpen1_el1);
	isb();
	return 0;
}

static void gicv3_set_private_priority(unsigned int intid, uint8_t prio)
{
	unsigned int shift = (intid % 4) * 8;

	rmw32(gicr[arch_cpu_id()] + GICR_SGI + GICR_IPRIORITYR + intid / 4 * 4,
	      0xffU << shift, (uint32_t)prio << shift);
}

static void gicv3_send_sgi(unsigned int cpu, unsigned int sgi)
{
	uint64_t mpidr = platform.cpu_hwid[cpu];
	uint64_t aff0 = mpidr & 0xff;
	uint64_t v = (mpidr >> 32 & 0xff) << 48 | (mpidr >> 16 & 0xff) << 32 |
		     (aff0 >> 4) << 44 | (mpidr >> 8 & 0xff) << 16 |
		     (uint64_t)(sgi & 15) << 24 | 1UL << (aff0 & 15);

	/* Memory written before the SGI must be visible to its handler. */
	dsb_sy();
	write_sysreg(v, icc_sgi1r_el1);
	isb();
}

static void gicv3_handle_irq(uint64_t now)
{
	unsigned int i;

	/* Bounded, so that a stuck line cannot starve the interrupted code. */
	for (i = 0; i < 16; i++) {
		uint64_t iar = read_sysreg(icc_iar1_el1);
		unsigned int intid = iar & 0xffffff;

		if (intid >= 1020 && intid <= 1023)
			return;
		/* Entry time for the first, acknowledge time for the rest. */
		if (i)
			now = arch_counter();
		arm64_irq(intid, now);
		write_sysreg(iar, icc_eoir1_el1);
	}
	isb();
}

static void gicv3_info(void)
{
	unsigned int cpu;

	printf("GICv%u: GICD_CTLR 0x%x GICD_TYPER 0x%x\n",
	       mmio_read32(GICD_BASE + GICD_PIDR2) >> 4 & 0xf,
	       mmio_read32(GICD_BASE + GICD_CTLR),
	       mmio_read32(GICD_BASE + GICD_TYPER));
	for (cpu = 0; cpu < platform.nr_cpus; cpu++) {
		if (gicr[cpu])
			printf("vCPU%u redistributor 0x%lx\n", cpu, gicr[cpu]);
	}
}

/* GICv3 or v4: PIDR2.ArchRev in the distributor's 64 KiB frame. */
static bool gicv3_probe(void)
{
	struct basic_fault f;
	uint32_t pidr2 = 0;

	if (!arch_try_read32(GICD_BASE + GICD_PIDR2, &pidr2, &f))
		return false;
	return (pidr2 >> 4 & 0xf) == 3 || (pidr2 >> 4 & 0xf) == 4;
}

const struct gic_ops gicv3_ops = {
	.name = "GICv3",
	.probe = gicv3_probe,
	.init_distributor = gicv3_init_distributor,
	.init_cpu = gicv3_init_cpu,
	.enable_spi = gicv3_enable_spi,
	.send_sgi = gicv3_send_sgi,
	.set_private_priority = gicv3_set_private_priority,
	.handle_irq = gicv3_handle_irq,
	.info = gicv3_info,
};
