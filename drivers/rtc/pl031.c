// SPDX-License-Identifier: GPL-2.0
/*
 * ARM PL031 real-time clock on the host: read once at boot to give
 * emulated clocks (guests' RTCs) the real date.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/printk.h>

#include <hw/pl031.h>

static int pl031_probe(struct devtree_node *node)
{
	u64 addr, size;
	void *base;
	u32 now;

	if (devtree_read_reg(node, 0, &addr, &size))
		return -EINVAL;
	base = ioremap(addr, PL031_WINDOW);
	if (!base)
		return -ENOMEM;
	now = readl((char *)base + RTCDR);
	devemu_set_wallclock(now);
	printk(KERN_INFO "pl031: host clock reads %u s since 1970\n", now);
	return 0;
}

static const char *const pl031_compatible[] = { "arm,pl031", NULL };

static const struct driver pl031_host_driver = {
	.name = "pl031",
	.compatible = pl031_compatible,
	.stage = DRIVER_STAGE_DEVICE,
	.probe = pl031_probe,
};
DRIVER_REGISTER(pl031_host_driver);
