// SPDX-License-Identifier: GPL-2.0
/*
 * The command loop and the test runner. Every command ends with exactly
 * one line "<name>: PASS" or "<name>: FAIL (<reason>)" so that a test
 * driving the console can wait for it; informational lines never contain
 * "<name>: ".
 */
#include "commands.h"

#define LINE_MAX 128
#define ARGS_MAX 8

struct basic_platform platform;

static char fail_reason[160];
static char result[48];
static bool failed;

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fail_reason, sizeof(fail_reason), fmt, ap);
	va_end(ap);
	failed = true;
	return -1;
}

void result_name(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(result, sizeof(result), fmt, ap);
	va_end(ap);
}

/*
 * One line from the console with echo. Backspace/DEL erase, Ctrl-U clears,
 * Ctrl-C abandons the line; escape sequences (arrow keys) are swallowed
 * rather than echoed as garbage. CR LF counts as one end of line.
 */
static unsigned int read_line(char *buf, unsigned int size)
{
	static bool last_cr;
	unsigned int n = 0;
	int esc = 0;

	for (;;) {
		int c = arch_getc();
		bool was_cr = last_cr;

		last_cr = c == '\r';
		if (esc == 1) {
			esc = c == '[' || c == 'O' ? 2 : 0;
			continue;
		}
		if (esc == 2) {
			if (c >= 0x40 && c <= 0x7e)
				esc = 0;
			continue;
		}
		switch (c) {
		case '\n':
			if (was_cr)
				break;
			/* fall through */
		case '\r':
			puts_raw("\n");
			buf[n] = '\0';
			return n;
		case '\b':
		case 0x7f:
			if (n) {
				n--;
				puts_raw("\b \b");
			}
			break;
		case 0x15:
			for (; n; n--)
				puts_raw("\b \b");
			break;
		case 0x03:
			puts_raw("^C\n");
			buf[0] = '\0';
			return 0;
		case 0x1b:
			esc = 1;
			break;
		default:
			if (c >= 0x20 && c < 0x7f && n + 1 < size) {
				buf[n++] = (char)c;
				arch_putc((char)c);
			}
			break;
		}
	}
}

static int split_args(char *line, char **argv)
{
	int argc = 0;

	while (*line) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			break;
		if (argc == ARGS_MAX)
			return -1;
		argv[argc++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
	return argc;
}

static int cmd_hi(int argc, char **argv)
{
	printf("hello from basic firmware on vCPU%u\n", arch_cpu_id());
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	struct basic_range free_ram[BASIC_MAX_FREE];
	unsigned int i, n;

	printf("arch %s, vCPU%u, counter %lu Hz\n", platform.arch,
	       arch_cpu_id(), arch_counter_freq());
	printf("image 0x%lx-0x%lx\n", platform.image_start, platform.image_end);
	printf("device tree 0x%lx, %u bytes\n",
	       (uint64_t)(uintptr_t)platform.fdt, platform.fdt_size);
	for (i = 0; i < platform.nr_ram; i++)
		printf("RAM 0x%lx-0x%lx (%lu MiB)\n", platform.ram[i].base,
		       platform.ram[i].base + platform.ram[i].size,
		       platform.ram[i].size / MiB);
	for (i = 0; i < platform.nr_reserved; i++)
		printf("reserved 0x%lx-0x%lx\n", platform.reserved[i].base,
		       platform.reserved[i].base + platform.reserved[i].size);
	n = basic_free_ram(free_ram, ARRAY_SIZE(free_ram));
	for (i = 0; i < n; i++)
		printf("free 0x%lx-0x%lx\n", free_ram[i].base,
		       free_ram[i].base + free_ram[i].size);
	for (i = 0; i < platform.nr_cpus; i++)
		printf("vCPU%u id 0x%lx%s\n", i, platform.cpu_hwid[i],
		       basic_cpu_online(i) ? " online" : "");
	arch_info();
	return 0;
}

static int read_addr_arg(int argc, char **argv, uint64_t def, uint64_t *addr)
{
	if (argc > 2 || (argc == 2 && !parse_u64(argv[1], addr)))
		return fail("bad address");
	if (argc < 2)
		*addr = def;
	if (*addr & 3)
		return fail("address 0x%lx is not 4-byte aligned", *addr);
	return 0;
}

static int cmd_probe(int argc, char **argv)
{
	struct basic_fault f;
	uint64_t addr;
	uint32_t v;

	if (argc != 2)
		return fail("usage: probe <addr>");
	if (read_addr_arg(argc, argv, 0, &addr))
		return -1;
	if (arch_try_read32(addr, &v, &f))
		printf("probe 0x%lx: value 0x%08x\n", addr, v);
	else
		printf("probe 0x%lx: abort (%s 0x%lx)\n", addr,
		       platform.syndrome_name, f.syndrome);
	return 0;
}

static uint64_t abort_default(void)
{
	return platform.abort_addr ? platform.abort_addr : 0x3f000000;
}

static int cmd_abort(int argc, char **argv)
{
	struct basic_fault f;
	uint64_t addr;
	uint32_t v;

	if (read_addr_arg(argc, argv, abort_default(), &addr))
		return -1;
	if (arch_try_read32(addr, &v, &f))
		return fail("no abort: 0x%lx read 0x%08x", addr, v);
	printf("abort at 0x%lx: %s 0x%lx %s 0x%lx\n", addr,
	       platform.syndrome_name, f.syndrome, platform.fault_addr_name,
	       f.addr);
	return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
	long rc = arch_poweroff();

	return fail("power-off call returned %ld", rc);
}

/* The partner of `bench switch`: give the CPU away for a while. */
static int cmd_yield_loop(int argc, char **argv)
{
	uint64_t secs, end, n = 0;

	if (argc < 2 || !parse_u64(argv[1], &secs) || !secs || secs > 3600)
		return fail("usage: yield-loop <seconds, 1 to 3600>");
	printf("yielding for %lu s\n", secs);
	end = arch_counter() + secs * arch_counter_freq();
	while (arch_counter() < end) {
		long r = arch_hyp_yield();

		if (r)
			return fail("yield hypercall returned %ld", r);
		n++;
	}
	printf("%lu yields\n", n);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct basic_command common_commands[] = {
	{ "help", "", "list the commands", cmd_help },
	{ "hi", "", "say hello from this vCPU", cmd_hi },
	{ "info", "", "show what the firmware found at boot", cmd_info },
	{ "memtest", "", "pattern-test the free RAM above the image",
	  cmd_memtest },
	{ "timer", "[hz] [count]", "periodic timer interrupts (100 Hz, 50)",
	  cmd_timer },
	{ "wfi", "", "sleep in WFI until a timer interrupt 10 ms ahead",
	  cmd_wfi },
	{ "timer-limits", "", "far-future and past timer deadlines",
	  cmd_timer_limits },
	{ "spin", "<seconds>", "keep every vCPU busy (no WFI, no exits)",
	  cmd_spin },
	{ "probe", "<addr>", "read 32 bits, report value or abort", cmd_probe },
	/* help_line() adds the default address, which the arch may set. */
	{ "abort", "[addr]", "expect an abort reading addr", cmd_abort },
	{ "bench", "<op> [n]", "median cost of an operation (see below)",
	  cmd_bench },
	{ "virtio", "", "virtio-mmio conformance run on every virtio device",
	  cmd_virtio },
	{ "virtio-hostile", "", "feed every virtio device malformed input",
	  cmd_virtio_hostile },
	{ "virtio-input", "", "a line typed into the virtio console, echoed",
	  cmd_virtio_input },
	{ "yield-loop", "<seconds>", "yield to other vCPUs (Keel) in a loop",
	  cmd_yield_loop },
	{ "yield-count", "<start> <window> <stop>",
	  "every vCPU yields, counted in a shared window (ms)",
	  cmd_yield_count },
	{ "lazy-state", "[rounds]",
	  "registers survive exits and the other vCPU (Keel)", cmd_lazy_state },
	{ "lazy-wake", "[rounds] [us]",
	  "timer and IPI wake-ups while vCPUs share a CPU", cmd_lazy_wake },
	{ "cpu-cycle", "[n]",
	  "vCPU1 powered on, FP used, powered off, n times (Keel only)",
	  cmd_cpu_cycle },
	{ "cmos", "", "MC146818 clock, RAM, setting the time (Keel)",
	  cmd_cmos },
	{ "pit", "", "8254 counters and port 0x61 (Keel)", cmd_pit },
	{ "finisher", "pass|fail <code>|reset",
	  "power off or reset through the SiFive test finisher", cmd_finisher },
	{ "acpi-pm", "[s5|reset]",
	  "ACPI PM timer; S5 or the reset register (Keel)", cmd_acpi_pm },
	{ "poweroff", "", "power the machine off", cmd_poweroff },
};

static void help_line(const struct basic_command *c)
{
	char usage[40];

	snprintf(usage, sizeof(usage), "%s %s", c->name, c->args);
	printf("  %-24s %s", usage, c->help);
	if (c->run == cmd_abort)
		printf(" (0x%lx)", abort_default());
	printf("\n");
}

static int cmd_help(int argc, char **argv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(common_commands); i++)
		help_line(&common_commands[i]);
	for (i = 0; i < arch_nr_commands; i++)
		help_line(&arch_commands[i]);
	bench_help();
	return 0;
}

static const struct basic_command *find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(common_commands); i++) {
		if (!strcmp(common_commands[i].name, name))
			return &common_commands[i];
	}
	for (i = 0; i < arch_nr_commands; i++) {
		if (!strcmp(arch_commands[i].name, name))
			return &arch_commands[i];
	}
	return NULL;
}

static void run_command(const struct basic_command *c, int argc, char **argv)
{
	failed = false;
	fail_reason[0] = '\0';
	result_name("%s", c->name);
	if (c->run(argc, argv) == 0 && !failed)
		printf("%s: PASS\n", result);
	else
		printf("%s: FAIL (%s)\n", result,
		       fail_reason[0] ? fail_reason : "no reason given");
}

static void run_line(char *line)
{
	const struct basic_command *c;
	char *argv[ARGS_MAX];
	int argc = split_args(line, argv);

	if (argc == 0)
		return;
	if (argc < 0) {
		printf("too many arguments\n");
		return;
	}
	c = find_command(argv[0]);
	if (c)
		run_command(c, argc, argv);
	else
		printf("unknown command\n");
}

/*
 * /chosen/bootargs as command lines separated by ';', each echoed after
 * a prompt as if typed: a guest started without anyone on its console
 * (many at once, for a benchmark) still runs what it was told.
 */
static void run_bootargs(void)
{
	static char line[LINE_MAX];
	const char *args;
	int len, i = 0;

	args = fdt_getprop_path(platform.fdt, "/chosen", "bootargs", &len);
	if (!args || len <= 0)
		return;
	while (i < len && args[i]) {
		unsigned int n = 0;

		for (; i < len && args[i] && args[i] != ';'; i++) {
			if (n + 1 < sizeof(line))
				line[n++] = args[i];
		}
		if (i < len && args[i] == ';')
			i++;
		line[n] = '\0';
		printf("basic# %s\n", line);
		run_line(line);
	}
}

void basic_main(void)
{
	static char line[LINE_MAX];

	printf("basic firmware (%s) on vCPU%u, %lu MiB RAM, %u vCPUs\n",
	       platform.arch, arch_cpu_id(), basic_ram_total() / MiB,
	       platform.nr_cpus);
	if (platform.fdt)
		run_bootargs();
	for (;;) {
		puts_raw("basic# ");
		read_line(line, sizeof(line));
		run_line(line);
	}
}
