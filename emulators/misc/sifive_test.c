// SPDX-License-Identifier: GPL-2.0
/*
 * SiFive's test finisher ("sifive,test0", "sifive,test1"; QEMU's RISC-V
 * virt machine has one at 0x100000): one 32-bit register whose low half
 * written as 0x5555 powers the machine off, 0x3333 powers it off
 * reporting a failure code (the high half), and 0x7777 resets it.
 * Linux drives it through syscon-poweroff and syscon-reboot. Here it
 * powers off or resets the guest (devemu.h's DEVEMU_POWER_OFF and
 * DEVEMU_RESET), on any arch. Other values do nothing; reads are 0.
 */
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/printf.h>

#define FINISHER_FAIL 0x3333
#define FINISHER_PASS 0x5555
#define FINISHER_RESET 0x7777
#define FINISHER_WINDOW 4

static int sifive_test_read(struct devemu_instance *inst, u64 offset,
			    unsigned int size, u64 *value)
{
	if (size != 4 || (offset & 3))
		return -EINVAL;
	*value = 0;
	return 0;
}

static int sifive_test_write(struct devemu_instance *inst, u64 offset,
			     unsigned int size, u64 value)
{
	if (size != 4 || (offset & 3))
		return -EINVAL;
	if (offset)
		return 0;
	switch (value & 0xffff) {
	case FINISHER_PASS:
		snprintf(inst->power_why, sizeof(inst->power_why),
			 "test finisher: pass");
		return DEVEMU_POWER_OFF;
	case FINISHER_FAIL:
		snprintf(inst->power_why, sizeof(inst->power_why),
			 "test finisher: failure code %u",
			 (unsigned int)(value >> 16 & 0xffff));
		return DEVEMU_POWER_OFF;
	case FINISHER_RESET:
		return DEVEMU_RESET;
	}
	return 0;
}

static const char *const sifive_test_compatible[] = { "sifive,test1",
						      "sifive,test0", NULL };

static const struct emulator sifive_test_emulator = {
	.name = "sifive-test",
	.compatible = sifive_test_compatible,
	.read = sifive_test_read,
	.write = sifive_test_write,
	.min_window = FINISHER_WINDOW,
};
EMULATOR_REGISTER(sifive_test_emulator);
