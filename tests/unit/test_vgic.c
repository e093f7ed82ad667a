// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/irqchip/vgic-v3.c driven as Keel drives it: register accesses
 * through its emulator operations with the instance lock held (as core
 * does), device lines through the guest_irqchip it registers, and the list
 * register calls of keel/vgic.h as the arch glue makes them. The guest is
 * the shared fake (host/fake_guest.c) with 1-4 vCPUs whose hardware ids
 * exercise every affinity level. Register behaviour follows the GICv3
 * specification (ARM IHI 0069); the layout is hw/gic.h's. The emulator is
 * found by its compatible string in the emulator table
 * (host/keel_tables.ld) by core/devemu_registry.c.
 */
#include "unit.h"
#include <string.h>

#include <hw/gic.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/vgic.h>
#include "../../emulators/irqchip/vgic-model.h"
#include "host/fake_guest.h"

#define DIST_BASE 0x8000000ULL
#define RD_BASE 0x80a0000ULL
#define RD_OFF (RD_BASE - DIST_BASE)

/* MPIDR-style ids: Aff0, Aff1, and Aff2 + Aff3 for the last one. */
static const u64 hwids[4] = { 0x0, 0x1, 0x100, 0x0100020000ULL };

/* ---- the instance, as core/guest.c builds it ---- */

static struct devtree_node gic_node;
static struct vgic *cur; /* the model under test */
static const struct emulator *emu;
static unsigned int ncpus;

/*
 * A fake guest whose description says n vCPUs (none built yet) and a GIC
 * node with both windows and, unless 0, "keel,nr-irqs".
 */
static void setup(unsigned int n, u32 nr_irqs_prop)
{
	emu = devemu_find("arm,gic-v3");
	if (!emu) {
		printf("  no emulator serves arm,gic-v3\n");
		abort();
	}
	fake_guest_init("vm1", n);
	for (unsigned int i = 0; i < ARRAY_SIZE(hwids); i++)
		fake_hwids[i] = hwids[i];
	fake_dt_set_reg(&gic_node, 0, DIST_BASE, 0x10000);
	fake_dt_set_reg(&gic_node, 1, RD_BASE, 0xf60000);
	if (nr_irqs_prop)
		fake_dt_set_u32(&gic_node, "keel,nr-irqs", nr_irqs_prop);
	cur = NULL;
	ncpus = n;
}

/* vCPUs come after devices, as in core. */
static void make_vcpus(void)
{
	fake_guest_add_vcpus(ncpus);
}

static struct devemu_instance *instance(void)
{
	return fake_instance(emu, "intc@8000000", DIST_BASE, 0x10000,
			     FAKE_NO_IRQ);
}

static struct devemu_instance *create_irqs(unsigned int n, u32 nr_irqs)
{
	struct devemu_instance *inst;

	setup(n, nr_irqs);
	inst = instance();
	CHECK_EQ(devemu_probe(inst, &gic_node), 0);
	CHECK(inst->priv != NULL);
	cur = inst->priv;
	/* Kicks take the vCPU's own locks: never under the model's. */
	fake_kick_forbidden_lock = &cur->lock;
	make_vcpus();
	return inst;
}

static struct devemu_instance *create(unsigned int n)
{
	return create_irqs(n, 0);
}

static void destroy(struct devemu_instance *inst)
{
	fake_kick_forbidden_lock = NULL;
	fake_destroy(inst);
	CHECK(fake_guest.irqchip == NULL);
	cur = NULL;
}

static u64 rd(struct devemu_instance *inst, u64 off)
{
	return fake_rd(inst, off, 4);
}

static void wr(struct devemu_instance *inst, u64 off, u64 v)
{
	fake_wr(inst, off, 4, v);
}

/* Offsets of a vCPU's redistributor frames from the distributor's base */
static u64 rdb(unsigned int cpu, u64 reg)
{
	return RD_OFF + cpu * GICR_V3_SIZE + reg;
}

static u64 sgib(unsigned int cpu, u64 reg)
{
	return RD_OFF + cpu * GICR_V3_SIZE + GICR_SGI_BASE + reg;
}

static void reset(struct devemu_instance *inst)
{
	fake_reset(inst);
}

static struct vgic *vg_of(void)
{
	return vgic_of(&fake_guest);
}

static void line(unsigned int irq, bool level)
{
	fake_line(irq, level);
}

static bool pending(unsigned int cpu)
{
	return fake_pending(cpu);
}

static unsigned int fill(unsigned int cpu, struct vgic_lr *lrs,
			 unsigned int max, bool *more)
{
	bool m;
	unsigned int n = vgic_fill_lrs(vg_of(), &fake_vcpus[cpu], lrs, max,
				       more ? more : &m);

	return n;
}

static void sync(unsigned int cpu, const struct vgic_lr *lrs, unsigned int n)
{
	vgic_sync_lrs(vg_of(), &fake_vcpus[cpu], lrs, n);
}

/* Enable both groups, put SPI intid in group 1, enabled, priority prio. */
static void spi_on(struct devemu_instance *inst, unsigned int intid,
		   unsigned int prio)
{
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	wr(inst, GICD_IGROUPR + intid / 32 * 4,
	   rd(inst, GICD_IGROUPR + intid / 32 * 4) | 1U << (intid % 32));
	fake_wr(inst, GICD_IPRIORITYR + intid, 1, prio);
	wr(inst, GICD_ISENABLER + intid / 32 * 4, 1U << (intid % 32));
}

static void private_on(struct devemu_instance *inst, unsigned int cpu,
		       unsigned int intid, unsigned int prio)
{
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	wr(inst, sgib(cpu, GICR_IGROUPR0),
	   rd(inst, sgib(cpu, GICR_IGROUPR0)) | 1U << intid);
	fake_wr(inst, sgib(cpu, GICR_IPRIORITYR0 + intid), 1, prio);
	wr(inst, sgib(cpu, GICR_ISENABLER0), 1U << intid);
}

static void set_edge(struct devemu_instance *inst, unsigned int intid)
{
	u64 off = GICD_ICFGR + intid / 16 * 4;

	wr(inst, off, rd(inst, off) | 2U << (intid % 16 * 2));
}

/* ---- probing ---- */

/*
 * The two affinity layouts of hw/gic.h: GICR_TYPER packs Aff3 into bits
 * 31:24, GICD_IROUTER keeps it at 39:32 as MPIDR does (the host driver
 * once routed SPIs with the packed form, which sets IRM on a PE with a
 * non-zero Aff3). MPIDR's RES1 bit 31, U (30) and MT (24) are not
 * affinity.
 */
UNIT_TEST(affinity_layouts_of_typer_and_irouter)
{
	u64 mpidr = 0xabc1010203ULL; /* Aff3 0xab, RES1, U, MT, 1.2.3 */

	CHECK_EQ(gic_affinity32(mpidr), 0xab010203U);
	CHECK_EQ(gic_irouter_affinity(mpidr), 0xab00010203ULL);
	CHECK_EQ(gic_irouter_affinity(mpidr) & GICD_IROUTER_IRM, 0);
	CHECK_EQ(gic_irouter_affinity(0x80000001ULL), 0x1ULL);
}

UNIT_TEST(probe_registers_window_and_irqchip)
{
	struct devemu_instance *inst = create(2);

	CHECK_EQ(fake_windows_added, 1);
	CHECK_EQ(fake_window_base, RD_BASE);
	CHECK_EQ(fake_window_size, 0xf60000);
	CHECK(vgic_of(&fake_guest) == inst->priv && inst->priv);
	CHECK(vg_of() == inst->priv);
	CHECK_EQ(vg_of()->nr_cpus, 2);
	CHECK_EQ(vg_of()->nr_irqs, DEFAULT_NR_IRQS);
	destroy(inst);
	CHECK(vgic_of(&fake_guest) == NULL);
	CHECK(vgic_of(NULL) == NULL);
}

UNIT_TEST(probe_sizes_from_description_before_vcpus_exist)
{
	struct devemu_instance *inst;

	setup(3, 0);
	inst = instance();
	/* No vCPU exists yet: only the description says how many. */
	CHECK_EQ(devemu_probe(inst, &gic_node), 0);
	cur = inst->priv;
	fake_kick_forbidden_lock = &cur->lock;
	CHECK_EQ(cur->nr_cpus, 3);
	/* Lines raised before the vCPUs exist are kept, nobody kicked. */
	line(40, true);
	CHECK_EQ(fake_kicks[0], 0);
	make_vcpus();
	spi_on(inst, 40, 0);
	CHECK(pending(0));
	destroy(inst);
}

static const struct guest_irqchip other_chip;

UNIT_TEST(probe_rejects_bad_nodes)
{
	static struct devtree_node one_window_node;
	struct devemu_instance *inst;

	setup(2, 0);
	inst = instance();
	/* A node whose "reg" has no second entry. */
	fake_dt_set_reg(&one_window_node, 0, DIST_BASE, 0x10000);
	CHECK_EQ(devemu_probe(inst, &one_window_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "redistributors") != NULL);
	CHECK(fake_guest.irqchip == NULL);

	setup(2, 0);
	fake_dt_set_reg(&gic_node, 1, RD_BASE,
			0x20000); /* one frame, two vCPUs */
	CHECK_EQ(devemu_probe(inst, &gic_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "too small") != NULL);

	setup(2, 0);
	inst->size = 0x1000;
	CHECK_EQ(devemu_probe(inst, &gic_node), -EINVAL);
	inst->size = 0x10000;

	setup(0, 0);
	CHECK_EQ(devemu_probe(inst, &gic_node), -EINVAL);

	setup(2, 20);
	CHECK_EQ(devemu_probe(inst, &gic_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "keel,nr-irqs") != NULL);

	setup(2, 0);
	fake_window_err = -EEXIST;
	CHECK_EQ(devemu_probe(inst, &gic_node), -EEXIST);
	CHECK(fake_guest.irqchip == NULL);
	CHECK(inst->priv == NULL);

	setup(2, 0);
	fake_guest.irqchip = &other_chip; /* another controller is there */
	CHECK_EQ(devemu_probe(inst, &gic_node), -EBUSY);
	fake_guest.irqchip = NULL;
	free(inst);
}

UNIT_TEST(nr_irqs_property_sets_itlines)
{
	struct devemu_instance *inst = create_irqs(1, 100);

	CHECK_EQ(rd(inst, GICD_TYPER) & 0x1f, 3); /* 128 INTIDs */
	/* Past the last line: RAZ/WI */
	wr(inst, GICD_ISENABLER + 4 * 4, ~0U);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 4 * 4), 0);
	wr(inst, GICD_ISENABLER + 3 * 4, ~0U);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 3 * 4), 0xffffffff);
	destroy(inst);

	inst = create_irqs(1, 1020);
	CHECK_EQ(rd(inst, GICD_TYPER) & 0x1f, 31);
	CHECK_EQ(cur->nr_irqs, 1020);
	wr(inst, GICD_ISENABLER + 31 * 4, ~0U);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 31 * 4), 0x0fffffff);
	fake_wr(inst, GICD_IROUTER + 8 * 1019, 8, 0x100);
	CHECK_EQ(fake_rd(inst, GICD_IROUTER + 8 * 1019, 8), 0x100);
	destroy(inst);
}

/* ---- identification and reset values ---- */

UNIT_TEST(distributor_identification)
{
	struct devemu_instance *inst = create(4);
	u32 typer = (u32)rd(inst, GICD_TYPER);

	CHECK_EQ(typer & 0x1f, 8); /* 288 INTIDs */
	CHECK_EQ((typer >> 5) & 7, 3); /* four vCPUs */
	CHECK_EQ((typer >> 19) & 0x1f, 9); /* 10 INTID bits */
	CHECK_EQ(typer & (1U << 17), 0); /* LPIS */
	CHECK_EQ(typer & (1U << 10), 0); /* SecurityExtn */
	CHECK(typer & GICD_TYPER_A3V);
	CHECK_EQ(rd(inst, GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_DS);
	CHECK_EQ(rd(inst, GICD_IIDR), GIC_IIDR_VALUE);
	CHECK_EQ(rd(inst, GICD_TYPER2), 0);
	CHECK_EQ(rd(inst, GICD_STATUSR), 0);
	CHECK_EQ(rd(inst, GICD_PIDR2), 0x3b);
	CHECK_EQ((rd(inst, GICD_PIDR2) >> GIC_PIDR2_ARCHREV_SHIFT) & 0xf, 3);
	CHECK_EQ(rd(inst, GICD_CIDR0), 0x0d);
	/* ARE and DS cannot be cleared; RWP is never set. */
	wr(inst, GICD_CTLR, 0);
	CHECK_EQ(rd(inst, GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_DS);
	wr(inst, GICD_CTLR, 0xffffffff);
	CHECK_EQ(rd(inst, GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_DS |
					      GICD_CTLR_ENABLE_G0 |
					      GICD_CTLR_ENABLE_G1);
	/* Read-only identification ignores writes. */
	wr(inst, GICD_TYPER, 0);
	CHECK_EQ(rd(inst, GICD_TYPER), typer);
	destroy(inst);
}

UNIT_TEST(redistributor_identification)
{
	struct devemu_instance *inst = create(4);

	for (unsigned int c = 0; c < 4; c++) {
		u64 t = fake_rd(inst, rdb(c, GICR_TYPER), 8);
		u64 aff = (hwids[c] & 0xffffff) | (hwids[c] >> 32) << 24;

		CHECK_EQ(t >> 32, aff);
		CHECK_EQ((t >> 8) & 0xffff, c);
		CHECK_EQ(!!(t & GICR_TYPER_LAST), c == 3);
		CHECK_EQ(t & 1, 0); /* PLPIS */
		CHECK_EQ(rd(inst, rdb(c, GICR_TYPER)), (u32)t);
		CHECK_EQ(rd(inst, rdb(c, GICR_TYPER + 4)), t >> 32);
		CHECK_EQ(rd(inst, rdb(c, GICR_IIDR)), GIC_IIDR_VALUE);
		CHECK_EQ(rd(inst, rdb(c, GICR_PIDR2)), 0x3b);
		CHECK_EQ(rd(inst, rdb(c, GICR_CTLR)), 0);
	}
	CHECK_EQ(fake_rd(inst, rdb(3, GICR_TYPER), 8) >> 32, 0x01020000);
	/* Frames past the last vCPU read as zero. */
	CHECK_EQ(rd(inst, rdb(4, GICR_TYPER)), 0);
	CHECK_EQ(rd(inst, sgib(4, GICR_ISENABLER0)), 0);
	destroy(inst);
}

UNIT_TEST(waker_handshake)
{
	struct devemu_instance *inst = create(2);

	CHECK_EQ(rd(inst, rdb(0, GICR_WAKER)),
		 GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
	wr(inst, rdb(0, GICR_WAKER), 0);
	CHECK_EQ(rd(inst, rdb(0, GICR_WAKER)), 0);
	CHECK_EQ(rd(inst, rdb(1, GICR_WAKER)),
		 GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
	wr(inst, rdb(0, GICR_WAKER), GICR_WAKER_PROCESSOR_SLEEP);
	CHECK_EQ(rd(inst, rdb(0, GICR_WAKER)),
		 GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
	wr(inst, rdb(0, GICR_WAKER), 0);
	reset(inst);
	CHECK_EQ(rd(inst, rdb(0, GICR_WAKER)),
		 GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
	destroy(inst);
}

UNIT_TEST(reset_values)
{
	struct devemu_instance *inst = create(2);

	for (unsigned int pass = 0; pass < 2; pass++) {
		CHECK_EQ(rd(inst, GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_DS);
		for (unsigned int n = 0; n < 9; n++) {
			CHECK_EQ(rd(inst, GICD_IGROUPR + 4 * n), 0);
			CHECK_EQ(rd(inst, GICD_ISENABLER + 4 * n), 0);
			CHECK_EQ(rd(inst, GICD_ISPENDR + 4 * n), 0);
			CHECK_EQ(rd(inst, GICD_ISACTIVER + 4 * n), 0);
		}
		for (unsigned int i = 32; i < 288; i += 4)
			CHECK_EQ(rd(inst, GICD_IPRIORITYR + i), 0);
		for (unsigned int n = 2; n < 18; n++)
			CHECK_EQ(rd(inst, GICD_ICFGR + 4 * n), 0);
		for (unsigned int i = 32; i < 288; i++)
			CHECK_EQ(fake_rd(inst, GICD_IROUTER + 8 * i, 8), 0);
		for (unsigned int c = 0; c < 2; c++) {
			CHECK_EQ(rd(inst, sgib(c, GICR_IGROUPR0)), 0);
			CHECK_EQ(rd(inst, sgib(c, GICR_ISENABLER0)), 0);
			CHECK_EQ(rd(inst, sgib(c, GICR_ISPENDR0)), 0);
			CHECK_EQ(rd(inst, sgib(c, GICR_ISACTIVER0)), 0);
			CHECK_EQ(rd(inst, sgib(c, GICR_ICFGR0)), 0xaaaaaaaa);
			CHECK_EQ(rd(inst, sgib(c, GICR_ICFGR1)), 0);
			for (unsigned int i = 0; i < 32; i += 4)
				CHECK_EQ(
					rd(inst, sgib(c, GICR_IPRIORITYR0 + i)),
					0);
		}
		CHECK(!pending(0) && !pending(1));
		/* Dirty everything, then reset. */
		wr(inst, GICD_CTLR, 3);
		for (unsigned int n = 1; n < 9; n++) {
			wr(inst, GICD_IGROUPR + 4 * n, ~0U);
			wr(inst, GICD_ISENABLER + 4 * n, ~0U);
			wr(inst, GICD_ISPENDR + 4 * n, ~0U);
			wr(inst, GICD_ISACTIVER + 4 * n, ~0U);
		}
		for (unsigned int i = 32; i < 288; i += 4)
			wr(inst, GICD_IPRIORITYR + i, 0xa0a0a0a0);
		for (unsigned int n = 2; n < 18; n++)
			wr(inst, GICD_ICFGR + 4 * n, ~0U);
		for (unsigned int i = 32; i < 288; i++)
			fake_wr(inst, GICD_IROUTER + 8 * i, 8, 0x100);
		for (unsigned int c = 0; c < 2; c++) {
			wr(inst, sgib(c, GICR_IGROUPR0), ~0U);
			wr(inst, sgib(c, GICR_ISENABLER0), ~0U);
			wr(inst, sgib(c, GICR_ISPENDR0), ~0U);
			wr(inst, sgib(c, GICR_ISACTIVER0), ~0U);
			wr(inst, sgib(c, GICR_ICFGR1), ~0U);
			wr(inst, sgib(c, GICR_IPRIORITYR0), 0x80808080);
		}
		CHECK(rd(inst, GICD_ISPENDR + 4) != 0);
		reset(inst);
	}
	destroy(inst);
}

/* ---- set/clear registers ---- */

UNIT_TEST(enable_set_clear)
{
	struct devemu_instance *inst = create(2);

	wr(inst, GICD_ISENABLER + 4, 0x00010001);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 4), 0x00010001);
	CHECK_EQ(rd(inst, GICD_ICENABLER + 4), 0x00010001);
	wr(inst, GICD_ISENABLER + 4, 0x2);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 4), 0x00010003);
	wr(inst, GICD_ICENABLER + 4, 0x00010000);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 4), 0x3);
	/* INTIDs below 32 are the redistributors' with ARE set. */
	wr(inst, GICD_ISENABLER, ~0U);
	CHECK_EQ(rd(inst, GICD_ISENABLER), 0);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISENABLER0)), 0);
	/* Banked per vCPU */
	wr(inst, sgib(1, GICR_ISENABLER0), 0x80000002);
	CHECK_EQ(rd(inst, sgib(1, GICR_ISENABLER0)), 0x80000002);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISENABLER0)), 0);
	wr(inst, sgib(1, GICR_ICENABLER0), 0x2);
	CHECK_EQ(rd(inst, sgib(1, GICR_ICENABLER0)), 0x80000000);
	/* Extended PPI range: RAZ/WI */
	wr(inst, sgib(1, GICR_ISENABLER0 + 4), ~0U);
	CHECK_EQ(rd(inst, sgib(1, GICR_ISENABLER0 + 4)), 0);
	destroy(inst);
}

UNIT_TEST(pending_and_active_set_clear)
{
	struct devemu_instance *inst = create(2);

	wr(inst, GICD_ISPENDR + 8, 0x5);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 8), 0x5);
	CHECK_EQ(rd(inst, GICD_ICPENDR + 8), 0x5);
	wr(inst, GICD_ICPENDR + 8, 0x1);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 8), 0x4);
	wr(inst, GICD_ISACTIVER + 8, 0x30);
	CHECK_EQ(rd(inst, GICD_ISACTIVER + 8), 0x30);
	CHECK_EQ(rd(inst, GICD_ICACTIVER + 8), 0x30);
	wr(inst, GICD_ICACTIVER + 8, 0x10);
	CHECK_EQ(rd(inst, GICD_ISACTIVER + 8), 0x20);
	/* Group registers are plain read/write */
	wr(inst, GICD_IGROUPR + 8, 0xf0f0f0f0);
	CHECK_EQ(rd(inst, GICD_IGROUPR + 8), 0xf0f0f0f0);
	wr(inst, GICD_IGROUPR + 8, 0x1);
	CHECK_EQ(rd(inst, GICD_IGROUPR + 8), 0x1);
	/* SGI frame, per vCPU */
	wr(inst, sgib(0, GICR_ISPENDR0), 0x10001);
	wr(inst, sgib(1, GICR_ISACTIVER0), 0x20000);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 0x10001);
	CHECK_EQ(rd(inst, sgib(1, GICR_ISPENDR0)), 0);
	CHECK_EQ(rd(inst, sgib(1, GICR_ICACTIVER0)), 0x20000);
	wr(inst, sgib(0, GICR_ICPENDR0), 0x1);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 0x10000);
	destroy(inst);
}

UNIT_TEST(security_registers_raz_wi)
{
	struct devemu_instance *inst = create(1);

	wr(inst, GICD_IGRPMODR + 4, ~0U);
	CHECK_EQ(rd(inst, GICD_IGRPMODR + 4), 0);
	wr(inst, GICD_NSACR + 8, ~0U);
	CHECK_EQ(rd(inst, GICD_NSACR + 8), 0);
	wr(inst, sgib(0, GICR_IGRPMODR0), ~0U);
	CHECK_EQ(rd(inst, sgib(0, GICR_IGRPMODR0)), 0);
	/* GICv2 leftovers: no effect with affinity routing. */
	wr(inst, GICD_SGIR, 0x00010001);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 0);
	fake_wr(inst, GICD_SPENDSGIR, 1, 0xff);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR), 0);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 0);
	fake_wr(inst, GICD_ITARGETSR + 40, 1, 0xff);
	CHECK_EQ(fake_rd(inst, GICD_ITARGETSR + 40, 1), 0);
	/* Reserved offsets and the LPI registers */
	wr(inst, 0x0020, ~0U);
	CHECK_EQ(rd(inst, 0x0020), 0);
	wr(inst, 0xc000, ~0U);
	CHECK_EQ(rd(inst, 0xc000), 0);
	fake_wr(inst, rdb(0, GICR_PROPBASER), 8, ~0ULL);
	CHECK_EQ(fake_rd(inst, rdb(0, GICR_PROPBASER), 8), 0);
	wr(inst, rdb(0, GICR_CTLR), 1); /* EnableLPIs */
	CHECK_EQ(rd(inst, rdb(0, GICR_CTLR)), 0);
	destroy(inst);
}

UNIT_TEST(priority_byte_access)
{
	struct devemu_instance *inst = create(2);

	fake_wr(inst, GICD_IPRIORITYR + 33, 1, 0xa8);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 32), 0xa800);
	CHECK_EQ(fake_rd(inst, GICD_IPRIORITYR + 33, 1), 0xa8);
	CHECK_EQ(fake_rd(inst, GICD_IPRIORITYR + 32, 1), 0);
	wr(inst, GICD_IPRIORITYR + 36, 0x11223344);
	CHECK_EQ(fake_rd(inst, GICD_IPRIORITYR + 36, 1), 0x44);
	CHECK_EQ(fake_rd(inst, GICD_IPRIORITYR + 39, 1), 0x11);
	/* All eight bits are kept. */
	fake_wr(inst, GICD_IPRIORITYR + 287, 1, 0xff);
	CHECK_EQ(fake_rd(inst, GICD_IPRIORITYR + 287, 1), 0xff);
	/* Past the last line and below 32: RAZ/WI */
	wr(inst, GICD_IPRIORITYR + 288, ~0U);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 288), 0);
	wr(inst, GICD_IPRIORITYR + 4, ~0U);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 4), 0);
	/* Private priorities in the SGI frame, per vCPU */
	fake_wr(inst, sgib(1, GICR_IPRIORITYR0 + 27), 1, 0x60);
	wr(inst, sgib(1, GICR_IPRIORITYR0), 0x01020304);
	CHECK_EQ(rd(inst, sgib(1, GICR_IPRIORITYR0 + 24)), 0x60000000);
	CHECK_EQ(fake_rd(inst, sgib(1, GICR_IPRIORITYR0 + 2), 1), 0x02);
	CHECK_EQ(rd(inst, sgib(0, GICR_IPRIORITYR0 + 24)), 0);
	/* The last byte of the SGI frame's range does not reach SPI 32. */
	fake_wr(inst, sgib(0, GICR_IPRIORITYR0 + 31), 1, 0x90);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 32), 0xa800);
	CHECK_EQ(rd(inst, sgib(0, GICR_IPRIORITYR0 + 28)), 0x90000000);
	CHECK_EQ(rd(inst, sgib(0, GICR_IPRIORITYR0 + 32)), 0);
	destroy(inst);
}

UNIT_TEST(config_registers)
{
	struct devemu_instance *inst = create(2);

	wr(inst, GICD_ICFGR + 8, 0xffffffff);
	/* Only the upper bit of each SPI field is implemented. */
	CHECK_EQ(rd(inst, GICD_ICFGR + 8), 0xaaaaaaaa);
	wr(inst, GICD_ICFGR + 8, 0x00000008);
	CHECK_EQ(rd(inst, GICD_ICFGR + 8), 0x8);
	/* Private configuration lives in the SGI frame. */
	wr(inst, GICD_ICFGR, 0);
	wr(inst, GICD_ICFGR + 4, ~0U);
	CHECK_EQ(rd(inst, GICD_ICFGR), 0);
	CHECK_EQ(rd(inst, GICD_ICFGR + 4), 0);
	/* SGIs are edge-triggered, whatever is written. */
	wr(inst, sgib(0, GICR_ICFGR0), 0);
	CHECK_EQ(rd(inst, sgib(0, GICR_ICFGR0)), 0xaaaaaaaa);
	/* PPIs are configurable, per vCPU. */
	wr(inst, sgib(1, GICR_ICFGR1), 0x80000000);
	CHECK_EQ(rd(inst, sgib(1, GICR_ICFGR1)), 0x80000000);
	CHECK_EQ(rd(inst, sgib(0, GICR_ICFGR1)), 0);
	destroy(inst);
}

/* ---- routing ---- */

UNIT_TEST(irouter_access)
{
	struct devemu_instance *inst = create(4);

	fake_wr(inst, GICD_IROUTER + 8 * 40, 8, 0xffffffffffffffffULL);
	CHECK_EQ(fake_rd(inst, GICD_IROUTER + 8 * 40, 8), IROUTER_MASK);
	wr(inst, GICD_IROUTER + 8 * 41, 0x80000101);
	wr(inst, GICD_IROUTER + 8 * 41 + 4, 0x12);
	CHECK_EQ(fake_rd(inst, GICD_IROUTER + 8 * 41, 8), 0x1280000101ULL);
	CHECK_EQ(rd(inst, GICD_IROUTER + 8 * 41), 0x80000101);
	CHECK_EQ(rd(inst, GICD_IROUTER + 8 * 41 + 4), 0x12);
	wr(inst, GICD_IROUTER + 8 * 41, 0x1);
	CHECK_EQ(fake_rd(inst, GICD_IROUTER + 8 * 41, 8), 0x1200000001ULL);
	/* No routes for private interrupts */
	fake_wr(inst, GICD_IROUTER + 8 * 20, 8, 0x100);
	CHECK_EQ(fake_rd(inst, GICD_IROUTER + 8 * 20, 8), 0);
	destroy(inst);
}

UNIT_TEST(spi_routing_by_affinity)
{
	struct devemu_instance *inst = create(4);
	struct vgic_lr lrs[4];

	spi_on(inst, 50, 0x80);
	fake_wr(inst, GICD_IROUTER + 8 * 50, 8, 0x100); /* vCPU2 */
	line(50, true);
	CHECK(!pending(0) && !pending(1) && pending(2) && !pending(3));
	CHECK_EQ(fake_kicks[2], 1);
	CHECK_EQ(fake_kicks[0] + fake_kicks[1] + fake_kicks[3], 0);
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	CHECK_EQ(fill(2, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 50);
	line(50, false);
	sync(2, lrs, 1);
	CHECK(!pending(2));

	/* Aff3 and Aff2 */
	line(51, true);
	spi_on(inst, 51, 0x80);
	memset(fake_kicks, 0, sizeof(fake_kicks));
	fake_wr(inst, GICD_IROUTER + 8 * 51, 8, 0x0100020000ULL);
	CHECK_EQ(fake_kicks[3], 1);
	CHECK(pending(3));
	CHECK_EQ(fill(3, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 51);

	/* IRM: any PE, which here means vCPU0 */
	line(52, true);
	spi_on(inst, 52, 0x80);
	fake_wr(inst, GICD_IROUTER + 8 * 52, 8, GICD_IROUTER_IRM | 0x101);
	CHECK(pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 52);

	/* An affinity nobody has: not delivered at all. */
	line(53, true);
	spi_on(inst, 53, 0x80);
	memset(fake_kicks, 0, sizeof(fake_kicks));
	fake_wr(inst, GICD_IROUTER + 8 * 53, 8, 0x5);
	for (unsigned int c = 0; c < 4; c++) {
		bool more;

		CHECK_EQ(fake_kicks[c], 0);
		CHECK_EQ(fill(c, lrs, 4, &more), 0);
		CHECK(!more);
	}
	/* Re-routing it makes it deliverable and kicks the new target. */
	fake_wr(inst, GICD_IROUTER + 8 * 53, 8, 0x1);
	CHECK_EQ(fake_kicks[1], 1);
	CHECK(pending(1));
	destroy(inst);
}

/* ---- gating ---- */

UNIT_TEST(group_and_ctlr_gating)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[4];

	spi_on(inst, 40, 0);
	wr(inst, GICD_CTLR, 0);
	line(40, true);
	CHECK(!pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	/* Group 0 enabled does not help a group 1 interrupt. */
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0);
	CHECK(!pending(0));
	memset(fake_kicks, 0, sizeof(fake_kicks));
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G1);
	CHECK(pending(0));
	CHECK_EQ(fake_kicks[0], 1);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK(lrs[0].group1);
	/* EOIed with the line still high */
	lrs[0].pending = false;
	sync(0, lrs, 1);

	/* Group 0 goes by EnableGrp0 and reaches the LR as group 0. */
	wr(inst, GICD_IGROUPR + 4, 0);
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G1);
	CHECK(!pending(0));
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0);
	CHECK(pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK(!lrs[0].group1);
	lrs[0].pending = false;
	sync(0, lrs, 1);

	/* Disabled: pending, but not delivered. */
	wr(inst, GICD_ICENABLER + 4, 1U << 8);
	CHECK(!pending(0));
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 8);
	memset(fake_kicks, 0, sizeof(fake_kicks));
	wr(inst, GICD_ISENABLER + 4, 1U << 8);
	CHECK_EQ(fake_kicks[0], 1);
	CHECK(pending(0));
	destroy(inst);
}

/* ---- edge and level ---- */

UNIT_TEST(edge_semantics)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[4], done;
	unsigned int n;

	spi_on(inst, 40, 0x20);
	set_edge(inst, 40);
	line(40, true);
	line(40, false);
	/* The edge was latched: pending after the line fell. */
	CHECK(pending(0));
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 8);
	n = fill(0, lrs, 4, NULL);
	CHECK_EQ(n, 1);
	CHECK(lrs[0].pending && !lrs[0].active && !lrs[0].eoi_notify);
	CHECK_EQ(lrs[0].priority, 0x20);
	/* Owned by the LR: not offered again. */
	CHECK(!pending(0));
	CHECK_EQ(fill(0, lrs + 1, 3, NULL), 0);
	/* The guest took it: active in the LR. */
	done = lrs[0];
	done.pending = false;
	done.active = true;
	sync(0, &done, 1);
	CHECK_EQ(rd(inst, GICD_ISACTIVER + 4), 1U << 8);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 0);
	/* A new edge while active: active and pending together. */
	line(40, true);
	n = fill(0, lrs, 4, NULL);
	CHECK_EQ(n, 1);
	CHECK(lrs[0].pending && lrs[0].active);
	done = lrs[0];
	done.pending = false;
	done.active = false;
	sync(0, &done, 1);
	/* Completed; the line stays high but an edge is an edge. */
	CHECK(!pending(0));
	CHECK_EQ(rd(inst, GICD_ISACTIVER + 4), 0);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 0);
	/* Holding a high line is not a new edge. */
	line(40, true);
	CHECK(!pending(0));
	destroy(inst);
}

UNIT_TEST(level_semantics)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[4], done;

	spi_on(inst, 40, 0x20);
	line(40, true);
	CHECK(pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK(lrs[0].pending && lrs[0].eoi_notify);
	/* Completed with the line still high: pending again at once. */
	done = lrs[0];
	done.pending = false;
	sync(0, &done, 1);
	CHECK(pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	/* Acked, line drops, then EOI: nothing left. */
	done = lrs[0];
	done.pending = false;
	done.active = true;
	sync(0, &done, 1);
	line(40, false);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK(lrs[0].active && !lrs[0].pending && lrs[0].eoi_notify);
	done = lrs[0];
	done.active = false;
	sync(0, &done, 1);
	CHECK(!pending(0));
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 0);

	/* ICPENDR clears the latch, never the line. */
	line(40, true);
	wr(inst, GICD_ICPENDR + 4, 1U << 8);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 8);
	CHECK(pending(0));
	line(40, false);
	CHECK(!pending(0));
	/* ISPENDR latches a level interrupt until it is taken. */
	wr(inst, GICD_ISPENDR + 4, 1U << 8);
	CHECK(pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	done = lrs[0];
	done.pending = false;
	sync(0, &done, 1);
	CHECK(!pending(0));
	destroy(inst);
}

UNIT_TEST(level_line_drops_while_in_lr)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[4];

	spi_on(inst, 40, 0x20);
	line(40, true);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	line(40, false);
	/* The LR still says pending, but the line it came from is low. */
	sync(0, lrs, 1);
	CHECK(!pending(0));
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 0);
	/* A software latch handed out comes back if not taken. */
	wr(inst, GICD_ISPENDR + 4, 1U << 8);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 8);
	sync(0, lrs, 1);
	CHECK(pending(0));
	destroy(inst);
}

UNIT_TEST(clear_while_in_lr)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lrs[4];

	spi_on(inst, 40, 0x20);
	set_edge(inst, 40);
	line(40, true);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	memset(fake_kicks, 0, sizeof(fake_kicks));
	/* The guest clears it on another vCPU: the owner must resync. */
	wr(inst, GICD_ICPENDR + 4, 1U << 8);
	CHECK_EQ(fake_kicks[0], 1);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 0);
	sync(0, lrs, 1);
	CHECK(!pending(0));
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 0);

	/* Same for active */
	wr(inst, GICD_ISPENDR + 4, 1U << 8);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	lrs[0].pending = false;
	lrs[0].active = true;
	wr(inst, GICD_ICACTIVER + 4, 1U << 8);
	sync(0, lrs, 1);
	CHECK_EQ(rd(inst, GICD_ISACTIVER + 4), 0);
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);

	/* Reads while in an LR show the state it was handed out with. */
	wr(inst, GICD_ISPENDR + 4, 1U << 8);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 8);
	CHECK_EQ(rd(inst, GICD_ISACTIVER + 4), 0);
	/* Syncing LRs the vCPU does not own changes nothing. */
	sync(1, lrs, 1);
	CHECK_EQ(fill(0, lrs + 1, 3, NULL), 0);
	sync(0, lrs, 1);
	CHECK(pending(0));
	destroy(inst);
}

/* ---- filling the list registers ---- */

/*
 * A vCPU raising its own PPI at entry with empty LRs
 * (vgic_set_private_line_to_lr, arm64's timers): handed out only when it
 * is all the next fill would find, and then exactly as that fill would.
 */
UNIT_TEST(own_line_handed_out_only_when_alone)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lr, lrs[4];
	struct vgic *vg = vg_of();

	private_on(inst, 0, 27, 0x60);
	CHECK(vgic_set_private_line_to_lr(vg, &fake_vcpus[0], 27, true, &lr));
	CHECK_EQ(lr.intid, 27);
	CHECK(lr.pending && !lr.active && lr.group1);
	CHECK_EQ(lr.priority, 0x60);
	CHECK(lr.eoi_notify); /* level: sampled again at its completion */
	/* In the LR now: the fill has nothing more. */
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	/* The guest left it pending: back to the model, given again. */
	sync(0, &lr, 1);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 27);
	CHECK(lrs[0].pending && lrs[0].eoi_notify);
	/* Completed with the line low: nothing left. */
	lrs[0].pending = false;
	vgic_set_private_line(vg, &fake_vcpus[0], 27, false);
	sync(0, lrs, 1);
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	/* An unchanged level is no raise. */
	CHECK(!vgic_set_private_line_to_lr(vg, &fake_vcpus[0], 27, false, &lr));

	/* Another private one pending: the fill orders them. */
	private_on(inst, 0, 1, 0x10);
	wr(inst, sgib(0, GICR_ISPENDR0), 1U << 1);
	CHECK(!vgic_set_private_line_to_lr(vg, &fake_vcpus[0], 27, true, &lr));
	CHECK_EQ(fill(0, lrs, 4, NULL), 2);
	CHECK_EQ(lrs[0].intid, 1);
	CHECK_EQ(lrs[1].intid, 27);
	lrs[0].pending = lrs[1].pending = false;
	vgic_set_private_line(vg, &fake_vcpus[0], 27, false);
	sync(0, lrs, 2);
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);

	/* An SPI of interest, even to the other vCPU: not alone. */
	spi_on(inst, 40, 0x80);
	wr(inst, GICD_IROUTER + 40 * 8, 1); /* to vCPU1 */
	line(40, true);
	CHECK(!vgic_set_private_line_to_lr(vg, &fake_vcpus[0], 27, true, &lr));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 27);
	lrs[0].pending = false;
	vgic_set_private_line(vg, &fake_vcpus[0], 27, false);
	sync(0, lrs, 1);
	line(40, false);

	/*
	 * Active (the guest is in its handler) when the line rises again:
	 * the fill gives it active only, so it must not be handed out
	 * pending.
	 */
	wr(inst, sgib(0, GICR_ISACTIVER0), 1U << 27);
	CHECK(!vgic_set_private_line_to_lr(vg, &fake_vcpus[0], 27, true, &lr));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK(lrs[0].active && !lrs[0].pending);
	lrs[0].active = false;
	vgic_set_private_line(vg, &fake_vcpus[0], 27, false);
	sync(0, lrs, 1);
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);

	/* Group 1 off: raised, but not deliverable. */
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0);
	CHECK(!vgic_set_private_line_to_lr(vg, &fake_vcpus[0], 27, true, &lr));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	vgic_set_private_line(vg, &fake_vcpus[0], 27, false);
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);

	/* Disabled: raised, but nothing to give. */
	wr(inst, sgib(0, GICR_ICENABLER0), 1U << 27);
	CHECK(!vgic_set_private_line_to_lr(vg, &fake_vcpus[0], 27, true, &lr));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	destroy(inst);
}

UNIT_TEST(fill_order_priority_and_active_first)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[8];
	unsigned int n;
	bool more;

	spi_on(inst, 40, 0x80);
	spi_on(inst, 41, 0x40);
	spi_on(inst, 42, 0xc0);
	spi_on(inst, 43, 0x40);
	private_on(inst, 0, 27, 0x60);
	private_on(inst, 0, 1, 0x10);
	for (unsigned int i = 40; i <= 43; i++)
		line(i, true);
	vgic_set_private_line(vg_of(), &fake_vcpus[0], 27, true);
	wr(inst, sgib(0, GICR_ISPENDR0), 1U << 1);
	/* An active one, lowest priority of all, comes first. */
	wr(inst, GICD_ICPENDR + 4, 0);
	spi_on(inst, 44, 0xf0);
	wr(inst, GICD_ISACTIVER + 4, 1U << 12);

	n = fill(0, lrs, 8, &more);
	CHECK_EQ(n, 7);
	CHECK(!more);
	CHECK_EQ(lrs[0].intid, 44);
	CHECK(lrs[0].active && !lrs[0].pending);
	CHECK_EQ(lrs[1].intid, 1);
	CHECK_EQ(lrs[2].intid, 41);
	CHECK_EQ(lrs[3].intid, 43); /* equal priority: lower INTID first */
	CHECK_EQ(lrs[4].intid, 27);
	CHECK_EQ(lrs[5].intid, 40);
	CHECK_EQ(lrs[6].intid, 42);
	/* Give them back untouched. */
	sync(0, lrs, n);

	/* Three LRs: the active one and the two best pending. */
	n = fill(0, lrs, 3, &more);
	CHECK_EQ(n, 3);
	CHECK(more);
	CHECK_EQ(lrs[0].intid, 44);
	CHECK_EQ(lrs[1].intid, 1);
	CHECK_EQ(lrs[2].intid, 41);
	/* What was left is still deliverable. */
	CHECK(pending(0));
	{
		struct vgic_lr rest[8];

		CHECK_EQ(fill(0, rest, 8, &more), 4);
		CHECK(!more);
		CHECK_EQ(rest[0].intid, 43);
		sync(0, rest, 4);
	}
	sync(0, lrs, 3);

	/* One LR: only the active one, and more is set. */
	n = fill(0, lrs, 1, &more);
	CHECK_EQ(n, 1);
	CHECK(more);
	CHECK_EQ(lrs[0].intid, 44);
	sync(0, lrs, 1);
	CHECK_EQ(fill(0, lrs, 0, &more), 0);
	CHECK(more);
	destroy(inst);
}

UNIT_TEST(active_interrupt_filled_even_when_disabled)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[2];

	spi_on(inst, 40, 0x80);
	line(40, true);
	CHECK_EQ(fill(0, lrs, 2, NULL), 1);
	lrs[0].pending = false;
	lrs[0].active = true;
	sync(0, lrs, 1);
	/* The guest masks it while handling it: it must still EOI it. */
	wr(inst, GICD_ICENABLER + 4, 1U << 8);
	wr(inst, GICD_CTLR, 0);
	CHECK_EQ(fill(0, lrs, 2, NULL), 1);
	CHECK(lrs[0].active && !lrs[0].pending);
	destroy(inst);
}

/* ---- SGIs ---- */

static u64 sgi1r(unsigned int intid, u32 targets, u64 aff1, u64 aff2, u64 aff3)
{
	return targets | aff1 << 16 | (u64)intid << 24 | aff2 << 32 |
	       aff3 << 48;
}

UNIT_TEST(sgi1r_decoding)
{
	struct devemu_instance *inst = create(4);
	struct vgic *vg = vg_of();

	for (unsigned int c = 0; c < 4; c++)
		private_on(inst, c, 5, 0);
	for (unsigned int c = 0; c < 4; c++)
		private_on(inst, c, 9, 0);
	/* Aff1 0, Aff0 1 and 0: vCPUs 1 and 0, INTID 5. */
	vgic_generate_sgi(vg, &fake_vcpus[2], sgi1r(5, 0x3, 0, 0, 0));
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 1U << 5);
	CHECK_EQ(rd(inst, sgib(1, GICR_ISPENDR0)), 1U << 5);
	CHECK_EQ(rd(inst, sgib(2, GICR_ISPENDR0)), 0);
	CHECK_EQ(rd(inst, sgib(3, GICR_ISPENDR0)), 0);
	CHECK_EQ(fake_kicks[0], 1);
	CHECK_EQ(fake_kicks[1], 1);
	CHECK_EQ(fake_kicks[2] + fake_kicks[3], 0);
	/* Each target once, for a directed yield (the sender decides). */
	CHECK_EQ(fake_ipis_sent[0], 1);
	CHECK_EQ(fake_ipis_sent[1], 1);
	CHECK_EQ(fake_ipis_sent[2] + fake_ipis_sent[3], 0);
	/* Aff1 1, Aff0 0: vCPU2 */
	vgic_generate_sgi(vg, &fake_vcpus[0], sgi1r(9, 0x1, 1, 0, 0));
	CHECK_EQ(rd(inst, sgib(2, GICR_ISPENDR0)), 1U << 9);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 1U << 5);
	/* Aff3 1, Aff2 2: vCPU3 */
	vgic_generate_sgi(vg, &fake_vcpus[0], sgi1r(9, 0x1, 0, 2, 1));
	CHECK_EQ(rd(inst, sgib(3, GICR_ISPENDR0)), 1U << 9);
	/* Targets nobody has are ignored. */
	memset(fake_kicks, 0, sizeof(fake_kicks));
	vgic_generate_sgi(vg, &fake_vcpus[0], sgi1r(3, 0xfffc, 0, 0, 0));
	vgic_generate_sgi(vg, &fake_vcpus[0], sgi1r(3, 0x1, 7, 0, 0));
	for (unsigned int c = 0; c < 4; c++) {
		CHECK_EQ(fake_kicks[c], 0);
		CHECK_EQ(rd(inst, sgib(c, GICR_ISPENDR0)) & (1U << 3), 0);
	}
	destroy(inst);
}

UNIT_TEST(sgi1r_irm_all_but_self)
{
	struct devemu_instance *inst = create(4);
	struct vgic_lr lrs[4];

	for (unsigned int c = 0; c < 4; c++)
		private_on(inst, c, 15, 0);
	vgic_generate_sgi(vg_of(), &fake_vcpus[1],
			  ICC_SGI1R_IRM | sgi1r(15, 0x1, 0, 0, 0));
	for (unsigned int c = 0; c < 4; c++) {
		CHECK_EQ(!!(rd(inst, sgib(c, GICR_ISPENDR0)) & (1U << 15)),
			 c != 1);
		CHECK_EQ(fake_kicks[c], c != 1);
		CHECK_EQ(fake_ipis_sent[c], c != 1);
		CHECK_EQ(pending(c), c != 1);
	}
	CHECK_EQ(fill(2, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 15);
	CHECK(!lrs[0].eoi_notify); /* SGIs are edge */
	destroy(inst);
}

UNIT_TEST(sgi_disabled_stays_pending)
{
	struct devemu_instance *inst = create(2);

	vgic_generate_sgi(vg_of(), &fake_vcpus[0], sgi1r(4, 0x2, 0, 0, 0));
	CHECK_EQ(rd(inst, sgib(1, GICR_ISPENDR0)), 1U << 4);
	CHECK_EQ(fake_kicks[1], 0);
	CHECK(!pending(1));
	private_on(inst, 1, 4, 0);
	CHECK_EQ(fake_kicks[1], 1);
	CHECK(pending(1));
	destroy(inst);
}

/* ---- private lines ---- */

UNIT_TEST(private_lines_per_vcpu)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lrs[4], done;

	private_on(inst, 0, 27, 0xa0);
	private_on(inst, 1, 27, 0xa0);
	vgic_set_private_line(vg_of(), &fake_vcpus[1], 27, true);
	CHECK(!pending(0));
	CHECK(pending(1));
	/* Its own thread drives it and fills next: nobody is kicked. */
	CHECK_EQ(fake_kicks[1], 0);
	CHECK_EQ(fake_kicks[0], 0);
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	CHECK_EQ(fill(1, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 27);
	CHECK(lrs[0].eoi_notify);
	/* Timer still firing at EOI: pending again. */
	done = lrs[0];
	done.pending = false;
	sync(1, &done, 1);
	CHECK(pending(1));
	vgic_set_private_line(vg_of(), &fake_vcpus[1], 27, false);
	CHECK(!pending(1));
	/* SGIs have no lines; out-of-range INTIDs are ignored. */
	vgic_set_private_line(vg_of(), &fake_vcpus[0], 3, true);
	vgic_set_private_line(vg_of(), &fake_vcpus[0], 40, true);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 0);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 0);
	destroy(inst);
}

UNIT_TEST(device_lines)
{
	struct devemu_instance *inst = create(2);

	/* A device on a PPI drives vCPU0's. */
	line(23, true);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 1U << 23);
	CHECK_EQ(rd(inst, sgib(1, GICR_ISPENDR0)), 0);
	/* SGIs and INTIDs past the last are ignored. */
	line(2, true);
	line(288, true);
	line(5000, true);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 1U << 23);
	line(287, true);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 8 * 4), 0x80000000);
	destroy(inst);
}

UNIT_TEST(has_pending)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lrs[2];

	CHECK(!vgic_vcpu_has_pending(vg_of(), &fake_vcpus[0]));
	spi_on(inst, 100, 0);
	fake_wr(inst, GICD_IROUTER + 8 * 100, 8, 1);
	wr(inst, GICD_ISPENDR + 12, 1U << 4);
	CHECK(!vgic_vcpu_has_pending(vg_of(), &fake_vcpus[0]));
	CHECK(vgic_vcpu_has_pending(vg_of(), &fake_vcpus[1]));
	/* Handed to an LR: the LR has it now. */
	CHECK_EQ(fill(1, lrs, 2, NULL), 1);
	CHECK(!vgic_vcpu_has_pending(vg_of(), &fake_vcpus[1]));
	sync(1, lrs, 1);
	CHECK(vgic_vcpu_has_pending(vg_of(), &fake_vcpus[1]));
	destroy(inst);
}

/* ---- access sizes ---- */

UNIT_TEST(bad_access_sizes)
{
	struct devemu_instance *inst = create(2);
	u64 v;

	CHECK_EQ(fake_read(inst, GICD_CTLR, 2, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, GICD_CTLR, 8, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, GICD_CTLR, 1, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, GICD_CTLR, 8, 3), -EINVAL);
	CHECK_EQ(rd(inst, GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_DS);
	CHECK_EQ(fake_write(inst, GICD_ISENABLER + 5, 1, 1), -EINVAL);
	CHECK_EQ(fake_write(inst, GICD_ISENABLER + 4, 8, 1), -EINVAL);
	CHECK_EQ(fake_write(inst, GICD_IPRIORITYR + 34, 2, 1), -EINVAL);
	CHECK_EQ(fake_read(inst, GICD_IPRIORITYR + 34, 1, &v), 0);
	CHECK_EQ(fake_read(inst, GICD_IPRIORITYR + 33, 4, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, GICD_IROUTER + 8 * 40, 8, &v), 0);
	CHECK_EQ(fake_read(inst, GICD_IROUTER + 8 * 40 + 4, 8, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, GICD_IROUTER + 8 * 40, 1, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, GICD_ICFGR + 8, 1, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, rdb(1, GICR_TYPER), 8, &v), 0);
	CHECK_EQ(fake_read(inst, rdb(1, GICR_WAKER), 8, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, rdb(1, GICR_TYPER), 2, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, sgib(1, GICR_ISENABLER0), 8, 1), -EINVAL);
	CHECK_EQ(fake_write(inst, sgib(1, GICR_ISENABLER0), 1, 1), -EINVAL);
	CHECK_EQ(fake_write(inst, sgib(1, GICR_IPRIORITYR0 + 3), 1, 1), 0);
	CHECK_EQ(fake_read(inst, sgib(1, GICR_ICFGR1), 2, &v), -EINVAL);
	/* Nothing changed through a refused access. */
	CHECK_EQ(rd(inst, GICD_ISENABLER + 4), 0);
	CHECK_EQ(rd(inst, sgib(1, GICR_ISENABLER0)), 0);
	/* Past the redistributor window */
	CHECK_EQ(fake_read(inst, RD_OFF + 0xf60000, 4, &v), -EINVAL);
	destroy(inst);
}

UNIT_TEST(kicks_only_outside_the_lock)
{
	struct devemu_instance *inst = create(2);

	/* vcpu_kick() checks that the model's lock is free every time. */
	spi_on(inst, 60, 0);
	line(60, true);
	wr(inst, GICD_ICENABLER + 4, 1U << 28);
	wr(inst, GICD_ISENABLER + 4, 1U << 28);
	vgic_generate_sgi(vg_of(), &fake_vcpus[0], ICC_SGI1R_IRM);
	CHECK(fake_kicks[0] >= 2);
	destroy(inst);
}

/* ---- interrupt specifiers (emulator.xlate) ---- */

/* xlate of <type number flags> on gic_node: the line, or -1 and why. */
static char xlate_why[96];

#define CHECK_WHY(want)                                                \
	do {                                                           \
		if (strcmp(xlate_why, want))                           \
			printf("  reason given: \"%s\"\n", xlate_why); \
		CHECK(!strcmp(xlate_why, want));                       \
	} while (0)

static long long xlate3(u32 type, u32 number, u32 flags)
{
	const u32 cells[3] = { type, number, flags };
	unsigned int line = ~0U;

	xlate_why[0] = 0;
	if (emu->xlate(&gic_node, cells, &line, xlate_why, sizeof(xlate_why)))
		return -1;
	return line;
}

UNIT_TEST(xlate_spi_and_ppi_to_intids)
{
	setup(1, 0); /* not probed: core translates before the probe */
	CHECK_EQ(emu->irq_cells, 3);
	CHECK_EQ(xlate3(0, 0, 4), 32);
	CHECK_EQ(xlate3(0, 1, 4), 33);
	/* The flags are the guest's to program: any trigger gives the line. */
	CHECK_EQ(xlate3(0, 1, 1), 33);
	CHECK_EQ(xlate3(0, 255, 4), 287); /* the last of 288 INTIDs */
	CHECK_EQ(xlate3(1, 0, 4), 16);
	CHECK_EQ(xlate3(1, 11, 4), 27);
	CHECK_EQ(xlate3(1, 15, 4), 31);
}

UNIT_TEST(xlate_refuses_what_the_gic_cannot_deliver)
{
	setup(1, 0);
	CHECK_EQ(xlate3(2, 1, 4), -1);
	CHECK_WHY("type 2 is neither SPI (0) nor PPI (1)");
	CHECK_EQ(xlate3(9, 0, 4), -1);
	CHECK_WHY("type 9 is neither SPI (0) nor PPI (1)");
	CHECK_EQ(xlate3(1, 16, 4), -1);
	CHECK_WHY("PPI 16 is out of range (0-15)");
	CHECK_EQ(xlate3(1, 99, 4), -1);
	CHECK_WHY("PPI 99 is out of range (0-15)");
	/* Past the architecture's INTIDs (32-1019) */
	CHECK_EQ(xlate3(0, 988, 4), -1);
	CHECK_WHY("SPI 988 is out of range (0-987)");
	CHECK_EQ(xlate3(0, 5000, 4), -1);
	CHECK_WHY("SPI 5000 is out of range (0-987)");
	/* Past this GIC's: the model would drop the line. */
	CHECK_EQ(xlate3(0, 256, 4), -1);
	CHECK_WHY("SPI 256 is out of this GIC's range (0-255, "
		  "keel,nr-irqs = 288)");
}

UNIT_TEST(xlate_follows_nr_irqs)
{
	setup(1, 64);
	CHECK_EQ(xlate3(0, 31, 4), 63);
	CHECK_EQ(xlate3(0, 32, 4), -1);
	CHECK_WHY(
		"SPI 32 is out of this GIC's range (0-31, keel,nr-irqs = 64)");
	/* Rounded up to whole registers, as the probe does. */
	setup(1, 100);
	CHECK_EQ(xlate3(0, 95, 4), 127);
	CHECK_EQ(xlate3(0, 96, 4), -1);
	setup(1, 1020);
	CHECK_EQ(xlate3(0, 987, 4), 1019);
	/* A bad keel,nr-irqs is the probe's to refuse: only the arch range. */
	setup(1, 5000);
	CHECK_EQ(xlate3(0, 987, 4), 1019);
	CHECK_EQ(xlate3(0, 988, 4), -1);
}

/* What xlate gives is the INTID the model delivers the device's line on. */
UNIT_TEST(xlate_line_reaches_the_model)
{
	struct devemu_instance *inst = create(2);
	long long spi = xlate3(0, 7, 4), ppi = xlate3(1, 4, 4);

	CHECK_EQ(spi, 39);
	line((unsigned int)spi, true);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 7);
	line((unsigned int)ppi, true);
	CHECK_EQ(rd(inst, sgib(0, GICR_ISPENDR0)), 1U << 20);
	destroy(inst);
}

/*
 * A fill that found nothing leaves the vCPU quiet (its next entry skips
 * the fill). Register reads change nothing and keep it so, on the
 * distributor and the redistributors; a write may change something and
 * ends it, as does a line.
 */
UNIT_TEST(reads_keep_a_quiet_vcpu_quiet)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lrs[4];
	struct vgic_quiet_probe probe;

	CHECK_EQ(vgic_quiet_probe_init(vg_of(), &fake_vcpus[0], &probe), 0);
	spi_on(inst, 40, 0x80);
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	CHECK(vgic_quiet(&probe));
	rd(inst, GICD_IIDR);
	rd(inst, GICD_ISENABLER + 4);
	rd(inst, rdb(1, GICR_TYPER));
	rd(inst, sgib(0, GICR_ISPENDR0));
	CHECK(vgic_quiet(&probe));
	CHECK(!pending(0));
	CHECK(vgic_quiet(&probe));
	wr(inst, GICD_ICENABLER + 4, 1U << 8);
	CHECK(!vgic_quiet(&probe));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	CHECK(vgic_quiet(&probe));
	line(40, true);
	CHECK(!vgic_quiet(&probe));
	destroy(inst);
}

/*
 * A fill that finds nothing changes nothing: the other vCPU stays quiet
 * (two vCPUs sharing a CPU switch to each other at every IPI), while one
 * that hands something out, or a change, makes it look again.
 */
UNIT_TEST(empty_fill_keeps_the_other_vcpu_quiet)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lrs[4];
	struct vgic_quiet_probe probe1;

	CHECK_EQ(vgic_quiet_probe_init(vg_of(), &fake_vcpus[1], &probe1), 0);
	CHECK_EQ(fill(1, lrs, 4, NULL), 0);
	CHECK(vgic_quiet(&probe1));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	CHECK(vgic_quiet(&probe1));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	CHECK(vgic_quiet(&probe1));

	/* vCPU0's SGI 3 for itself: the fill hands it out. */
	private_on(inst, 0, 3, 0x20);
	wr(inst, sgib(0, GICR_ISPENDR0), 1U << 3);
	CHECK(!vgic_quiet(&probe1));
	CHECK_EQ(fill(1, lrs, 4, NULL), 0);
	CHECK(vgic_quiet(&probe1));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 3);
	CHECK(!vgic_quiet(&probe1));

	/* An SPI of interest to vCPU1 only: vCPU0's fill must not hide it. */
	spi_on(inst, 40, 0x80);
	wr(inst, GICD_IROUTER + 40 * 8, 1); /* to vCPU1 */
	CHECK_EQ(fill(1, lrs, 4, NULL), 0);
	CHECK(vgic_quiet(&probe1));
	line(40, true);
	CHECK(!vgic_quiet(&probe1));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	CHECK_EQ(fill(1, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 40);

	/* No private interest, an SPI for itself: the walk finds it. */
	spi_on(inst, 41, 0x80);
	wr(inst, GICD_IROUTER + 41 * 8, 0); /* to vCPU0 */
	line(41, true);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 41);
	destroy(inst);
}

UNIT_MAIN();
