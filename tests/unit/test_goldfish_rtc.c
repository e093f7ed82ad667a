// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/rtc/goldfish.c driven through its emulator operations as
 * core/ drives them, on the shared fake guest and its fake clock: the test
 * moves time and fires the timer event the emulator armed when its
 * deadline passes; the wall clock counts its seconds with the timer clock,
 * as core/devemu.c derives it. The emulator is found by its compatible
 * string in the table host/keel_tables.ld lays out, as core finds it.
 */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/timer.h>

#include <hw/goldfish_rtc.h>

#include "host/fake_guest.h"

#define SEC NSEC_PER_SEC
#define MS NSEC_PER_MSEC

#define RTC_BASE 0x101000ULL
#define RTC_SIZE 0x1000 /* the window QEMU's device tree gives it */
#define RTC_IRQ 11 /* QEMU virt's, a PLIC source */

#define T0 1700000000ULL /* a host time in 2023, in seconds */
/* The clock when each test starts: the timer clock is at 5.25 s. */
#define START_NS (T0 * SEC + 250 * MS)

static struct devemu_instance *instance(u64 size)
{
	const struct emulator *emu = devemu_find("google,goldfish-rtc");

	if (!emu) {
		printf("  no emulator serves google,goldfish-rtc\n");
		abort();
	}
	fake_guest_init("vm1", 1);
	return fake_instance(emu, "rtc@101000", RTC_BASE, size, RTC_IRQ);
}

static struct devemu_instance *create(void)
{
	struct devemu_instance *inst = instance(RTC_SIZE);

	fake_clock_set(5 * SEC + 250 * MS, T0, 0);
	CHECK_EQ(devemu_probe(inst, NULL), 0);
	CHECK(inst->priv != NULL);
	return inst;
}

static void destroy(struct devemu_instance *inst)
{
	fake_destroy(inst);
	/* Removing takes the timer event off the queue. */
	CHECK(fake_timer_queued == NULL);
}

static u64 rd(struct devemu_instance *inst, u64 off)
{
	return fake_rd(inst, off, 4);
}

static void wr(struct devemu_instance *inst, u64 off, u64 v)
{
	fake_wr(inst, off, 4, v);
}

/* The time as a guest reads it: low half first, latching the high. */
static u64 read_time(struct devemu_instance *inst)
{
	u64 lo = rd(inst, RTC_TIME_LOW);

	return rd(inst, RTC_TIME_HIGH) << 32 | lo;
}

/* Set the time as guests do: high half, then low. */
static void set_time(struct devemu_instance *inst, u64 t)
{
	wr(inst, RTC_TIME_HIGH, t >> 32);
	wr(inst, RTC_TIME_LOW, (u32)t);
}

/* Arm the alarm as guests do: high half, then the arming low half. */
static void set_alarm(struct devemu_instance *inst, u64 t)
{
	wr(inst, RTC_ALARM_HIGH, t >> 32);
	wr(inst, RTC_ALARM_LOW, (u32)t);
}

static bool irq(void)
{
	return fake_irq_lines[RTC_IRQ];
}

/* ---- the clock ---- */

UNIT_TEST(reset_values)
{
	struct devemu_instance *inst = create();

	/* TIME_HIGH latches nothing until TIME_LOW is read. */
	CHECK_EQ(rd(inst, RTC_TIME_HIGH), 0);
	CHECK_EQ(rd(inst, RTC_ALARM_LOW), 0);
	CHECK_EQ(rd(inst, RTC_ALARM_HIGH), 0);
	CHECK_EQ(rd(inst, RTC_IRQ_ENABLED), 0);
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	CHECK_EQ(rd(inst, RTC_CLEAR_ALARM), 0);
	CHECK_EQ(rd(inst, RTC_CLEAR_INTERRUPT), 0);
	/* Past the registers, to the end of the window. */
	CHECK_EQ(rd(inst, GOLDFISH_RTC_WINDOW), 0);
	CHECK_EQ(rd(inst, RTC_SIZE - 4), 0);
	CHECK_EQ(read_time(inst), START_NS);
	CHECK(!irq());
	CHECK(fake_timer_queued == NULL);
	destroy(inst);
}

UNIT_TEST(time_counts_nanoseconds_since_1970)
{
	struct devemu_instance *inst = create();

	fake_clock_advance(1234);
	CHECK_EQ(read_time(inst), START_NS + 1234);
	/* Across the host's second boundary at 6 s. */
	fake_clock_advance(750 * MS);
	CHECK_EQ(read_time(inst), START_NS + 1234 + 750 * MS);
	fake_clock_advance(3600 * SEC);
	CHECK_EQ(read_time(inst), START_NS + 1234 + 750 * MS + 3600 * SEC);
	destroy(inst);
}

UNIT_TEST(reading_time_low_latches_time_high)
{
	struct devemu_instance *inst = create();
	/* 2^32 ns is about 4.3 s: 10 s later the high half has moved. */
	u64 lo = rd(inst, RTC_TIME_LOW);
	u64 hi = START_NS >> 32;

	CHECK_EQ(lo, (u32)START_NS);
	fake_clock_advance(10 * SEC);
	CHECK_EQ(rd(inst, RTC_TIME_HIGH), hi);
	CHECK_EQ(rd(inst, RTC_TIME_HIGH), hi);
	rd(inst, RTC_TIME_LOW);
	CHECK(rd(inst, RTC_TIME_HIGH) > hi);
	CHECK_EQ(rd(inst, RTC_TIME_HIGH), (START_NS + 10 * SEC) >> 32);
	destroy(inst);
}

UNIT_TEST(setting_the_time)
{
	struct devemu_instance *inst = create();
	u64 t = 946684800ULL * SEC + 5; /* 2000-01-01 */

	set_time(inst, t);
	CHECK_EQ(read_time(inst), t);
	fake_clock_advance(2 * SEC);
	CHECK_EQ(read_time(inst), t + 2 * SEC);
	/* One half alone moves only that half. */
	wr(inst, RTC_TIME_LOW, 0);
	CHECK_EQ(read_time(inst), (t + 2 * SEC) & ~0xffffffffULL);
	/* The battery-backed clock keeps its time across a reset. */
	fake_reset(inst);
	fake_clock_advance(1 * SEC);
	CHECK_EQ(read_time(inst), ((t + 2 * SEC) & ~0xffffffffULL) + SEC);
	destroy(inst);
}

/* ---- the alarm ---- */

UNIT_TEST(alarm_fires_at_its_time)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS + 3 * SEC);
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), RTC_ALARM_STATUS_ARMED);
	CHECK_EQ(rd(inst, RTC_ALARM_LOW), (u32)(START_NS + 3 * SEC));
	CHECK_EQ(rd(inst, RTC_ALARM_HIGH), (START_NS + 3 * SEC) >> 32);
	CHECK(fake_timer_queued != NULL);
	fake_clock_advance(3 * SEC - 1);
	CHECK(!irq());
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), RTC_ALARM_STATUS_ARMED);
	fake_clock_advance(1);
	CHECK(irq());
	/* It disarmed itself; the interrupt stays until cleared. */
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	CHECK(fake_timer_queued == NULL);
	fake_clock_advance(10 * SEC);
	CHECK(irq());
	wr(inst, RTC_CLEAR_INTERRUPT, 0);
	CHECK(!irq());
	fake_clock_advance(10 * SEC);
	CHECK(!irq());
	CHECK_EQ(fake_irq_changes, 2);
	destroy(inst);
}

UNIT_TEST(alarm_in_the_past_fires_at_once)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS - 1);
	CHECK(irq());
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	CHECK(fake_timer_queued == NULL);
	wr(inst, RTC_CLEAR_INTERRUPT, 1);
	/* Alarm 0, the reset value, is long past too. */
	wr(inst, RTC_ALARM_HIGH, 0);
	wr(inst, RTC_ALARM_LOW, 0);
	CHECK(irq());
	destroy(inst);
}

UNIT_TEST(alarm_high_alone_leaves_armed_alarm)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS + 5 * SEC);
	/* A guest starting to set a new alarm: high half 0 is long past. */
	wr(inst, RTC_ALARM_HIGH, 0);
	CHECK(!irq());
	CHECK_EQ(rd(inst, RTC_ALARM_HIGH), 0);
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), RTC_ALARM_STATUS_ARMED);
	fake_clock_advance(5 * SEC);
	CHECK(irq());
	destroy(inst);
}

UNIT_TEST(rearming_replaces_the_alarm)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS + 10 * SEC);
	set_alarm(inst, START_NS + 20 * SEC);
	fake_clock_advance(15 * SEC);
	CHECK(!irq());
	fake_clock_advance(5 * SEC);
	CHECK(irq());
	destroy(inst);
}

UNIT_TEST(rearming_earlier_moves_the_timer)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS + 20 * SEC);
	set_alarm(inst, START_NS + 10 * SEC);
	fake_clock_advance(10 * SEC);
	CHECK(irq());
	destroy(inst);
}

UNIT_TEST(disabled_alarm_passed_before_a_write_has_fired)
{
	struct devemu_instance *inst = create();

	set_alarm(inst, START_NS + 5 * SEC);
	fake_clock_advance(10 * SEC);
	/* The first access after its time sees it fired, whatever it does. */
	set_alarm(inst, START_NS + 100 * SEC);
	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	CHECK(irq());
	/* The new one. */
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), RTC_ALARM_STATUS_ARMED);
	wr(inst, RTC_CLEAR_INTERRUPT, 0);
	wr(inst, RTC_IRQ_ENABLED, 0);
	/* Setting the clock back does not undo an alarm already due. */
	fake_clock_advance(100 * SEC);
	set_time(inst, START_NS);
	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	CHECK(irq());
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	destroy(inst);
}

UNIT_TEST(clear_alarm_disarms)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS + 2 * SEC);
	wr(inst, RTC_CLEAR_ALARM, 0);
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	CHECK(fake_timer_queued == NULL);
	fake_clock_advance(5 * SEC);
	CHECK(!irq());
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	/* The register keeps the value; writing the low half arms again. */
	CHECK_EQ(rd(inst, RTC_ALARM_LOW), (u32)(START_NS + 2 * SEC));
	set_alarm(inst, START_NS + 8 * SEC);
	fake_clock_advance(3 * SEC);
	CHECK(irq());
	destroy(inst);
}

UNIT_TEST(disabled_alarm_keeps_no_timer)
{
	struct devemu_instance *inst = create();

	/* A far alarm with the interrupt off must not leave an event. */
	set_alarm(inst, START_NS + 3600 * SEC);
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), RTC_ALARM_STATUS_ARMED);
	CHECK(fake_timer_queued == NULL);
	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	CHECK(fake_timer_queued != NULL);
	wr(inst, RTC_IRQ_ENABLED, 0);
	CHECK(fake_timer_queued == NULL);
	/* Its time passes unseen; the next look at the device sees it. */
	fake_clock_advance(3600 * SEC);
	CHECK(!irq());
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	CHECK(!irq());
	/* Pending all along: enabling raises the line. */
	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	CHECK(irq());
	wr(inst, RTC_IRQ_ENABLED, 0);
	CHECK(!irq());
	wr(inst, RTC_CLEAR_INTERRUPT, 0);
	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	CHECK(!irq());
	destroy(inst);
}

UNIT_TEST(irq_enabled_is_one_bit)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, ~RTC_IRQ_ENABLED_ALARM);
	CHECK_EQ(rd(inst, RTC_IRQ_ENABLED), 0);
	wr(inst, RTC_IRQ_ENABLED, 0xffffffff);
	CHECK_EQ(rd(inst, RTC_IRQ_ENABLED), RTC_IRQ_ENABLED_ALARM);
	/* Read-only: ALARM_STATUS follows the alarm, not writes. */
	wr(inst, RTC_ALARM_STATUS, RTC_ALARM_STATUS_ARMED);
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	destroy(inst);
}

UNIT_TEST(setting_the_time_moves_to_the_alarm)
{
	struct devemu_instance *inst = create();
	u64 alarm = START_NS + 100 * SEC;

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, alarm);
	/* Setting the clock past the alarm: it fires on the write. */
	set_time(inst, alarm + SEC);
	CHECK(irq());
	wr(inst, RTC_CLEAR_INTERRUPT, 0);
	/* Setting it back: the armed alarm waits the longer time. */
	set_alarm(inst, alarm + 10 * SEC);
	set_time(inst, alarm);
	fake_clock_advance(9 * SEC);
	CHECK(!irq());
	fake_clock_advance(1 * SEC);
	CHECK(irq());
	destroy(inst);
}

UNIT_TEST(far_alarm_waits_in_bounded_steps)
{
	struct devemu_instance *inst = create();
	struct timer_event *ev;
	u64 step = 0;

	/*
	 * The clock near 0 and the alarm at the end of time: a wait for all
	 * of it would wrap Keel's clock into a deadline already past.
	 */
	set_time(inst, 0);
	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, ~0ULL);
	ev = fake_timer_queued;
	CHECK(ev != NULL && ev->deadline_ns > fake_now_ns);
	if (ev)
		step = ev->deadline_ns - fake_now_ns;
	/* Each event looks, finds it not due, and waits as long again. */
	for (unsigned int i = 0; i < 3; i++) {
		fake_clock_advance(step);
		CHECK(fake_timer_queued != NULL &&
		      fake_timer_queued->deadline_ns - fake_now_ns == step);
	}
	CHECK(!irq());
	CHECK(fake_timer_queued != NULL);
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), RTC_ALARM_STATUS_ARMED);
	/* Moving the clock to just before the alarm brings it on time. */
	set_time(inst, ~0ULL - SEC);
	fake_clock_advance(SEC - 1);
	CHECK(!irq());
	fake_clock_advance(1);
	CHECK(irq());
	destroy(inst);
}

UNIT_TEST(late_timer_still_fires)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS + 10 * SEC);
	fake_timer_queued->deadline_ns += 3 * SEC;
	fake_clock_advance(12 * SEC);
	CHECK(!irq());
	fake_clock_advance(1 * SEC);
	CHECK(irq());
	destroy(inst);
}

UNIT_TEST(early_timer_waits_again)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS + 10 * SEC);
	/* The event comes early (the clocks moved under it). */
	fake_timer_queued->deadline_ns -= 4 * SEC;
	fake_clock_advance(6 * SEC);
	CHECK(!irq());
	CHECK(fake_timer_queued != NULL);
	fake_clock_advance(4 * SEC);
	CHECK(irq());
	destroy(inst);
}

/* ---- reset, remove, sizes, probe ---- */

UNIT_TEST(reset_drops_alarm_and_interrupt)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS - 1);
	CHECK(irq());
	set_alarm(inst, START_NS + 5 * SEC);
	fake_reset(inst);
	CHECK(!irq());
	CHECK(fake_timer_queued == NULL);
	CHECK_EQ(rd(inst, RTC_IRQ_ENABLED), 0);
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	CHECK_EQ(rd(inst, RTC_ALARM_LOW), 0);
	CHECK_EQ(rd(inst, RTC_ALARM_HIGH), 0);
	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	fake_clock_advance(10 * SEC);
	CHECK(!irq());
	destroy(inst);
}

UNIT_TEST(remove_cancels_timer)
{
	struct devemu_instance *inst = create();

	wr(inst, RTC_IRQ_ENABLED, RTC_IRQ_ENABLED_ALARM);
	set_alarm(inst, START_NS + 100 * SEC);
	CHECK(fake_timer_queued != NULL);
	destroy(inst);
}

UNIT_TEST(bad_access_sizes)
{
	struct devemu_instance *inst = create();
	const u32 enable = RTC_IRQ_ENABLED_ALARM;
	u64 v;

	CHECK_EQ(fake_read(inst, RTC_TIME_LOW, 1, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, RTC_TIME_LOW, 2, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, RTC_TIME_LOW, 8, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, RTC_TIME_LOW + 2, 4, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, RTC_IRQ_ENABLED, 1, enable), -EINVAL);
	CHECK_EQ(fake_write(inst, RTC_ALARM_LOW, 8, 0), -EINVAL);
	CHECK_EQ(fake_write(inst, RTC_IRQ_ENABLED + 1, 4, enable), -EINVAL);
	CHECK_EQ(rd(inst, RTC_IRQ_ENABLED), 0);
	CHECK_EQ(rd(inst, RTC_ALARM_STATUS), 0);
	destroy(inst);
}

UNIT_TEST(probe_refuses_small_window)
{
	struct devemu_instance *inst = instance(0x10);

	CHECK_EQ(devemu_probe(inst, NULL), -EINVAL);
	CHECK(strstr(fake_error_msg, "0x10") != NULL);
	CHECK(inst->priv == NULL);
	free(inst);
}

UNIT_MAIN()
