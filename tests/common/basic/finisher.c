// SPDX-License-Identifier: GPL-2.0
/*
 * `finisher`: power off or reset through the SiFive test finisher the
 * device tree names (QEMU riscv virt's; Keel emulates it on every arch);
 * `acpi-pm`: the PM timer of an ACPI PC's fixed hardware, S5 and the
 * reset register (Keel's keel,acpi-pm, what x86 guests' FADT names).
 * A write that works never returns: the machine is off or starts again.
 */
#include "commands.h"

#define FINISHER_FAIL 0x3333
#define FINISHER_PASS 0x5555
#define FINISHER_RESET 0x7777

int cmd_finisher(int argc, char **argv)
{
	struct basic_range r;
	uint64_t code = 0;
	uint32_t v;

	if (argc < 2)
		return fail("usage: finisher pass|fail <code>|reset");
	if (!strcmp(argv[1], "pass"))
		v = FINISHER_PASS;
	else if (!strcmp(argv[1], "reset"))
		v = FINISHER_RESET;
	else if (!strcmp(argv[1], "fail") && argc > 2 &&
		 parse_u64(argv[2], &code) && code <= 0xffff)
		v = (uint32_t)code << 16 | FINISHER_FAIL;
	else
		return fail("usage: finisher pass|fail <code>|reset");
	if (fdt_find_compatible(platform.fdt, "sifive,test1", &r, NULL) &&
	    fdt_find_compatible(platform.fdt, "sifive,test0", &r, NULL))
		return fail(
			"no sifive,test1 or sifive,test0 in the device tree");
	printf("finisher: writing 0x%x to 0x%lx\n", v, (unsigned long)r.base);
	arch_mmio_write(r.base, 4, v);
	return fail("still running after the write");
}

/* ACPI PM registers (Keel's keel,acpi-pm), laid out as an x86 FADT has them. */
#define PM1_CNT 4
#define PM_TMR 8
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_EN 0x2000
#define PM1_SLP_TYP_S5 (5U << 10)
#define PM_TIMER_HZ 3579545U
/* Where the test descriptions put the reset register: 0xcf9 - 0x600. */
#define PM_TO_RESET 0x6f9
#define RESET_VALUE 0x06

long acpi_pm_poweroff(void)
{
	struct basic_range r;

	if (fdt_find_compatible(platform.fdt, "keel,acpi-pm", &r, NULL))
		return -1;
	arch_mmio_write(r.base + PM1_CNT, 2, PM1_SLP_TYP_S5 | PM1_CNT_SLP_EN);
	return -2;
}

int cmd_acpi_pm(int argc, char **argv)
{
	struct basic_range r;
	uint32_t t0, t1;
	uint64_t c0, c0b, c1, c1b, least, most;

	if (fdt_find_compatible(platform.fdt, "keel,acpi-pm", &r, NULL))
		return fail("no keel,acpi-pm in the device tree");
	if (argc > 1 && !strcmp(argv[1], "s5")) {
		printf("acpi-pm: SLP_TYP 5 and SLP_EN\n");
		acpi_pm_poweroff();
		return fail("still running after S5");
	}
	if (argc > 1 && !strcmp(argv[1], "reset")) {
		printf("acpi-pm: reset register\n");
		arch_mmio_write(r.base + PM_TO_RESET, 1, RESET_VALUE);
		return fail("still running after the reset");
	}
	if (!(arch_mmio_read(r.base + PM1_CNT, 2) & PM1_CNT_SCI_EN))
		return fail("SCI_EN clear: not in ACPI mode");
	/*
	 * Each read of the PM timer between two of the counter: its advance
	 * must lie between the least and the most the counter allows (a
	 * tick either way for rounding), however long the exits take.
	 */
	c0 = arch_counter();
	t0 = (uint32_t)arch_mmio_read(r.base + PM_TMR, 4);
	c0b = arch_counter();
	delay_ticks(ticks_from_us(10000));
	c1 = arch_counter();
	t1 = (uint32_t)arch_mmio_read(r.base + PM_TMR, 4);
	c1b = arch_counter();
	least = ticks_to_ns(c1 - c0b) * PM_TIMER_HZ / 1000000000ULL;
	most = ticks_to_ns(c1b - c0) * PM_TIMER_HZ / 1000000000ULL;
	printf("acpi-pm: PM timer advanced %u in ", t1 - t0);
	print_ms(c1b - c0);
	printf(" (%lu to %lu from the counter)\n", (unsigned long)least,
	       (unsigned long)most);
	if (t1 - t0 + 1 < least || t1 - t0 > most + 1)
		return fail("the PM timer does not run at 3.579545 MHz");
	return 0;
}
