// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 layer of the basic firmware: start-up, exceptions, the PL011
 * console, the virtual timer, PSCI, and the arm64-only commands and
 * benchmark operations.
 */
#include "arm64.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_ICR 0x44
#define UART_FR_RXFE (1U << 4)
#define UART_FR_TXFF (1U << 5)
#define UART_CR_ENABLE 0x301 /* UARTEN | TXE | RXE */
#define UART_INT_RX 0x50 /* RX and RX timeout */

#define CNTV_CTL_ENABLE 1
#define CNTV_CTL_IMASK 2
#define CNTV_CTL_ISTATUS 4

#define STACK_SIZE 16384

extern char _image_start[], _image_end[];
extern char secondary_entry[];
void arm64_main(uint64_t fdt);
void arm64_secondary_main(unsigned int cpu);
void arm64_exception(struct arm64_frame *f, uint64_t vector);
__noreturn void arm64_park(void);

uint8_t arm64_stacks[BASIC_MAX_CPUS][STACK_SIZE] __aligned(16);
const uint64_t arm64_stack_size = STACK_SIZE;

static uint64_t counter_freq;
static bool use_smc;
static bool gic_ok;

bool arch_try_read32(uint64_t addr, uint32_t *val, struct basic_fault *f)
{
	uint32_t v = 0;

	fault_catch_begin();
	__asm__ __volatile__("ldr %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	/* An SError for this read is asynchronous: let it in while armed. */
	dsb_sy();
	isb();
	if (fault_catch_end(f))
		return false;
	*val = v;
	return true;
}

uint64_t arch_mmio_read(uint64_t addr, unsigned int size)
{
	uint64_t v = 0;

	switch (size) {
	case 1:
		__asm__ __volatile__("ldrb %w0, [%1]"
				     : "+r"(v)
				     : "r"(addr)
				     : "memory");
		break;
	case 2:
		__asm__ __volatile__("ldrh %w0, [%1]"
				     : "+r"(v)
				     : "r"(addr)
				     : "memory");
		break;
	case 4:
		__asm__ __volatile__("ldr %w0, [%1]"
				     : "+r"(v)
				     : "r"(addr)
				     : "memory");
		break;
	default:
		__asm__ __volatile__("ldr %0, [%1]"
				     : "+r"(v)
				     : "r"(addr)
				     : "memory");
		break;
	}
	dsb_sy();
	return v;
}

void arch_mmio_write(uint64_t addr, unsigned int size, uint64_t val)
{
	dsb_sy();
	switch (size) {
	case 1:
		__asm__ __volatile__("strb %w0, [%1]" ::"r"(val), "r"(addr)
				     : "memory");
		break;
	case 2:
		__asm__ __volatile__("strh %w0, [%1]" ::"r"(val), "r"(addr)
				     : "memory");
		break;
	case 4:
		__asm__ __volatile__("str %w0, [%1]" ::"r"(val), "r"(addr)
				     : "memory");
		break;
	default:
		__asm__ __volatile__("str %0, [%1]" ::"r"(val), "r"(addr)
				     : "memory");
		break;
	}
}

void arch_mb(void)
{
	dsb_sy();
}

static const char *const vector_names[16] = {
	"sync (SP0)",	 "IRQ (SP0)",	 "FIQ (SP0)",	 "SError (SP0)",
	"sync",		 "IRQ",		 "FIQ",		 "SError",
	"sync (EL0)",	 "IRQ (EL0)",	 "FIQ (EL0)",	 "SError (EL0)",
	"sync (EL0 32)", "IRQ (EL0 32)", "FIQ (EL0 32)", "SError (EL0 32)",
};

void arm64_exception(struct arm64_frame *f, uint64_t vector)
{
	/* First, so that interrupt latency excludes the code below. */
	uint64_t now = arch_counter();
	unsigned int cpu = arch_cpu_id();
	uint64_t esr = 0, far = 0;

	if (vector == 5) {
		gic->handle_irq(now);
		return;
	}
	if (vector == 4 || vector == 7) {
		esr = read_sysreg(esr_el1);
		far = vector == 4 ? read_sysreg(far_el1) : 0;
		if (fault_catch_record(esr, far)) {
			/* Step over a synchronous fault; an SError has no PC. */
			if (vector == 4)
				f->elr += 4;
			return;
		}
	}
	printf("\nunexpected exception %s on vCPU%u: ESR 0x%lx ELR 0x%lx FAR 0x%lx SPSR 0x%lx\n",
	       vector_names[vector & 15], cpu, esr, f->elr, far, f->spsr);
	arch_halt();
}

/* ---- console: PL011, output polled, input by interrupt ---- */

static char rx_ring[256];
static unsigned int rx_head, rx_tail;

static void uart_drain(void)
{
	while (!(mmio_read32(UART_BASE + UART_FR) & UART_FR_RXFE)) {
		char c = (char)mmio_read32(UART_BASE + UART_DR);

		if (rx_head - rx_tail < sizeof(rx_ring))
			rx_ring[rx_head++ % sizeof(rx_ring)] = c;
	}
}

void arch_putc(char c)
{
	while (mmio_read32(UART_BASE + UART_FR) & UART_FR_TXFF)
		;
	mmio_write32(UART_BASE + UART_DR, (unsigned char)c);
}

int arch_getc(void)
{
	for (;;) {
		arch_irq_disable();
		/* Also polled, in case the interrupt path is what is broken. */
		uart_drain();
		if (rx_head != rx_tail) {
			int c = (unsigned char)
				rx_ring[rx_tail++ % sizeof(rx_ring)];

			arch_irq_enable();
			return c;
		}
		if (gic_ok)
			arch_wfi();
		arch_irq_enable();
		if (!gic_ok)
			arch_wfe();
	}
}

static void uart_init(void)
{
	uint32_t cr = mmio_read32(UART_BASE + UART_CR);

	if ((cr & UART_CR_ENABLE) != UART_CR_ENABLE)
		mmio_write32(UART_BASE + UART_CR, cr | UART_CR_ENABLE);
	mmio_write32(UART_BASE + UART_ICR, 0x7ff);
}

/* ---- time ---- */

uint64_t arch_counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/*
 * The physical count: Keel lets guests read it (CNTHCTL_EL2.EL1PCTEN), so
 * every guest of one machine sees the same value, unlike the virtual
 * count, which each guest's CNTVOFF starts at its creation.
 */
uint64_t arch_counter_shared(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t arch_counter_freq(void)
{
	return counter_freq;
}

void arch_timer_arm(uint64_t deadline)
{
	write_sysreg(deadline, cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
}

void arch_timer_nudge(uint64_t ticks)
{
	write_sysreg(arch_counter() + ticks, cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, cntv_ctl_el0);
	isb();
}

void arch_timer_stop(void)
{
	write_sysreg(0, cntv_ctl_el0);
	isb();
}

/* TVAL: CVAL = CNTVCT + TVAL sign-extended from 32 bits. */
void arch_timer_arm_relative(int64_t ticks)
{
	write_sysreg((uint32_t)ticks, cntv_tval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
}

bool arch_timer_pending(void)
{
	isb();
	return read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS;
}

/*
 * The virtual counter's event stream wakes WFE about every half
 * millisecond, which bounds every arch_wfe() pause without a timer.
 */
static void event_stream_init(void)
{
	uint64_t f = counter_freq / 1000, kctl;
	unsigned int bit = 0;

	while (bit < 15 && (2UL << bit) < f)
		bit++;
	kctl = read_sysreg(cntkctl_el1);
	kctl &= ~0xf0UL;
	kctl |= (uint64_t)(bit ? bit - 1 : 0) << 4 | 1 << 2;
	write_sysreg(kctl, cntkctl_el1);
	isb();
}

/* ---- interrupts, waiting, CPUs ---- */

void arch_irq_disable(void)
{
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
}

void arch_irq_enable(void)
{
	__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

void arch_wfi(void)
{
	__asm__ __volatile__("dsb sy\n\twfi" ::: "memory");
}

void arch_wfe(void)
{
	__asm__ __volatile__("wfe" ::: "memory");
}

void arch_sev(void)
{
	__asm__ __volatile__("dsb sy\n\tsev" ::: "memory");
}

void arch_spin_hint(void)
{
	__asm__ __volatile__("yield" ::: "memory");
}

unsigned int arch_cpu_id(void)
{
	return (unsigned int)read_sysreg(tpidr_el1);
}

void arm64_irq(unsigned int intid, uint64_t now)
{
	if (intid == INTID_VTIMER) {
		arm64_timer_irq_order(intid);
		/* Level-triggered: silence it before anyone re-arms it. */
		arch_timer_stop();
		basic_timer_irq(now);
	} else if (intid == INTID_PTIMER) {
		arm64_timer_irq_order(intid);
		arm64_ptimer_irq();
	} else if (intid == INTID_UART) {
		uart_drain();
		mmio_write32(UART_BASE + UART_ICR, UART_INT_RX);
	} else if (intid < 16) {
		basic_ipi_irq(intid, now);
	}
}

long psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC 1.0 lets the callee clobber x4..x17. */
	if (use_smc)
		__asm__ __volatile__("smc #0"
				     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				     :
				     : "x4", "x5", "x6", "x7", "x8", "x9",
				       "x10", "x11", "x12", "x13", "x14", "x15",
				       "x16", "x17", "memory");
	else
		__asm__ __volatile__("hvc #0"
				     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				     :
				     : "x4", "x5", "x6", "x7", "x8", "x9",
				       "x10", "x11", "x12", "x13", "x14", "x15",
				       "x16", "x17", "memory");
	/* PSCI results are 32-bit signed, also for the SMC64 calls. */
	return (int32_t)x0;
}

const char *psci_conduit(void)
{
	return use_smc ? "smc" : "hvc";
}

int arch_cpu_start(unsigned int cpu)
{
	return (int)psci_call(PSCI_CPU_ON, platform.cpu_hwid[cpu],
			      (uintptr_t)secondary_entry, cpu);
}

extern char cpu_cycle_entry[];

long arch_cpu_cycle_start(unsigned int cpu)
{
	return psci_call(PSCI_CPU_ON, platform.cpu_hwid[cpu],
			 (uintptr_t)cpu_cycle_entry, 0);
}

long arch_cpu_is_off(unsigned int cpu)
{
	return psci_call(PSCI_AFFINITY_INFO, platform.cpu_hwid[cpu], 0, 0) == 1;
}

void arch_ipi_send(unsigned int cpu, unsigned int kind)
{
	gic->send_sgi(cpu, kind);
}

long arch_poweroff(void)
{
	return psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void arch_halt(void)
{
	arm64_park();
}

void arch_info(void)
{
	printf("EL%lu, MIDR 0x%lx, MPIDR 0x%lx, SCTLR_EL1 0x%lx\n",
	       read_sysreg(CurrentEL) >> 2 & 3, read_sysreg(midr_el1),
	       read_sysreg(mpidr_el1), read_sysreg(sctlr_el1));
	printf("PSCI via %s, PMU: %s\n", psci_conduit(), pmu_status());
	printf("ID_AA64DFR0_EL1 0x%lx (PMUVer %lu)\n",
	       read_sysreg(id_aa64dfr0_el1),
	       read_sysreg(id_aa64dfr0_el1) >> 8 & 0xf);
	if (gic_ok)
		gic->info();
	else
		printf("no usable GIC\n");
}

/* ---- start-up ---- */

/* The booting CPU becomes vCPU 0, the others keep device-tree order. */
static void order_cpus(void)
{
	uint64_t me = mpidr_affinity(read_sysreg(mpidr_el1));
	unsigned int i;

	for (i = 0; i < platform.nr_cpus; i++) {
		if (platform.cpu_hwid[i] == me)
			break;
	}
	if (i == platform.nr_cpus) {
		/* Not listed: add it, dropping the last one if full. */
		if (platform.nr_cpus < BASIC_MAX_CPUS)
			platform.nr_cpus++;
		i = platform.nr_cpus - 1;
	}
	memmove(&platform.cpu_hwid[1], &platform.cpu_hwid[0],
		i * sizeof(platform.cpu_hwid[0]));
	platform.cpu_hwid[0] = me;
}

/*
 * CNTFRQ_EL0 is set by the firmware of the level above; a device tree
 * may say it instead (Linux reads /timer clock-frequency too).
 */
static void find_counter_freq(void)
{
	const uint8_t *p;
	int len;

	counter_freq = read_sysreg(cntfrq_el0) & 0xffffffff;
	if (counter_freq)
		return;
	p = fdt_getprop_path(platform.fdt, "/timer", "clock-frequency", &len);
	if (p && len == 4)
		counter_freq = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			       (uint32_t)p[2] << 8 | p[3];
	if (!counter_freq) {
		counter_freq = 62500000;
		printf("basic: counter frequency unknown, assuming %lu Hz\n",
		       counter_freq);
	}
}

static void find_conduit(void)
{
	int len;
	const char *m = fdt_getprop_path(platform.fdt, "/psci", "method", &len);

	use_smc = m && fdt_prop_has_string(m, len, "smc");
}

void arm64_main(uint64_t fdt)
{
	platform.arch = "arm64";
	platform.syndrome_name = "ESR";
	platform.fault_addr_name = "FAR";
	platform.image_start = (uintptr_t)_image_start;
	platform.image_end = (uintptr_t)_image_end;
	platform.reserved[platform.nr_reserved].base = platform.image_start;
	platform.reserved[platform.nr_reserved++].size =
		platform.image_end - platform.image_start;

	uart_init();
	if (fdt_scan((const void *)(uintptr_t)fdt, &platform))
		printf("basic: no valid device tree at 0x%lx\n", fdt);
	order_cpus();
	find_counter_freq();
	find_conduit();
	event_stream_init();
	arch_timer_stop();

	gic_ok = !gic_init_distributor() && !gic->init_cpu();
	platform.irq_ok = gic_ok;
	if (gic_ok) {
		gic->enable_spi(INTID_UART);
		mmio_write32(UART_BASE + UART_IMSC, UART_INT_RX);
	} else {
		printf("basic: GIC set-up failed, console input polled\n");
	}
	/* SErrors and IRQs from here on. */
	__asm__ __volatile__("msr daifclr, #6" ::: "memory");
	basic_main();
}

void arm64_secondary_main(unsigned int cpu)
{
	event_stream_init();
	arch_timer_stop();
	if (!gic || gic->init_cpu())
		arch_halt();
	__asm__ __volatile__("msr daifclr, #4" ::: "memory");
	basic_secondary_main(cpu);
}

/* ---- arm64 commands ---- */

static uint32_t pl031_read(void)
{
	return mmio_read32(RTC_BASE);
}

static int cmd_rtc(int argc, char **argv)
{
	return test_rtc(pl031_read);
}

static int cmd_sgi(int argc, char **argv)
{
	return test_ipi();
}

static const struct {
	const char *name;
	uint64_t id;
} psci_functions[] = {
	{ "CPU_ON", PSCI_CPU_ON },
	{ "CPU_OFF", PSCI_CPU_OFF },
	{ "AFFINITY_INFO", PSCI_AFFINITY_INFO },
	{ "SYSTEM_OFF", PSCI_SYSTEM_OFF },
	{ "SYSTEM_RESET", PSCI_SYSTEM_RESET },
};

static int cmd_psci(int argc, char **argv)
{
	long v = psci_call(PSCI_VERSION, 0, 0, 0);
	unsigned long major, minor;
	unsigned int i;

	if (v < 0)
		return fail("PSCI_VERSION returned %ld", v);
	major = (unsigned long)v >> 16;
	minor = (unsigned long)v & 0xffff;
	printf("psci version %lu.%lu via %s\n", major, minor, psci_conduit());
	/* PSCI_FEATURES exists from 1.0 on. */
	for (i = 0; major >= 1 && i < ARRAY_SIZE(psci_functions); i++) {
		long r = psci_call(PSCI_FEATURES, psci_functions[i].id, 0, 0);

		printf("psci feature %s (0x%08lx): %s (%ld)\n",
		       psci_functions[i].name, psci_functions[i].id,
		       r >= 0 ? "supported" : "not supported", r);
	}
	for (i = 0; i < platform.nr_cpus; i++)
		printf("psci vCPU%u affinity info %ld\n", i,
		       psci_call(PSCI_AFFINITY_INFO, platform.cpu_hwid[i], 0,
				 0));
	if (major == 0 && minor < 2)
		return fail("version %lu.%lu is older than 0.2", major, minor);
	return 0;
}

const struct basic_command arch_commands[] = {
	{ "mmu", "", "identity map on, caches on, RO page faults, off again",
	  cmd_mmu },
	{ "sgi", "", "SGIs to every vCPU and back (starts secondaries)",
	  cmd_sgi },
	{ "rtc", "", "PL031 advances by 1-2 s in 1.1 s", cmd_rtc },
	{ "psci", "", "PSCI version (>= 0.2) and features", cmd_psci },
	{ "mark", "<value>",
	  "write value to CNTP_CVAL, PMU counters, DBGBVR1/DBGWVR1", cmd_mark },
	{ "leak", "<value>", "none of the registers mark writes holds value",
	  cmd_leak },
	{ "ptimer", "[rounds]",
	  "EL1 physical timer: TVAL, CVAL, ISTATUS, IMASK, far CVAL",
	  cmd_ptimer },
};
const unsigned int arch_nr_commands = ARRAY_SIZE(arch_commands);

/* ---- arm64 benchmark operations ---- */

/* Out of line so that the register variable cannot be clobbered. */
static __attribute__((noinline)) uint64_t hvc_call(uint64_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;

	__asm__ __volatile__("hvc #0"
			     : "+r"(x0)
			     :
			     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8",
			       "x9", "x10", "x11", "x12", "x13", "x14", "x15",
			       "x16", "x17", "memory");
	return x0;
}

/* Keel's vendor-specific hypervisor call (SMCCC owner 6, function 1). */
#define KEEL_HYP_YIELD 0x86000001UL

long arch_hyp_yield(void)
{
	struct basic_fault f;
	uint64_t r;

	/* Without EL2, HVC is an undefined instruction. */
	fault_catch_begin();
	r = hvc_call(KEEL_HYP_YIELD);
	if (fault_catch_end(&f))
		return -1;
	return (long)(int32_t)r;
}

static int hvc_run(struct bench_sample *s)
{
	struct basic_fault f;
	uint64_t r;

	fault_catch_begin();
	bench_begin(s);
	r = hvc_call(0x86000000);
	bench_end(s);
	if (fault_catch_end(&f))
		return fail("HVC raised an exception, ESR 0x%lx", f.syndrome);
	/* An SMC32/HVC32 result lives in w0. */
	if ((uint32_t)r != 0xffffffff)
		return fail("HVC 0x86000000 returned 0x%lx, not -1", r);
	return 0;
}

/*
 * PSCI_VERSION through the conduit /psci names: HVC under Keel, which
 * answers it itself, and on bare QEMU's virt without EL2 and EL3, where
 * QEMU answers the HVC.
 */
static int psci_version_run(struct bench_sample *s)
{
	long v;

	bench_begin(s);
	v = psci_call(PSCI_VERSION, 0, 0, 0);
	bench_end(s);
	if (v < 2)
		return fail("PSCI_VERSION returned %ld, not 0.2 or later", v);
	return 0;
}

static int mmio_read_run(struct bench_sample *s)
{
	bench_begin(s);
	mmio_read32(UART_BASE + UART_FR);
	bench_end(s);
	return 0;
}

/* GICD_IIDR: at 0x008 in GICv2 and GICv3 distributors alike. */
#define GICD_IIDR 0x008

static int gicd_read_run(struct bench_sample *s)
{
	bench_begin(s);
	mmio_read32(GICD_BASE + GICD_IIDR);
	bench_end(s);
	return 0;
}

static int zero_read_run(struct bench_sample *s)
{
	uint32_t v;

	bench_begin(s);
	v = mmio_read32(bench_zero_base);
	bench_end(s);
	return v ? fail("keel,zero window read 0x%x", v) : 0;
}

static uint32_t imsc;

static int mmio_write_prepare(void)
{
	imsc = mmio_read32(UART_BASE + UART_IMSC);
	return 0;
}

static int mmio_write_run(struct bench_sample *s)
{
	bench_begin(s);
	mmio_write32(UART_BASE + UART_IMSC, imsc);
	bench_end(s);
	return 0;
}

/* A refused device access (basic.h): an external abort. */
const bool arch_refused_access_faults = true;

const struct bench_op arch_bench_ops[] = {
	{ "hvc", "HVC 0x86000000 (unknown), must return -1", NULL, hvc_run,
	  true },
	{ "psci-version", "PSCI_VERSION via /psci's conduit, must be >= 0.2",
	  NULL, psci_version_run, true },
	{ "mmio-read", "read PL011 UARTFR", NULL, mmio_read_run, true },
	{ "mmio-write", "write PL011 UARTIMSC, unchanged", mmio_write_prepare,
	  mmio_write_run, true },
	{ "gicd-read", "read GICD_IIDR", NULL, gicd_read_run, true },
	{ "zero-read", "read a keel,zero window, must be 0", bench_zero_prepare,
	  zero_read_run, true },
};
const unsigned int arch_nr_bench_ops = ARRAY_SIZE(arch_bench_ops);
