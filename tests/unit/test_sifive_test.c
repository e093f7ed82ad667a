// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/misc/sifive_test.c through its operations: which writes ask
 * core for a power-off (and with what reason) or a reset, and which do
 * nothing. Core's side (the exit becoming the request) is run by the
 * integration test test_guests.py::test_test_finisher.
 */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/devemu.h>
#include <keel/errno.h>

#include "host/fake_guest.h"

static struct devemu_instance *create(void)
{
	const struct emulator *emu = devemu_find("sifive,test1");
	struct devemu_instance *inst;

	if (!emu) {
		printf("  no emulator serves sifive,test1\n");
		abort();
	}
	CHECK(devemu_find("sifive,test0") == emu);
	fake_guest_init("vm1", 1);
	inst = fake_instance(emu, "test@100000", 0x100000, 0x1000, FAKE_NO_IRQ);
	CHECK_EQ(devemu_probe(inst, NULL), 0);
	return inst;
}

UNIT_TEST(finisher_writes)
{
	struct devemu_instance *inst = create();
	u64 v = 1;

	CHECK_EQ(fake_write(inst, 0, 4, 0x5555), DEVEMU_POWER_OFF);
	CHECK(!strcmp(inst->power_why, "test finisher: pass"));
	CHECK_EQ(fake_write(inst, 0, 4, 0x2a3333), DEVEMU_POWER_OFF);
	CHECK(!strcmp(inst->power_why, "test finisher: failure code 42"));
	CHECK_EQ(fake_write(inst, 0, 4, 0x7777), DEVEMU_RESET);
	/* Anything else, and other offsets, do nothing. */
	CHECK_EQ(fake_write(inst, 0, 4, 0x1234), 0);
	CHECK_EQ(fake_write(inst, 4, 4, 0x5555), 0);
	CHECK_EQ(fake_read(inst, 0, 4, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(fake_write(inst, 0, 2, 0x5555), -EINVAL);
	CHECK_EQ(fake_write(inst, 2, 4, 0x5555), -EINVAL);
	CHECK_EQ(fake_read(inst, 0, 8, &v), -EINVAL);
	fake_destroy(inst);
}

UNIT_MAIN();
