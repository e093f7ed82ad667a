// SPDX-License-Identifier: GPL-2.0
/*
 * The PC's CMOS real-time clock (an MC146818 at I/O ports 0x70-0x71) on
 * the host: read once at boot to give emulated clocks (guests' RTCs) the
 * real date. Its node is the ISA one the x86 host tree has
 * ("motorola,mc146818", reg <1 0x70 2>). The time is read between two
 * updates (UIP clear, the same seconds twice), in the BCD or binary and
 * 12- or 24-hour form register B says, with the century at 0x32 (20
 * when it reads as none).
 */
#include <keel/calendar.h>
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <asm/pio.h>

#include <hw/mc146818.h>

#define ISA_SPACE_IO 1
#define READ_TRIES 1000000
#define DEFAULT_CENTURY 20

static u16 rtc_port;

static u8 cmos_read(u8 reg)
{
	outb(reg, rtc_port + MC146818_INDEX);
	return inb(rtc_port + MC146818_DATA);
}

static unsigned int from_bcd(u8 v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* The time fields, read while no update is under way. */
static int read_fields(u8 *f)
{
	static const u8 regs[] = { MC_SECONDS,	    MC_MINUTES, MC_HOURS,
				   MC_DAY_OF_MONTH, MC_MONTH,	MC_YEAR,
				   MC_CENTURY };

	for (unsigned int tries = 0; tries < READ_TRIES; tries++) {
		if (cmos_read(MC_REG_A) & MC_A_UIP)
			continue;
		for (unsigned int i = 0; i < sizeof(regs); i++)
			f[i] = cmos_read(regs[i]);
		/* An update between the two looks changes the seconds. */
		if (!(cmos_read(MC_REG_A) & MC_A_UIP) &&
		    cmos_read(MC_SECONDS) == f[0])
			return 0;
	}
	return -ETIMEDOUT;
}

static int mc146818_pio_probe(struct devtree_node *node)
{
	struct civil t = { 0 };
	u8 f[7], b;
	bool binary, pm;
	u64 addr, size, now;
	unsigned int century;
	int err;

	if (devtree_read_reg(node, 0, &addr, &size) ||
	    addr >> 32 != ISA_SPACE_IO || size < MC146818_WINDOW)
		return -ENODEV; /* not one in I/O ports */
	rtc_port = (u16)addr;
	err = read_fields(f);
	if (err) {
		printk(KERN_ERR "cmos-rtc: the clock never stops updating\n");
		return err;
	}
	b = cmos_read(MC_REG_B);
	binary = b & MC_B_DM_BINARY;
	pm = !(b & MC_B_24H) && (f[2] & MC_HOURS_PM);
	t.sec = from_bcd(f[0], binary);
	t.min = from_bcd(f[1], binary);
	t.hour = from_bcd(f[2] & (u8)~MC_HOURS_PM, binary);
	if (!(b & MC_B_24H))
		t.hour = t.hour % 12 + (pm ? 12 : 0);
	t.mday = from_bcd(f[3], binary);
	t.mon = from_bcd(f[4], binary);
	century = from_bcd(f[6], binary);
	if (!century || century > 99)
		century = DEFAULT_CENTURY;
	t.year = century * 100ULL + from_bcd(f[5], binary);
	if (t.sec > 59 || t.min > 59 || t.hour > 23 || !t.mday || t.mday > 31 ||
	    !t.mon || t.mon > 12) {
		printk(KERN_ERR "cmos-rtc: no valid date in the clock\n");
		return -EINVAL;
	}
	now = civil_to_seconds(&t);
	devemu_set_wallclock(now);
	printk(KERN_INFO "cmos-rtc: host clock reads %llu s since 1970\n",
	       (unsigned long long)now);
	return 0;
}

static const char *const mc146818_pio_compatible[] = { "motorola,mc146818",
						       NULL };

static const struct driver mc146818_pio_driver = {
	.name = "cmos-rtc",
	.compatible = mc146818_pio_compatible,
	.stage = DRIVER_STAGE_DEVICE,
	.probe = mc146818_pio_probe,
};
DRIVER_REGISTER(mc146818_pio_driver);
