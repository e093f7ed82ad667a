// SPDX-License-Identifier: GPL-2.0
#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/power.h>
#include <keel/printk.h>
#include <keel/timer.h>

static const struct power_ops *ops;

int power_register(const struct power_ops *p)
{
	if (!p)
		return -EINVAL;
	if (ops)
		return -EBUSY;
	ops = p;
	return 0;
}

const struct power_ops *power_get(void)
{
	return ops;
}

int power_cpu_on(u64 hwid, paddr_t entry_pa, u64 context)
{
	if (!ops || !ops->cpu_on)
		return -ENODEV;
	return ops->cpu_on(hwid, entry_pa, context);
}

int power_off(void)
{
	if (!ops || !ops->system_off)
		return -ENODEV;
	printk(KERN_INFO "power: system off\n");
	smp_stop_others();
	ops->system_off();
	return -EIO;
}

int power_reset(void)
{
	if (!ops || !ops->system_reset)
		return -ENODEV;
	printk(KERN_INFO "power: system reset\n");
	smp_stop_others();
	ops->system_reset();
	return -EIO;
}
