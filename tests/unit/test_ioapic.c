// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/irqchip/ioapic.c driven through its emulator operations and
 * the calls the local APICs make (set_pin, eoi), on the shared fake
 * guest. The local APICs are fakes here that record what the I/O APIC
 * sends and registers: power-on and reset state, the index and data
 * registers, read-only bits, edge and level pins with remote IRR and
 * EOIs, masks, the specifiers' translation with a GSI base, refusals.
 */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/vlapic.h>

#include <hw/apic.h>

#include "host/fake_guest.h"

#define IOAPIC_SIZE 0x1000
#define MAX_MSGS 64
#define NR_PINS 24

/* ---- the local APICs, faked: what the I/O APIC sends and registers ---- */

struct vlapic {
	int unused;
};

static struct vlapic the_vlapic;
static bool vlapic_present;
static struct vlapic_msg msgs[MAX_MSGS];
static unsigned int nr_msgs;

static struct {
	const struct vlapic_ioapic_ops *ops;
	void *priv;
	unsigned int gsi_base, nr_pins;
	unsigned int adds, removes;
	void *removed_priv;
	int add_err;
} rec;

struct vlapic *vlapic_of(struct guest *g)
{
	CHECK(g == &fake_guest);
	return vlapic_present ? &the_vlapic : NULL;
}

void vlapic_deliver(struct vlapic *vl, const struct vlapic_msg *m)
{
	CHECK(vl == &the_vlapic);
	CHECK(nr_msgs < MAX_MSGS);
	if (nr_msgs < MAX_MSGS)
		msgs[nr_msgs++] = *m;
}

int vlapic_add_ioapic(struct vlapic *vl, unsigned int gsi_base,
		      unsigned int nr_pins, const struct vlapic_ioapic_ops *ops,
		      void *priv)
{
	CHECK(vl == &the_vlapic);
	rec.adds++;
	if (rec.add_err)
		return rec.add_err;
	rec.ops = ops;
	rec.priv = priv;
	rec.gsi_base = gsi_base;
	rec.nr_pins = nr_pins;
	return 0;
}

void vlapic_remove_ioapic(struct vlapic *vl, void *priv)
{
	CHECK(vl == &the_vlapic);
	rec.removes++;
	rec.removed_priv = priv;
	if (priv == rec.priv)
		rec.ops = NULL;
}

/* ---- the instance ---- */

static struct devtree_node ioapic_node;

static void fresh_guest(void)
{
	fake_guest_init("vm1", 1);
	fake_guest_add_vcpus(1);
	vlapic_present = true;
	nr_msgs = 0;
	memset(msgs, 0, sizeof(msgs));
	memset(&rec, 0, sizeof(rec));
}

static struct devemu_instance *new_instance(void)
{
	const struct emulator *emu = devemu_find("keel,x86-ioapic");

	if (!emu) {
		printf("  no emulator serves keel,x86-ioapic\n");
		abort();
	}
	return fake_instance(emu, "interrupt-controller@fec00000",
			     IOAPIC_DEFAULT_BASE, IOAPIC_SIZE, FAKE_NO_IRQ);
}

/* A probed I/O APIC; gsi_base and apic_id < 0 leave the node without. */
static struct devemu_instance *create_opts(int gsi_base, int apic_id)
{
	struct devemu_instance *inst;

	fresh_guest();
	if (gsi_base >= 0)
		fake_dt_set_u32(&ioapic_node, "keel,gsi-base", (u32)gsi_base);
	if (apic_id >= 0)
		fake_dt_set_u32(&ioapic_node, "keel,apic-id", (u32)apic_id);
	inst = new_instance();
	CHECK_EQ(devemu_probe(inst, &ioapic_node), 0);
	CHECK(inst->priv != NULL);
	CHECK(rec.ops != NULL);
	if (!rec.ops) {
		printf("  the I/O APIC did not register\n");
		abort();
	}
	return inst;
}

static struct devemu_instance *create(void)
{
	return create_opts(-1, -1);
}

static u32 ioread(struct devemu_instance *inst, unsigned int index)
{
	fake_wr(inst, IOAPIC_SELECT, 4, index);
	return (u32)fake_rd(inst, IOAPIC_DATA, 4);
}

static void iowrite(struct devemu_instance *inst, unsigned int index, u32 v)
{
	fake_wr(inst, IOAPIC_SELECT, 4, index);
	fake_wr(inst, IOAPIC_DATA, 4, v);
}

static u32 route_lo(struct devemu_instance *inst, unsigned int pin)
{
	return ioread(inst, IOAPIC_ROUTE(pin));
}

static void set_route(struct devemu_instance *inst, unsigned int pin, u32 lo,
		      u8 dest)
{
	iowrite(inst, IOAPIC_ROUTE(pin) + 1, (u32)dest << 24);
	iowrite(inst, IOAPIC_ROUTE(pin), lo);
}

/* As the local APICs call them: without the instance's lock. */
static void pin(struct devemu_instance *inst, unsigned int n, bool level)
{
	CHECK(!spin_is_locked(&inst->lock));
	rec.ops->set_pin(rec.priv, n, level);
}

static void eoi(u8 vector)
{
	rec.ops->eoi(rec.priv, vector);
}

/* A GSI line as the local APICs route it to the I/O APIC holding it. */
static void gsi_line(unsigned int gsi, bool level)
{
	CHECK(gsi - rec.gsi_base < rec.nr_pins);
	if (gsi - rec.gsi_base < rec.nr_pins)
		rec.ops->set_pin(rec.priv, gsi - rec.gsi_base, level);
}

static int xlate(struct devemu_instance *inst, u32 gsi, u32 type,
		 unsigned int *line, char *why, size_t why_size)
{
	u32 cells[2] = { gsi, type };

	why[0] = '\0';
	return inst->emu->xlate(&ioapic_node, cells, line, why, why_size);
}

#define DM(mode) ((u32)(mode) << ROUTE_DELIVERY_SHIFT)

UNIT_TEST(power_on_state)
{
	struct devemu_instance *inst = create_opts(-1, 5);

	CHECK_EQ(inst->emu->irq_cells, 2);
	CHECK_EQ(rec.adds, 1);
	CHECK_EQ(rec.gsi_base, 0);
	CHECK_EQ(rec.nr_pins, NR_PINS);
	CHECK(rec.priv == inst->priv);
	CHECK_EQ(ioread(inst, IOAPIC_VERSION), 0x00170011);
	CHECK_EQ(ioread(inst, IOAPIC_ID), 5U << 24);
	CHECK_EQ(ioread(inst, IOAPIC_ARB), 5U << 24);
	for (unsigned int n = 0; n < NR_PINS; n++) {
		CHECK_EQ(route_lo(inst, n), ROUTE_MASKED);
		CHECK_EQ(ioread(inst, IOAPIC_ROUTE(n) + 1), 0);
	}
	/* Past the last entry and between the registers: nothing. */
	CHECK_EQ(ioread(inst, IOAPIC_ROUTE(NR_PINS)), 0);
	CHECK_EQ(ioread(inst, 0x03), 0);
	CHECK_EQ(ioread(inst, 0xff), 0);
	/* Masked everywhere: a line raised sends nothing. */
	pin(inst, 0, true);
	CHECK_EQ(nr_msgs, 0);
	fake_destroy(inst);

	/* No "keel,apic-id": ID 0. */
	inst = create();
	CHECK_EQ(ioread(inst, IOAPIC_ID), 0);
	fake_destroy(inst);
}

UNIT_TEST(index_and_data_registers)
{
	struct devemu_instance *inst = create();

	/* IOREGSEL keeps its low 8 bits. */
	fake_wr(inst, IOAPIC_SELECT, 4, 0x1ff);
	CHECK_EQ(fake_rd(inst, IOAPIC_SELECT, 4), 0xff);
	fake_wr(inst, IOAPIC_SELECT, 4, IOAPIC_ROUTE(7));
	CHECK_EQ(fake_rd(inst, IOAPIC_SELECT, 4), IOAPIC_ROUTE(7));
	/* An entry's words round trip; reserved bits 31:17 read 0. */
	iowrite(inst, IOAPIC_ROUTE(7),
		0xfffe0000U | ROUTE_LEVEL | ROUTE_ACTIVE_LOW | ROUTE_LOGICAL |
			DM(APIC_DM_LOWEST) | 0x5a | ROUTE_MASKED);
	CHECK_EQ(route_lo(inst, 7), ROUTE_LEVEL | ROUTE_ACTIVE_LOW |
					    ROUTE_LOGICAL | DM(APIC_DM_LOWEST) |
					    0x5a | ROUTE_MASKED);
	/* The high word keeps the destination only. */
	iowrite(inst, IOAPIC_ROUTE(7) + 1, 0xa5ffffffU);
	CHECK_EQ(ioread(inst, IOAPIC_ROUTE(7) + 1), 0xa5000000U);
	CHECK_EQ(route_lo(inst, 7) & 0xff, 0x5a); /* the low word unmoved */
	/* Neighbours untouched. */
	CHECK_EQ(route_lo(inst, 6), ROUTE_MASKED);
	CHECK_EQ(route_lo(inst, 8), ROUTE_MASKED);
	CHECK_EQ(ioread(inst, IOAPIC_ROUTE(6) + 1), 0);
	/* The last entry is there. */
	iowrite(inst, IOAPIC_ROUTE(23), 0x77 | ROUTE_MASKED);
	CHECK_EQ(route_lo(inst, 23), 0x77 | ROUTE_MASKED);
	/* ID: bits 27:24 only; the arbitration ID follows it. */
	iowrite(inst, IOAPIC_ID, 0xffffffffU);
	CHECK_EQ(ioread(inst, IOAPIC_ID), 0x0f000000U);
	CHECK_EQ(ioread(inst, IOAPIC_ARB), 0x0f000000U);
	iowrite(inst, IOAPIC_ID, 3U << 24);
	CHECK_EQ(ioread(inst, IOAPIC_ID), 3U << 24);
	/* Version and arbitration are read-only; unknown indices drop. */
	iowrite(inst, IOAPIC_VERSION, 0);
	CHECK_EQ(ioread(inst, IOAPIC_VERSION), 0x00170011);
	iowrite(inst, IOAPIC_ARB, 0);
	CHECK_EQ(ioread(inst, IOAPIC_ARB), 3U << 24);
	iowrite(inst, 0x05, 0x12345678);
	CHECK_EQ(ioread(inst, 0x05), 0);
	iowrite(inst, IOAPIC_ROUTE(NR_PINS), 0x12345678);
	CHECK_EQ(ioread(inst, IOAPIC_ROUTE(NR_PINS)), 0);
	CHECK_EQ(nr_msgs, 0);
	fake_destroy(inst);
}

UNIT_TEST(read_only_bits)
{
	struct devemu_instance *inst = create();

	/* Delivery status and remote IRR: the guest's writes drop them. */
	iowrite(inst, IOAPIC_ROUTE(2),
		ROUTE_PENDING | ROUTE_REMOTE_IRR | ROUTE_LEVEL | 0x40 |
			ROUTE_MASKED);
	CHECK_EQ(route_lo(inst, 2), ROUTE_LEVEL | 0x40 | ROUTE_MASKED);
	/* A remote IRR set stays through a write that clears the bit. */
	set_route(inst, 2, ROUTE_LEVEL | 0x40, 0);
	pin(inst, 2, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK(route_lo(inst, 2) & ROUTE_REMOTE_IRR);
	iowrite(inst, IOAPIC_ROUTE(2), ROUTE_LEVEL | 0x40);
	CHECK(route_lo(inst, 2) & ROUTE_REMOTE_IRR);
	/* Delivery is instantaneous: status always idle. */
	CHECK_EQ(route_lo(inst, 2) & ROUTE_PENDING, 0);
	CHECK_EQ(nr_msgs, 1);
	fake_destroy(inst);
}

UNIT_TEST(edge_pin_sends_on_rising_edges)
{
	struct devemu_instance *inst = create();

	set_route(inst, 3, 0x31 | DM(APIC_DM_LOWEST) | ROUTE_LOGICAL, 0x0f);
	CHECK_EQ(nr_msgs, 0);
	pin(inst, 3, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(msgs[0].vector, 0x31);
	CHECK_EQ(msgs[0].delivery, APIC_DM_LOWEST);
	CHECK(msgs[0].logical);
	CHECK(!msgs[0].level);
	CHECK_EQ(msgs[0].dest, 0x0f);
	/* Still high is no edge; falling is none either. */
	pin(inst, 3, true);
	pin(inst, 3, false);
	CHECK_EQ(nr_msgs, 1);
	/* No remote IRR on an edge entry, so no EOI is needed. */
	CHECK_EQ(route_lo(inst, 3) & ROUTE_REMOTE_IRR, 0);
	pin(inst, 3, true);
	CHECK_EQ(nr_msgs, 2);
	/* An EOI of its vector changes nothing for an edge entry. */
	eoi(0x31);
	CHECK_EQ(nr_msgs, 2);
	/* Physical, fixed, another destination. */
	pin(inst, 3, false);
	set_route(inst, 3, 0x32, 0x01);
	pin(inst, 3, true);
	CHECK_EQ(nr_msgs, 3);
	CHECK_EQ(msgs[2].vector, 0x32);
	CHECK_EQ(msgs[2].delivery, APIC_DM_FIXED);
	CHECK(!msgs[2].logical);
	CHECK_EQ(msgs[2].dest, 0x01);
	fake_destroy(inst);
}

UNIT_TEST(edge_while_masked_is_lost)
{
	struct devemu_instance *inst = create();

	set_route(inst, 4, 0x34 | ROUTE_MASKED, 0);
	pin(inst, 4, true);
	CHECK_EQ(nr_msgs, 0);
	/* Unmasking does not bring it back, as on the 82093AA. */
	set_route(inst, 4, 0x34, 0);
	CHECK_EQ(nr_msgs, 0);
	/* Nor does an edge entry's pin already high send. */
	pin(inst, 4, true);
	CHECK_EQ(nr_msgs, 0);
	pin(inst, 4, false);
	pin(inst, 4, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(msgs[0].vector, 0x34);
	fake_destroy(inst);
}

UNIT_TEST(level_pin_remote_irr_and_eoi)
{
	struct devemu_instance *inst = create();

	set_route(inst, 9, 0x40 | ROUTE_LEVEL, 0x01);
	CHECK_EQ(nr_msgs, 0);
	pin(inst, 9, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(msgs[0].vector, 0x40);
	CHECK(msgs[0].level);
	CHECK_EQ(msgs[0].dest, 0x01);
	CHECK(route_lo(inst, 9) & ROUTE_REMOTE_IRR);
	/* Until the EOI, nothing more. */
	pin(inst, 9, true);
	pin(inst, 9, false);
	pin(inst, 9, true);
	CHECK_EQ(nr_msgs, 1);
	/* Another vector's EOI is not ours. */
	eoi(0x41);
	CHECK_EQ(nr_msgs, 1);
	CHECK(route_lo(inst, 9) & ROUTE_REMOTE_IRR);
	/* Ours with the pin still high: again. */
	eoi(0x40);
	CHECK_EQ(nr_msgs, 2);
	CHECK_EQ(msgs[1].vector, 0x40);
	CHECK(msgs[1].level);
	CHECK(route_lo(inst, 9) & ROUTE_REMOTE_IRR);
	/* The device lowered its line: the EOI ends it, nothing sent. */
	pin(inst, 9, false);
	CHECK_EQ(nr_msgs, 2);
	eoi(0x40);
	CHECK_EQ(nr_msgs, 2);
	CHECK_EQ(route_lo(inst, 9) & ROUTE_REMOTE_IRR, 0);
	/* A second EOI finds nothing to end. */
	eoi(0x40);
	CHECK_EQ(nr_msgs, 2);
	/* And the next assertion goes out at once. */
	pin(inst, 9, true);
	CHECK_EQ(nr_msgs, 3);
	fake_destroy(inst);
}

UNIT_TEST(level_pin_and_the_mask)
{
	struct devemu_instance *inst = create();

	set_route(inst, 10, 0x50 | ROUTE_LEVEL | ROUTE_MASKED, 0x02);
	pin(inst, 10, true);
	CHECK_EQ(nr_msgs, 0);
	CHECK_EQ(route_lo(inst, 10) & ROUTE_REMOTE_IRR, 0);
	/* Unmasking while the pin is high sends at once. */
	iowrite(inst, IOAPIC_ROUTE(10), 0x50 | ROUTE_LEVEL);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(msgs[0].vector, 0x50);
	CHECK_EQ(msgs[0].dest, 0x02);
	CHECK(msgs[0].level);
	CHECK(route_lo(inst, 10) & ROUTE_REMOTE_IRR);
	/* Masked meanwhile: the EOI ends remote IRR, nothing sent... */
	iowrite(inst, IOAPIC_ROUTE(10), 0x50 | ROUTE_LEVEL | ROUTE_MASKED);
	eoi(0x50);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(route_lo(inst, 10) & ROUTE_REMOTE_IRR, 0);
	/* ...until the unmask, the pin still high. */
	iowrite(inst, IOAPIC_ROUTE(10), 0x50 | ROUTE_LEVEL);
	CHECK_EQ(nr_msgs, 2);
	/* Rewriting it while remote IRR is set sends nothing more. */
	iowrite(inst, IOAPIC_ROUTE(10), 0x50 | ROUTE_LEVEL);
	CHECK_EQ(nr_msgs, 2);
	fake_destroy(inst);
}

UNIT_TEST(trigger_mode_changes)
{
	struct devemu_instance *inst = create();

	set_route(inst, 11, 0x60 | ROUTE_LEVEL, 0);
	pin(inst, 11, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK(route_lo(inst, 11) & ROUTE_REMOTE_IRR);
	/*
	 * Linux's way out of a lost EOI on a version 0x11 I/O APIC: masked,
	 * edge, back to level. Edge clears remote IRR.
	 */
	iowrite(inst, IOAPIC_ROUTE(11), 0x60 | ROUTE_MASKED);
	CHECK_EQ(route_lo(inst, 11) & ROUTE_REMOTE_IRR, 0);
	iowrite(inst, IOAPIC_ROUTE(11), 0x60 | ROUTE_LEVEL | ROUTE_MASKED);
	CHECK_EQ(nr_msgs, 1);
	iowrite(inst, IOAPIC_ROUTE(11), 0x60 | ROUTE_LEVEL);
	CHECK_EQ(nr_msgs, 2); /* the pin is still high */
	/* Unmasked edge with the pin high: no edge, nothing sent. */
	pin(inst, 11, false);
	eoi(0x60);
	pin(inst, 11, true);
	CHECK_EQ(nr_msgs, 3);
	iowrite(inst, IOAPIC_ROUTE(11), 0x60);
	CHECK_EQ(route_lo(inst, 11) & ROUTE_REMOTE_IRR, 0);
	CHECK_EQ(nr_msgs, 3);
	/* Edge to level with the pin high: it asks at once. */
	iowrite(inst, IOAPIC_ROUTE(11), 0x60 | ROUTE_LEVEL);
	CHECK_EQ(nr_msgs, 4);
	CHECK(msgs[3].level);
	fake_destroy(inst);
}

UNIT_TEST(nmi_is_an_edge_whatever_the_trigger)
{
	struct devemu_instance *inst = create();

	set_route(inst, 12, DM(APIC_DM_NMI) | ROUTE_LEVEL, 0);
	pin(inst, 12, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(msgs[0].delivery, APIC_DM_NMI);
	CHECK(!msgs[0].level);
	/* No remote IRR that no EOI would ever end. */
	CHECK_EQ(route_lo(inst, 12) & ROUTE_REMOTE_IRR, 0);
	pin(inst, 12, true);
	CHECK_EQ(nr_msgs, 1);
	pin(inst, 12, false);
	pin(inst, 12, true);
	CHECK_EQ(nr_msgs, 2);
	fake_destroy(inst);
}

UNIT_TEST(eoi_ends_every_entry_with_its_vector)
{
	struct devemu_instance *inst = create();

	set_route(inst, 16, 0x70 | ROUTE_LEVEL, 0);
	set_route(inst, 17, 0x70 | ROUTE_LEVEL, 1);
	set_route(inst, 18, 0x71 | ROUTE_LEVEL, 0);
	pin(inst, 16, true);
	pin(inst, 17, true);
	pin(inst, 18, true);
	CHECK_EQ(nr_msgs, 3);
	pin(inst, 17, false);
	eoi(0x70);
	/* 16 again (still high), 17 ended, 18 not concerned. */
	CHECK_EQ(nr_msgs, 4);
	CHECK_EQ(msgs[3].vector, 0x70);
	CHECK_EQ(msgs[3].dest, 0);
	CHECK(route_lo(inst, 16) & ROUTE_REMOTE_IRR);
	CHECK_EQ(route_lo(inst, 17) & ROUTE_REMOTE_IRR, 0);
	CHECK(route_lo(inst, 18) & ROUTE_REMOTE_IRR);
	fake_destroy(inst);
}

UNIT_TEST(reset_state)
{
	struct devemu_instance *inst = create_opts(-1, 2);

	iowrite(inst, IOAPIC_ID, 9U << 24);
	set_route(inst, 5, 0x45 | ROUTE_LEVEL, 0x03);
	set_route(inst, 6, 0x46, 0x03);
	pin(inst, 5, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK(route_lo(inst, 5) & ROUTE_REMOTE_IRR);
	fake_reset(inst);
	CHECK_EQ(ioread(inst, IOAPIC_ID), 2U << 24);
	for (unsigned int n = 0; n < NR_PINS; n++) {
		CHECK_EQ(route_lo(inst, n), ROUTE_MASKED);
		CHECK_EQ(ioread(inst, IOAPIC_ROUTE(n) + 1), 0);
	}
	fake_wr(inst, IOAPIC_SELECT, 4, 0x10);
	fake_reset(inst);
	CHECK_EQ(fake_rd(inst, IOAPIC_SELECT, 4), 0);
	/* The pin's level is the device's: it is still high. */
	set_route(inst, 5, 0x45 | ROUTE_LEVEL, 0x03);
	CHECK_EQ(nr_msgs, 2);
	CHECK_EQ(msgs[1].vector, 0x45);
	fake_destroy(inst);
}

UNIT_TEST(xlate_specifiers)
{
	struct devemu_instance *inst = create();
	static const u32 types[] = { IRQ_TYPE_EDGE_RISING,
				     IRQ_TYPE_EDGE_FALLING, IRQ_TYPE_LEVEL_HIGH,
				     IRQ_TYPE_LEVEL_LOW };
	unsigned int line;
	char why[96];

	for (unsigned int i = 0; i < 4; i++) {
		line = 999;
		CHECK_EQ(xlate(inst, 10 + i, types[i], &line, why, sizeof(why)),
			 0);
		CHECK_EQ(line, 10 + i);
	}
	CHECK_EQ(xlate(inst, 0, IRQ_TYPE_LEVEL_HIGH, &line, why, sizeof(why)),
		 0);
	CHECK_EQ(line, 0);
	CHECK_EQ(xlate(inst, 23, IRQ_TYPE_EDGE_RISING, &line, why, sizeof(why)),
		 0);
	CHECK_EQ(line, 23);
	CHECK_EQ(xlate(inst, 24, IRQ_TYPE_EDGE_RISING, &line, why, sizeof(why)),
		 -EINVAL);
	CHECK(strcmp(why, "GSI 24 is not one of this I/O APIC's (0-23)") == 0);
	for (u32 t = 0; t <= 16; t++) {
		if (t == 1 || t == 2 || t == 4 || t == 8)
			continue;
		CHECK_EQ(xlate(inst, 3, t, &line, why, sizeof(why)), -EINVAL);
	}
	CHECK_EQ(xlate(inst, 3, 3, &line, why, sizeof(why)), -EINVAL);
	CHECK(strcmp(why, "trigger type 3 is none of 1, 2, 4, 8 "
			  "(dt-bindings irq.h)") == 0);
	fake_destroy(inst);
}

UNIT_TEST(gsi_base_offsets_the_pins)
{
	struct devemu_instance *inst = create_opts(24, 1);
	unsigned int line = 0;
	char why[96];

	CHECK_EQ(rec.gsi_base, 24);
	CHECK_EQ(rec.nr_pins, NR_PINS);
	CHECK_EQ(xlate(inst, 30, IRQ_TYPE_LEVEL_LOW, &line, why, sizeof(why)),
		 0);
	CHECK_EQ(line, 30);
	CHECK_EQ(xlate(inst, 47, IRQ_TYPE_LEVEL_HIGH, &line, why, sizeof(why)),
		 0);
	CHECK_EQ(line, 47);
	CHECK_EQ(xlate(inst, 23, IRQ_TYPE_LEVEL_HIGH, &line, why, sizeof(why)),
		 -EINVAL);
	CHECK(strcmp(why, "GSI 23 is not one of this I/O APIC's (24-47)") == 0);
	CHECK_EQ(xlate(inst, 48, IRQ_TYPE_LEVEL_HIGH, &line, why, sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "GSI 48") != NULL);
	/* GSI 30 is pin 6: its entry, not entry 30's neighbours, sends. */
	set_route(inst, 6, 0x66 | ROUTE_LEVEL | ROUTE_ACTIVE_LOW, 0x04);
	set_route(inst, 5, 0x65 | ROUTE_LEVEL, 0x04);
	set_route(inst, 7, 0x67 | ROUTE_LEVEL, 0x04);
	gsi_line(30, true);
	CHECK_EQ(nr_msgs, 1);
	CHECK_EQ(msgs[0].vector, 0x66);
	CHECK_EQ(msgs[0].dest, 0x04);
	/* Active low is the entry's record only: asserted is asserted. */
	CHECK(msgs[0].level);
	CHECK(route_lo(inst, 6) & ROUTE_REMOTE_IRR);
	CHECK_EQ(route_lo(inst, 5) & ROUTE_REMOTE_IRR, 0);
	gsi_line(30, false);
	eoi(0x66);
	CHECK_EQ(nr_msgs, 1);
	fake_destroy(inst);
}

UNIT_TEST(access_sizes_and_offsets)
{
	struct devemu_instance *inst = create();
	u64 v;

	fake_wr(inst, IOAPIC_SELECT, 4, IOAPIC_VERSION);
	for (unsigned int size = 1; size <= 8; size *= 2) {
		if (size == 4)
			continue;
		CHECK_EQ(fake_read(inst, IOAPIC_SELECT, size, &v), -EINVAL);
		CHECK_EQ(fake_read(inst, IOAPIC_DATA, size, &v), -EINVAL);
		CHECK_EQ(fake_write(inst, IOAPIC_SELECT, size, 0), -EINVAL);
		CHECK_EQ(fake_write(inst, IOAPIC_DATA, size, 0), -EINVAL);
		CHECK_EQ(fake_read(inst, 0x40, size, &v), -EINVAL);
	}
	/* The refused writes changed nothing. */
	CHECK_EQ(fake_rd(inst, IOAPIC_SELECT, 4), IOAPIC_VERSION);
	CHECK_EQ(fake_rd(inst, IOAPIC_DATA, 4), 0x00170011);
	/* Elsewhere in the window: reads 0, writes dropped. */
	CHECK_EQ(fake_rd(inst, 0x04, 4), 0);
	CHECK_EQ(fake_rd(inst, 0x14, 4), 0);
	CHECK_EQ(fake_rd(inst, IOAPIC_EOI, 4), 0);
	CHECK_EQ(fake_rd(inst, 0xffc, 4), 0);
	CHECK_EQ(fake_rd(inst, 0x02, 4), 0);
	fake_wr(inst, 0x04, 4, IOAPIC_ID);
	fake_wr(inst, 0x0e, 4, IOAPIC_ID);
	fake_wr(inst, 0xff0, 4, IOAPIC_ID);
	CHECK_EQ(fake_rd(inst, IOAPIC_SELECT, 4), IOAPIC_VERSION);
	/* No directed EOI register on version 0x11. */
	set_route(inst, 1, 0x21 | ROUTE_LEVEL, 0);
	pin(inst, 1, true);
	CHECK_EQ(nr_msgs, 1);
	fake_wr(inst, IOAPIC_EOI, 4, 0x21);
	CHECK(route_lo(inst, 1) & ROUTE_REMOTE_IRR);
	CHECK_EQ(nr_msgs, 1);
	fake_destroy(inst);
}

UNIT_TEST(remove_leaves_the_local_apics)
{
	struct devemu_instance *inst = create();
	void *priv = inst->priv;

	CHECK_EQ(rec.removes, 0);
	fake_destroy(inst);
	CHECK_EQ(rec.removes, 1);
	CHECK(rec.removed_priv == priv);
	CHECK(rec.ops == NULL);

	/*
	 * The guest's devices go in probe order: the local APICs first,
	 * their state freed. Nothing to tell them then.
	 */
	inst = create();
	vlapic_present = false;
	fake_destroy(inst);
	CHECK_EQ(rec.removes, 0);
}

UNIT_TEST(refusals)
{
	struct devemu_instance *inst;

	/* No local APICs. */
	fresh_guest();
	vlapic_present = false;
	inst = new_instance();
	CHECK_EQ(devemu_probe(inst, &ioapic_node), -ENODEV);
	CHECK(strcmp(fake_error_msg,
		     "needs the guest's local APIC (a \"keel,x86-lapic\" "
		     "node before it)") == 0);
	CHECK(inst->priv == NULL);
	CHECK_EQ(rec.adds, 0);
	free(inst);

	/* The local APICs say the GSIs are taken, or that they are full. */
	fresh_guest();
	fake_dt_set_u32(&ioapic_node, "keel,gsi-base", 16);
	rec.add_err = -EBUSY;
	inst = new_instance();
	CHECK_EQ(devemu_probe(inst, &ioapic_node), -EBUSY);
	CHECK(strcmp(fake_error_msg, "GSIs 16-39 overlap another I/O APIC's") ==
	      0);
	CHECK_EQ(rec.adds, 1);
	CHECK(inst->priv == NULL);
	free(inst);

	fresh_guest();
	rec.add_err = -ENOSPC;
	inst = new_instance();
	CHECK_EQ(devemu_probe(inst, &ioapic_node), -ENOSPC);
	CHECK(strstr(fake_error_msg, "no more I/O APICs") != NULL);
	CHECK(inst->priv == NULL);
	free(inst);

	/* An ID the register cannot hold. */
	fresh_guest();
	fake_dt_set_u32(&ioapic_node, "keel,apic-id", 16);
	inst = new_instance();
	CHECK_EQ(devemu_probe(inst, &ioapic_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "keel,apic-id") != NULL);
	CHECK_EQ(rec.adds, 0);
	free(inst);

	/* GSIs past 2^32. */
	fresh_guest();
	fake_dt_set_u32(&ioapic_node, "keel,gsi-base", 0xfffffff0U);
	inst = new_instance();
	CHECK_EQ(devemu_probe(inst, &ioapic_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "keel,gsi-base") != NULL);
	CHECK_EQ(rec.adds, 0);
	free(inst);

	/* A window too small for the two registers. */
	fresh_guest();
	inst = fake_instance(devemu_find("keel,x86-ioapic"), "ioapic",
			     IOAPIC_DEFAULT_BASE, IOAPIC_DATA, FAKE_NO_IRQ);
	CHECK_EQ(devemu_probe(inst, &ioapic_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "ioapic") != NULL);
	CHECK_EQ(rec.adds, 0);
	free(inst);

	/* The smallest window is enough. */
	fresh_guest();
	inst = fake_instance(devemu_find("keel,x86-ioapic"), "ioapic",
			     IOAPIC_DEFAULT_BASE, IOAPIC_WINDOW, FAKE_NO_IRQ);
	CHECK_EQ(devemu_probe(inst, &ioapic_node), 0);
	CHECK_EQ(rec.adds, 1);
	fake_destroy(inst);
}

UNIT_MAIN();
