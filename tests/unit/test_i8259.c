// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/irqchip/i8259.c driven through its emulator operations and,
 * as the guest's interrupt controller, through guest_irqchip, on the
 * shared fake guest: Linux's probe and init_8259A() sequences, priority
 * and nesting, the cascade, edge and level inputs with the ELCR, masks,
 * IRR/ISR reads, poll mode, the OCW2 EOI and rotation commands,
 * automatic EOI, special mask mode, spurious interrupts, refusals.
 */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/devemu.h>
#include <keel/errno.h>

#include <hw/i8259.h>

#include "host/fake_guest.h"

#define MASTER_CMD 0x20
#define MASTER_DATA 0x21
#define SLAVE_CMD 0xa0
#define SLAVE_DATA 0xa1
#define ELCR_MASTER 0x4d0
#define ELCR_SLAVE 0x4d1

static struct devtree_node pic_node;

static struct devemu_instance *create_opts(bool irqchip, bool elcr)
{
	const struct emulator *emu = devemu_find("intel,8259");
	struct devemu_instance *inst;

	if (!emu) {
		printf("  no emulator serves intel,8259\n");
		abort();
	}
	fake_guest_init("vm1", 1);
	fake_guest_add_vcpus(1);
	inst = fake_instance(emu, "pic@i20", MASTER_CMD, I8259_WINDOW,
			     FAKE_NO_IRQ);
	fake_dt_set_reg(&pic_node, 0, MASTER_CMD, I8259_WINDOW);
	fake_dt_set_reg(&pic_node, 1, SLAVE_CMD, I8259_WINDOW);
	if (elcr)
		fake_dt_set_reg(&pic_node, 2, ELCR_MASTER, I8259_WINDOW);
	if (irqchip)
		fake_dt_set_string(&pic_node, "interrupt-controller", "");
	CHECK_EQ(devemu_probe(inst, &pic_node), 0);
	CHECK(inst->priv != NULL);
	return inst;
}

static struct devemu_instance *create(void)
{
	return create_opts(true, true);
}

static u8 in(struct devemu_instance *inst, u64 port)
{
	return (u8)fake_rd(inst, port - MASTER_CMD, 1);
}

static void out(struct devemu_instance *inst, u64 port, u8 v)
{
	fake_wr(inst, port - MASTER_CMD, 1, v);
}

static int inta(void)
{
	return fake_guest.irqchip->acknowledge(fake_guest.irqchip_priv,
					       &fake_vcpus[0]);
}

/* Linux's init_8259A(auto_eoi), unmasking what Linux would later. */
static void linux_init(struct devemu_instance *inst, bool auto_eoi, u8 imr_m,
		       u8 imr_s)
{
	out(inst, MASTER_DATA, 0xff);
	out(inst, SLAVE_DATA, 0xff);
	out(inst, MASTER_CMD, 0x11);
	out(inst, MASTER_DATA, 0x30);
	out(inst, MASTER_DATA, 1U << I8259_CASCADE_IRQ);
	out(inst, MASTER_DATA, auto_eoi ? 0x03 : 0x01);
	out(inst, SLAVE_CMD, 0x11);
	out(inst, SLAVE_DATA, 0x38);
	out(inst, SLAVE_DATA, I8259_CASCADE_IRQ);
	out(inst, SLAVE_DATA, 0x01);
	out(inst, MASTER_DATA, imr_m);
	out(inst, SLAVE_DATA, imr_s);
}

static u8 read_isr(struct devemu_instance *inst, u64 cmd)
{
	u8 v;

	out(inst, cmd, 0x0b);
	v = in(inst, cmd);
	out(inst, cmd, 0x0a);
	return v;
}

UNIT_TEST(firmware_state_and_linux_probe)
{
	struct devemu_instance *inst = create();

	CHECK(fake_guest.irqchip != NULL);
	CHECK_EQ(in(inst, MASTER_DATA), 0xff);
	CHECK_EQ(in(inst, SLAVE_DATA), 0xff);
	/* probe_8259A(): the mask written reads back. */
	out(inst, MASTER_DATA, 0xff);
	CHECK_EQ(in(inst, MASTER_DATA), 0xff);
	CHECK_EQ(in(inst, MASTER_CMD), 0);
	CHECK_EQ(fake_windows_added, 2);
	/* Everything masked: a raised line interrupts nobody. */
	fake_line(1, true);
	CHECK(!fake_pending(0));
	CHECK_EQ(in(inst, MASTER_CMD), 0x02); /* but IRR has it */
	/* Firmware's vectors: a spurious acknowledge gives IRQ 7's. */
	CHECK_EQ(inta(), 0x08 + 7);
	fake_destroy(inst);
	CHECK(fake_guest.irqchip == NULL);
}

UNIT_TEST(linux_init_priority_and_eoi)
{
	struct devemu_instance *inst = create();

	linux_init(inst, false, 0xfc, 0xff);
	fake_line(1, true);
	CHECK(fake_pending(0));
	CHECK_EQ(fake_kicks[0], 1);
	CHECK_EQ(inta(), 0x31);
	CHECK(!fake_pending(0));
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0x02);
	/* IRQ 0 has a higher priority: it nests. */
	fake_line(0, true);
	CHECK(fake_pending(0));
	CHECK_EQ(inta(), 0x30);
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0x03);
	/* A non-specific EOI ends the highest in service: IRQ 0. */
	out(inst, MASTER_CMD, 0x20);
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0x02);
	/* A new IRQ 0 edge waits for nothing; IRQ 1 again waits for EOI. */
	fake_line(1, false);
	fake_line(1, true);
	CHECK(!fake_pending(0));
	out(inst, MASTER_CMD, 0x20);
	CHECK(fake_pending(0));
	CHECK_EQ(inta(), 0x31);
	out(inst, MASTER_CMD, 0x20);
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0);
	/* Edge: the line still high is no new request. */
	CHECK(!fake_pending(0));
	CHECK_EQ(inta(), 0x37); /* spurious */
	fake_destroy(inst);
}

UNIT_TEST(cascade_through_irq2)
{
	struct devemu_instance *inst = create();

	linux_init(inst, false, 0xfb, 0xfe); /* IRQ 2 and 8 unmasked */
	fake_line(8, true);
	CHECK(fake_pending(0));
	CHECK_EQ(inta(), 0x38);
	CHECK_EQ(read_isr(inst, SLAVE_CMD), 0x01);
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0x04);
	out(inst, SLAVE_CMD, 0x20);
	out(inst, MASTER_CMD, 0x20);
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0);
	CHECK(!fake_pending(0));
	/* Masked at the slave: nothing reaches the master. */
	fake_line(9, true);
	CHECK(!fake_pending(0));
	CHECK_EQ(in(inst, SLAVE_CMD), 0x02); /* 8's edge was taken */
	out(inst, SLAVE_DATA, 0xfc);
	CHECK(fake_pending(0));
	CHECK_EQ(inta(), 0x39);
	fake_destroy(inst);
}

UNIT_TEST(level_inputs_through_the_elcr)
{
	struct devemu_instance *inst = create();

	linux_init(inst, false, 0xfb, 0xfd); /* IRQ 9 */
	out(inst, ELCR_SLAVE, 0xff);
	CHECK_EQ(in(inst, ELCR_SLAVE), ELCR_SLAVE_MASK);
	out(inst, ELCR_MASTER, 0xff);
	CHECK_EQ(in(inst, ELCR_MASTER), ELCR_MASTER_MASK);
	fake_line(9, true);
	CHECK_EQ(inta(), 0x39);
	out(inst, SLAVE_CMD, 0x20);
	out(inst, MASTER_CMD, 0x20);
	/* Still high: a level input asks again. */
	CHECK(fake_pending(0));
	CHECK_EQ(inta(), 0x39);
	out(inst, SLAVE_CMD, 0x20);
	out(inst, MASTER_CMD, 0x20);
	fake_line(9, false);
	CHECK_EQ(in(inst, SLAVE_CMD) & 0x02, 0);
	/*
	 * The master latched the cascade's edge; with the request gone the
	 * acknowledge finds nothing at the slave: its spurious IRQ 15. As
	 * QEMU's 8259 does: the data sheet's chip drops an edge request
	 * whose input falls before INTA (the master's IR7 then), but
	 * emulated devices pulse their lines, and the edge must not be lost.
	 */
	CHECK(fake_pending(0));
	CHECK_EQ(inta(), 0x3f);
	out(inst, MASTER_CMD, 0x20);
	CHECK(!fake_pending(0));
	/* ICW1 LTIM makes every input of a chip level-triggered. */
	out(inst, MASTER_CMD, 0x19);
	out(inst, MASTER_DATA, 0x30);
	out(inst, MASTER_DATA, 0x04);
	out(inst, MASTER_DATA, 0x01);
	out(inst, MASTER_DATA, 0xfe);
	fake_line(0, true);
	CHECK_EQ(inta(), 0x30);
	out(inst, MASTER_CMD, 0x20);
	CHECK(fake_pending(0));
	fake_destroy(inst);
}

UNIT_TEST(poll_specific_eoi_rotation_and_aeoi)
{
	struct devemu_instance *inst = create();

	linux_init(inst, false, 0x00, 0xff);
	fake_line(3, true);
	fake_line(5, true);
	/* Poll: the best request, acknowledged, no vector. */
	out(inst, MASTER_CMD, 0x0c);
	CHECK_EQ(in(inst, MASTER_CMD), I8259_POLL_INT | 3);
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0x08);
	/* Specific EOI of IRQ 3. */
	out(inst, MASTER_CMD, 0x60 | 3);
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0);
	/* Set priority: IRQ 6 lowest, so IRQ 7 highest, then 0...5. */
	out(inst, MASTER_CMD, 0xc0 | 6);
	fake_line(7, true);
	CHECK_EQ(inta(), 0x37);
	/* Rotate on non-specific EOI: IRQ 7 becomes the lowest. */
	out(inst, MASTER_CMD, 0xa0);
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0);
	CHECK_EQ(inta(), 0x35); /* 5 is the only request left */
	/* Rotate on specific EOI of 5: 6 becomes the highest. */
	out(inst, MASTER_CMD, 0xe0 | 5);
	fake_line(4, true);
	fake_line(6, true);
	CHECK_EQ(inta(), 0x36);
	fake_destroy(inst);

	/* Automatic EOI: nothing stays in service. */
	inst = create();
	linux_init(inst, true, 0xfe, 0xff);
	fake_line(0, true);
	CHECK_EQ(inta(), 0x30);
	CHECK_EQ(read_isr(inst, MASTER_CMD), 0);
	fake_line(0, false);
	fake_line(0, true);
	CHECK(fake_pending(0));
	fake_destroy(inst);
}

/*
 * Special fully nested mode (ICW4 SFNM on the master): with slave IRQ 9
 * in service, the slave's higher IRQ 8 comes through IR2; the master's
 * lower IR5 still waits (found in review: it came through too).
 */
UNIT_TEST(special_fully_nested_mode)
{
	struct devemu_instance *inst = create();

	out(inst, MASTER_CMD, 0x11);
	out(inst, MASTER_DATA, 0x30);
	out(inst, MASTER_DATA, 0x04);
	out(inst, MASTER_DATA, 0x11); /* SFNM, 8086 */
	out(inst, MASTER_DATA, 0x00);
	out(inst, SLAVE_DATA, 0x00);
	fake_line(9, true);
	CHECK_EQ(inta(), 0x71); /* the slave keeps the firmware's 0x70 */
	fake_line(5, true);
	CHECK(!fake_pending(0));
	fake_line(8, true);
	CHECK(fake_pending(0));
	CHECK_EQ(inta(), 0x70);
	fake_destroy(inst);
}

UNIT_TEST(special_mask_mode)
{
	struct devemu_instance *inst = create();

	linux_init(inst, false, 0x00, 0xff);
	fake_line(3, true);
	CHECK_EQ(inta(), 0x33);
	fake_line(5, true);
	CHECK(!fake_pending(0)); /* lower than IRQ 3, in service */
	/* Mask IRQ 3 and enter special mask mode: 5 gets through. */
	out(inst, MASTER_DATA, 0x08);
	out(inst, MASTER_CMD, 0x68);
	CHECK(fake_pending(0));
	CHECK_EQ(inta(), 0x35);
	out(inst, MASTER_CMD, 0x48); /* leave it */
	fake_destroy(inst);
}

UNIT_TEST(reset_and_refusals)
{
	struct devemu_instance *inst = create();
	char why[96];
	unsigned int line;
	u32 cell;
	u64 v;

	linux_init(inst, false, 0x00, 0x00);
	fake_line(4, true);
	CHECK(fake_pending(0));
	fake_reset(inst);
	CHECK(!fake_pending(0));
	CHECK_EQ(in(inst, MASTER_DATA), 0xff);
	CHECK_EQ(fake_read(inst, 0, 2, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, 1, 4, 0), -EINVAL);
	/* Outside the windows: nothing there. */
	CHECK_EQ(in(inst, MASTER_CMD + 0x10), 0xff);

	cell = 2;
	CHECK_EQ(inst->emu->xlate(&pic_node, &cell, &line, why, sizeof(why)),
		 -EINVAL);
	cell = 16;
	CHECK_EQ(inst->emu->xlate(&pic_node, &cell, &line, why, sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "16") != NULL);
	cell = 15;
	CHECK_EQ(inst->emu->xlate(&pic_node, &cell, &line, why, sizeof(why)),
		 0);
	CHECK_EQ(line, 15);
	fake_destroy(inst);

	/* Without "interrupt-controller" it is registers only. */
	inst = create_opts(false, false);
	CHECK(fake_guest.irqchip == NULL);
	CHECK_EQ(fake_windows_added, 1);
	CHECK_EQ(in(inst, ELCR_MASTER), 0xff);
	fake_destroy(inst);

	/* No slave window: refused, naming it. */
	inst = create_opts(false, false);
	fake_destroy(inst);
	fake_guest_init("vm1", 1);
	inst = fake_instance(devemu_find("intel,8259"), "pic@i20", MASTER_CMD,
			     I8259_WINDOW, FAKE_NO_IRQ);
	CHECK_EQ(devemu_probe(inst, &pic_node), -ENOENT);
	CHECK(strstr(fake_error_msg, "slave") != NULL);
	CHECK(inst->priv == NULL);
	free(inst);
}

UNIT_MAIN();
