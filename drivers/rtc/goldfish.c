// SPDX-License-Identifier: GPL-2.0
/*
 * Goldfish real-time clock on the host (QEMU riscv virt has one): read
 * once at boot to give emulated clocks (guests' RTCs) the real date.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/printk.h>

#include <hw/goldfish_rtc.h>

static int goldfish_rtc_probe(struct devtree_node *node)
{
	u64 addr, size, ns;
	void *base;
	u32 lo;

	if (devtree_read_reg(node, 0, &addr, &size))
		return -EINVAL;
	base = ioremap(addr, GOLDFISH_RTC_WINDOW);
	if (!base)
		return -ENOMEM;
	/* TIME_LOW first: reading it latches TIME_HIGH. */
	lo = readl((char *)base + RTC_TIME_LOW);
	ns = (u64)readl((char *)base + RTC_TIME_HIGH) << 32 | lo;
	devemu_set_wallclock(ns / NSEC_PER_SEC);
	printk(KERN_INFO "goldfish-rtc: host clock reads %llu s since 1970\n",
	       (unsigned long long)(ns / NSEC_PER_SEC));
	return 0;
}

static const char *const goldfish_rtc_compatible[] = { "google,goldfish-rtc",
						       NULL };

static const struct driver goldfish_rtc_host_driver = {
	.name = "goldfish-rtc",
	.compatible = goldfish_rtc_compatible,
	.stage = DRIVER_STAGE_DEVICE,
	.probe = goldfish_rtc_probe,
};
DRIVER_REGISTER(goldfish_rtc_host_driver);
