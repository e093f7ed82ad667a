// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/rtc/pl031.c driven through its emulator operations as core/
 * drives them, over a fake clock: the test moves time, fires the timer
 * event the emulator armed when its deadline passes, and sets the wall
 * clock either in step with the timer clock (as core/devemu.c derives
 * it) or with its seconds ticking at another phase. The emulator source
 * is included for its operations table.
 */
#include "unit.h"
#include <stdarg.h>
#include <string.h>

#include "../../emulators/rtc/pl031.c"

#include <keel/string.h>

/* ---- the clocks ---- */

#define SEC NSEC_PER_SEC
#define MS NSEC_PER_MSEC

static u64 now_ns;
static u64 wall_base; /* wall clock seconds at now_ns = 0 */
static u64 wall_phase_ns; /* the wall clock's seconds tick this much early */

u64 timer_now_ns(void)
{
	return now_ns;
}

u64 devemu_wallclock_seconds(void)
{
	return wall_base + (now_ns + wall_phase_ns) / SEC;
}

/* One CPU's queue is all the emulator ever sees: one event at a time. */
static struct timer_event *queued;
static unsigned int arms;

void timer_event_init(struct timer_event *ev, timer_event_fn fn, void *arg)
{
	memset(ev, 0, sizeof(*ev));
	list_init(&ev->link);
	ev->fn = fn;
	ev->arg = arg;
	ev->cpu = -1;
}

void timer_event_arm(struct timer_event *ev, u64 deadline_ns)
{
	CHECK(queued == NULL || queued == ev);
	ev->deadline_ns = deadline_ns;
	ev->cpu = 0;
	queued = ev;
	arms++;
}

void timer_event_cancel(struct timer_event *ev)
{
	if (queued == ev)
		queued = NULL;
	ev->cpu = -1;
}

bool timer_event_armed(const struct timer_event *ev)
{
	return ev->cpu >= 0;
}

/* Let time pass in steps, firing the event as the timer interrupt would. */
static void advance(u64 ns)
{
	u64 end = now_ns + ns;

	while (queued && queued->deadline_ns <= end) {
		struct timer_event *ev = queued;

		if (ev->deadline_ns > now_ns)
			now_ns = ev->deadline_ns;
		queued = NULL;
		ev->cpu = -1;
		ev->fn(ev);
	}
	now_ns = end;
}

/* ---- the rest of Keel ---- */

static unsigned int irq_changes;
static bool irq_line;

void devemu_irq_set(struct devemu_instance *inst, unsigned int index,
		    bool level)
{
	CHECK_EQ(index, 0);
	CHECK(spin_is_locked(&inst->lock));
	CHECK(level != irq_line);
	irq_line = level;
	irq_changes++;
}

static char error_msg[256];

void devemu_error(const struct devemu_instance *inst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_msg, sizeof(error_msg), fmt, ap);
	va_end(ap);
}

/* ---- the instance ---- */

static const struct emulator *const emu = &pl031_emulator;

static struct devemu_instance *instance(u64 size)
{
	struct devemu_instance *inst = calloc(1, sizeof(*inst));

	inst->emu = emu;
	strlcpy(inst->name, "pl031@9010000", sizeof(inst->name));
	inst->base = 0x9010000;
	inst->size = size;
	inst->irqs[0] = 34;
	inst->nr_irqs = 1;
	spin_lock_init(&inst->lock);
	list_init(&inst->link);
	return inst;
}

/* A fresh machine at host time `wall`, the timer clock at 5.25 s. */
static struct devemu_instance *create(u64 wall, u64 phase_ns)
{
	struct devemu_instance *inst = instance(0x1000);

	now_ns = 5 * SEC + 250 * MS;
	wall_phase_ns = phase_ns;
	wall_base = wall - (now_ns + phase_ns) / SEC;
	queued = NULL;
	arms = 0;
	irq_line = false;
	irq_changes = 0;
	CHECK_EQ(emu->probe(inst, NULL), 0);
	CHECK(inst->priv != NULL);
	return inst;
}

static void destroy(struct devemu_instance *inst)
{
	struct pl031 *s = inst->priv;

	emu->remove(inst);
	CHECK(inst->priv == NULL);
	/* Removing takes the timer event off the queue. */
	CHECK(queued == NULL || queued != &s->match_timer);
	free(inst);
}

static int try_read(struct devemu_instance *inst, u64 off, unsigned int size,
		    u64 *value)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&inst->lock, flags);
	err = emu->read(inst, off, size, value);
	spin_unlock_irqrestore(&inst->lock, flags);
	return err;
}

static int try_write(struct devemu_instance *inst, u64 off, unsigned int size,
		     u64 value)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&inst->lock, flags);
	err = emu->write(inst, off, size, value);
	spin_unlock_irqrestore(&inst->lock, flags);
	return err;
}

static u64 rd(struct devemu_instance *inst, u64 off)
{
	u64 v = 0xdeadbeef;

	CHECK_EQ(try_read(inst, off, 4, &v), 0);
	return v;
}

static void wr(struct devemu_instance *inst, u64 off, u64 v)
{
	CHECK_EQ(try_write(inst, off, 4, v), 0);
}

static void reset(struct devemu_instance *inst)
{
	unsigned long flags;

	spin_lock_irqsave(&inst->lock, flags);
	emu->reset(inst);
	spin_unlock_irqrestore(&inst->lock, flags);
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
	CHECK_EQ(rd(inst, 0x20), 0);
	CHECK_EQ(rd(inst, 0xfdc), 0);
	CHECK(!irq_line);
	destroy(inst);
}

UNIT_TEST(id_registers)
{
	struct devemu_instance *inst = create(T0, 0);
	static const u8 want[] = { 0x31, 0x10, 0x14, 0x00,
				   0x0d, 0xf0, 0x05, 0xb1 };
	u64 v;

	for (unsigned int i = 0; i < 8; i++) {
		CHECK_EQ(rd(inst, 0xfe0 + 4 * i), want[i]);
		CHECK_EQ(try_read(inst, 0xfe0 + 4 * i, 1, &v), 0);
		CHECK_EQ(v, want[i]);
	}
	wr(inst, 0xfe0, 0);
	CHECK_EQ(rd(inst, 0xfe0), 0x31);
	destroy(inst);
}

UNIT_TEST(counter_follows_wall_clock)
{
	struct devemu_instance *inst = create(T0, 0);

	advance(749 * MS); /* the host's second turns at 6 s */
	CHECK_EQ(rd(inst, RTCDR), T0);
	advance(1 * MS);
	CHECK_EQ(rd(inst, RTCDR), T0 + 1);
	advance(3600 * SEC);
	CHECK_EQ(rd(inst, RTCDR), T0 + 3601);
	destroy(inst);
}

UNIT_TEST(load_sets_counter)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCLR, 1000);
	CHECK_EQ(rd(inst, RTCDR), 1000);
	CHECK_EQ(rd(inst, RTCLR), 1000);
	advance(5 * SEC);
	CHECK_EQ(rd(inst, RTCDR), 1005);
	CHECK_EQ(rd(inst, RTCLR), 1000); /* the value loaded, not the time */
	/* The counter wraps at 32 bits. */
	wr(inst, RTCLR, 0xfffffffe);
	advance(3 * SEC);
	CHECK_EQ(rd(inst, RTCDR), 1);
	destroy(inst);
}

UNIT_TEST(start_bit_is_sticky)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCCR, 0);
	CHECK_EQ(rd(inst, RTCCR), 0);
	wr(inst, RTCCR, 0xfffffffe);
	CHECK_EQ(rd(inst, RTCCR), 0);
	wr(inst, RTCCR, 1);
	CHECK_EQ(rd(inst, RTCCR), 1);
	wr(inst, RTCCR, 0);
	CHECK_EQ(rd(inst, RTCCR), 1);
	reset(inst);
	CHECK_EQ(rd(inst, RTCCR), 0);
	destroy(inst);
}

UNIT_TEST(match_interrupt)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCLR, 100);
	wr(inst, RTCIMSC, 1);
	wr(inst, RTCMR, 105);
	CHECK(queued != NULL);
	advance(4 * SEC + 749 * MS); /* the counter turns 105 at +4.75 s */
	CHECK_EQ(rd(inst, RTCDR), 104);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	CHECK(!irq_line);
	advance(1 * MS);
	CHECK_EQ(rd(inst, RTCDR), 105);
	CHECK_EQ(rd(inst, RTCRIS), 1);
	CHECK_EQ(rd(inst, RTCMIS), 1);
	CHECK(irq_line);
	CHECK(queued == NULL);
	/* Any write to RTCICR clears it; it does not come back by itself. */
	wr(inst, RTCICR, 0);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	CHECK(!irq_line);
	advance(10 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	CHECK_EQ(irq_changes, 2);
	destroy(inst);
}

UNIT_TEST(match_with_seconds_out_of_phase)
{
	/* The wall clock's seconds tick 0.6 s before the timer clock's. */
	struct devemu_instance *inst = create(T0, 600 * MS);
	u64 start = now_ns;

	wr(inst, RTCIMSC, 1);
	wr(inst, RTCMR, T0 + 3);
	/* Wall clock turns T0+1 at 5.25 + 0.15: T0+3 at start + 2.15 s. */
	advance(2 * SEC + 149 * MS);
	CHECK_EQ(rd(inst, RTCDR), T0 + 2);
	CHECK(!irq_line);
	advance(MATCH_POLL_NS);
	CHECK_EQ(rd(inst, RTCDR), T0 + 3);
	CHECK(irq_line);
	/* Raised no later than one poll period after the moment. */
	CHECK(now_ns - start <= 2 * SEC + 150 * MS + MATCH_POLL_NS);
	destroy(inst);
}

UNIT_TEST(match_masked_shows_in_ris)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCMR, T0 + 2);
	advance(2 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 1);
	CHECK_EQ(rd(inst, RTCMIS), 0);
	CHECK(!irq_line);
	wr(inst, RTCIMSC, 0xffffffff);
	CHECK_EQ(rd(inst, RTCIMSC), 1);
	CHECK(irq_line);
	wr(inst, RTCIMSC, 0);
	CHECK(!irq_line);
	destroy(inst);
}

UNIT_TEST(match_at_once_when_equal)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCIMSC, 1);
	wr(inst, RTCMR, T0);
	CHECK_EQ(rd(inst, RTCRIS), 1);
	CHECK(irq_line);
	wr(inst, RTCICR, 1);
	/* A load onto the match value matches too. */
	wr(inst, RTCMR, 5000);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	wr(inst, RTCLR, 5000);
	CHECK_EQ(rd(inst, RTCRIS), 1);
	destroy(inst);
}

UNIT_TEST(late_timer_still_matches)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCIMSC, 1);
	wr(inst, RTCMR, T0 + 10);
	/* The event fires only seconds after its deadline. */
	queued->deadline_ns += 3 * SEC;
	advance(20 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 1);
	destroy(inst);
}

UNIT_TEST(new_match_or_load_replaces_alarm)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCIMSC, 1);
	wr(inst, RTCMR, T0 + 10);
	wr(inst, RTCMR, T0 + 20);
	advance(15 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	advance(5 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 1);
	wr(inst, RTCICR, 1);

	/* Loading past the match value: no match until it wraps. */
	wr(inst, RTCMR, 2000);
	wr(inst, RTCLR, 2001);
	advance(100 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	/* Loading just before it: matches when it is reached. */
	wr(inst, RTCLR, 1998);
	advance(2 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 1);
	destroy(inst);
}

UNIT_TEST(reset_keeps_time_and_drops_alarm)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCLR, 5000);
	wr(inst, RTCIMSC, 1);
	wr(inst, RTCMR, 5003);
	advance(1 * SEC);
	reset(inst);
	CHECK(!irq_line);
	CHECK_EQ(rd(inst, RTCMR), 0);
	CHECK_EQ(rd(inst, RTCLR), 0);
	CHECK_EQ(rd(inst, RTCIMSC), 0);
	/* The battery-backed counter keeps its time across a reset. */
	CHECK_EQ(rd(inst, RTCDR), 5001);
	advance(5 * SEC);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	CHECK_EQ(rd(inst, RTCDR), 5006);
	destroy(inst);
}

UNIT_TEST(remove_cancels_timer)
{
	struct devemu_instance *inst = create(T0, 0);

	wr(inst, RTCIMSC, 1);
	wr(inst, RTCMR, T0 + 100);
	CHECK(queued != NULL);
	destroy(inst);
	CHECK(queued == NULL);
}

UNIT_TEST(masked_match_keeps_no_timer)
{
	struct devemu_instance *inst = create(T0, 0);

	/* A masked match far away must not leave an event queued. */
	wr(inst, RTCMR, T0 + 100);
	CHECK(queued == NULL);
	wr(inst, RTCIMSC, 1);
	CHECK(queued != NULL);
	wr(inst, RTCIMSC, 0);
	CHECK(queued == NULL);
	destroy(inst);
}

UNIT_TEST(access_sizes_and_lanes)
{
	struct devemu_instance *inst = create(T0, 0);
	u64 v;

	CHECK_EQ(try_read(inst, RTCDR, 8, &v), -EINVAL);
	CHECK_EQ(try_write(inst, RTCMR, 8, 0), -EINVAL);
	CHECK_EQ(try_read(inst, RTCDR + 1, 2, &v), -EINVAL);
	CHECK_EQ(try_read(inst, RTCDR, 3, &v), -EINVAL);

	wr(inst, RTCLR, 0x11223344);
	CHECK_EQ(try_read(inst, RTCDR + 3, 1, &v), 0);
	CHECK_EQ(v, 0x11);
	CHECK_EQ(try_read(inst, RTCDR + 2, 2, &v), 0);
	CHECK_EQ(v, 0x1122);
	/* A narrow write changes only its lanes. */
	wr(inst, RTCMR, 0xaabbccdd);
	CHECK_EQ(try_write(inst, RTCMR + 1, 1, 0xff00), 0);
	CHECK_EQ(rd(inst, RTCMR), 0xaabb00dd);
	CHECK_EQ(try_write(inst, RTCMR + 2, 2, 0x12345678), 0);
	CHECK_EQ(rd(inst, RTCMR), 0x567800dd);

	/* Read-only registers ignore writes. */
	wr(inst, RTCDR, 0);
	wr(inst, RTCRIS, 1);
	wr(inst, RTCMIS, 1);
	CHECK_EQ(rd(inst, RTCDR), 0x11223344);
	CHECK_EQ(rd(inst, RTCRIS), 0);
	destroy(inst);
}

UNIT_TEST(probe_refuses_small_window)
{
	struct devemu_instance *inst = instance(0x20);

	error_msg[0] = 0;
	CHECK_EQ(emu->probe(inst, NULL), -EINVAL);
	CHECK(strstr(error_msg, "0x20") != NULL);
	CHECK(inst->priv == NULL);
	free(inst);
}

UNIT_MAIN()
