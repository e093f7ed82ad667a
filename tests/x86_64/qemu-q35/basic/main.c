// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 layer of the basic firmware: start-up, exceptions and
 * interrupts, the NS16550 console (in I/O ports or MMIO), the local APIC's
 * timer and IPIs with the TSC as counter, CPUs started by INIT and
 * start-up IPIs, the I/O APIC for the console's line, VMMCALL, and the
 * x86 commands and benchmark operations.
 *
 * Device addresses come from the device tree. An ISA bus's I/O space
 * (<1 port> in its two address cells) reads as 1 << 32 | port, an
 * address above the 4 GiB the firmware maps: arch_mmio_read() and
 * arch_mmio_write() turn such addresses into IN and OUT, so the common
 * drivers (CMOS, PIT, ACPI PM) reach their ports as other arches reach
 * their MMIO windows.
 */
#include "commands.h"
#include "x86.h"

#define ISA_IO_SPACE (1UL << 32)
#define ISA_PORT_MASK 0xffffUL

/* NS16550 registers, one apart. */
#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_LCR 3
#define UART_LSR 5
#define UART_IER_RDI 0x01
#define UART_FCR_FIFO 0x07
#define UART_LCR_DLAB 0x80
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

/* I/O APIC: an index register and a data window. */
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_VERSION 0x01
#define IOAPIC_ROUTE(gsi) (0x10 + 2 * (gsi))
#define IOAPIC_LEVEL 0x8000

/* Keel's CPUID leaves (docs/x86_64.md). */
#define CPUID_HYP_BASE 0x40000000U
#define CPUID_HYP_TIMING 0x40000010U
#define CPUID1_ECX_HYPERVISOR (1U << 31)
#define KEEL_HYP_YIELD 0x86000001UL

/* A hole in q35-like guest maps: between RAM and the devices' gigabyte. */
#define ABORT_DEFAULT 0x80000000UL

extern char _image_start[], _image_end[];
extern char x86_vectors[], cpu_cycle_entry[];
extern uint64_t ap_target, ap_stack;
extern uint32_t ap_cpu, ap_started;

uint8_t x86_stacks[BASIC_MAX_CPUS][STACK_SIZE] __aligned(16);
/* Whether CPU n is off (halted after cpu-cycle, or never started). */
volatile uint32_t x86_cpu_off[BASIC_MAX_CPUS];
/* The interrupted state of the interrupt each CPU is handling. */
struct x86_frame *x86_irq_frame[BASIC_MAX_CPUS];

uint64_t lapic_base = 0xfee00000;
static uint64_t uart_base = ISA_IO_SPACE | 0x3f8;
static uint32_t uart_gsi;
static uint64_t ioapic_base;
static bool uart_irq_ok;
static uint64_t tsc_hz, bus_hz;
/* Bus ticks per TSC tick, in 32.32 fixed point. */
static uint64_t bus_per_tsc;
static bool under_keel;

static uint64_t timer_deadline[BASIC_MAX_CPUS];
static bool timer_armed[BASIC_MAX_CPUS];

struct idt_gate {
	uint16_t offset_lo, selector;
	uint8_t ist, type;
	uint16_t offset_mid;
	uint32_t offset_hi, zero;
};

static struct idt_gate idt[256] __aligned(16);

/* ---- device access ---- */

/*
 * Each access that may fault is one instruction with a fixup entry: the
 * trap handler resumes at the entry's second address (faults.c records
 * the fault).
 */
struct fixup {
	uint64_t insn, resume;
};
extern const struct fixup __fixup_start[], __fixup_end[];

#define FIXUP(insn)                    \
	"1: " insn "\n2:\n"            \
	".pushsection .fixup, \"a\"\n" \
	".balign 8\n.quad 1b, 2b\n.popsection\n"

static bool is_port(uint64_t addr)
{
	return (addr & ~ISA_PORT_MASK) == ISA_IO_SPACE;
}

uint64_t arch_mmio_read(uint64_t addr, unsigned int size)
{
	volatile void *p = (volatile void *)(uintptr_t)addr;
	uint64_t v = ~0ULL;
	uint16_t port = (uint16_t)addr;

	if (is_port(addr)) {
		uint32_t w = 0;

		if (size == 1)
			__asm__ __volatile__("inb %w1, %b0"
					     : "+a"(w)
					     : "Nd"(port)
					     : "memory");
		else if (size == 2)
			__asm__ __volatile__("inw %w1, %w0"
					     : "+a"(w)
					     : "Nd"(port)
					     : "memory");
		else
			__asm__ __volatile__("inl %w1, %0"
					     : "+a"(w)
					     : "Nd"(port)
					     : "memory");
		return w;
	}
	switch (size) {
	case 1:
		__asm__ __volatile__(FIXUP("movzbq (%1), %0")
				     : "+r"(v)
				     : "r"(p)
				     : "memory");
		break;
	case 2:
		__asm__ __volatile__(FIXUP("movzwq (%1), %0")
				     : "+r"(v)
				     : "r"(p)
				     : "memory");
		break;
	case 4:
		__asm__ __volatile__(FIXUP("movl (%1), %k0")
				     : "+r"(v)
				     : "r"(p)
				     : "memory");
		break;
	default:
		__asm__ __volatile__(FIXUP("movq (%1), %0")
				     : "+r"(v)
				     : "r"(p)
				     : "memory");
		break;
	}
	return v;
}

void arch_mmio_write(uint64_t addr, unsigned int size, uint64_t val)
{
	volatile void *p = (volatile void *)(uintptr_t)addr;
	uint16_t port = (uint16_t)addr;

	if (is_port(addr)) {
		if (size == 1)
			__asm__ __volatile__("outb %b0, %w1" ::"a"(val),
					     "Nd"(port)
					     : "memory");
		else if (size == 2)
			__asm__ __volatile__("outw %w0, %w1" ::"a"(val),
					     "Nd"(port)
					     : "memory");
		else
			__asm__ __volatile__("outl %k0, %w1" ::"a"(val),
					     "Nd"(port)
					     : "memory");
		return;
	}
	switch (size) {
	case 1:
		__asm__ __volatile__(FIXUP("movb %b0, (%1)")::"r"(val), "r"(p)
				     : "memory");
		break;
	case 2:
		__asm__ __volatile__(FIXUP("movw %w0, (%1)")::"r"(val), "r"(p)
				     : "memory");
		break;
	case 4:
		__asm__ __volatile__(FIXUP("movl %k0, (%1)")::"r"(val), "r"(p)
				     : "memory");
		break;
	default:
		__asm__ __volatile__(FIXUP("movq %0, (%1)")::"r"(val), "r"(p)
				     : "memory");
		break;
	}
}

void arch_mb(void)
{
	__asm__ __volatile__("mfence" ::: "memory");
}

bool arch_try_read32(uint64_t addr, uint32_t *val, struct basic_fault *f)
{
	fault_catch_begin();
	*val = (uint32_t)arch_mmio_read(addr, 4);
	return !fault_catch_end(f);
}

/* ---- console: NS16550, output polled, input by interrupt ---- */

static uint8_t uart_read(unsigned int reg)
{
	return (uint8_t)arch_mmio_read(uart_base + reg, 1);
}

static void uart_write(unsigned int reg, uint8_t v)
{
	arch_mmio_write(uart_base + reg, 1, v);
}

static char rx_ring[256];
static unsigned int rx_head, rx_tail;

static void uart_drain(void)
{
	while (uart_read(UART_LSR) & UART_LSR_DR) {
		char c = (char)uart_read(UART_RBR);

		if (rx_head - rx_tail < sizeof(rx_ring))
			rx_ring[rx_head++ % sizeof(rx_ring)] = c;
	}
}

void arch_putc(char c)
{
	while (!(uart_read(UART_LSR) & UART_LSR_THRE))
		;
	uart_write(UART_THR, (uint8_t)c);
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
		if (uart_irq_ok)
			arch_wfi();
		arch_irq_enable();
		if (!uart_irq_ok)
			arch_wfe();
	}
}

static void uart_init(void)
{
	uint8_t lcr = uart_read(UART_LCR);

	if (lcr & UART_LCR_DLAB)
		uart_write(UART_LCR, lcr & ~UART_LCR_DLAB);
	uart_write(UART_IER, 0);
	uart_write(UART_FCR, UART_FCR_FIFO);
}

/* ---- time: the TSC counts, the local APIC's timer interrupts ---- */

uint64_t arch_counter(void)
{
	return rdtsc();
}

/* Keel gives each guest its own TSC offset: no count all guests share. */
uint64_t arch_counter_shared(void)
{
	return rdtsc();
}

uint64_t arch_counter_freq(void)
{
	return tsc_hz;
}

/* The bus clock's ticks for `tsc` TSC ticks, at most the 32-bit count. */
static uint32_t bus_ticks(uint64_t tsc)
{
	unsigned __int128 t = (unsigned __int128)tsc * bus_per_tsc >> 32;

	if (t == 0)
		return 1;
	return t > 0xffffffffU ? 0xffffffffU : (uint32_t)t;
}

/*
 * One-shot from now to the deadline, or as far as the 32-bit count goes
 * (about 4 s at 1 GHz): the handler arms it again until the deadline.
 */
static void timer_program(unsigned int cpu)
{
	uint64_t now = rdtsc(), deadline = timer_deadline[cpu];
	uint64_t left = deadline > now ? deadline - now : 0;

	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);
	lapic_write(LAPIC_TIMER_INITIAL, bus_ticks(left));
}

void arch_timer_arm(uint64_t deadline)
{
	unsigned int cpu = arch_cpu_id();

	timer_deadline[cpu] = deadline;
	timer_armed[cpu] = true;
	timer_program(cpu);
}

void arch_timer_arm_relative(int64_t ticks)
{
	arch_timer_arm(rdtsc() + (uint64_t)ticks);
}

void arch_timer_nudge(uint64_t ticks)
{
}

void arch_timer_stop(void)
{
	timer_armed[arch_cpu_id()] = false;
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VEC_TIMER);
}

/*
 * The local APIC has no condition bit: the deadline armed has passed,
 * which is when its interrupt is (or was) raised. Deadlines compare
 * unsigned, as arm64's CVAL and riscv's stimecmp do.
 */
bool arch_timer_pending(void)
{
	unsigned int cpu = arch_cpu_id();

	return timer_armed[cpu] && rdtsc() >= timer_deadline[cpu];
}

/* ---- interrupts, waiting, CPUs ---- */

void arch_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

void arch_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

/*
 * HLT with interrupts off sleeps through them: enable them for the HLT
 * only (STI's shadow covers the gap); the interrupt is taken in the HLT.
 */
void arch_wfi(void)
{
	__asm__ __volatile__("sti; hlt; cli" ::: "memory");
}

/* x86 has no event to wait on: pause briefly, then the caller polls. */
void arch_wfe(void)
{
	for (unsigned int i = 0; i < 16; i++)
		__asm__ __volatile__("pause" ::: "memory");
}

void arch_sev(void)
{
	__asm__ __volatile__("mfence" ::: "memory");
}

void arch_spin_hint(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

/* Each CPU runs on its own stack in x86_stacks: the stack says which. */
unsigned int arch_cpu_id(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	return (unsigned int)((sp - (uintptr_t)x86_stacks) / STACK_SIZE);
}

static void timer_irq(unsigned int cpu, uint64_t now)
{
	if (!timer_armed[cpu])
		return;
	if (now < timer_deadline[cpu]) {
		/* A step of a deadline further than one count reaches. */
		timer_program(cpu);
		return;
	}
	arch_timer_stop();
	basic_timer_irq(now);
}

static void uart_irq(void)
{
	uart_read(UART_IIR);
	uart_drain();
}

static const char *const exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "?9",  "#TS", "#NP", "#SS", "#GP", "#PF", "?15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void x86_trap(struct x86_frame *f)
{
	/* First, so that interrupt latency excludes the code below. */
	uint64_t now = rdtsc();
	unsigned int cpu = arch_cpu_id();
	struct x86_frame *outer;
	uint64_t cr2;

	if (f->vector >= 32) {
		outer = x86_irq_frame[cpu];
		x86_irq_frame[cpu] = f;
		if (f->vector == VEC_TIMER)
			timer_irq(cpu, now);
		else if (f->vector >= VEC_IPI_BASE &&
			 f->vector < VEC_IPI_BASE + 16)
			basic_ipi_irq((unsigned int)f->vector - VEC_IPI_BASE,
				      now);
		else if (f->vector == VEC_UART)
			uart_irq();
		x86_irq_frame[cpu] = outer;
		if (f->vector != VEC_SPURIOUS)
			lapic_write(LAPIC_EOI, 0);
		return;
	}
	__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
	for (const struct fixup *x = __fixup_start; x < __fixup_end; x++) {
		if (x->insn == f->rip &&
		    fault_catch_record(f->vector << 32 | f->error,
				       f->vector == 14 ? cr2 : 0)) {
			f->rip = x->resume;
			return;
		}
	}
	printf("\nunexpected %s (vector %lu) on vCPU%u: error 0x%lx rip 0x%lx cr2 0x%lx rflags 0x%lx\n",
	       f->vector < 32 && exception_names[f->vector] ?
		       exception_names[f->vector] :
		       "exception",
	       f->vector, cpu, f->error, f->rip, cr2, f->rflags);
	arch_halt();
}

static void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++) {
		uint64_t a = (uintptr_t)x86_vectors + 16 * v;

		idt[v] = (struct idt_gate){
			.offset_lo = (uint16_t)a,
			.selector = SEL_CODE64,
			.type = 0x8e, /* present, interrupt gate */
			.offset_mid = (uint16_t)(a >> 16),
			.offset_hi = (uint32_t)(a >> 32),
		};
	}
}

static void idt_load(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} ptr = { sizeof(idt) - 1, (uintptr_t)idt };

	__asm__ __volatile__("lidt %0" ::"m"(ptr));
}

static void lapic_init(void)
{
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_1);
	arch_timer_stop();
}

static uint32_t apic_id_of(unsigned int cpu)
{
	return (uint32_t)platform.cpu_hwid[cpu];
}

static void icr_send(uint32_t apic_id, uint32_t lo)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, lo);
	while (lapic_read(LAPIC_ICR_LO) & LAPIC_ICR_PENDING)
		arch_spin_hint();
}

/* INIT, then start-up IPIs until the CPU has read its parameters. */
static int start_cpu_at(unsigned int cpu, void (*fn)(unsigned int))
{
	uint64_t give_up;

	if (cpu >= platform.nr_cpus || cpu == 0)
		return -1;
	ap_target = (uintptr_t)fn;
	ap_stack = (uintptr_t)x86_stacks[cpu + 1];
	ap_cpu = cpu;
	WRITE_ONCE(ap_started, 0);
	arch_mb();
	icr_send(apic_id_of(cpu), LAPIC_ICR_INIT);
	for (unsigned int tries = 0; tries < 2; tries++) {
		icr_send(apic_id_of(cpu), LAPIC_ICR_STARTUP | TRAMPOLINE >> 12);
		give_up = rdtsc() + tsc_hz / 2;
		while ((int64_t)(rdtsc() - give_up) < 0)
			if (READ_ONCE(ap_started))
				return 0;
	}
	return -2;
}

static void secondary_entry(unsigned int cpu)
{
	x86_secondary_main(cpu);
}

int arch_cpu_start(unsigned int cpu)
{
	if (cpu < BASIC_MAX_CPUS)
		x86_cpu_off[cpu] = 0;
	return start_cpu_at(cpu, secondary_entry);
}

long arch_cpu_cycle_start(unsigned int cpu)
{
	if (cpu >= BASIC_MAX_CPUS)
		return -1;
	x86_cpu_off[cpu] = 0;
	return start_cpu_at(cpu, (void (*)(unsigned int))cpu_cycle_entry);
}

long arch_cpu_is_off(unsigned int cpu)
{
	return cpu < BASIC_MAX_CPUS && READ_ONCE(x86_cpu_off[cpu]);
}

void arch_ipi_send(unsigned int cpu, unsigned int kind)
{
	icr_send(apic_id_of(cpu), VEC_IPI_BASE + kind);
}

static long vmmcall(uint64_t fn)
{
	uint64_t rax = fn;

	__asm__ __volatile__("vmmcall" : "+a"(rax)::"memory");
	return (long)rax;
}

long arch_hyp_yield(void)
{
	return vmmcall(KEEL_HYP_YIELD);
}

long arch_poweroff(void)
{
	return acpi_pm_poweroff();
}

void arch_halt(void)
{
	x86_park();
}

/* No performance counter a guest may read (Keel intercepts its MSRs). */
bool arch_inst_counter_start(void)
{
	return false;
}

uint32_t arch_inst_count(void)
{
	return 0;
}

/* ---- what the machine has ---- */

static void find_timing(void)
{
	struct cpuid_regs r = cpuid(1, 0), h;

	if (r.ecx & CPUID1_ECX_HYPERVISOR) {
		h = cpuid(CPUID_HYP_BASE, 0);
		under_keel = h.ebx == 0x6c65654b; /* "Keel" */
		if (h.eax >= CPUID_HYP_TIMING) {
			h = cpuid(CPUID_HYP_TIMING, 0);
			tsc_hz = (uint64_t)h.eax * 1000;
			bus_hz = (uint64_t)h.ebx * 1000;
			if (tsc_hz)
				bus_per_tsc = (bus_hz << 32) / tsc_hz;
		}
	}
}

static void find_devices(void)
{
	struct basic_range r;
	uint32_t irq;

	if (!fdt_find_compatible(platform.fdt, "keel,x86-lapic", &r, NULL))
		lapic_base = r.base;
	if (!fdt_find_compatible(platform.fdt, "keel,x86-ioapic", &r, NULL))
		ioapic_base = r.base;
	if (!fdt_find_compatible(platform.fdt, "ns16550a", &r, &irq)) {
		uart_base = r.base;
		uart_gsi = irq;
	}
}

static uint32_t ioapic_read(unsigned int reg)
{
	mmio_write32(ioapic_base + IOAPIC_REGSEL, reg);
	return mmio_read32(ioapic_base + IOAPIC_WIN);
}

static void ioapic_write(unsigned int reg, uint32_t v)
{
	mmio_write32(ioapic_base + IOAPIC_REGSEL, reg);
	mmio_write32(ioapic_base + IOAPIC_WIN, v);
}

/* The console's line (level, as Keel's NS16550 drives it) to CPU 0. */
static void uart_irq_init(void)
{
	if (!ioapic_base || !uart_gsi ||
	    uart_gsi > (ioapic_read(IOAPIC_VERSION) >> 16 & 0xff))
		return;
	ioapic_write(IOAPIC_ROUTE(uart_gsi) + 1, apic_id_of(0) << 24);
	ioapic_write(IOAPIC_ROUTE(uart_gsi), IOAPIC_LEVEL | VEC_UART);
	uart_write(UART_IER, UART_IER_RDI);
	uart_irq_ok = true;
}

void arch_info(void)
{
	unsigned int cpu = arch_cpu_id();
	struct cpuid_regs h = cpuid(CPUID_HYP_BASE, 0);
	char sig[13];

	memcpy(sig, &h.ebx, 4);
	memcpy(sig + 4, &h.ecx, 4);
	memcpy(sig + 8, &h.edx, 4);
	sig[12] = '\0';
	printf("long mode, APIC id %u, cr0 0x%lx cr4 0x%lx rflags 0x%lx\n",
	       lapic_read(LAPIC_ID) >> 24, read_cr(0), read_cr(4),
	       read_rflags());
	printf("hypervisor \"%s\", TSC %lu kHz, APIC bus %lu kHz\n", sig,
	       tsc_hz / 1000, bus_hz / 1000);
	printf("local APIC 0x%lx version 0x%x, vCPU%u TPR %u\n", lapic_base,
	       lapic_read(LAPIC_VERSION), cpu, lapic_read(LAPIC_TPR));
	if (ioapic_base)
		printf("I/O APIC 0x%lx version 0x%x\n", ioapic_base,
		       ioapic_read(IOAPIC_VERSION));
	printf("UART NS16550 %s 0x%lx GSI %u, console input %s\n",
	       is_port(uart_base) ? "port" : "MMIO",
	       uart_base & (is_port(uart_base) ? ISA_PORT_MASK : ~0UL),
	       uart_gsi, uart_irq_ok ? "by interrupt" : "polled");
}

/* ---- start-up ---- */

static void cpu_setup(void)
{
	idt_load();
	lapic_init();
}

void x86_main(uint32_t fdt)
{
	platform.arch = "x86_64";
	platform.syndrome_name = "vector/error";
	platform.fault_addr_name = "cr2";
	platform.abort_addr = ABORT_DEFAULT;
	platform.image_start = (uintptr_t)_image_start;
	platform.image_end = (uintptr_t)_image_end;
	platform.reserved[platform.nr_reserved].base = platform.image_start;
	platform.reserved[platform.nr_reserved++].size =
		platform.image_end - platform.image_start;

	idt_init();
	if (fdt_scan((const void *)(uintptr_t)fdt, &platform))
		fdt = 0;
	find_devices();
	uart_init();
	if (!fdt)
		printf("basic: no valid device tree\n");
	find_timing();
	if (!tsc_hz || !bus_hz) {
		printf("basic: no TSC and APIC bus frequencies in CPUID 0x%x: "
		       "this firmware runs under Keel only\n",
		       CPUID_HYP_TIMING);
		arch_halt();
	}
	if (!platform.nr_cpus) {
		platform.cpu_hwid[0] = 0;
		platform.nr_cpus = 1;
	}
	for (unsigned int cpu = 1; cpu < platform.nr_cpus; cpu++)
		x86_cpu_off[cpu] = 1;
	cpu_setup();
	uart_irq_init();
	platform.irq_ok = true;
	arch_irq_enable();
	basic_main();
}

void x86_secondary_main(unsigned int cpu)
{
	cpu_setup();
	basic_secondary_main(cpu);
}

/* ---- x86 commands ---- */

static int cmd_ipi(int argc, char **argv)
{
	return test_ipi();
}

/*
 * What the hypervisor tells and answers: CPUID's leaves (the hypervisor
 * bit, Keel's signature and timing leaf, no VMX or SVM for a guest, a
 * local APIC), VMMCALL of an unknown number (-ENOSYS) and Keel's yield.
 */
static int cmd_hyp(int argc, char **argv)
{
	struct cpuid_regs r = cpuid(1, 0), h = cpuid(CPUID_HYP_BASE, 0);
	long unknown = vmmcall(0), yield = arch_hyp_yield();

	printf("hyp: leaf 1 ecx 0x%x edx 0x%x, hypervisor leaves to 0x%x, "
	       "TSC %lu kHz, bus %lu kHz\n",
	       r.ecx, r.edx, h.eax, tsc_hz / 1000, bus_hz / 1000);
	printf("hyp: VMMCALL 0 returned %ld, yield %ld\n", unknown, yield);
	if (!(r.ecx & CPUID1_ECX_HYPERVISOR))
		return fail("leaf 1 does not say hypervisor");
	if (!under_keel)
		return fail("leaf 0x40000000 does not say Keel");
	if (r.ecx & (1U << 5))
		return fail("VMX offered to a guest");
	if (cpuid(0x80000001, 0).ecx & (1U << 2))
		return fail("SVM offered to a guest");
	if (!(r.edx & (1U << 9)))
		return fail("no local APIC in leaf 1");
	if (unknown != -38)
		return fail("VMMCALL 0 returned %ld, not -ENOSYS (-38)",
			    unknown);
	if (yield)
		return fail("the yield hypercall returned %ld", yield);
	return 0;
}

static volatile uint64_t tsc_seen[BASIC_MAX_CPUS];

static void tsc_record(unsigned int cpu)
{
	tsc_seen[cpu] = rdtsc();
}

/*
 * Every vCPU's TSC read between two of vCPU0's, around a run on it: one
 * time base for the guest, as Keel's single TSC offset per guest gives.
 */
static int cmd_tsc(int argc, char **argv)
{
	uint64_t before, after;

	for (unsigned int cpu = 1; cpu < platform.nr_cpus; cpu++) {
		tsc_seen[cpu] = 0;
		before = rdtsc();
		if (basic_run_on(cpu, tsc_record))
			return -1;
		if (!basic_run_wait(cpu, tsc_hz))
			return fail("vCPU%u did not run", cpu);
		after = rdtsc();
		printf("tsc: vCPU0 0x%lx, vCPU%u 0x%lx, vCPU0 0x%lx\n", before,
		       cpu, tsc_seen[cpu], after);
		if (tsc_seen[cpu] < before || tsc_seen[cpu] > after)
			return fail("vCPU%u's TSC is not between vCPU0's", cpu);
	}
	return 0;
}

const struct basic_command arch_commands[] = {
	{ "tsc", "", "every vCPU's TSC in step with vCPU0's", cmd_tsc },
	{ "ipi", "", "IPIs to every vCPU and back (starts secondaries)",
	  cmd_ipi },
	{ "hyp", "", "CPUID's hypervisor leaves, VMMCALL's answers", cmd_hyp },
};
const unsigned int arch_nr_commands = ARRAY_SIZE(arch_commands);

/* ---- x86 benchmark operations ---- */

static int vmmcall_run(struct bench_sample *s)
{
	long r;

	bench_begin(s);
	r = vmmcall(0);
	bench_end(s);
	return r == -38 ? 0 : fail("VMMCALL 0 returned %ld, not -38", r);
}

/* A query the hypervisor answers itself: its CPUID leaf. */
static int cpuid_run(struct bench_sample *s)
{
	struct cpuid_regs r;

	bench_begin(s);
	r = cpuid(CPUID_HYP_BASE, 0);
	bench_end(s);
	return r.eax >= CPUID_HYP_BASE ?
		       0 :
		       fail("CPUID 0x40000000 gave 0x%x", r.eax);
}

static int port_read_run(struct bench_sample *s)
{
	bench_begin(s);
	uart_read(UART_LSR);
	bench_end(s);
	return 0;
}

static int ioapic_prepare(void)
{
	if (!ioapic_base)
		return fail("no I/O APIC in the device tree");
	mmio_write32(ioapic_base + IOAPIC_REGSEL, IOAPIC_VERSION);
	return 0;
}

static int mmio_read_run(struct bench_sample *s)
{
	bench_begin(s);
	mmio_read32(ioapic_base + IOAPIC_WIN);
	bench_end(s);
	return 0;
}

static int mmio_write_run(struct bench_sample *s)
{
	bench_begin(s);
	mmio_write32(ioapic_base + IOAPIC_REGSEL, IOAPIC_VERSION);
	bench_end(s);
	return 0;
}

static int lapic_read_run(struct bench_sample *s)
{
	bench_begin(s);
	lapic_read(LAPIC_VERSION);
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

/* A refused device access (basic.h): a PC bus: all ones, writes dropped. */
const bool arch_refused_access_faults = false;

const struct bench_op arch_bench_ops[] = {
	{ "vmmcall", "VMMCALL of no hypercall: must return -ENOSYS", NULL,
	  vmmcall_run, true },
	{ "cpuid-hyp", "CPUID 0x40000000, the hypervisor's leaf", NULL,
	  cpuid_run, true },
	{ "port-read", "IN of the NS16550's LSR", NULL, port_read_run, true },
	{ "mmio-read", "read the I/O APIC's version through IOWIN",
	  ioapic_prepare, mmio_read_run, true },
	{ "mmio-write", "write the I/O APIC's IOREGSEL, unchanged",
	  ioapic_prepare, mmio_write_run, true },
	{ "lapic-read", "read the local APIC's version register", NULL,
	  lapic_read_run, true },
	{ "zero-read", "read a keel,zero window, must be 0", bench_zero_prepare,
	  zero_read_run, true },
};
const unsigned int arch_nr_bench_ops = ARRAY_SIZE(arch_bench_ops);
