// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/rtc/mc146818.c driven through its emulator operations on the
 * shared fake guest and its fake clock, the way a guest drives the chip:
 * index port, then data port. Time of day against the host C library's
 * gmtime_r(), BCD and binary, 12- and 24-hour modes, setting the time as
 * Linux does (SET and a divider reset), UIP, the periodic, update and
 * alarm interrupts with register C's flags, the RAM, reset and refusals.
 */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/timer.h>

#include <hw/mc146818.h>

#include "host/fake_guest.h"

#define SEC NSEC_PER_SEC
#define MS NSEC_PER_MSEC
#define US 1000ULL

#define RTC_BASE 0x70ULL
#define RTC_IRQ 8

/* 2023-11-14 22:13:20 UTC, a Tuesday. */
#define T0 1700000000ULL

static struct devtree_node props_node;

static struct devemu_instance *instance(void)
{
	const struct emulator *emu = devemu_find("motorola,mc146818");

	if (!emu) {
		printf("  no emulator serves motorola,mc146818\n");
		abort();
	}
	fake_guest_init("vm1", 1);
	return fake_instance(emu, "rtc@i70", RTC_BASE, MC146818_WINDOW,
			     RTC_IRQ);
}

/* Probed with the host clock at T0 + phase into its second. */
static struct devemu_instance *create_at(u64 wall, u64 phase_ns)
{
	struct devemu_instance *inst = instance();

	fake_clock_set(5 * SEC + phase_ns, wall, 0);
	CHECK_EQ(devemu_probe(inst, NULL), 0);
	CHECK(inst->priv != NULL);
	return inst;
}

static struct devemu_instance *create(void)
{
	return create_at(T0, 0);
}

static void destroy(struct devemu_instance *inst)
{
	fake_destroy(inst);
	CHECK(fake_timer_queued == NULL);
}

static u8 rd(struct devemu_instance *inst, unsigned int reg)
{
	fake_wr(inst, MC146818_INDEX, 1, reg);
	return (u8)fake_rd(inst, MC146818_DATA, 1);
}

static void wr(struct devemu_instance *inst, unsigned int reg, u8 v)
{
	fake_wr(inst, MC146818_INDEX, 1, reg);
	fake_wr(inst, MC146818_DATA, 1, v);
}

static bool irq(void)
{
	return fake_irq_lines[RTC_IRQ];
}

static unsigned int bcd(unsigned int v)
{
	return (v / 10) << 4 | v % 10;
}

/* The registers against gmtime_r() for the host's wall clock now. */
static void check_shows(struct devemu_instance *inst, u64 secs, bool binary)
{
	time_t t = (time_t)secs;
	struct tm tm;
	unsigned int (*enc)(unsigned int) = binary ? NULL : bcd;
#define ENC(v) (enc ? enc(v) : (unsigned int)(v))

	gmtime_r(&t, &tm);
	CHECK_EQ(rd(inst, MC_SECONDS), ENC(tm.tm_sec));
	CHECK_EQ(rd(inst, MC_MINUTES), ENC(tm.tm_min));
	CHECK_EQ(rd(inst, MC_HOURS), ENC(tm.tm_hour));
	CHECK_EQ(rd(inst, MC_DAY_OF_WEEK), ENC(tm.tm_wday + 1));
	CHECK_EQ(rd(inst, MC_DAY_OF_MONTH), ENC(tm.tm_mday));
	CHECK_EQ(rd(inst, MC_MONTH), ENC(tm.tm_mon + 1));
	CHECK_EQ(rd(inst, MC_YEAR), ENC((tm.tm_year + 1900) % 100));
	CHECK_EQ(rd(inst, MC_CENTURY), ENC((tm.tm_year + 1900) / 100));
#undef ENC
}

/* Set the time the way Linux's mc146818_set_time() does. */
static void set_time_linux(struct devemu_instance *inst, unsigned int year,
			   unsigned int mon, unsigned int mday,
			   unsigned int hour, unsigned int min,
			   unsigned int sec)
{
	u8 b = rd(inst, MC_REG_B), a = rd(inst, MC_REG_A);

	wr(inst, MC_REG_B, b | MC_B_SET);
	wr(inst, MC_REG_A, (a & ~MC_A_DV_MASK) | 0x70); /* divider reset */
	wr(inst, MC_YEAR, (u8)bcd(year % 100));
	wr(inst, MC_CENTURY, (u8)bcd(year / 100));
	wr(inst, MC_MONTH, (u8)bcd(mon));
	wr(inst, MC_DAY_OF_MONTH, (u8)bcd(mday));
	wr(inst, MC_HOURS, (u8)bcd(hour));
	wr(inst, MC_MINUTES, (u8)bcd(min));
	wr(inst, MC_SECONDS, (u8)bcd(sec));
	wr(inst, MC_REG_B, b & ~MC_B_SET);
	wr(inst, MC_REG_A, a & ~MC_A_UIP);
}

UNIT_TEST(reset_values_and_time_of_day)
{
	struct devemu_instance *inst = create();

	CHECK_EQ(rd(inst, MC_REG_A), MC_A_DV_32K | 6);
	CHECK_EQ(rd(inst, MC_REG_B), MC_B_24H);
	CHECK_EQ(rd(inst, MC_REG_C), 0);
	CHECK_EQ(rd(inst, MC_REG_D), MC_D_VRT);
	CHECK_EQ(rd(inst, MC_SECONDS), 0x20);
	CHECK_EQ(rd(inst, MC_MINUTES), 0x13);
	CHECK_EQ(rd(inst, MC_HOURS), 0x22);
	CHECK_EQ(rd(inst, MC_DAY_OF_WEEK), 3);
	CHECK_EQ(rd(inst, MC_DAY_OF_MONTH), 0x14);
	CHECK_EQ(rd(inst, MC_MONTH), 0x11);
	CHECK_EQ(rd(inst, MC_YEAR), 0x23);
	CHECK_EQ(rd(inst, MC_CENTURY), 0x20);
	check_shows(inst, T0, false);
	fake_clock_advance(61 * SEC + 999 * MS);
	check_shows(inst, T0 + 61, false);
	CHECK(!irq());
	CHECK(fake_timer_queued == NULL);
	destroy(inst);
}

/* Against gmtime_r() across 1970-2199, leap days and centuries included. */
UNIT_TEST(calendar_against_gmtime)
{
	static const u64 fixed[] = {
		0,
		951782399,
		951782400,
		951868800, /* 2000-02-29 */
		4107542399,
		4107542400, /* 2099-12-31 / 2100-01-01 */
		4107542400ULL + 59 * 86400, /* 2100-03-01: no 29 Feb */
		7258118399ULL, /* 2199-12-31 23:59:59 */
	};
	unsigned int seed = 12345;

	for (unsigned int i = 0; i < ARRAY_SIZE(fixed) + 2000; i++) {
		u64 t;
		struct devemu_instance *inst;
		bool binary = i & 1;

		if (i < ARRAY_SIZE(fixed)) {
			t = fixed[i];
		} else {
			seed = seed * 1103515245 + 12345;
			t = ((u64)seed << 16 ^ seed) % 7258118400ULL;
		}
		inst = create_at(t, 0);
		if (binary)
			wr(inst, MC_REG_B, MC_B_24H | MC_B_DM_BINARY);
		check_shows(inst, t, binary);
		/* Held and released unchanged: the way back agrees. */
		wr(inst, MC_REG_B, rd(inst, MC_REG_B) | MC_B_SET);
		wr(inst, MC_REG_B, rd(inst, MC_REG_B) & ~MC_B_SET);
		check_shows(inst, t, binary);
		destroy(inst);
		if (unit_current_failed)
			break;
	}
}

UNIT_TEST(binary_and_12_hour_modes)
{
	struct devemu_instance *inst = create();

	wr(inst, MC_REG_B, MC_B_DM_BINARY); /* binary, 12-hour */
	CHECK_EQ(rd(inst, MC_HOURS), MC_HOURS_PM | 10);
	CHECK_EQ(rd(inst, MC_MINUTES), 13);
	CHECK_EQ(rd(inst, MC_SECONDS), 20);
	wr(inst, MC_REG_B, 0); /* BCD, 12-hour */
	CHECK_EQ(rd(inst, MC_HOURS), MC_HOURS_PM | 0x10);
	destroy(inst);

	/* Midnight is 12 AM, noon 12 PM. */
	inst = create_at(T0 - 22 * 3600 - 13 * 60 - 20, 0);
	wr(inst, MC_REG_B, 0);
	CHECK_EQ(rd(inst, MC_HOURS), 0x12);
	destroy(inst);
	inst = create_at(T0 - 10 * 3600 - 13 * 60 - 20, 0);
	wr(inst, MC_REG_B, 0);
	CHECK_EQ(rd(inst, MC_HOURS), MC_HOURS_PM | 0x12);
	/* Set in 12-hour mode: 3 PM. */
	wr(inst, MC_REG_B, MC_B_SET);
	wr(inst, MC_HOURS, MC_HOURS_PM | 0x03);
	wr(inst, MC_REG_B, 0);
	wr(inst, MC_REG_B, MC_B_24H);
	CHECK_EQ(rd(inst, MC_HOURS), 0x15);
	destroy(inst);
}

UNIT_TEST(setting_the_time_as_linux_does)
{
	struct devemu_instance *inst = create_at(T0, 250 * MS);

	set_time_linux(inst, 2024, 2, 29, 23, 59, 58);
	/* The divider restarted: the first update half a second later. */
	CHECK_EQ(rd(inst, MC_SECONDS), 0x58);
	fake_clock_advance(499 * MS);
	CHECK_EQ(rd(inst, MC_SECONDS), 0x58);
	fake_clock_advance(1 * MS);
	CHECK_EQ(rd(inst, MC_SECONDS), 0x59);
	fake_clock_advance(1 * SEC);
	check_shows(inst, 1709251200, false); /* 2024-03-01 00:00:00 */
	CHECK_EQ(rd(inst, MC_DAY_OF_WEEK), 6); /* a Friday */
	destroy(inst);
}

UNIT_TEST(set_keeps_the_divider_phase)
{
	/* The seconds roll over at .25 of the host's seconds. */
	struct devemu_instance *inst = create_at(T0, 750 * MS);

	wr(inst, MC_REG_B, MC_B_24H | MC_B_SET);
	fake_clock_advance(3 * SEC); /* held meanwhile */
	CHECK_EQ(rd(inst, MC_SECONDS), 0x20);
	wr(inst, MC_SECONDS, 0x40);
	CHECK_EQ(rd(inst, MC_SECONDS), 0x40);
	wr(inst, MC_REG_B, MC_B_24H);
	fake_clock_advance(249 * MS);
	CHECK_EQ(rd(inst, MC_SECONDS), 0x40);
	fake_clock_advance(1 * MS);
	CHECK_EQ(rd(inst, MC_SECONDS), 0x41);
	/* A field written while the clock runs counts on from there. */
	wr(inst, MC_MINUTES, 0x05);
	CHECK_EQ(rd(inst, MC_MINUTES), 0x05);
	CHECK_EQ(rd(inst, MC_SECONDS), 0x41);
	CHECK_EQ(rd(inst, MC_HOURS), 0x22);
	fake_clock_advance(19 * SEC);
	CHECK_EQ(rd(inst, MC_MINUTES), 0x06);
	CHECK_EQ(rd(inst, MC_SECONDS), 0x00);
	destroy(inst);
}

UNIT_TEST(uip_before_each_update)
{
	struct devemu_instance *inst = create();

	CHECK(!(rd(inst, MC_REG_A) & MC_A_UIP));
	fake_clock_advance(SEC - MC_UIP_NS - 1);
	CHECK(!(rd(inst, MC_REG_A) & MC_A_UIP));
	fake_clock_advance(1);
	CHECK(rd(inst, MC_REG_A) & MC_A_UIP);
	fake_clock_advance(MC_UIP_NS - 1);
	CHECK(rd(inst, MC_REG_A) & MC_A_UIP);
	CHECK_EQ(rd(inst, MC_SECONDS), 0x20);
	fake_clock_advance(1);
	CHECK(!(rd(inst, MC_REG_A) & MC_A_UIP));
	CHECK_EQ(rd(inst, MC_SECONDS), 0x21);
	/* Nor while the time is being set. */
	fake_clock_advance(SEC - 100 * US);
	wr(inst, MC_REG_B, MC_B_24H | MC_B_SET);
	CHECK(!(rd(inst, MC_REG_A) & MC_A_UIP));
	/* Writing UIP does nothing. */
	wr(inst, MC_REG_A, MC_A_UIP | MC_A_DV_32K | 6);
	wr(inst, MC_REG_B, MC_B_24H);
	CHECK(rd(inst, MC_REG_A) & MC_A_UIP);
	fake_clock_advance(100 * US);
	CHECK_EQ(rd(inst, MC_REG_A), MC_A_DV_32K | 6);
	destroy(inst);
}

UNIT_TEST(periodic_interrupt)
{
	struct devemu_instance *inst = create();
	/* Rate 6: 1024 Hz, 32 divider ticks, 976.5625 us. */
	u64 period = 976563;

	wr(inst, MC_REG_B, MC_B_24H | MC_B_PIE);
	CHECK(fake_timer_queued != NULL);
	fake_clock_advance(period - 1);
	CHECK(!irq());
	fake_clock_advance(1);
	CHECK(irq());
	/* Raised: nothing to wait for until C is read. */
	CHECK(fake_timer_queued == NULL);
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_IRQF | MC_C_PF);
	CHECK(!irq());
	CHECK_EQ(rd(inst, MC_REG_C), 0);
	CHECK(fake_timer_queued != NULL);
	fake_clock_advance(period);
	CHECK(irq());
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_IRQF | MC_C_PF);

	/* Rate 15: 2 Hz; rate 1 repeats rate 8 (256 Hz). */
	wr(inst, MC_REG_A, MC_A_DV_32K | 15);
	fake_clock_advance(SEC / 2 - 2 * MS);
	CHECK(!irq());
	fake_clock_advance(2 * MS);
	CHECK(irq());
	/* Ticks count from the second, not from the write. */
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_IRQF | MC_C_PF);
	wr(inst, MC_REG_A, MC_A_DV_32K | 1);
	/* The next boundary is 129 x 3.90625 ms into the second. */
	fake_clock_advance(5 * SEC + 503906250 - 1 - fake_now_ns);
	CHECK(!irq());
	fake_clock_advance(1);
	CHECK(irq());

	/* Disabled: the flag is still set, lazily, and the line stays low. */
	wr(inst, MC_REG_B, MC_B_24H);
	CHECK(!irq());
	rd(inst, MC_REG_C);
	CHECK(fake_timer_queued == NULL);
	fake_clock_advance(4 * MS);
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_PF);
	/* Rate 0: none. */
	wr(inst, MC_REG_A, MC_A_DV_32K);
	wr(inst, MC_REG_B, MC_B_24H | MC_B_PIE);
	CHECK(fake_timer_queued == NULL);
	fake_clock_advance(10 * MS);
	CHECK_EQ(rd(inst, MC_REG_C), 0);
	destroy(inst);
}

UNIT_TEST(update_interrupt)
{
	struct devemu_instance *inst = create_at(T0, 300 * MS);

	wr(inst, MC_REG_A, MC_A_DV_32K); /* no periodic flags */
	wr(inst, MC_REG_B, MC_B_24H | MC_B_UIE);
	fake_clock_advance(700 * MS - 1);
	CHECK(!irq());
	fake_clock_advance(1);
	CHECK(irq());
	CHECK_EQ(rd(inst, MC_SECONDS), 0x21);
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_IRQF | MC_C_UF);
	CHECK(!irq());
	/* SET clears UIE, and no update happens while it is set. */
	wr(inst, MC_REG_B, MC_B_24H | MC_B_UIE | MC_B_SET);
	CHECK_EQ(rd(inst, MC_REG_B), MC_B_24H | MC_B_SET);
	fake_clock_advance(3 * SEC);
	CHECK_EQ(rd(inst, MC_REG_C), 0);
	CHECK(!irq());
	destroy(inst);
}

UNIT_TEST(alarm_interrupt)
{
	struct devemu_instance *inst = create();

	wr(inst, MC_REG_A, MC_A_DV_32K);
	wr(inst, MC_SECONDS_ALARM, 0x23);
	wr(inst, MC_MINUTES_ALARM, 0x13);
	wr(inst, MC_HOURS_ALARM, 0x22);
	wr(inst, MC_REG_B, MC_B_24H | MC_B_AIE);
	fake_clock_advance(3 * SEC - 1);
	CHECK(!irq());
	fake_clock_advance(1);
	CHECK(irq());
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_IRQF | MC_C_AF | MC_C_UF);
	fake_clock_advance(5 * SEC);
	CHECK(!irq());
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_UF);

	/* Don't-care hours and minutes: every minute at :30. */
	wr(inst, MC_SECONDS_ALARM, 0x30);
	wr(inst, MC_MINUTES_ALARM, MC_ALARM_DONT_CARE);
	wr(inst, MC_HOURS_ALARM, 0xff);
	fake_clock_advance(1 * SEC); /* :29 */
	CHECK(!irq());
	fake_clock_advance(1 * SEC);
	CHECK(irq());
	rd(inst, MC_REG_C);
	fake_clock_advance(59 * SEC);
	CHECK(!irq());
	fake_clock_advance(1 * SEC);
	CHECK(irq());

	/* Disabled, an alarm passed unseen still leaves AF in C. */
	wr(inst, MC_REG_B, MC_B_24H);
	rd(inst, MC_REG_C);
	CHECK(fake_timer_queued == NULL);
	fake_clock_advance(3 * 86400 * SEC);
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_AF | MC_C_UF);
	/* An alarm that never matches (hour 0x25) never sets it. */
	wr(inst, MC_HOURS_ALARM, 0x25);
	fake_clock_advance(2 * 86400 * SEC);
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_UF);
	destroy(inst);
}

/*
 * 2999 set: 64-bit nanoseconds end in 2554, so the clock is set to
 * 2500-01-01 and runs on from there (found in review: it wrapped).
 */
UNIT_TEST(far_years_clamp_and_never_wrap)
{
	struct devemu_instance *inst = create();

	wr(inst, MC_REG_B, MC_B_24H | MC_B_SET);
	wr(inst, MC_CENTURY, 0x29);
	wr(inst, MC_YEAR, 0x99);
	wr(inst, MC_MONTH, 0x06);
	wr(inst, MC_DAY_OF_MONTH, 0x15);
	wr(inst, MC_REG_B, MC_B_24H);
	fake_clock_advance(10 * SEC);
	CHECK_EQ(rd(inst, MC_CENTURY), 0x25);
	CHECK_EQ(rd(inst, MC_YEAR), 0x00);
	CHECK_EQ(rd(inst, MC_MONTH), 0x01);
	CHECK_EQ(rd(inst, MC_DAY_OF_MONTH), 0x01);
	CHECK_EQ(rd(inst, MC_HOURS), 0x00);
	fake_clock_advance(3600 * SEC);
	CHECK_EQ(rd(inst, MC_HOURS), 0x01);
	destroy(inst);
}

/* An alarm a whole day away, found without a look per second. */
UNIT_TEST(alarm_across_days)
{
	struct devemu_instance *inst = create();

	wr(inst, MC_REG_A, MC_A_DV_32K);
	/* 22:13:19, one second before T0's time of day: a day minus 1 s. */
	wr(inst, MC_SECONDS_ALARM, 0x19);
	wr(inst, MC_MINUTES_ALARM, 0x13);
	wr(inst, MC_HOURS_ALARM, 0x22);
	rd(inst, MC_REG_C);
	fake_clock_advance(86398 * SEC);
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_UF);
	fake_clock_advance(1 * SEC);
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_AF | MC_C_UF);
	/* Hours don't care: 22 seconds past any minute 13. */
	wr(inst, MC_HOURS_ALARM, MC_ALARM_DONT_CARE);
	wr(inst, MC_SECONDS_ALARM, 0x22);
	fake_clock_advance(2 * SEC); /* to 22:13:21 */
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_UF);
	fake_clock_advance(1 * SEC);
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_AF | MC_C_UF);
	fake_clock_advance(3599 * SEC); /* 23:13:21 */
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_UF);
	fake_clock_advance(1 * SEC);
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_AF | MC_C_UF);
	/* 12-hour mode: 10 PM is 0x90 | 0x10 in BCD. */
	wr(inst, MC_REG_B, 0);
	wr(inst, MC_HOURS_ALARM, MC_HOURS_PM | 0x10);
	wr(inst, MC_MINUTES_ALARM, 0x13);
	wr(inst, MC_SECONDS_ALARM, 0x30);
	rd(inst, MC_REG_C);
	fake_clock_advance(86400 * SEC); /* past 23:13:22 next day */
	CHECK_EQ(rd(inst, MC_REG_C), MC_C_AF | MC_C_UF);
	destroy(inst);
}

UNIT_TEST(ram_index_and_reset)
{
	struct devemu_instance *inst = create();

	for (unsigned int r = 0x0e; r < MC146818_NR_REGS; r++)
		if (r != MC_CENTURY)
			wr(inst, r, (u8)(r * 7));
	for (unsigned int r = 0x0e; r < MC146818_NR_REGS; r++)
		if (r != MC_CENTURY)
			CHECK_EQ(rd(inst, r), (u8)(r * 7));
	/* Bit 7 of the index is the PC's NMI mask, not part of it. */
	fake_wr(inst, MC146818_INDEX, 1, 0x80 | 0x0e);
	CHECK_EQ(fake_rd(inst, MC146818_DATA, 1), 0x0e * 7);
	/* The index port reads as nothing; C and D ignore writes. */
	CHECK_EQ(fake_rd(inst, MC146818_INDEX, 1), 0xff);
	wr(inst, MC_REG_D, 0);
	CHECK_EQ(rd(inst, MC_REG_D), MC_D_VRT);

	wr(inst, MC_REG_B, MC_B_24H | MC_B_PIE | MC_B_UIE | MC_B_AIE);
	fake_clock_advance(2 * SEC);
	CHECK(irq());
	fake_reset(inst);
	CHECK(!irq());
	CHECK(fake_timer_queued == NULL);
	CHECK_EQ(rd(inst, MC_REG_B), MC_B_24H);
	CHECK_EQ(rd(inst, MC_REG_C), 0);
	CHECK_EQ(rd(inst, 0x0f), 0x0f * 7);
	check_shows(inst, T0 + 2, false);
	destroy(inst);
}

UNIT_TEST(refusals_and_properties)
{
	struct devemu_instance *inst = create();
	u64 v;

	CHECK_EQ(fake_read(inst, MC146818_DATA, 2, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, MC146818_INDEX, 4, 0), -EINVAL);
	destroy(inst);

	/* A divider left in reset: the time holds until it runs. */
	inst = instance();
	fake_clock_set(5 * SEC, T0, 0);
	fake_dt_set_u32(&props_node, "freq-reg", 0x70);
	fake_dt_set_u32(&props_node, "ctrl-reg", MC_B_24H | MC_B_DM_BINARY);
	CHECK_EQ(devemu_probe(inst, &props_node), 0);
	CHECK_EQ(rd(inst, MC_REG_B), MC_B_24H | MC_B_DM_BINARY);
	fake_clock_advance(10 * SEC);
	CHECK_EQ(rd(inst, MC_SECONDS), 20);
	wr(inst, MC_REG_A, MC_A_DV_32K | 6);
	fake_clock_advance(SEC / 2);
	CHECK_EQ(rd(inst, MC_SECONDS), 21);
	destroy(inst);

	inst = instance();
	fake_dt_set_u32(&props_node, "freq-reg", 0x100);
	CHECK_EQ(devemu_probe(inst, &props_node), -EINVAL);
	CHECK(strstr(fake_error_msg, "freq-reg") != NULL);
	CHECK(inst->priv == NULL);
	free(inst);
}

UNIT_MAIN();
