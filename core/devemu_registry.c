// SPDX-License-Identifier: GPL-2.0
/*
 * The emulator registry: the table EMULATOR_REGISTER fills (gathered by
 * the linker script), searched by compatible string. Apart from the
 * services of devemu.c so that host tests reach an emulator the way core
 * does, with nothing but the table and the device tree behind it.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/string.h>

extern const struct emulator *const _emulators_start[], *const _emulators_end[];

const struct emulator *devemu_find(const char *compatible)
{
	size_t n = LINKER_TABLE_COUNT(_emulators_start, _emulators_end);

	for (size_t i = 0; i < n; i++)
		if (compatible_list_has(_emulators_start[i]->compatible,
					compatible))
			return _emulators_start[i];
	return NULL;
}

const struct emulator *devemu_find_for_node(const struct devtree_node *node)
{
	const struct emulator *emu = NULL;
	const char *compat;

	for (unsigned int i = 0;
	     !emu &&
	     !devtree_prop_read_string_index(node, "compatible", i, &compat);
	     i++)
		emu = devemu_find(compat);
	return emu;
}
