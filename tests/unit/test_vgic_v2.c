// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/irqchip/vgic-v2.c driven as Keel drives it: distributor
 * accesses through its emulator operations with the instance lock held
 * (as core does), made by whichever vCPU the test says is current, device
 * lines through the guest_irqchip it registers, and the list register
 * calls of keel/vgic.h as the arch glue makes them. The guest is the
 * shared fake (host/fake_guest.c) with 1-8 vCPUs. Register behaviour
 * follows the GICv2 specification (ARM IHI 0048B) for a GIC without
 * security extensions; the layout is hw/gic.h's. The emulator is found by
 * its compatible string in the emulator table (host/keel_tables.ld) by
 * core/devemu_registry.c.
 */
#include "unit.h"
#include <string.h>

#include <hw/gic.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/gic.h>
#include <keel/guest.h>
#include <keel/string.h>
#include <keel/vgic.h>
#include "../../emulators/irqchip/vgic-model.h"
#include "host/fake_guest.h"

#define DIST_BASE 0x8000000ULL
#define DIST_WINDOW 0x10000ULL
#define CPU_BASE 0x8010000ULL
#define CPU_WINDOW 0x10000ULL
#define HOST_GICV_BASE 0x2c060000ULL
#define HOST_GICV_SIZE 0x2000ULL

/* A GICD_SGIR value */
#define SGIR(filter, targets, intid)               \
	((u32)(filter) << GICD_SGIR_FILTER_SHIFT | \
	 (u32)(targets) << GICD_SGIR_TARGETS_SHIFT | (u32)(intid))

/* ---- what the front end asks of the rest of Keel ---- */

/* The vCPU making each access (banked registers are its own). */
static struct vcpu *current_vcpu;

struct vcpu *vcpu_current(void)
{
	return current_vcpu;
}

/* The host's GICv2 virtualization extensions, or none. */
static struct gic_v2_virt host_virt;
static bool host_has_gicv;

const struct gic_v2_virt *gic_v2_virt(void)
{
	return host_has_gicv ? &host_virt : NULL;
}

/* guest_map_host_device(): calls, the last one, and what it returns. */
static struct {
	unsigned int calls;
	struct guest *g;
	char name[48];
	u64 gpa;
	paddr_t hpa;
	u64 size;
	int err;
} mapped;

int guest_map_host_device(struct guest *g, const char *name, u64 gpa,
			  paddr_t hpa, u64 size)
{
	mapped.calls++;
	mapped.g = g;
	strlcpy(mapped.name, name, sizeof(mapped.name));
	mapped.gpa = gpa;
	mapped.hpa = hpa;
	mapped.size = size;
	return mapped.err;
}

/* libs/string.c's, for the probe's message when mapping fails */
const char *error_name(int err)
{
	return err == -EEXIST ? "EEXIST" : "error";
}

/* ---- the instance, as core/guest.c builds it ---- */

static struct devtree_node gic_node;
static struct vgic *cur; /* the model under test */
static const struct emulator *emu;

static unsigned int ncpus;

/* Accesses from here on are vCPU c's (-1: from no vCPU). */
static void as_cpu(int c)
{
	current_vcpu = c < 0 ? NULL : &fake_vcpus[c];
}

/*
 * A fake guest whose description says n vCPUs (none built yet), a GIC
 * node with the distributor and CPU interface windows and, unless 0,
 * "keel,nr-irqs", and a host with an 8 KiB GICV frame.
 */
static void setup(unsigned int n, u32 nr_irqs_prop)
{
	emu = devemu_find("arm,cortex-a15-gic");
	if (!emu) {
		printf("  no emulator serves arm,cortex-a15-gic\n");
		abort();
	}
	fake_guest_init("vm1", n);
	fake_dt_set_reg(&gic_node, 0, DIST_BASE, DIST_WINDOW);
	fake_dt_set_reg(&gic_node, 1, CPU_BASE, CPU_WINDOW);
	if (nr_irqs_prop)
		fake_dt_set_u32(&gic_node, "keel,nr-irqs", nr_irqs_prop);
	host_virt = (struct gic_v2_virt){
		.gich_base = 0x2c040000,
		.gich_size = 0x2000,
		.gicv_base = HOST_GICV_BASE,
		.gicv_size = HOST_GICV_SIZE,
		.maintenance_irq = 25,
	};
	host_has_gicv = true;
	memset(&mapped, 0, sizeof(mapped));
	current_vcpu = NULL;
	cur = NULL;
	ncpus = n;
}

static struct devemu_instance *instance(void)
{
	return fake_instance(emu, "intc@8000000", DIST_BASE, DIST_WINDOW,
			     FAKE_NO_IRQ);
}

/* Probed, vCPUs built (after the devices, as in core), vCPU0 current. */
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
	fake_guest_add_vcpus(n);
	as_cpu(0);
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
	CHECK(vgic_of(&fake_guest) == NULL);
	current_vcpu = NULL;
	cur = NULL;
}

static u64 rd(struct devemu_instance *inst, u64 off)
{
	return fake_rd(inst, off, 4);
}

static u8 rdb(struct devemu_instance *inst, u64 off)
{
	return (u8)fake_rd(inst, off, 1);
}

static void wr(struct devemu_instance *inst, u64 off, u64 v)
{
	fake_wr(inst, off, 4, v);
}

static void wrb(struct devemu_instance *inst, u64 off, u8 v)
{
	fake_wr(inst, off, 1, v);
}

/* An access made by vCPU c, leaving c current. */
static u64 rd_as(struct devemu_instance *inst, int c, u64 off)
{
	as_cpu(c);
	return rd(inst, off);
}

static void wr_as(struct devemu_instance *inst, int c, u64 off, u64 v)
{
	as_cpu(c);
	wr(inst, off, v);
}

static struct vgic *vg_of(void)
{
	return vgic_of(&fake_guest);
}

static bool pending(unsigned int cpu)
{
	return fake_pending(cpu);
}

static unsigned int fill(unsigned int cpu, struct vgic_lr *lrs,
			 unsigned int max, bool *more)
{
	bool m;

	return vgic_fill_lrs(vg_of(), &fake_vcpus[cpu], lrs, max,
			     more ? more : &m);
}

static void sync(unsigned int cpu, const struct vgic_lr *lrs, unsigned int n)
{
	vgic_sync_lrs(vg_of(), &fake_vcpus[cpu], lrs, n);
}

static void clear_kicks(void)
{
	memset(fake_kicks, 0, sizeof(fake_kicks));
	memset(fake_ipis_sent, 0, sizeof(fake_ipis_sent));
}

static unsigned int total_kicks(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++)
		n += fake_kicks[i];
	return n;
}

/* Both groups on; SPI intid group 1, priority prio, enabled, to cpus. */
static void spi_on(struct devemu_instance *inst, unsigned int intid,
		   unsigned int prio, u8 cpus)
{
	u64 grp = GICD_IGROUPR + intid / 32 * 4;

	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	wr(inst, grp, rd(inst, grp) | 1U << (intid % 32));
	wrb(inst, GICD_IPRIORITYR + intid, (u8)prio);
	wrb(inst, GICD_ITARGETSR + intid, cpus);
	wr(inst, GICD_ISENABLER + intid / 32 * 4, 1U << (intid % 32));
}

/* The same for a private interrupt of vCPU c (which is left current). */
static void private_on(struct devemu_instance *inst, int c, unsigned int intid,
		       unsigned int prio)
{
	as_cpu(c);
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	wr(inst, GICD_IGROUPR, rd(inst, GICD_IGROUPR) | 1U << intid);
	wrb(inst, GICD_IPRIORITYR + intid, (u8)prio);
	wr(inst, GICD_ISENABLER, 1U << intid);
}

static void set_edge(struct devemu_instance *inst, unsigned int intid)
{
	u64 off = GICD_ICFGR + intid / 16 * 4;

	wr(inst, off, rd(inst, off) | 2U << (intid % 16 * 2));
}

/* ---- probing ---- */

UNIT_TEST(probe_maps_gicv_and_registers_irqchip)
{
	struct devemu_instance *inst = create(2);

	CHECK(vg_of() == inst->priv && inst->priv);
	CHECK_EQ(vgic_version_of(vg_of()), VGIC_V2);
	CHECK_EQ(vg_of()->nr_cpus, 2);
	CHECK_EQ(vg_of()->nr_irqs, DEFAULT_NR_IRQS);
	/* The CPU interface is the host's GICV, mapped once, untrapped. */
	CHECK_EQ(mapped.calls, 1);
	CHECK(mapped.g == &fake_guest);
	CHECK(!strcmp(mapped.name, inst->name));
	CHECK_EQ(mapped.gpa, CPU_BASE);
	CHECK_EQ(mapped.hpa, HOST_GICV_BASE);
	/* A 64 KiB window over an 8 KiB frame: the frame's size. */
	CHECK_EQ(mapped.size, HOST_GICV_SIZE);
	/* No second trapped window: the distributor is all there is. */
	CHECK_EQ(fake_windows_added, 0);
	destroy(inst);
	CHECK(vgic_of(NULL) == NULL);

	/* An 8 KiB window over a larger frame: the window's size. */
	setup(1, 0);
	fake_dt_set_reg(&gic_node, 1, CPU_BASE, 0x2000);
	host_virt.gicv_size = 0x20000;
	inst = instance();
	CHECK_EQ(devemu_probe(inst, &gic_node), 0);
	CHECK_EQ(mapped.calls, 1);
	CHECK_EQ(mapped.gpa, CPU_BASE);
	CHECK_EQ(mapped.size, 0x2000);
	fake_destroy(inst);

	setup(1, 0);
	fake_dt_set_reg(&gic_node, 1, CPU_BASE, 0x4000);
	host_virt.gicv_size = 0x10000;
	inst = instance();
	CHECK_EQ(devemu_probe(inst, &gic_node), 0);
	CHECK_EQ(mapped.size, 0x4000);
	fake_destroy(inst);
}

UNIT_TEST(probe_sizes_from_description_before_vcpus_exist)
{
	struct devemu_instance *inst;

	setup(3, 0);
	inst = instance();
	CHECK_EQ(devemu_probe(inst, &gic_node), 0);
	cur = inst->priv;
	fake_kick_forbidden_lock = &cur->lock;
	CHECK_EQ(cur->nr_cpus, 3);
	/* A line raised before the vCPUs exist is kept, nobody kicked. */
	fake_line(40, true);
	CHECK_EQ(total_kicks(), 0);
	fake_guest_add_vcpus(3);
	as_cpu(0);
	spi_on(inst, 40, 0, 0x4);
	CHECK(!pending(0) && !pending(1) && pending(2));
	destroy(inst);
}

static const struct guest_irqchip other_chip;

/* A refused probe: its error, a message naming why, nothing left. */
static void refused(struct devemu_instance *inst,
		    const struct devtree_node *node, int err, const char *why)
{
	fake_error_msg[0] = '\0';
	CHECK_EQ(devemu_probe(inst, node), err);
	CHECK(fake_error_msg[0] != '\0');
	if (!strstr(fake_error_msg, why)) {
		printf("  message \"%s\" does not name \"%s\"\n",
		       fake_error_msg, why);
		unit_current_failed = 1;
	}
	CHECK(inst->priv == NULL);
	CHECK(fake_guest.irqchip_priv == NULL);
}

UNIT_TEST(probe_refusals)
{
	static struct devtree_node one_window_node;
	struct devemu_instance *inst;

	setup(2, 0);
	inst = instance();

	/* Distributor window smaller than the 4 KiB of registers */
	inst->size = 0x800;
	refused(inst, &gic_node, -EINVAL, "the vgic-v2 emulator needs 0x1000");
	CHECK(fake_guest.irqchip == NULL);
	CHECK_EQ(mapped.calls, 0);
	inst->size = DIST_WINDOW;

	/* No second "reg" entry: nowhere to put the CPU interface */
	setup(2, 0);
	fake_dt_set_reg(&one_window_node, 0, DIST_BASE, DIST_WINDOW);
	refused(inst, &one_window_node, -EINVAL, "second entry");
	CHECK(fake_guest.irqchip == NULL);
	CHECK_EQ(mapped.calls, 0);

	/* CPU interface window smaller than 8 KiB (GICC_DIR is at 4 KiB) */
	setup(2, 0);
	fake_dt_set_reg(&gic_node, 1, CPU_BASE, 0x1000);
	refused(inst, &gic_node, -EINVAL, "CPU interface");
	CHECK_EQ(mapped.calls, 0);

	/* ... or not page-aligned, in base or in size */
	setup(2, 0);
	fake_dt_set_reg(&gic_node, 1, CPU_BASE + 0x800, 0x2000);
	refused(inst, &gic_node, -EINVAL, "page-aligned");
	CHECK_EQ(mapped.calls, 0);
	setup(2, 0);
	fake_dt_set_reg(&gic_node, 1, CPU_BASE, 0x2800);
	refused(inst, &gic_node, -EINVAL, "page-aligned");
	CHECK_EQ(mapped.calls, 0);

	/* A GICv2 has eight CPU interfaces at most. */
	setup(9, 0);
	refused(inst, &gic_node, -EINVAL, "vCPU");
	CHECK_EQ(mapped.calls, 0);
	setup(0, 0);
	refused(inst, &gic_node, -EINVAL, "vCPU");

	/* No host GICV: there is no CPU interface to give the guest. */
	setup(2, 0);
	host_has_gicv = false;
	refused(inst, &gic_node, -ENODEV, "GICV");
	CHECK_EQ(mapped.calls, 0);
	setup(2, 0);
	host_virt.gicv_size = 0x1000;
	refused(inst, &gic_node, -ENODEV, "GICV");
	CHECK_EQ(mapped.calls, 0);

	/* The guest already has an interrupt controller. */
	setup(2, 0);
	fake_guest.irqchip = &other_chip;
	refused(inst, &gic_node, -EBUSY, "interrupt controller");
	CHECK(fake_guest.irqchip == &other_chip);
	CHECK_EQ(mapped.calls, 0);
	fake_guest.irqchip = NULL;

	/* keel,nr-irqs out of range */
	setup(2, 20);
	refused(inst, &gic_node, -EINVAL, "keel,nr-irqs");
	CHECK_EQ(mapped.calls, 0);

	/* Mapping the CPU interface fails (it overlaps something). */
	setup(2, 0);
	mapped.err = -EEXIST;
	refused(inst, &gic_node, -EEXIST, "CPU interface");
	CHECK(strstr(fake_error_msg, "EEXIST") != NULL);
	CHECK_EQ(mapped.calls, 1);
	CHECK(fake_guest.irqchip == NULL);

	/* Removing an instance whose probe failed is harmless. */
	setup(2, 0);
	devemu_remove(inst);
	CHECK(inst->priv == NULL);
	free(inst);
}

UNIT_TEST(eight_vcpus)
{
	struct devemu_instance *inst = create(8);
	struct vgic_lr lrs[4];

	CHECK_EQ((rd(inst, GICD_TYPER) >> 5) & 7, 7);
	for (int c = 0; c < 8; c++)
		CHECK_EQ(rd_as(inst, c, GICD_ITARGETSR + 28), 0x01010101U << c);
	as_cpu(0);
	wrb(inst, GICD_ITARGETSR + 40, 0xff);
	CHECK_EQ(rdb(inst, GICD_ITARGETSR + 40), 0xff);
	wrb(inst, GICD_ITARGETSR + 40, 0x80);
	spi_on(inst, 40, 0, 0x80);
	fake_line(40, true);
	CHECK(pending(7));
	CHECK_EQ(fill(7, lrs, 4, NULL), 1);
	/* vCPU7 sends SGI 9 to everyone else. */
	for (int c = 0; c < 8; c++)
		private_on(inst, c, 9, 0);
	wr_as(inst, 7, GICD_SGIR, SGIR(1, 0, 9));
	for (int c = 0; c < 8; c++) {
		CHECK_EQ(pending(c), c != 7);
		CHECK_EQ(rd_as(inst, c, GICD_SPENDSGIR + 8),
			 c != 7 ? 0x8000U : 0);
	}
	destroy(inst);
}

/* ---- identification ---- */

UNIT_TEST(distributor_identification)
{
	struct devemu_instance *inst = create(4);
	u32 typer = (u32)rd(inst, GICD_TYPER);

	CHECK_EQ(typer & 0x1f, 8); /* ITLinesNumber: 288 INTIDs */
	CHECK_EQ((typer >> 5) & 7, 3); /* CPUNumber: four CPU interfaces */
	CHECK_EQ(typer & (1U << 10), 0); /* SecurityExtn */
	CHECK_EQ((typer >> 11) & 0x1f, 0); /* LSPI */
	CHECK_EQ(typer >> 16, 0);
	CHECK_EQ(rd(inst, GICD_IIDR), GIC_IIDR_VALUE);
	CHECK_EQ(rd(inst, GICD_IIDR) & 0xfff, 0x43b); /* implementer ARM */
	CHECK_EQ(rd(inst, GICD_CTLR), 0);
	/* Peripheral and component ids; GICD_ICPIDR2.ArchRev 2 */
	CHECK_EQ(rd(inst, GICD_ICPIDR2), 0x2b);
	CHECK_EQ((rd(inst, GICD_ICPIDR2) >> GIC_PIDR2_ARCHREV_SHIFT) & 0xf, 2);
	CHECK_EQ(rd(inst, GICD_ICPIDR0), 0x90);
	CHECK_EQ(rd(inst, GICD_ICPIDR1), 0xb4);
	CHECK_EQ(rd(inst, GICD_ICPIDR3), 0);
	CHECK_EQ(rd(inst, GICD_ICPIDR4), 0x04);
	CHECK_EQ(rd(inst, GICD_ICCIDR0), 0x0d);
	CHECK_EQ(rd(inst, GICD_ICCIDR0 + 4), 0xf0);
	CHECK_EQ(rd(inst, GICD_ICCIDR0 + 8), 0x05);
	CHECK_EQ(rd(inst, GICD_ICCIDR0 + 12), 0xb1);
	/* Read-only: writes are ignored. */
	wr(inst, GICD_TYPER, 0);
	wr(inst, GICD_IIDR, 0);
	wr(inst, GICD_ICPIDR2, 0);
	wr(inst, GICD_ICCIDR0, 0);
	CHECK_EQ(rd(inst, GICD_TYPER), typer);
	CHECK_EQ(rd(inst, GICD_IIDR), GIC_IIDR_VALUE);
	CHECK_EQ(rd(inst, GICD_ICPIDR2), 0x2b);
	CHECK_EQ(rd(inst, GICD_ICCIDR0), 0x0d);
	/* The same from every vCPU and from none */
	CHECK_EQ(rd_as(inst, 3, GICD_TYPER), typer);
	CHECK_EQ(rd_as(inst, -1, GICD_TYPER), typer);
	CHECK_EQ(rd(inst, GICD_ICPIDR2), 0x2b);
	destroy(inst);

	inst = create(1);
	CHECK_EQ(rd(inst, GICD_TYPER), 8);
	destroy(inst);
}

UNIT_TEST(nr_irqs_property_sets_itlines)
{
	struct devemu_instance *inst = create_irqs(2, 100);

	CHECK_EQ(rd(inst, GICD_TYPER) & 0x1f, 3); /* 128 INTIDs */
	CHECK_EQ(cur->nr_irqs, 128);
	/* Past the last line: RAZ/WI */
	wr(inst, GICD_ISENABLER + 4 * 4, ~0U);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 4 * 4), 0);
	wr(inst, GICD_IPRIORITYR + 128, ~0U);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 128), 0);
	wr(inst, GICD_ITARGETSR + 128, ~0U);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 128), 0);
	wr(inst, GICD_ICFGR + 8 * 4, ~0U);
	CHECK_EQ(rd(inst, GICD_ICFGR + 8 * 4), 0);
	wr(inst, GICD_ISENABLER + 3 * 4, ~0U);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 3 * 4), 0xffffffff);
	destroy(inst);

	inst = create_irqs(1, 64);
	CHECK_EQ(rd(inst, GICD_TYPER) & 0x1f, 1);
	destroy(inst);

	/* 1020 INTIDs need ITLinesNumber 31, the last four unimplemented. */
	inst = create_irqs(2, 1020);
	CHECK_EQ(cur->nr_irqs, 1020);
	CHECK_EQ(rd(inst, GICD_TYPER) & 0x1f, 31);
	wr(inst, GICD_ISENABLER + 31 * 4, ~0U);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 31 * 4), 0x0fffffff);
	wr(inst, GICD_ITARGETSR + 1016, ~0U);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 1016), 0x03030303);
	wr(inst, GICD_ITARGETSR + 1020, ~0U);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 1020), 0);
	wrb(inst, GICD_IPRIORITYR + 1019, 0x70);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 1019), 0x70);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 1016), 0x70000000);
	destroy(inst);
}

/* ---- GICD_CTLR and groups ---- */

UNIT_TEST(ctlr_group_enables)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[4];

	wr(inst, GICD_CTLR, 0xffffffff);
	CHECK_EQ(rd(inst, GICD_CTLR),
		 GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G1);
	CHECK_EQ(rd(inst, GICD_CTLR), GICD_CTLR_ENABLE_G1);
	wr(inst, GICD_CTLR, 0);
	CHECK_EQ(rd(inst, GICD_CTLR), 0);

	/* A group 1 SPI waits for EnableGrp1. */
	spi_on(inst, 40, 0, 0x1);
	wr(inst, GICD_CTLR, 0);
	fake_line(40, true);
	CHECK(!pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0);
	CHECK(!pending(0));
	clear_kicks();
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G1);
	CHECK_EQ(fake_kicks[0], 1);
	CHECK(pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK(lrs[0].group1);
	fake_line(40, false);
	lrs[0].pending = false;
	sync(0, lrs, 1);

	/* Group 0 goes by EnableGrp0 and reaches the LR as group 0. */
	wr(inst, GICD_IGROUPR + 4, 0);
	fake_line(40, true);
	CHECK(!pending(0));
	wr(inst, GICD_CTLR, GICD_CTLR_ENABLE_G0);
	CHECK(pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK(!lrs[0].group1);
	destroy(inst);
}

UNIT_TEST(igroupr_spi_and_banked)
{
	struct devemu_instance *inst = create(2);

	wr(inst, GICD_IGROUPR + 8, 0xf0f0f0f0);
	CHECK_EQ(rd(inst, GICD_IGROUPR + 8), 0xf0f0f0f0);
	wr(inst, GICD_IGROUPR + 8, 0x1);
	CHECK_EQ(rd(inst, GICD_IGROUPR + 8), 0x1);
	CHECK_EQ(rd_as(inst, 1, GICD_IGROUPR + 8), 0x1);
	/* IGROUPR0 is each vCPU's own. */
	wr_as(inst, 1, GICD_IGROUPR, 0x80000004);
	CHECK_EQ(rd_as(inst, 1, GICD_IGROUPR), 0x80000004);
	CHECK_EQ(rd_as(inst, 0, GICD_IGROUPR), 0);
	wr_as(inst, 0, GICD_IGROUPR, 0xffff);
	CHECK_EQ(rd_as(inst, 0, GICD_IGROUPR), 0xffff);
	CHECK_EQ(rd_as(inst, 1, GICD_IGROUPR), 0x80000004);
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
	/* Writing zeros changes nothing. */
	wr(inst, GICD_ISENABLER + 4, 0);
	wr(inst, GICD_ICENABLER + 4, 0);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 4), 0x3);
	/* SPIs are shared. */
	CHECK_EQ(rd_as(inst, 1, GICD_ISENABLER + 4), 0x3);
	/* Banked for INTIDs 0-31 */
	wr_as(inst, 1, GICD_ISENABLER, 0x80000002);
	CHECK_EQ(rd_as(inst, 1, GICD_ISENABLER), 0x80000002);
	CHECK_EQ(rd_as(inst, 0, GICD_ISENABLER), 0);
	wr_as(inst, 0, GICD_ISENABLER, 0x1);
	wr_as(inst, 1, GICD_ICENABLER, 0x3);
	CHECK_EQ(rd_as(inst, 1, GICD_ICENABLER), 0x80000000);
	CHECK_EQ(rd_as(inst, 0, GICD_ICENABLER), 0x1);
	destroy(inst);
}

UNIT_TEST(pending_and_active_spis)
{
	struct devemu_instance *inst = create(2);

	wr(inst, GICD_ISPENDR + 8, 0x5);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 8), 0x5);
	CHECK_EQ(rd(inst, GICD_ICPENDR + 8), 0x5);
	CHECK_EQ(rd_as(inst, 1, GICD_ISPENDR + 8), 0x5);
	wr(inst, GICD_ICPENDR + 8, 0x1);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 8), 0x4);
	wr(inst, GICD_ISACTIVER + 8, 0x30);
	CHECK_EQ(rd(inst, GICD_ISACTIVER + 8), 0x30);
	CHECK_EQ(rd(inst, GICD_ICACTIVER + 8), 0x30);
	wr(inst, GICD_ICACTIVER + 8, 0x10);
	CHECK_EQ(rd(inst, GICD_ISACTIVER + 8), 0x20);
	destroy(inst);
}

UNIT_TEST(pending_and_active_banked)
{
	struct devemu_instance *inst = create(2);

	/* PPIs pend through ISPENDR0, each vCPU its own. */
	wr_as(inst, 1, GICD_ISPENDR, 0x00050000);
	CHECK_EQ(rd_as(inst, 1, GICD_ISPENDR), 0x00050000);
	CHECK_EQ(rd_as(inst, 1, GICD_ICPENDR), 0x00050000);
	CHECK_EQ(rd_as(inst, 0, GICD_ISPENDR), 0);
	wr_as(inst, 0, GICD_ICPENDR, 0x00050000);
	CHECK_EQ(rd_as(inst, 1, GICD_ISPENDR), 0x00050000);
	wr_as(inst, 1, GICD_ICPENDR, 0x00010000);
	CHECK_EQ(rd_as(inst, 1, GICD_ISPENDR), 0x00040000);

	/* Active, SGIs included, per vCPU */
	wr_as(inst, 0, GICD_ISACTIVER, 0x00200008);
	CHECK_EQ(rd_as(inst, 0, GICD_ISACTIVER), 0x00200008);
	CHECK_EQ(rd_as(inst, 0, GICD_ICACTIVER), 0x00200008);
	CHECK_EQ(rd_as(inst, 1, GICD_ISACTIVER), 0);
	wr_as(inst, 1, GICD_ICACTIVER, ~0U);
	CHECK_EQ(rd_as(inst, 0, GICD_ISACTIVER), 0x00200008);
	wr_as(inst, 0, GICD_ICACTIVER, 0x8);
	CHECK_EQ(rd_as(inst, 0, GICD_ISACTIVER), 0x00200000);
	destroy(inst);
}

UNIT_TEST(ispendr0_icpendr0_ignore_sgis)
{
	struct devemu_instance *inst = create(2);

	/* SGIs pend only through GICD_SGIR and GICD_SPENDSGIR. */
	wr_as(inst, 0, GICD_ISPENDR, ~0U);
	CHECK_EQ(rd_as(inst, 0, GICD_ISPENDR), 0xffff0000);
	CHECK_EQ(rd_as(inst, 0, GICD_SPENDSGIR), 0);
	wr_as(inst, 0, GICD_ICPENDR, ~0U);
	CHECK_EQ(rd_as(inst, 0, GICD_ISPENDR), 0);

	/* An SGI pending from vCPU1 is not cleared by ICPENDR0 ... */
	wr_as(inst, 1, GICD_SGIR, SGIR(0, 0x1, 6));
	CHECK_EQ(rd_as(inst, 0, GICD_ISPENDR), 1U << 6);
	CHECK_EQ(rd_as(inst, 0, GICD_ICPENDR), 1U << 6);
	wr_as(inst, 0, GICD_ICPENDR, 1U << 6);
	CHECK_EQ(rd_as(inst, 0, GICD_ISPENDR), 1U << 6);
	CHECK_EQ(rd_as(inst, 0, GICD_SPENDSGIR + 4), 0x0200U << 8);
	/* ... only by CPENDSGIR. */
	as_cpu(0);
	wrb(inst, GICD_CPENDSGIR + 6, 0x2);
	CHECK_EQ(rd_as(inst, 0, GICD_ISPENDR), 0);
	CHECK_EQ(rd_as(inst, 0, GICD_SPENDSGIR + 4), 0);
	destroy(inst);
}

/* ---- priorities ---- */

UNIT_TEST(priority_byte_and_word_access)
{
	struct devemu_instance *inst = create(2);

	wrb(inst, GICD_IPRIORITYR + 33, 0xa8);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 32), 0xa800);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 33), 0xa8);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 32), 0);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 34), 0);
	wr(inst, GICD_IPRIORITYR + 36, 0x11223344);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 36), 0x44);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 37), 0x33);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 38), 0x22);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 39), 0x11);
	/* A byte write touches its byte only. */
	wrb(inst, GICD_IPRIORITYR + 38, 0xee);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 36), 0x11ee3344);
	/* All eight bits are kept; SPIs are shared. */
	wrb(inst, GICD_IPRIORITYR + 287, 0xff);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 287), 0xff);
	CHECK_EQ(rd_as(inst, 1, GICD_IPRIORITYR + 284), 0xff000000);
	/* Past the last INTID: RAZ/WI */
	wr_as(inst, 0, GICD_IPRIORITYR + 288, ~0U);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 288), 0);

	/* Banked below 32, by word and by byte */
	wr_as(inst, 1, GICD_IPRIORITYR, 0x01020304);
	wrb(inst, GICD_IPRIORITYR + 27, 0x60);
	CHECK_EQ(rd_as(inst, 1, GICD_IPRIORITYR), 0x01020304);
	CHECK_EQ(rd_as(inst, 1, GICD_IPRIORITYR + 24), 0x60000000);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 2), 0x02);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 27), 0x60);
	CHECK_EQ(rd_as(inst, 0, GICD_IPRIORITYR), 0);
	CHECK_EQ(rd_as(inst, 0, GICD_IPRIORITYR + 24), 0);
	/* The last private byte does not reach SPI 32. */
	as_cpu(0);
	wrb(inst, GICD_IPRIORITYR + 31, 0x90);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 28), 0x90000000);
	CHECK_EQ(rdb(inst, GICD_IPRIORITYR + 31), 0x90);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 32), 0xa800);
	CHECK_EQ(rd_as(inst, 1, GICD_IPRIORITYR + 28), 0);
	CHECK_EQ(rd_as(inst, 1, GICD_IPRIORITYR + 24), 0x60000000);
	destroy(inst);
}

UNIT_TEST(priority_orders_the_list_registers)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[4];
	bool more;

	spi_on(inst, 40, 0x80, 0x1);
	spi_on(inst, 41, 0x40, 0x1);
	private_on(inst, 0, 3, 0x60);
	wr(inst, GICD_ISPENDR + 4, 0x3 << 8);
	wr(inst, GICD_SGIR, SGIR(2, 0, 3));
	CHECK_EQ(fill(0, lrs, 2, &more), 2);
	CHECK(more);
	CHECK_EQ(lrs[0].intid, 41);
	CHECK_EQ(lrs[0].priority, 0x40);
	CHECK_EQ(lrs[1].intid, 3);
	CHECK_EQ(lrs[1].priority, 0x60);
	destroy(inst);
}

/* ---- targets ---- */

UNIT_TEST(itargetsr_private_bytes)
{
	struct devemu_instance *inst = create(4);

	/* Each field of ITARGETSR0-7 reads as the reader's own bit. */
	for (int c = 0; c < 4; c++) {
		for (unsigned int off = 0; off < 32; off += 4)
			CHECK_EQ(rd_as(inst, c, GICD_ITARGETSR + off),
				 0x01010101U << c);
		CHECK_EQ(rdb(inst, GICD_ITARGETSR + 5), 1U << c);
		CHECK_EQ(rdb(inst, GICD_ITARGETSR + 31), 1U << c);
	}
	/* Read-only */
	wr_as(inst, 2, GICD_ITARGETSR, 0);
	wr(inst, GICD_ITARGETSR + 28, 0x0f0f0f0f);
	wrb(inst, GICD_ITARGETSR + 17, 0xff);
	CHECK_EQ(rd(inst, GICD_ITARGETSR), 0x04040404);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 28), 0x04040404);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 16), 0x04040404);
	/* SPI 32 is not reached by the private bytes. */
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 32), 0);
	destroy(inst);
}

UNIT_TEST(itargetsr_spi_bytes)
{
	struct devemu_instance *inst = create(3);

	wrb(inst, GICD_ITARGETSR + 41, 0x2);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 40), 0x0200);
	CHECK_EQ(rdb(inst, GICD_ITARGETSR + 41), 0x2);
	CHECK_EQ(rdb(inst, GICD_ITARGETSR + 40), 0);
	CHECK_EQ(rdb(inst, GICD_ITARGETSR + 42), 0);
	/* Masked to the vCPUs there are (three) */
	wrb(inst, GICD_ITARGETSR + 43, 0xff);
	CHECK_EQ(rdb(inst, GICD_ITARGETSR + 43), 0x07);
	wr(inst, GICD_ITARGETSR + 44, 0x08040201);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 44), 0x00040201);
	CHECK_EQ(rdb(inst, GICD_ITARGETSR + 46), 0x04);
	CHECK_EQ(rdb(inst, GICD_ITARGETSR + 47), 0);
	/* Shared: every vCPU sees the same */
	CHECK_EQ(rd_as(inst, 2, GICD_ITARGETSR + 40), 0x07000200);
	CHECK_EQ(rd_as(inst, -1, GICD_ITARGETSR + 44), 0x00040201);
	/* A byte write touches its byte only. */
	as_cpu(1);
	wrb(inst, GICD_ITARGETSR + 44, 0x6);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 44), 0x00040206);
	/* The last SPI's byte */
	wrb(inst, GICD_ITARGETSR + 287, 0x1);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 284), 0x01000000);
	destroy(inst);
}

UNIT_TEST(spi_goes_to_lowest_target)
{
	struct devemu_instance *inst = create(4);
	struct vgic_lr lrs[4];

	spi_on(inst, 50, 0x80, 0xc); /* vCPUs 2 and 3 */
	clear_kicks();
	fake_line(50, true);
	CHECK(!pending(0) && !pending(1) && pending(2) && !pending(3));
	CHECK_EQ(fake_kicks[2], 1);
	CHECK_EQ(total_kicks(), 1);
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	CHECK_EQ(fill(1, lrs, 4, NULL), 0);
	CHECK_EQ(fill(3, lrs, 4, NULL), 0);
	CHECK_EQ(fill(2, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 50);
	CHECK_EQ(lrs[0].source, 0);
	CHECK(lrs[0].pending && lrs[0].eoi_notify);
	/* Retargeted while in vCPU2's LR: vCPU2 must sync it back. */
	clear_kicks();
	wrb(inst, GICD_ITARGETSR + 50, 0x2);
	CHECK_EQ(fake_kicks[2], 1);
	CHECK_EQ(total_kicks(), 1);
	sync(2, lrs, 1); /* not taken */
	CHECK(pending(1) && !pending(2));
	CHECK_EQ(fill(2, lrs, 4, NULL), 0);
	CHECK_EQ(fill(1, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 50);
	destroy(inst);
}

UNIT_TEST(spi_with_empty_target_mask_goes_nowhere)
{
	struct devemu_instance *inst = create(4);
	struct vgic_lr lrs[4];

	spi_on(inst, 53, 0x80, 0);
	clear_kicks();
	fake_line(53, true);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 21);
	/* Masked to nothing: targets no vCPU there is */
	wrb(inst, GICD_ITARGETSR + 53, 0xf0);
	CHECK_EQ(rdb(inst, GICD_ITARGETSR + 53), 0);
	for (unsigned int c = 0; c < 4; c++) {
		bool more;

		CHECK(!pending(c));
		CHECK_EQ(fill(c, lrs, 4, &more), 0);
		CHECK(!more);
	}
	CHECK_EQ(total_kicks(), 0);
	/* Given a target, it is delivered and the target kicked. */
	wrb(inst, GICD_ITARGETSR + 53, 0x8);
	CHECK_EQ(fake_kicks[3], 1);
	CHECK(pending(3));
	CHECK_EQ(fill(3, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 53);
	destroy(inst);
}

UNIT_TEST(reset_targets)
{
	struct devemu_instance *inst = create(2);

	wr(inst, GICD_ITARGETSR + 32, 0x01020302);
	fake_reset(inst);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 32), 0);
	CHECK_EQ(rd_as(inst, 1, GICD_ITARGETSR), 0x02020202);
	destroy(inst);
}

UNIT_TEST(single_vcpu_gets_every_spi)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[4];

	/* With one CPU interface every SPI targets it, whatever the byte. */
	spi_on(inst, 40, 0x80, 0);
	fake_line(40, true);
	CHECK(pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 40);
	/* The private bytes still read as the CPU's own bit. */
	CHECK_EQ(rd(inst, GICD_ITARGETSR), 0x01010101);
	destroy(inst);
}

/* ---- configuration ---- */

UNIT_TEST(config_registers)
{
	struct devemu_instance *inst = create(2);

	/* ICFGR0: SGIs, read-only, edge-triggered */
	CHECK_EQ(rd(inst, GICD_ICFGR), 0xaaaaaaaa);
	wr(inst, GICD_ICFGR, 0);
	CHECK_EQ(rd(inst, GICD_ICFGR), 0xaaaaaaaa);
	CHECK_EQ(rd_as(inst, 1, GICD_ICFGR), 0xaaaaaaaa);
	/* ICFGR1: PPIs, level by default, banked */
	CHECK_EQ(rd_as(inst, 0, GICD_ICFGR + 4), 0);
	wr_as(inst, 1, GICD_ICFGR + 4, 0x80000000);
	CHECK_EQ(rd_as(inst, 1, GICD_ICFGR + 4), 0x80000000);
	CHECK_EQ(rd_as(inst, 0, GICD_ICFGR + 4), 0);
	/* SPIs: only the upper bit of each field is implemented. */
	wr(inst, GICD_ICFGR + 8, 0xffffffff);
	CHECK_EQ(rd(inst, GICD_ICFGR + 8), 0xaaaaaaaa);
	CHECK_EQ(rd_as(inst, 0, GICD_ICFGR + 8), 0xaaaaaaaa);
	wr(inst, GICD_ICFGR + 8, 0x00000008);
	CHECK_EQ(rd(inst, GICD_ICFGR + 8), 0x8);
	destroy(inst);
}

UNIT_TEST(edge_ppi_by_banked_icfgr1)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lrs[4];

	private_on(inst, 1, 27, 0x20);
	wr_as(inst, 1, GICD_ICFGR + 4, 2U << (11 * 2));
	vgic_set_private_line(vg_of(), &fake_vcpus[1], 27, true);
	vgic_set_private_line(vg_of(), &fake_vcpus[1], 27, false);
	/* The edge was latched. */
	CHECK(pending(1));
	CHECK_EQ(fill(1, lrs, 4, NULL), 1);
	CHECK(!lrs[0].eoi_notify);
	/* vCPU0's PPI 27 is still level: pending only while high. */
	private_on(inst, 0, 27, 0x20);
	vgic_set_private_line(vg_of(), &fake_vcpus[0], 27, true);
	vgic_set_private_line(vg_of(), &fake_vcpus[0], 27, false);
	CHECK(!pending(0));
	destroy(inst);
}

/* ---- SGIs ---- */

UNIT_TEST(sgir_target_list)
{
	struct devemu_instance *inst = create(4);
	struct vgic_lr lrs[4];

	for (int c = 0; c < 4; c++)
		private_on(inst, c, 3, 0);
	clear_kicks();
	/* vCPU1 sends SGI 3 to vCPUs 0 and 2. */
	wr_as(inst, 1, GICD_SGIR, SGIR(0, 0x5, 3));
	for (int c = 0; c < 4; c++) {
		CHECK_EQ(pending(c), c == 0 || c == 2);
		CHECK_EQ(fake_kicks[c], c == 0 || c == 2);
		CHECK_EQ(fake_ipis_sent[c], c == 0 || c == 2);
		CHECK_EQ(rd_as(inst, c, GICD_ISPENDR) & 0xffff,
			 c == 0 || c == 2 ? 1U << 3 : 0);
		/* The source shows in SPENDSGIR0 byte 3 */
		CHECK_EQ(rd_as(inst, c, GICD_SPENDSGIR),
			 c == 0 || c == 2 ? 0x02000000U : 0);
	}
	CHECK_EQ(fill(2, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 3);
	CHECK_EQ(lrs[0].source, 1);
	CHECK(lrs[0].pending && !lrs[0].eoi_notify); /* SGIs are edge */
	/* An empty list, and vCPUs that do not exist, get nothing. */
	clear_kicks();
	wr_as(inst, 0, GICD_SGIR, SGIR(0, 0, 4));
	wr_as(inst, 0, GICD_SGIR, SGIR(0, 0xf0, 4));
	CHECK_EQ(total_kicks(), 0);
	for (int c = 0; c < 4; c++)
		CHECK_EQ(rd_as(inst, c, GICD_ISPENDR) & (1U << 4), 0);
	/* GICD_SGIR is write-only: it reads as zero. */
	CHECK_EQ(rd(inst, GICD_SGIR), 0);
	destroy(inst);
}

UNIT_TEST(sgir_filters)
{
	struct devemu_instance *inst = create(4);

	for (int c = 0; c < 4; c++)
		private_on(inst, c, 7, 0);
	/* 01: everyone but the sender, whatever the list says */
	clear_kicks();
	wr_as(inst, 2, GICD_SGIR, SGIR(1, 0x4, 7));
	for (int c = 0; c < 4; c++) {
		CHECK_EQ(pending(c), c != 2);
		CHECK_EQ(fake_kicks[c], c != 2);
		CHECK_EQ(rd_as(inst, c, GICD_SPENDSGIR + 4),
			 c != 2 ? 0x04000000U : 0);
	}
	/* 10: the sender only */
	for (int c = 0; c < 4; c++)
		wr_as(inst, c, GICD_CPENDSGIR + 4, ~0U);
	clear_kicks();
	wr_as(inst, 3, GICD_SGIR, SGIR(2, 0x1, 7));
	for (int c = 0; c < 4; c++) {
		CHECK_EQ(pending(c), c == 3);
		CHECK_EQ(fake_kicks[c], c == 3);
		CHECK_EQ(rd_as(inst, c, GICD_SPENDSGIR + 4),
			 c == 3 ? 0x08000000U : 0);
	}
	/* 11: reserved, no SGI at all */
	wr_as(inst, 3, GICD_CPENDSGIR + 4, ~0U);
	clear_kicks();
	wr_as(inst, 0, GICD_SGIR, SGIR(3, 0xf, 7));
	for (int c = 0; c < 4; c++) {
		CHECK(!pending(c));
		CHECK_EQ(rd_as(inst, c, GICD_ISPENDR), 0);
	}
	CHECK_EQ(total_kicks(), 0);
	/* Bits 31:26 and 15:4 are not part of the INTID. */
	wr_as(inst, 0, GICD_SGIR, 0xfc00fff0U | SGIR(0, 0x2, 7));
	CHECK_EQ(rd_as(inst, 1, GICD_SPENDSGIR + 4), 0x01000000);
	/* From no vCPU: no sender, no SGI */
	wr_as(inst, -1, GICD_SGIR, SGIR(0, 0xf, 8));
	for (int c = 0; c < 4; c++)
		CHECK_EQ(rd_as(inst, c, GICD_SPENDSGIR + 8), 0);
	destroy(inst);
}

UNIT_TEST(sgi_disabled_stays_pending)
{
	struct devemu_instance *inst = create(2);

	clear_kicks();
	wr_as(inst, 0, GICD_SGIR, SGIR(0, 0x2, 4));
	CHECK_EQ(rd_as(inst, 1, GICD_ISPENDR), 1U << 4);
	CHECK_EQ(fake_kicks[1], 0);
	CHECK(!pending(1));
	private_on(inst, 1, 4, 0);
	CHECK_EQ(fake_kicks[1], 1);
	CHECK(pending(1));
	destroy(inst);
}

UNIT_TEST(sgi_source_registers)
{
	struct devemu_instance *inst = create(3);

	private_on(inst, 1, 2, 0);
	/* vCPU1 pends SGI 2 from sources 0 and 2 on itself. */
	clear_kicks();
	wrb(inst, GICD_SPENDSGIR + 2, 0x05);
	CHECK_EQ(fake_kicks[1], 1);
	CHECK(pending(1));
	CHECK_EQ(rd(inst, GICD_SPENDSGIR), 0x00050000);
	CHECK_EQ(rd(inst, GICD_CPENDSGIR), 0x00050000);
	CHECK_EQ(rdb(inst, GICD_SPENDSGIR + 2), 0x05);
	CHECK_EQ(rdb(inst, GICD_CPENDSGIR + 2), 0x05);
	CHECK_EQ(rdb(inst, GICD_SPENDSGIR + 1), 0);
	CHECK_EQ(rdb(inst, GICD_SPENDSGIR + 3), 0);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 1U << 2);
	/* Banked: vCPU0 has nothing pending. */
	CHECK_EQ(rd_as(inst, 0, GICD_SPENDSGIR), 0);
	as_cpu(1);
	/* Sources past the last vCPU are RAZ/WI. */
	wrb(inst, GICD_SPENDSGIR + 2, 0xf8);
	CHECK_EQ(rdb(inst, GICD_SPENDSGIR + 2), 0x05);
	/* Writing zeros changes nothing. */
	wr(inst, GICD_SPENDSGIR, 0);
	wr(inst, GICD_CPENDSGIR, 0);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR), 0x00050000);
	/* Clearing one source leaves the other pending. */
	wrb(inst, GICD_CPENDSGIR + 2, 0x01);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR), 0x00040000);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 1U << 2);
	CHECK(pending(1));
	wrb(inst, GICD_CPENDSGIR + 2, 0x04);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR), 0);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 0);
	CHECK(!pending(1));

	/* Word access, the last register: SGIs 12-15 */
	wr(inst, GICD_SPENDSGIR + 12, 0x01020304);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR + 12), 0x01020304);
	CHECK_EQ(rdb(inst, GICD_SPENDSGIR + 13), 0x03);
	CHECK_EQ(rdb(inst, GICD_CPENDSGIR + 15), 0x01);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 0xfU << 12);
	wr(inst, GICD_CPENDSGIR + 12, 0x00000700);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR + 12), 0x01020004);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 0xdU << 12);
	/* From no vCPU: RAZ/WI */
	as_cpu(-1);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR + 12), 0);
	wr(inst, GICD_SPENDSGIR, ~0U);
	wr(inst, GICD_CPENDSGIR + 12, ~0U);
	CHECK_EQ(rd_as(inst, 1, GICD_SPENDSGIR + 12), 0x01020004);
	CHECK_EQ(rd_as(inst, 1, GICD_SPENDSGIR), 0);
	CHECK_EQ(rd_as(inst, 0, GICD_SPENDSGIR), 0);
	destroy(inst);
}

UNIT_TEST(sgi_sources_go_out_one_at_a_time)
{
	struct devemu_instance *inst = create(3);
	struct vgic_lr lrs[4], done;
	bool more;

	private_on(inst, 2, 5, 0x10);
	wr_as(inst, 0, GICD_SGIR, SGIR(0, 0x4, 5));
	wr_as(inst, 1, GICD_SGIR, SGIR(0, 0x4, 5));
	CHECK_EQ(rd_as(inst, 2, GICD_SPENDSGIR + 4), 0x0300);

	/* The lowest source first, one LR per source */
	CHECK_EQ(fill(2, lrs, 4, &more), 1);
	CHECK_EQ(lrs[0].intid, 5);
	CHECK_EQ(lrs[0].source, 0);
	CHECK(lrs[0].pending && !lrs[0].active);
	/* Both sources still show as pending. */
	CHECK_EQ(rd_as(inst, 2, GICD_SPENDSGIR + 4), 0x0300);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 1U << 5);
	/* The second waits for the first to come back. */
	CHECK_EQ(fill(2, lrs + 1, 3, &more), 0);
	CHECK(!pending(2));

	/* Synced back still pending: it keeps its source. */
	sync(2, lrs, 1);
	CHECK_EQ(rd_as(inst, 2, GICD_SPENDSGIR + 4), 0x0300);
	CHECK(pending(2));
	CHECK_EQ(fill(2, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].source, 0);

	/* Taken (acknowledged): source 0 is active, source 1 waits. */
	done = lrs[0];
	done.pending = false;
	done.active = true;
	sync(2, &done, 1);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR + 4), 0x0200);
	CHECK_EQ(rd(inst, GICD_ISACTIVER), 1U << 5);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 1U << 5);
	/* Out again as active only, for the source it was taken from */
	CHECK_EQ(fill(2, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 5);
	CHECK(lrs[0].active && !lrs[0].pending);
	CHECK_EQ(lrs[0].source, 0);
	/* Completed: now source 1 */
	done = lrs[0];
	done.active = false;
	sync(2, &done, 1);
	CHECK_EQ(rd(inst, GICD_ISACTIVER), 0);
	CHECK_EQ(fill(2, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].intid, 5);
	CHECK_EQ(lrs[0].source, 1);
	CHECK(lrs[0].pending && !lrs[0].active);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR + 4), 0x0200);
	done = lrs[0];
	done.pending = false;
	sync(2, &done, 1);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR + 4), 0);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 0);
	CHECK(!pending(2));
	CHECK_EQ(fill(2, lrs, 4, NULL), 0);

	/* Acknowledged and completed in one go: the next source at once */
	wr_as(inst, 1, GICD_SGIR, SGIR(0, 0x4, 5));
	wr_as(inst, 0, GICD_SGIR, SGIR(0, 0x4, 5));
	CHECK_EQ(fill(2, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].source, 0);
	done = lrs[0];
	done.pending = false;
	sync(2, &done, 1);
	CHECK_EQ(fill(2, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].source, 1);
	destroy(inst);
}

UNIT_TEST(sgi_resent_while_in_lr)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lrs[4], done;

	private_on(inst, 1, 1, 0);
	wr_as(inst, 0, GICD_SGIR, SGIR(0, 0x2, 1));
	CHECK_EQ(fill(1, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].source, 0);
	/* The same source again while the first is out: owner kicked */
	clear_kicks();
	wr_as(inst, 0, GICD_SGIR, SGIR(0, 0x2, 1));
	CHECK_EQ(fake_kicks[1], 1);
	/* Taken: the new one is pending behind it. */
	done = lrs[0];
	done.pending = false;
	sync(1, &done, 1);
	CHECK_EQ(rd_as(inst, 1, GICD_SPENDSGIR), 0x0100);
	CHECK_EQ(fill(1, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].source, 0);
	CHECK(lrs[0].pending);
	destroy(inst);
}

UNIT_TEST(cpendsgir_while_in_lr)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lrs[4];

	private_on(inst, 0, 9, 0);
	wr_as(inst, 1, GICD_SGIR, SGIR(0, 0x1, 9));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].source, 1);
	CHECK_EQ(rd_as(inst, 0, GICD_SPENDSGIR + 8), 0x0200);
	/* Cleared while out: the owner is kicked to sync it back. */
	clear_kicks();
	as_cpu(0);
	wrb(inst, GICD_CPENDSGIR + 9, 0x2);
	CHECK_EQ(fake_kicks[0], 1);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR + 8), 0);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 0);
	/* Synced back still pending in the LR: it stays cleared. */
	sync(0, lrs, 1);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR + 8), 0);
	CHECK(!pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);

	/* Clearing another source than the LR's leaves the LR's alone. */
	wr_as(inst, 1, GICD_SGIR, SGIR(0, 0x1, 9));
	as_cpu(0);
	wrb(inst, GICD_SPENDSGIR + 9, 0x1); /* source 0 too */
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].source, 0);
	wrb(inst, GICD_CPENDSGIR + 9, 0x2);
	CHECK_EQ(rdb(inst, GICD_SPENDSGIR + 9), 0x1);
	sync(0, lrs, 1);
	CHECK_EQ(rdb(inst, GICD_SPENDSGIR + 9), 0x1);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK_EQ(lrs[0].source, 0);
	destroy(inst);
}

/* ---- lines from devices ---- */

UNIT_TEST(level_spi_from_device_line)
{
	struct devemu_instance *inst = create(2);
	struct vgic_lr lrs[4], done;

	spi_on(inst, 40, 0x20, 0x2);
	clear_kicks();
	fake_line(40, true);
	CHECK_EQ(fake_kicks[1], 1);
	CHECK(pending(1) && !pending(0));
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 8);
	CHECK_EQ(fill(1, lrs, 4, NULL), 1);
	CHECK(lrs[0].pending && lrs[0].eoi_notify);
	CHECK_EQ(lrs[0].intid, 40);
	CHECK_EQ(lrs[0].priority, 0x20);
	CHECK_EQ(lrs[0].source, 0);
	/* Completed with the line still high: pending again at once */
	done = lrs[0];
	done.pending = false;
	sync(1, &done, 1);
	CHECK(pending(1));
	CHECK_EQ(fill(1, lrs, 4, NULL), 1);
	/* Acknowledged, the line drops, then completed: nothing left */
	done = lrs[0];
	done.pending = false;
	done.active = true;
	sync(1, &done, 1);
	fake_line(40, false);
	CHECK_EQ(fill(1, lrs, 4, NULL), 1);
	CHECK(lrs[0].active && !lrs[0].pending && lrs[0].eoi_notify);
	done = lrs[0];
	done.active = false;
	sync(1, &done, 1);
	CHECK(!pending(1));
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 0);
	CHECK_EQ(rd(inst, GICD_ISACTIVER + 4), 0);
	/* ICPENDR clears the latch, never the line. */
	fake_line(40, true);
	wr(inst, GICD_ICPENDR + 4, 1U << 8);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 8);
	fake_line(40, false);
	CHECK(!pending(1));
	destroy(inst);
}

UNIT_TEST(edge_spi_from_device_line)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[4], done;

	spi_on(inst, 70, 0x20, 0x1);
	set_edge(inst, 70);
	fake_line(70, true);
	fake_line(70, false);
	CHECK(pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	CHECK(lrs[0].pending && !lrs[0].eoi_notify);
	done = lrs[0];
	done.pending = false;
	sync(0, &done, 1);
	CHECK(!pending(0));
	destroy(inst);
}

UNIT_TEST(device_lines_on_private_and_absent_intids)
{
	struct devemu_instance *inst = create(2);

	/* A device on a PPI drives vCPU0's. */
	fake_line(23, true);
	CHECK_EQ(rd_as(inst, 0, GICD_ISPENDR), 1U << 23);
	CHECK_EQ(rd_as(inst, 1, GICD_ISPENDR), 0);
	/* SGIs have no lines; INTIDs past the last are ignored. */
	fake_line(2, true);
	fake_line(288, true);
	fake_line(5000, true);
	CHECK_EQ(rd_as(inst, 0, GICD_ISPENDR), 1U << 23);
	CHECK_EQ(rd_as(inst, 0, GICD_SPENDSGIR), 0);
	fake_line(287, true);
	CHECK_EQ(rd(inst, GICD_ISPENDR + 8 * 4), 0x80000000);
	destroy(inst);
}

/* ---- accesses ---- */

UNIT_TEST(access_sizes_and_alignment)
{
	struct devemu_instance *inst = create(2);
	static const u64 word_only[] = {
		GICD_CTLR,	GICD_TYPER,	GICD_IIDR,	GICD_IGROUPR,
		GICD_ISENABLER, GICD_ICENABLER, GICD_ISPENDR,	GICD_ICPENDR,
		GICD_ISACTIVER, GICD_ICACTIVER, GICD_ICFGR + 8, GICD_SGIR,
		GICD_ICPIDR2,	GICD_ICCIDR0,	0x0020,
	};
	static const u64 byte_ok[] = {
		GICD_IPRIORITYR + 33, GICD_ITARGETSR + 1,  GICD_ITARGETSR + 41,
		GICD_CPENDSGIR + 3,   GICD_SPENDSGIR + 14, GICD_IPRIORITYR + 2,
	};
	u64 v;

	as_cpu(1);
	for (unsigned int i = 0; i < ARRAY_SIZE(word_only); i++) {
		u64 off = word_only[i];

		CHECK_EQ(fake_read(inst, off, 1, &v), -EINVAL);
		CHECK_EQ(fake_read(inst, off + 1, 1, &v), -EINVAL);
		CHECK_EQ(fake_write(inst, off, 1, 0xff), -EINVAL);
		CHECK_EQ(fake_read(inst, off, 2, &v), -EINVAL);
		CHECK_EQ(fake_write(inst, off + 2, 2, 0xffff), -EINVAL);
		CHECK_EQ(fake_read(inst, off, 8, &v), -EINVAL);
		CHECK_EQ(fake_write(inst, off, 8, ~0ULL), -EINVAL);
		CHECK_EQ(fake_read(inst, off + 2, 4, &v), -EINVAL);
		CHECK_EQ(fake_write(inst, off + 1, 4, ~0U), -EINVAL);
		CHECK_EQ(fake_read(inst, off, 4, &v), 0);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(byte_ok); i++) {
		u64 off = byte_ok[i];

		CHECK_EQ(fake_read(inst, off, 1, &v), 0);
		CHECK_EQ(fake_write(inst, off, 1, 0), 0);
		CHECK_EQ(fake_read(inst, off & ~1ULL, 2, &v), -EINVAL);
		CHECK_EQ(fake_write(inst, off & ~1ULL, 2, 0xffff), -EINVAL);
		CHECK_EQ(fake_read(inst, off, 4, &v), -EINVAL);
		CHECK_EQ(fake_write(inst, off & ~3ULL, 8, ~0ULL), -EINVAL);
	}
	/* Nothing changed through a refused access. */
	CHECK_EQ(rd(inst, GICD_CTLR), 0);
	CHECK_EQ(rd(inst, GICD_IGROUPR), 0);
	CHECK_EQ(rd(inst, GICD_ISENABLER), 0);
	CHECK_EQ(rd(inst, GICD_ISPENDR), 0);
	CHECK_EQ(rd(inst, GICD_ISACTIVER), 0);
	CHECK_EQ(rd(inst, GICD_ICFGR + 8), 0);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR + 32), 0);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR), 0);
	CHECK_EQ(rd(inst, GICD_ITARGETSR + 40), 0);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR), 0);
	CHECK_EQ(rd(inst, GICD_SPENDSGIR + 12), 0);
	CHECK_EQ(rd_as(inst, 0, GICD_SPENDSGIR), 0);
	destroy(inst);
}

UNIT_TEST(reserved_and_beyond_4k_read_as_zero)
{
	struct devemu_instance *inst = create(2);
	static const u64 raz[] = {
		0x000c, 0x0020, 0x0040, 0x007c, 0x0d00, 0x0e00,
		0x0f04, 0x0f0c, 0x0f30, 0x0fc0, 0x07fc, 0x0bfc,
	};
	u64 v;

	for (unsigned int i = 0; i < ARRAY_SIZE(raz); i++) {
		wr(inst, raz[i], ~0U);
		CHECK_EQ(rd(inst, raz[i]), 0);
	}
	/* Past the 4 KiB of registers, in a larger window */
	for (u64 off = 0x1000; off < DIST_WINDOW; off += 0x7fc) {
		wr(inst, off & ~3ULL, ~0U);
		CHECK_EQ(rd(inst, off & ~3ULL), 0);
	}
	CHECK_EQ(rd(inst, DIST_WINDOW - 4), 0);
	CHECK_EQ(rd(inst, 0x1000), 0);
	CHECK_EQ(fake_read(inst, 0x1000, 1, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, 0x1002, 2, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, 0x1001, 4, 0), -EINVAL);
	CHECK_EQ(fake_write(inst, 0x1000, 8, 0), -EINVAL);
	/* Nothing below 4 KiB changed: the window does not wrap. */
	wr(inst, 0x1000 + GICD_CTLR, 3);
	wr(inst, 0x1000 + GICD_ISENABLER + 4, ~0U);
	CHECK_EQ(rd(inst, GICD_CTLR), 0);
	CHECK_EQ(rd(inst, GICD_ISENABLER + 4), 0);
	destroy(inst);
}

UNIT_TEST(banked_registers_from_no_vcpu)
{
	struct devemu_instance *inst = create(2);

	/* An access from outside any vCPU reaches no bank: RAZ/WI */
	wr_as(inst, 0, GICD_ISENABLER, 0x80000001);
	wr(inst, GICD_IPRIORITYR, 0x11);
	as_cpu(-1);
	CHECK_EQ(rd(inst, GICD_ISENABLER), 0);
	CHECK_EQ(rd(inst, GICD_IPRIORITYR), 0);
	CHECK_EQ(rd(inst, GICD_ITARGETSR), 0);
	CHECK_EQ(rd(inst, GICD_ICFGR + 4), 0);
	CHECK_EQ(rd(inst, GICD_ICFGR), 0);
	wr(inst, GICD_ISENABLER, ~0U);
	wr(inst, GICD_ICENABLER, ~0U);
	wr(inst, GICD_ISPENDR, ~0U);
	wr(inst, GICD_IPRIORITYR, ~0U);
	wr(inst, GICD_ICFGR + 4, ~0U);
	CHECK_EQ(rd_as(inst, 0, GICD_ISENABLER), 0x80000001);
	CHECK_EQ(rd_as(inst, 0, GICD_IPRIORITYR), 0x11);
	CHECK_EQ(rd_as(inst, 0, GICD_ISPENDR), 0);
	CHECK_EQ(rd_as(inst, 0, GICD_ICFGR + 4), 0);
	CHECK_EQ(rd_as(inst, 1, GICD_ISENABLER), 0);
	/* Shared registers work from anywhere. */
	wr_as(inst, -1, GICD_ISENABLER + 4, 0x1);
	CHECK_EQ(rd_as(inst, 1, GICD_ISENABLER + 4), 0x1);
	/* A vCPU the model does not know is no vCPU either. */
	fake_vcpus[5].index = 5;
	fake_vcpus[5].guest = &fake_guest;
	current_vcpu = &fake_vcpus[5];
	CHECK_EQ(rd(inst, GICD_ISENABLER), 0);
	CHECK_EQ(rd(inst, GICD_ITARGETSR), 0);
	wr(inst, GICD_SGIR, SGIR(0, 0x3, 1));
	CHECK_EQ(rd_as(inst, 0, GICD_SPENDSGIR), 0);
	CHECK_EQ(rd_as(inst, 1, GICD_SPENDSGIR), 0);
	destroy(inst);
}

/* ---- reset and removal ---- */

UNIT_TEST(reset_values)
{
	struct devemu_instance *inst = create(2);

	for (unsigned int pass = 0; pass < 2; pass++) {
		as_cpu(0);
		CHECK_EQ(rd(inst, GICD_CTLR), 0);
		for (unsigned int n = 1; n < 9; n++) {
			CHECK_EQ(rd(inst, GICD_IGROUPR + 4 * n), 0);
			CHECK_EQ(rd(inst, GICD_ISENABLER + 4 * n), 0);
			CHECK_EQ(rd(inst, GICD_ISPENDR + 4 * n), 0);
			CHECK_EQ(rd(inst, GICD_ISACTIVER + 4 * n), 0);
		}
		for (unsigned int i = 32; i < 288; i += 4) {
			CHECK_EQ(rd(inst, GICD_IPRIORITYR + i), 0);
			CHECK_EQ(rd(inst, GICD_ITARGETSR + i), 0);
		}
		for (unsigned int n = 2; n < 18; n++)
			CHECK_EQ(rd(inst, GICD_ICFGR + 4 * n), 0);
		for (int c = 0; c < 2; c++) {
			as_cpu(c);
			CHECK_EQ(rd(inst, GICD_IGROUPR), 0);
			CHECK_EQ(rd(inst, GICD_ISENABLER), 0);
			CHECK_EQ(rd(inst, GICD_ISPENDR), 0);
			CHECK_EQ(rd(inst, GICD_ISACTIVER), 0);
			CHECK_EQ(rd(inst, GICD_ICFGR), 0xaaaaaaaa);
			CHECK_EQ(rd(inst, GICD_ICFGR + 4), 0);
			for (unsigned int i = 0; i < 32; i += 4)
				CHECK_EQ(rd(inst, GICD_IPRIORITYR + i), 0);
			for (unsigned int i = 0; i < 16; i += 4) {
				CHECK_EQ(rd(inst, GICD_SPENDSGIR + i), 0);
				CHECK_EQ(rd(inst, GICD_CPENDSGIR + i), 0);
			}
		}
		CHECK(!pending(0) && !pending(1));
		/* Dirty everything, then reset. */
		as_cpu(0);
		wr(inst, GICD_CTLR, 3);
		for (unsigned int n = 1; n < 9; n++) {
			wr(inst, GICD_IGROUPR + 4 * n, ~0U);
			wr(inst, GICD_ISENABLER + 4 * n, ~0U);
			wr(inst, GICD_ISPENDR + 4 * n, ~0U);
			wr(inst, GICD_ISACTIVER + 4 * n, ~0U);
		}
		for (unsigned int i = 32; i < 288; i += 4) {
			wr(inst, GICD_IPRIORITYR + i, 0xa0a0a0a0);
			wr(inst, GICD_ITARGETSR + i, 0x03030303);
		}
		for (unsigned int n = 2; n < 18; n++)
			wr(inst, GICD_ICFGR + 4 * n, ~0U);
		for (int c = 0; c < 2; c++) {
			as_cpu(c);
			wr(inst, GICD_IGROUPR, ~0U);
			wr(inst, GICD_ISENABLER, ~0U);
			wr(inst, GICD_ISPENDR, ~0U);
			wr(inst, GICD_ISACTIVER, ~0U);
			wr(inst, GICD_ICFGR + 4, ~0U);
			wr(inst, GICD_IPRIORITYR, 0x80808080);
			wr(inst, GICD_SPENDSGIR + 4, ~0U);
			wr(inst, GICD_SGIR, SGIR(1, 0, 2));
		}
		CHECK(pending(0) && pending(1));
		CHECK(rd_as(inst, 1, GICD_SPENDSGIR) != 0);
		fake_reset(inst);
	}
	destroy(inst);
}

UNIT_TEST(reset_while_in_lr_and_line_kept)
{
	struct devemu_instance *inst = create(1);
	struct vgic_lr lrs[4];

	spi_on(inst, 40, 0x20, 0x1);
	fake_line(40, true);
	CHECK_EQ(fill(0, lrs, 4, NULL), 1);
	fake_reset(inst);
	/* What the LRs held is forgotten with the rest... */
	sync(0, lrs, 1);
	CHECK(!pending(0));
	CHECK_EQ(fill(0, lrs, 4, NULL), 0);
	/* ...but the device's line is still high. */
	CHECK_EQ(rd(inst, GICD_ISPENDR + 4), 1U << 8);
	spi_on(inst, 40, 0x20, 0x1);
	CHECK(pending(0));
	destroy(inst);
}

UNIT_TEST(remove_frees_everything)
{
	struct devemu_instance *inst = create(4);
	struct vgic_lr lrs[4];

	/* State in every corner, some of it out in list registers */
	spi_on(inst, 40, 0, 0x2);
	fake_line(40, true);
	for (int c = 0; c < 4; c++)
		private_on(inst, c, 1, 0);
	wr_as(inst, 0, GICD_SGIR, SGIR(1, 0, 1));
	CHECK_EQ(fill(1, lrs, 4, NULL), 2);
	destroy(inst);
	/* Another controller can take its place. */
	inst = create(2);
	CHECK(vg_of() == inst->priv);
	destroy(inst);
}

UNIT_TEST(kicks_only_outside_the_lock)
{
	struct devemu_instance *inst = create(2);

	/* vcpu_kick() checks that the model's lock is free every time. */
	spi_on(inst, 60, 0, 0x2);
	fake_line(60, true);
	wr(inst, GICD_ICENABLER + 4, 1U << 28);
	wr(inst, GICD_ISENABLER + 4, 1U << 28);
	wrb(inst, GICD_ITARGETSR + 60, 0x1);
	private_on(inst, 1, 0, 0);
	private_on(inst, 0, 0, 0);
	wr_as(inst, 0, GICD_SGIR, SGIR(1, 0, 0));
	wrb(inst, GICD_SPENDSGIR, 0x3);
	CHECK(fake_kicks[0] >= 2);
	CHECK(fake_kicks[1] >= 2);
	destroy(inst);
}

/* ---- interrupt specifiers (emulator.xlate) ---- */

/* The GICv2 front end takes the GIC binding's cells as the GICv3's does. */
UNIT_TEST(xlate_gic_specifiers)
{
	const u32 spi1[3] = { 0, 1, 4 }, ppi14[3] = { 1, 14, 4 };
	const u32 spi988[3] = { 0, 988, 4 }, type2[3] = { 2, 0, 4 };
	char why[96] = "";
	unsigned int line = 0;

	setup(1, 0);
	CHECK_EQ(emu->irq_cells, 3);
	CHECK_EQ(emu->xlate(&gic_node, spi1, &line, why, sizeof(why)), 0);
	CHECK_EQ(line, 33);
	CHECK_EQ(emu->xlate(&gic_node, ppi14, &line, why, sizeof(why)), 0);
	CHECK_EQ(line, 30);
	CHECK_EQ(emu->xlate(&gic_node, spi988, &line, why, sizeof(why)),
		 -EINVAL);
	CHECK(!strcmp(why, "SPI 988 is out of range (0-987)"));
	CHECK_EQ(emu->xlate(&gic_node, type2, &line, why, sizeof(why)),
		 -EINVAL);
	CHECK(!strcmp(why, "type 2 is neither SPI (0) nor PPI (1)"));
}

UNIT_MAIN();
