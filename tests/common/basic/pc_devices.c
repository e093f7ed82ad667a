// SPDX-License-Identifier: GPL-2.0
/*
 * The PC's clock and timer chips as a guest finds them in its device tree
 * on any arch: the MC146818 RTC with its CMOS RAM (`cmos`) and the 8254
 * interval timer with the port 0x61 byte (`pit`), driven through their
 * byte registers the way a PC's firmware and Linux drive them. Keel
 * emulates them (emulators/rtc/mc146818.c, emulators/timer/i8254.c);
 * QEMU's arm64 and riscv virt machines have neither.
 */
#include "commands.h"

/* MC146818 */
#define MC_INDEX 0
#define MC_DATA 1
#define MC_SECONDS 0x00
#define MC_MINUTES 0x02
#define MC_HOURS 0x04
#define MC_DAY 0x07
#define MC_MONTH 0x08
#define MC_YEAR 0x09
#define MC_A 0x0a
#define MC_B 0x0b
#define MC_C 0x0c
#define MC_D 0x0d
#define MC_CENTURY 0x32
#define MC_A_UIP 0x80
#define MC_B_SET 0x80
#define MC_C_PF 0x40
#define MC_D_VRT 0x80

/* 8254 */
#define PIT_CONTROL 3
#define PIT_HZ 1193182U
#define P61_GATE2 0x01
#define P61_SPEAKER 0x02
#define P61_OUT2 0x20
/*
 * Where the test descriptions put the port 0x61 byte (the node's second
 * "reg" entry): as far from the counters as on a PC, 0x61 - 0x40.
 */
#define PIT_TO_PORT61 0x21

static uint64_t rtc_base;

static uint8_t cmos_read(unsigned int reg)
{
	arch_mmio_write(rtc_base + MC_INDEX, 1, reg);
	return (uint8_t)arch_mmio_read(rtc_base + MC_DATA, 1);
}

static void cmos_write(unsigned int reg, uint8_t v)
{
	arch_mmio_write(rtc_base + MC_INDEX, 1, reg);
	arch_mmio_write(rtc_base + MC_DATA, 1, v);
}

static unsigned int from_bcd(uint8_t v)
{
	return (v >> 4) * 10U + (v & 0xfU);
}

struct cmos_time {
	unsigned int year, mon, day, hour, min, sec;
};

/* As Linux's mc146818_get_time(): never while an update is near. */
static int cmos_time(struct cmos_time *t)
{
	uint64_t start = arch_counter(), second = arch_counter_freq();

	while (cmos_read(MC_A) & MC_A_UIP)
		if (arch_counter() - start > second)
			return fail("UIP still set after 1 s");
	t->sec = from_bcd(cmos_read(MC_SECONDS));
	t->min = from_bcd(cmos_read(MC_MINUTES));
	t->hour = from_bcd(cmos_read(MC_HOURS));
	t->day = from_bcd(cmos_read(MC_DAY));
	t->mon = from_bcd(cmos_read(MC_MONTH));
	t->year = from_bcd(cmos_read(MC_CENTURY)) * 100 +
		  from_bcd(cmos_read(MC_YEAR));
	return 0;
}

static void print_time(const char *what, const struct cmos_time *t)
{
	printf("%s %04u-%02u-%02u %02u:%02u:%02u", what, t->year, t->mon,
	       t->day, t->hour, t->min, t->sec);
}

int cmd_cmos(int argc, char **argv)
{
	struct basic_range r;
	struct cmos_time t0, t1;
	uint8_t b;
	unsigned int i;

	if (fdt_find_compatible(platform.fdt, "motorola,mc146818", &r, NULL))
		return fail("no motorola,mc146818 in the device tree");
	rtc_base = r.base;
	if (cmos_read(MC_D) != MC_D_VRT)
		return fail("register D 0x%x, not VRT", cmos_read(MC_D));
	if ((cmos_read(MC_A) & ~MC_A_UIP) != 0x26 || cmos_read(MC_B) != 0x02)
		return fail("A 0x%x, B 0x%x at power-on, not 0x26, 0x02",
			    cmos_read(MC_A), cmos_read(MC_B));
	if (cmos_time(&t0))
		return -1;
	delay_ticks(ticks_from_us(1100000));
	if (cmos_time(&t1))
		return -1;
	print_time("cmos", &t1);
	printf(" UTC, advanced %u s in 1.1 s\n", (t1.sec + 60 - t0.sec) % 60);
	if (t1.year < 2020 || t1.mon < 1 || t1.mon > 12 || t1.day < 1 ||
	    t1.day > 31 || t1.hour > 23 || t1.min > 59 || t1.sec > 59)
		return fail("not a time since 2020");
	if ((t1.sec + 60 - t0.sec) % 60 < 1 || (t1.sec + 60 - t0.sec) % 60 > 2)
		return fail("the seconds moved from %u to %u", t0.sec, t1.sec);

	/* The RAM: every byte past the clock but the century. */
	for (i = 0x0e; i < 0x80; i++)
		if (i != MC_CENTURY)
			cmos_write(i, (uint8_t)(i * 7 + 1));
	for (i = 0x0e; i < 0x80; i++)
		if (i != MC_CENTURY && cmos_read(i) != (uint8_t)(i * 7 + 1))
			return fail("CMOS byte 0x%x read 0x%x", i,
				    cmos_read(i));

	/* Set as Linux does: SET, divider reset, fields, then both back. */
	b = cmos_read(MC_B);
	cmos_write(MC_B, b | MC_B_SET);
	cmos_write(MC_A, 0x70);
	cmos_write(MC_CENTURY, 0x20);
	cmos_write(MC_YEAR, 0x30);
	cmos_write(MC_MONTH, 0x01);
	cmos_write(MC_DAY, 0x02);
	cmos_write(MC_HOURS, 0x03);
	cmos_write(MC_MINUTES, 0x04);
	cmos_write(MC_SECONDS, 0x05);
	cmos_write(MC_B, b);
	cmos_write(MC_A, 0x2f); /* running, 2 Hz periodic flag */
	(void)cmos_read(MC_C);
	delay_ticks(ticks_from_us(600000));
	if (cmos_time(&t1))
		return -1;
	print_time("set to 2030-01-02 03:04:05, 0.6 s later", &t1);
	printf("\n");
	if (t1.year != 2030 || t1.mon != 1 || t1.day != 2 || t1.hour != 3 ||
	    t1.min != 4 || t1.sec < 6 || t1.sec > 7)
		return fail("the time set did not hold");
	if (!(cmos_read(MC_C) & MC_C_PF))
		return fail(
			"no periodic flag in register C after 0.6 s at 2 Hz");
	if (cmos_read(MC_C))
		return fail("register C not cleared by reading it");
	cmos_write(MC_A, 0x26);
	return 0;
}

static uint64_t pit_base, port61;

static uint8_t pit_in(unsigned int reg)
{
	return (uint8_t)arch_mmio_read(pit_base + reg, 1);
}

static void pit_out(unsigned int reg, uint8_t v)
{
	arch_mmio_write(pit_base + reg, 1, v);
}

static unsigned int pit_word(unsigned int counter)
{
	unsigned int lo = pit_in(counter);

	return lo | pit_in(counter) << 8;
}

int cmd_pit(int argc, char **argv)
{
	struct basic_range r;
	uint64_t start, waited, limit = arch_counter_freq() / 2;

	unsigned int a, b;

	if (fdt_find_compatible(platform.fdt, "intel,8254", &r, NULL))
		return fail("no intel,8254 in the device tree");
	pit_base = r.base;
	port61 = r.base + PIT_TO_PORT61;

	/* Linux's TSC calibration: counter 2, mode 0, 10 ms, gate on. */
	arch_mmio_write(port61, 1,
			(arch_mmio_read(port61, 1) & ~P61_SPEAKER) | P61_GATE2);
	pit_out(PIT_CONTROL, 0xb0);
	pit_out(2, 11932 & 0xff);
	/* Before the write that starts it: the wait is never short. */
	start = arch_counter();
	pit_out(2, 11932 >> 8);
	/*
	 * Each look, then the counter: the output seen high means at least
	 * the count's 10 ms have passed by the counter's reading, however
	 * long this vCPU waited for its CPU in between.
	 */
	for (;;) {
		bool out2 = arch_mmio_read(port61, 1) & P61_OUT2;

		waited = arch_counter() - start;
		if (out2)
			break;
		if (waited > limit)
			return fail("counter 2 did not reach 0 in 0.5 s");
	}
	printf("pit counter 2: 11932 ticks (10 ms) ran out after ");
	print_ms(waited);
	printf("\n");
	if (waited < ticks_from_us(9900))
		return fail("counter 2 ran out early");

	/* Counter 0 periodic (mode 2) as Linux's PIT clock event sets it. */
	pit_out(PIT_CONTROL, 0x34);
	pit_out(0, 1193 & 0xff);
	pit_out(0, 1193 >> 8);
	pit_out(PIT_CONTROL, 0xc2); /* read-back: status and count of 0 */
	a = pit_in(0);
	if ((a & 0x3f) != 0x34)
		return fail("read-back status 0x%x, not mode 2 LSB+MSB", a);
	delay_ticks(ticks_from_us(300));
	a = pit_word(0); /* latched before the delay */
	b = pit_word(0);
	if (a < 1 || a > 1193 || a == b)
		return fail("counter 0 read %u latched, then %u", a, b);
	pit_out(PIT_CONTROL, 0x00); /* latch */
	delay_ticks(ticks_from_us(300));
	a = pit_word(0);
	b = pit_word(0);
	if (a == b)
		return fail("counter 0 did not move in 300 us (%u)", a);
	printf("pit counter 0: mode 2, latched %u, then %u\n", a, b);

	/* Counter 1 in BCD: every digit a decimal one. */
	pit_out(PIT_CONTROL, 0x71);
	pit_out(1, 0x99);
	pit_out(1, 0x99);
	delay_ticks(ticks_from_us(500));
	a = pit_word(1);
	if ((a & 0xf) > 9 || (a >> 4 & 0xf) > 9 || (a >> 8 & 0xf) > 9 ||
	    (a >> 12) > 9 || a == 0x9999)
		return fail("counter 1 in BCD read 0x%x", a);
	printf("pit counter 1: BCD 9999 counted down to %x\n", a);

	/* Counter 0 stopped: a control word without a count. */
	pit_out(PIT_CONTROL, 0x30);
	arch_mmio_write(port61, 1, 0);
	return 0;
}
