// SPDX-License-Identifier: GPL-2.0
/*
 * Which GIC the machine has: the distributor's PIDR2.ArchRev says. The
 * GICv2 distributor is 4 KiB, so its ID registers are probed first; a
 * GICv3's distributor reads as zero there.
 */
#include "arm64.h"

const struct gic_ops *gic;

int gic_init_distributor(void)
{
	static const struct gic_ops *const versions[] = { &gicv2_ops,
							  &gicv3_ops };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		if (versions[i]->probe()) {
			gic = versions[i];
			return gic->init_distributor();
		}
	}
	printf("basic: no GICv2 or GICv3 distributor at 0x%lx\n", GICD_BASE);
	return -1;
}
