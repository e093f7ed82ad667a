// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/misc/acpi_pm.c through its operations on the shared fake
 * guest and clock: the PM timer's rate and width, PM1 status and enable
 * with write-1-to-clear and the SCI, SLP_EN with the S5 type and others,
 * the reset register, byte and word accesses, reset and refusals.
 */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/timer.h>

#include <hw/acpi_pm.h>

#include "host/fake_guest.h"

#define PM_BASE 0x600ULL
#define RST_PORT 0xcf9ULL
#define SCI 9

static struct devtree_node pm_node;

static struct devemu_instance *create_with(bool rst, int s5)
{
	const struct emulator *emu = devemu_find("keel,acpi-pm");
	struct devemu_instance *inst;

	if (!emu) {
		printf("  no emulator serves keel,acpi-pm\n");
		abort();
	}
	fake_guest_init("vm1", 1);
	inst = fake_instance(emu, "pm@i600", PM_BASE, ACPI_PM_WINDOW, SCI);
	fake_clock_set(5 * NSEC_PER_SEC, 1700000000, 0);
	if (rst)
		fake_dt_set_reg(&pm_node, 1, RST_PORT, 1);
	if (s5 >= 0)
		fake_dt_set_u32(&pm_node, "keel,s5-slp-typ", (u32)s5);
	return inst;
}

static struct devemu_instance *create(void)
{
	struct devemu_instance *inst = create_with(true, -1);

	CHECK_EQ(devemu_probe(inst, &pm_node), 0);
	return inst;
}

static u64 rd(struct devemu_instance *inst, u64 port, unsigned int size)
{
	return fake_rd(inst, port - PM_BASE, size);
}

static int wr(struct devemu_instance *inst, u64 port, unsigned int size, u64 v)
{
	return fake_write(inst, port - PM_BASE, size, v);
}

UNIT_TEST(pm_timer_counts_at_3_58_mhz)
{
	struct devemu_instance *inst = create();
	u32 t0, t1;

	CHECK_EQ(fake_windows_added, 1);
	CHECK_EQ(fake_window_base, RST_PORT);
	t0 = (u32)rd(inst, PM_BASE + ACPI_PM_TMR, 4);
	fake_clock_advance(NSEC_PER_SEC / 100);
	t1 = (u32)rd(inst, PM_BASE + ACPI_PM_TMR, 4);
	CHECK_EQ(t1 - t0, ACPI_PM_TIMER_HZ / 100);
	/* 32 bits: it wraps after 2^32 ticks, about 20 minutes. */
	fake_clock_advance(1200 * NSEC_PER_SEC);
	t1 = (u32)rd(inst, PM_BASE + ACPI_PM_TMR, 4);
	CHECK_EQ(t1,
		 (u32)((u64)ACPI_PM_TIMER_HZ * 1205 + ACPI_PM_TIMER_HZ / 100));
	/* Read-only: a write changes nothing. */
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM_TMR, 4, 0), 0);
	CHECK_EQ((u32)rd(inst, PM_BASE + ACPI_PM_TMR, 4), t1);
	CHECK(fake_timer_queued == NULL);
	fake_destroy(inst);
}

UNIT_TEST(status_enable_and_sci)
{
	struct devemu_instance *inst = create();

	/* The hardware is in ACPI mode; nothing pending. */
	CHECK_EQ(rd(inst, PM_BASE + ACPI_PM1_CNT, 2), ACPI_PM1_CNT_SCI_EN);
	CHECK_EQ(rd(inst, PM_BASE + ACPI_PM1_STS, 2), 0);
	/* Bit 31 of the timer changes at 2^31 ticks: TMR_STS. */
	fake_clock_advance(600 * NSEC_PER_SEC);
	CHECK_EQ(rd(inst, PM_BASE + ACPI_PM1_STS, 2), ACPI_PM1_TMR);
	CHECK(!fake_irq_lines[SCI]);
	/* Enabled, it raises the SCI; writing 1 clears it. */
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_EN, 2, ACPI_PM1_TMR), 0);
	CHECK(fake_irq_lines[SCI]);
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_STS, 2, ACPI_PM1_TMR), 0);
	CHECK(!fake_irq_lines[SCI]);
	CHECK_EQ(rd(inst, PM_BASE + ACPI_PM1_STS, 4), (u32)ACPI_PM1_TMR << 16);
	/* A timer event waits for the next change and raises it then. */
	CHECK(fake_timer_queued != NULL);
	fake_clock_advance(601 * NSEC_PER_SEC);
	CHECK(fake_irq_lines[SCI]);
	/* Writing 0 clears nothing; the enable is a word of its own. */
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_STS, 2, 0), 0);
	CHECK(fake_irq_lines[SCI]);
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_EN, 2, 0), 0);
	CHECK(!fake_irq_lines[SCI]);
	CHECK(fake_timer_queued == NULL);
	/* Undefined enable bits stay 0. */
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_EN, 2, 0xffff), 0);
	CHECK_EQ(rd(inst, PM_BASE + ACPI_PM1_EN, 2), ACPI_PM1_EN_BITS);
	fake_destroy(inst);
}

UNIT_TEST(sleep_types_and_reset_register)
{
	struct devemu_instance *inst = create();
	u16 s5 = 5 << ACPI_PM1_CNT_SLP_TYP_SHIFT;

	/* SLP_TYP alone, and other sleep types, do nothing. */
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_CNT, 2, s5), 0);
	CHECK_EQ(rd(inst, PM_BASE + ACPI_PM1_CNT, 2), s5 | ACPI_PM1_CNT_SCI_EN);
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_CNT, 2,
		    (3 << ACPI_PM1_CNT_SLP_TYP_SHIFT) | ACPI_PM1_CNT_SLP_EN),
		 0);
	/* SLP_EN with S5's type: off, with the reason. */
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_CNT, 2, s5 | ACPI_PM1_CNT_SLP_EN),
		 DEVEMU_POWER_OFF);
	CHECK(!strcmp(inst->power_why, "ACPI S5 (soft off)"));
	/* As a byte write of the high half, as some guests do. */
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_CNT + 1, 1,
		    (s5 | ACPI_PM1_CNT_SLP_EN) >> 8),
		 DEVEMU_POWER_OFF);
	/* The reset register: 0x02 then 0x06 (reboot=pci), or 0x06. */
	CHECK_EQ(wr(inst, RST_PORT, 1, RST_CNT_SYS_RST), 0);
	CHECK_EQ(rd(inst, RST_PORT, 1), RST_CNT_SYS_RST);
	CHECK_EQ(wr(inst, RST_PORT, 1, RST_CNT_SYS_RST | RST_CNT_RST_CPU),
		 DEVEMU_RESET);
	CHECK_EQ(wr(inst, RST_PORT, 2, 0x06), -EINVAL);
	fake_reset(inst);
	CHECK_EQ(rd(inst, RST_PORT, 1), 0);
	CHECK_EQ(rd(inst, PM_BASE + ACPI_PM1_CNT, 2), ACPI_PM1_CNT_SCI_EN);
	fake_destroy(inst);

	/* Another S5 type from the node. */
	inst = create_with(false, 7);
	CHECK_EQ(devemu_probe(inst, &pm_node), 0);
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_CNT, 2, s5 | ACPI_PM1_CNT_SLP_EN),
		 0);
	CHECK_EQ(wr(inst, PM_BASE + ACPI_PM1_CNT, 2,
		    (7 << ACPI_PM1_CNT_SLP_TYP_SHIFT) | ACPI_PM1_CNT_SLP_EN),
		 DEVEMU_POWER_OFF);
	fake_destroy(inst);
}

UNIT_TEST(refusals)
{
	struct devemu_instance *inst = create_with(false, 8);
	u64 v;

	CHECK_EQ(devemu_probe(inst, &pm_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "keel,s5-slp-typ") != NULL);
	CHECK(inst->priv == NULL);
	free(inst);

	inst = create_with(false, -1);
	fake_dt_set_reg(&pm_node, 1, PM_BASE + 4, 1);
	CHECK_EQ(devemu_probe(inst, &pm_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "reset register") != NULL);
	free(inst);

	inst = create_with(false, -1);
	CHECK_EQ(devemu_probe(inst, &pm_node), 0);
	CHECK_EQ(fake_read(inst, 1, 2, &v), -EINVAL); /* misaligned */
	CHECK_EQ(fake_read(inst, 12, 4, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, 0, 8, &v), -EINVAL);
	fake_destroy(inst);
}

UNIT_MAIN();
