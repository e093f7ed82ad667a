// SPDX-License-Identifier: GPL-2.0
/*
 * A zero region ("keel,zero"): every read returns 0 and every write is
 * ignored, for address ranges a guest may probe but that hold nothing,
 * where a real bus would not fault.
 */
#include <keel/devemu.h>
#include <keel/errno.h>

static int zero_read(struct devemu_instance *inst, u64 offset,
		     unsigned int size, u64 *value)
{
	*value = 0;
	return 0;
}

static int zero_write(struct devemu_instance *inst, u64 offset,
		      unsigned int size, u64 value)
{
	return 0;
}

static const char *const zero_compatible[] = { "keel,zero", NULL };

static const struct emulator zero_emulator = {
	.name = "zero",
	.compatible = zero_compatible,
	.read = zero_read,
	.write = zero_write,
};
EMULATOR_REGISTER(zero_emulator);
