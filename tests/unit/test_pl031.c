// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/rtc/pl031.c driven through its emulator operations as core/
 * drives them, over a fake clock: the test moves time, fires the timer
 * event the emulator armed when its deadline passes, and sets the wall
 * clock either in step with the timer clock (as core/devemu.c derives
 * it) or with its seconds ticking at another phase. The emulator is
 * found by its compatible string in the table host/keel_tables.ld lays
 * out, as core finds it.
 */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/timer.h>

#include <hw/pl031.h>

#include "host/fake_guest.h"

#define SEC NSEC_PER_SEC
#define MS NSEC_PER_MSEC

/* ---- the instance ---- */

#define RTC_IRQ 34

static struct devemu_instance *instance(u64 size)
{
	const struct emulator *emu = devemu_find("arm,pl031");

	if (!emu) {
		printf("  no emulator serves arm,pl031\n");
		abort();
	}
	fake_guest_init("vm1", 1);
	return fake_instance(emu, "pl031@9010000", 0x9010000, size, RTC_IRQ);
}

/* A fresh machine at host time `wall`, the timer clock at 5.25 s. */
static struct devemu_instance *create(u64 wall, u64 phase_ns)
{
	struct devemu_instance *inst = instance(0x1000);

	fake_clock_set(5 * SEC + 250 * MS, wall, phase_ns);
	CHECK_EQ(devemu_probe(inst, NULL), 0);
	CHECK(inst->priv != NULL);
	return inst;
}

static void destroy(struct devemu_instance *inst)
{
	fake_destroy(inst);
	/*
	 * Removing takes the timer event off the queue (the instance's is
	 * the only one the fake queue can hold).
	 */
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

static void reset(struct devemu_instance *inst)
{
	fake_reset(inst);
}

#define T0 1700000000ULL /* a host time in 2023 */

/* ---- the tests ---- */

UNIT_TEST(reset_values)
{
	struct devemu_instance *inst = create(T0, 0);

	CHECK_EQ(rd(inst, RTCDR), T0);
	CHECK_EQ(rd(inst, RTCMR), 0);
	CHECK_EQ(rd(inst, RTCLR), 0);
	CHECK_EQ(rd(inst, RTCCR), 0);
	CHECK_EQ(rd(inst, RTCIMSC), 0);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	CHECK_EQ(rd(inst, RTCMIS), 0);
	CHECK_EQ(rd(inst, RTCICR), 0);
	/* Reserved: after RTCICR and before the identification registers. */
	CHECK_EQ(rd(inst, RTCICR + 4), 0);
	CHECK_EQ(rd(inst, RTCPERIPHID0 - 4), 0);
	CHECK(!fake_irq_lines[RTC_IRQ]);
	destroy(inst);
}

UNIT_TEST(id_registers)
{
	struct devemu_instance *inst = create(T0, 0);
	static const u8 want[] = { RTCPERIPHID0_VALUE, RTCPERIPHID1_VALUE,
				   RTCPERIPHID2_VALUE, RTCPERIPHID3_VALUE,
				   RTCPCELLID0_VALUE,  RTCPCELLID1_VALUE,
				   RTCPCELLID2_VALUE,  RTCPCELLID3_VALUE };
	u64 v;

	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		CHECK_EQ(rd(inst, RTCPERIPHID0 + 4 * i), want[i]);
		CHECK_EQ(fake_read(inst, RTCPERIPHID0 + 4 * i, 1, &v), 0);
		CHECK_EQ(v, want[i]);
	}
	wr(inst, RTCPERIPHID0, 0);
	CHECK_EQ(rd(inst, RTCPERIPHID0), RTCPERIPHID0_VALUE);
	destroy(inst);
}

UNIT_TEST(counter_follows_wall_clock)
{
	struct devemu_instance *inst = create(T0, 0);

	fake_clock_advance(749 * MS); /* the host's second turns at 6 s */
	CHECK_EQ(rd(inst, RTCDR), T0);
	fake_clock_advance(1 * MS);
	CHECK_EQ(rd(inst, RTCDR), T0 + 1);
	fake_clock_advance(3600 * SEC);
	CHECK_EQ(rd(inst, RTCDR), T0 + 3601);
	destroy(inst);
}

UNIT_TEST(load_sets_counter)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCLR, 1000);
	CHECK_EQ(rd(inst, RTCDR), 1000);
	CHECK_EQ(rd(inst, RTCLR), 1000);
	fake_clock_advance(5 * SEC);
	CHECK_EQ(rd(inst, RTCDR), 1005);
	CHECK_EQ(rd(inst, RTCLR), 1000); /* the value loaded, not the time */
	/* The counter wraps at 32 bits. */
	wr(inst, RTCLR, 0xfffffffe);
	fake_clock_advance(3 * SEC);
	CHECK_EQ(rd(inst, RTCDR), 1);
	destroy(inst);
}

UNIT_TEST(start_bit_is_sticky)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCCR, 0);
	CHECK_EQ(rd(inst, RTCCR), 0);
	wr(inst, RTCCR, ~RTCCR_START);
	CHECK_EQ(rd(inst, RTCCR), 0);
	wr(inst, RTCCR, RTCCR_START);
	CHECK_EQ(rd(inst, RTCCR), RTCCR_START);
	wr(inst, RTCCR, 0);
	CHECK_EQ(rd(inst, RTCCR), RTCCR_START);
	reset(inst);
	CHECK_EQ(rd(inst, RTCCR), 0);
	destroy(inst);
}

UNIT_TEST(match_interrupt)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCLR, 100);
	wr(inst, RTCIMSC, RTCINT_MATCH);
	wr(inst, RTCMR, 105);
	CHECK(fake_timer_queued != NULL);
	fake_clock_advance(4 * SEC +
			   749 * MS); /* the counter turns 105 at +4.75 s */
	CHECK_EQ(rd(inst, RTCDR), 104);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	CHECK(!fake_irq_lines[RTC_IRQ]);
	fake_clock_advance(1 * MS);
	CHECK_EQ(rd(inst, RTCDR), 105);
	CHECK_EQ(rd(inst, RTCRIS), RTCINT_MATCH);
	CHECK_EQ(rd(inst, RTCMIS), RTCINT_MATCH);
	CHECK(fake_irq_lines[RTC_IRQ]);
	CHECK(fake_timer_queued == NULL);
	/* Any write to RTCICR clears it; it does not come back by itself. */
	wr(inst, RTCICR, 0);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	CHECK(!fake_irq_lines[RTC_IRQ]);
	fake_clock_advance(10 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	CHECK_EQ(fake_irq_changes, 2);
	destroy(inst);
}

UNIT_TEST(match_with_seconds_out_of_phase)
{
	/* The wall clock's seconds tick 0.6 s before the timer clock's. */
	struct devemu_instance *inst = create(T0, 600 * MS);
	u64 start = fake_now_ns;
	u64 poll;

	wr(inst, RTCIMSC, RTCINT_MATCH);
	wr(inst, RTCMR, T0 + 3);
	/*
	 * Wall clock turns T0+1 at 5.25 + 0.15: T0+3 at start + 2.15 s.
	 * The timer wakes the comparator a second short of the match; from
	 * there it polls, and the event it arms then shows how often.
	 */
	fake_clock_advance(2 * SEC);
	CHECK(fake_timer_queued != NULL);
	poll = fake_timer_queued ?
		       fake_timer_queued->deadline_ns - fake_now_ns :
		       0;
	CHECK(poll > 0 && poll < SEC);
	fake_clock_advance(149 * MS);
	CHECK_EQ(rd(inst, RTCDR), T0 + 2);
	CHECK(!fake_irq_lines[RTC_IRQ]);
	fake_clock_advance(poll);
	CHECK_EQ(rd(inst, RTCDR), T0 + 3);
	CHECK(fake_irq_lines[RTC_IRQ]);
	/* Raised no later than one poll period after the moment. */
	CHECK(fake_now_ns - start <= 2 * SEC + 150 * MS + poll);
	destroy(inst);
}

UNIT_TEST(match_masked_shows_in_ris)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCMR, T0 + 2);
	fake_clock_advance(2 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), RTCINT_MATCH);
	CHECK_EQ(rd(inst, RTCMIS), 0);
	CHECK(!fake_irq_lines[RTC_IRQ]);
	wr(inst, RTCIMSC, 0xffffffff);
	CHECK_EQ(rd(inst, RTCIMSC), RTCINT_MATCH);
	CHECK(fake_irq_lines[RTC_IRQ]);
	wr(inst, RTCIMSC, 0);
	CHECK(!fake_irq_lines[RTC_IRQ]);
	destroy(inst);
}

UNIT_TEST(match_at_once_when_equal)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCIMSC, RTCINT_MATCH);
	wr(inst, RTCMR, T0);
	CHECK_EQ(rd(inst, RTCRIS), RTCINT_MATCH);
	CHECK(fake_irq_lines[RTC_IRQ]);
	wr(inst, RTCICR, 1);
	/* A load onto the match value matches too. */
	wr(inst, RTCMR, 5000);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	wr(inst, RTCLR, 5000);
	CHECK_EQ(rd(inst, RTCRIS), RTCINT_MATCH);
	destroy(inst);
}

UNIT_TEST(late_timer_still_matches)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCIMSC, RTCINT_MATCH);
	wr(inst, RTCMR, T0 + 10);
	/* The event fires only seconds after its deadline. */
	fake_timer_queued->deadline_ns += 3 * SEC;
	fake_clock_advance(20 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), RTCINT_MATCH);
	destroy(inst);
}

UNIT_TEST(new_match_or_load_replaces_alarm)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCIMSC, RTCINT_MATCH);
	wr(inst, RTCMR, T0 + 10);
	wr(inst, RTCMR, T0 + 20);
	fake_clock_advance(15 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	fake_clock_advance(5 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), RTCINT_MATCH);
	wr(inst, RTCICR, 1);

	/* Loading past the match value: no match until it wraps. */
	wr(inst, RTCMR, 2000);
	wr(inst, RTCLR, 2001);
	fake_clock_advance(100 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	/* Loading just before it: matches when it is reached. */
	wr(inst, RTCLR, 1998);
	fake_clock_advance(2 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), RTCINT_MATCH);
	destroy(inst);
}

UNIT_TEST(reset_keeps_time_and_drops_alarm)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCLR, 5000);
	wr(inst, RTCIMSC, RTCINT_MATCH);
	wr(inst, RTCMR, 5003);
	fake_clock_advance(1 * SEC);
	reset(inst);
	CHECK(!fake_irq_lines[RTC_IRQ]);
	CHECK_EQ(rd(inst, RTCMR), 0);
	CHECK_EQ(rd(inst, RTCLR), 0);
	CHECK_EQ(rd(inst, RTCIMSC), 0);
	/* The battery-backed counter keeps its time across a reset. */
	CHECK_EQ(rd(inst, RTCDR), 5001);
	fake_clock_advance(5 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	CHECK_EQ(rd(inst, RTCDR), 5006);
	destroy(inst);
}

UNIT_TEST(remove_cancels_timer)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCIMSC, RTCINT_MATCH);
	wr(inst, RTCMR, T0 + 100);
	CHECK(fake_timer_queued != NULL);
	destroy(inst);
	CHECK(fake_timer_queued == NULL);
}

UNIT_TEST(masked_match_keeps_no_timer)
{
	struct devemu_instance *inst = create(T0, 0);

	/* A masked match far away must not leave an event fake_timer_queued. */
	wr(inst, RTCMR, T0 + 100);
	CHECK(fake_timer_queued == NULL);
	wr(inst, RTCIMSC, RTCINT_MATCH);
	CHECK(fake_timer_queued != NULL);
	wr(inst, RTCIMSC, 0);
	CHECK(fake_timer_queued == NULL);
	destroy(inst);
}

UNIT_TEST(access_sizes_and_lanes)
{
	struct devemu_instance *inst = create(T0, 0);
	u64 v;

	CHECK_EQ(fake_read(inst, RTCDR, 8, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, RTCMR, 8, 0), -EINVAL);
	CHECK_EQ(fake_read(inst, RTCDR + 1, 2, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, RTCDR, 3, &v), -EINVAL);

	wr(inst, RTCLR, 0x11223344);
	CHECK_EQ(fake_read(inst, RTCDR + 3, 1, &v), 0);
	CHECK_EQ(v, 0x11);
	CHECK_EQ(fake_read(inst, RTCDR + 2, 2, &v), 0);
	CHECK_EQ(v, 0x1122);
	/* A narrow write changes only its lanes. */
	wr(inst, RTCMR, 0xaabbccdd);
	CHECK_EQ(fake_write(inst, RTCMR + 1, 1, 0xff00), 0);
	CHECK_EQ(rd(inst, RTCMR), 0xaabb00dd);
	CHECK_EQ(fake_write(inst, RTCMR + 2, 2, 0x12345678), 0);
	CHECK_EQ(rd(inst, RTCMR), 0x567800dd);

	/* Read-only registers ignore writes. */
	wr(inst, RTCDR, 0);
	wr(inst, RTCRIS, RTCINT_MATCH);
	wr(inst, RTCMIS, RTCINT_MATCH);
	CHECK_EQ(rd(inst, RTCDR), 0x11223344);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	destroy(inst);
}

UNIT_TEST(probe_refuses_small_window)
{
	struct devemu_instance *inst = instance(0x20);

	fake_error_msg[0] = 0;
	CHECK_EQ(devemu_probe(inst, NULL), -EINVAL);
	CHECK(strstr(fake_error_msg, "0x20") != NULL);
	CHECK(inst->priv == NULL);
	free(inst);
}

UNIT_MAIN()
