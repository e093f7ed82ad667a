// SPDX-License-Identifier: GPL-2.0
/*
 * riscv64 layer of the basic firmware: start-up, traps, the NS16550
 * console, the timer (Sstc or SBI), SBI calls for IPIs, harts and power,
 * and the riscv-only commands and benchmark operations.
 */
#include "riscv.h"

/* NS16550 registers, one byte apart (QEMU virt: reg-shift 0). */
#define UART_RBR 0 /* read: receive buffer */
#define UART_THR 0 /* write: transmit holding */
#define UART_IER 1
#define UART_FCR 2 /* write: FIFO control */
#define UART_LCR 3
#define UART_LSR 5
#define UART_IER_RDI 0x01 /* received data available */
#define UART_FCR_FIFO 0x07 /* enable and clear both FIFOs, trigger 1 */
#define UART_LCR_DLAB 0x80
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

/* Goldfish RTC: nanoseconds since 1970; reading TIME_LOW latches HIGH. */
#define RTC_TIME_LOW 0x00
#define RTC_TIME_HIGH 0x04

/*
 * `abort`'s default: nothing is decoded between the RTC (0x101000) and
 * the CLINT (0x2000000) on QEMU riscv virt, whatever its options; the
 * arm64 default 0x3f000000 is PCIe ECAM space here and reads as ones.
 */
#define ABORT_DEFAULT 0x01000000UL

extern char _image_start[], _image_end[];
extern char secondary_entry[];
void riscv_main(uint64_t fdt, uint64_t hartid);
void riscv_secondary_main(unsigned int cpu, uint64_t hartid);
void riscv_trap(struct riscv_frame *f);
__noreturn void riscv_park(void);

uint8_t riscv_stacks[BASIC_MAX_CPUS][STACK_SIZE] __aligned(16);

static uint64_t uart_base = UART_DEFAULT_BASE;
static uint32_t uart_irq = UART_DEFAULT_IRQ;
static uint64_t rtc_base = RTC_DEFAULT_BASE;
static bool rtc_in_dt;
static uint64_t timebase;
static bool plic_ok;

/* What SBI offers, probed once at boot. */
static long sbi_version;
static bool sbi_has_base, sbi_has_time, sbi_has_ipi, sbi_has_hsm, sbi_has_srst;

enum timer_kind { TIMER_SSTC, TIMER_SBI, TIMER_SBI_LEGACY };
static enum timer_kind timer_kind;

/* Pending IPI kinds per CPU: SBI IPIs carry no payload. */
static uint32_t ipi_pending[BASIC_MAX_CPUS];

static const char *isa;
static int isa_len;

static enum {
	INSTRET_UNREADABLE,
	INSTRET_NOT_INSTRUCTIONS,
	INSTRET_OK
} instret_state;
static uint64_t instret_seen;

bool arch_try_read32(uint64_t addr, uint32_t *val, struct basic_fault *f)
{
	uint32_t v = 0;

	fault_catch_begin();
	/* Uncompressed, so that the handler's step is the usual 4 bytes. */
	__asm__ __volatile__(MMIO_INSN("lw %0, 0(%1)")
			     : "+r"(v)
			     : "r"(addr)
			     : "memory");
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
		__asm__ __volatile__(MMIO_INSN("lbu %0, 0(%1)")
				     : "+r"(v)
				     : "r"(addr)
				     : "memory");
		break;
	case 2:
		__asm__ __volatile__(MMIO_INSN("lhu %0, 0(%1)")
				     : "+r"(v)
				     : "r"(addr)
				     : "memory");
		break;
	case 4:
		__asm__ __volatile__(MMIO_INSN("lwu %0, 0(%1)")
				     : "+r"(v)
				     : "r"(addr)
				     : "memory");
		break;
	default:
		__asm__ __volatile__(MMIO_INSN("ld %0, 0(%1)")
				     : "+r"(v)
				     : "r"(addr)
				     : "memory");
		break;
	}
	__asm__ __volatile__("fence i, r" ::: "memory");
	return v;
}

void arch_mmio_write(uint64_t addr, unsigned int size, uint64_t val)
{
	__asm__ __volatile__("fence w, o" ::: "memory");
	switch (size) {
	case 1:
		__asm__ __volatile__(MMIO_INSN("sb %0, 0(%1)")::"r"(val),
				     "r"(addr)
				     : "memory");
		break;
	case 2:
		__asm__ __volatile__(MMIO_INSN("sh %0, 0(%1)")::"r"(val),
				     "r"(addr)
				     : "memory");
		break;
	case 4:
		__asm__ __volatile__(MMIO_INSN("sw %0, 0(%1)")::"r"(val),
				     "r"(addr)
				     : "memory");
		break;
	default:
		__asm__ __volatile__(MMIO_INSN("sd %0, 0(%1)")::"r"(val),
				     "r"(addr)
				     : "memory");
		break;
	}
}

void arch_mb(void)
{
	__asm__ __volatile__("fence iorw, iorw" ::: "memory");
}

/* Length of the instruction at pc: 2 if compressed (low bits not 11). */
static unsigned int insn_length(uint64_t pc)
{
	return (*(const volatile uint16_t *)(uintptr_t)pc & 3) == 3 ? 4 : 2;
}

/* ---- console: NS16550, output polled, input by interrupt ---- */

static char rx_ring[256];
static unsigned int rx_head, rx_tail;

static void uart_drain(void)
{
	while (mmio_read8(uart_base + UART_LSR) & UART_LSR_DR) {
		char c = (char)mmio_read8(uart_base + UART_RBR);

		if (rx_head - rx_tail < sizeof(rx_ring))
			rx_ring[rx_head++ % sizeof(rx_ring)] = c;
	}
}

void arch_putc(char c)
{
	while (!(mmio_read8(uart_base + UART_LSR) & UART_LSR_THRE))
		;
	mmio_write8(uart_base + UART_THR, (uint8_t)c);
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
		if (plic_ok)
			arch_wfi();
		arch_irq_enable();
		if (!plic_ok)
			arch_wfe();
	}
}

/*
 * The SBI firmware has set the line up (QEMU ignores the baud rate
 * anyway); make sure the data registers are visible and the FIFOs on.
 */
static void uart_init(void)
{
	uint8_t lcr = mmio_read8(uart_base + UART_LCR);

	if (lcr & UART_LCR_DLAB)
		mmio_write8(uart_base + UART_LCR, lcr & ~UART_LCR_DLAB);
	mmio_write8(uart_base + UART_IER, 0);
	mmio_write8(uart_base + UART_FCR, UART_FCR_FIFO);
}

/* ---- time ---- */

uint64_t arch_counter(void)
{
	return csr_read(time);
}

/*
 * No count outside the guest's reach: a hypervisor's htimedelta shifts
 * `time` per guest. Guests started together still agree closely.
 */
uint64_t arch_counter_shared(void)
{
	return csr_read(time);
}

uint64_t arch_counter_freq(void)
{
	return timebase;
}

static void timer_program(uint64_t deadline)
{
	switch (timer_kind) {
	case TIMER_SSTC:
		__asm__ __volatile__("csrw %0, %1" ::"i"(CSR_STIMECMP),
				     "r"(deadline)
				     : "memory");
		break;
	case TIMER_SBI:
		sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0);
		break;
	case TIMER_SBI_LEGACY:
		sbi_legacy_call(SBI_EXT_LEGACY_SET_TIMER, deadline);
		break;
	}
}

void arch_timer_arm(uint64_t deadline)
{
	/* Programming a deadline also clears a stale STIP. */
	timer_program(deadline);
	csr_set(sie, SIE_STIE);
}

/* No masked timer to program without also pending an interrupt. */
void arch_timer_nudge(uint64_t ticks)
{
	(void)ticks;
}

void arch_timer_stop(void)
{
	csr_clear(sie, SIE_STIE);
	timer_program(~0UL);
}

/* No relative form: the deadline from the counter now. */
void arch_timer_arm_relative(int64_t ticks)
{
	arch_timer_arm(arch_counter() + (uint64_t)ticks);
}

bool arch_timer_pending(void)
{
	return csr_read(sip) & SIP_STIP;
}

/*
 * Whether stimecmp can be used: the ISA string says Sstc and the CSR
 * does not trap (the M-mode firmware must also have enabled it).
 */
static bool sstc_usable(void)
{
	struct basic_fault f;
	uint64_t v = 0;

	if (!riscv_has_ext("sstc"))
		return false;
	fault_catch_begin();
	__asm__ __volatile__("csrr %0, %1" : "+r"(v) : "i"(CSR_STIMECMP));
	return !fault_catch_end(&f);
}

static void timer_init(void)
{
	if (sstc_usable())
		timer_kind = TIMER_SSTC;
	else if (sbi_has_time)
		timer_kind = TIMER_SBI;
	else
		timer_kind = TIMER_SBI_LEGACY;
}

static const char *timer_name(void)
{
	switch (timer_kind) {
	case TIMER_SSTC:
		return "Sstc stimecmp";
	case TIMER_SBI:
		return "SBI TIME set_timer";
	default:
		return "legacy SBI set_timer";
	}
}

bool riscv_timer_is_sstc(void)
{
	return timer_kind == TIMER_SSTC;
}

uint64_t riscv_uart_base(void)
{
	return uart_base;
}

uint64_t riscv_rtc_base(void)
{
	return rtc_base;
}

/* ---- interrupts, waiting, CPUs ---- */

void arch_irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

void arch_irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

/* WFI wakes on any interrupt enabled in sie, whatever sstatus.SIE says. */
void arch_wfi(void)
{
	__asm__ __volatile__("fence rw, rw\n\twfi" ::: "memory");
}

/*
 * RISC-V has no event register to wait on: pause briefly (Zihintpause,
 * which is a harmless fence hint on harts without it) and let the
 * caller poll again.
 */
void arch_wfe(void)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		__asm__ __volatile__(".insn i 0x0f, 0, x0, x0, 0x010" ::
					     : "memory");
}

void arch_sev(void)
{
	__asm__ __volatile__("fence rw, rw" ::: "memory");
}

void arch_spin_hint(void)
{
	/* Zihintpause's PAUSE, a fence hint on harts without it. */
	__asm__ __volatile__(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory");
}

unsigned int arch_cpu_id(void)
{
	unsigned long tp;

	__asm__("mv %0, tp" : "=r"(tp));
	return (unsigned int)tp;
}

static void ipi_irq(uint64_t now)
{
	unsigned int cpu = arch_cpu_id(), kind;
	uint32_t kinds;

	/* Clear first: a later IPI then pends again rather than merging. */
	csr_clear(sip, SIP_SSIP);
	kinds = __atomic_exchange_n(&ipi_pending[cpu], 0, __ATOMIC_ACQ_REL);
	for (kind = 0; kind < 16; kind++) {
		if (!(kinds & 1U << kind))
			continue;
		if (kind >= IPI_SBI_CONF_FIRST)
			sbi_conf_ipi(kind);
		else
			basic_ipi_irq(kind, now);
	}
}

void riscv_ext_irq(unsigned int irq, uint64_t now)
{
	if (irq == uart_irq)
		uart_drain();
}

void riscv_trap(struct riscv_frame *f)
{
	/* First, so that interrupt latency excludes the code below. */
	uint64_t now = arch_counter();
	uint64_t scause = csr_read(scause), stval = csr_read(stval);
	unsigned int cpu = arch_cpu_id();

	if (scause & SCAUSE_IRQ) {
		switch (scause & ~SCAUSE_IRQ) {
		case IRQ_S_TIMER:
			/* Silence it before the handler may re-arm it. */
			csr_clear(sie, SIE_STIE);
			sbi_conf_timer_irq();
			basic_timer_irq(now);
			return;
		case IRQ_S_SOFT:
			ipi_irq(now);
			return;
		case IRQ_S_EXT:
			if (plic_ok) {
				plic_handle(
					plic_s_context(platform.cpu_hwid[cpu]),
					now);
				return;
			}
			break;
		}
	} else if (fault_catch_record(scause, stval)) {
		f->sepc += insn_length(f->sepc);
		return;
	}
	printf("\nunexpected %s %lu on vCPU%u: scause 0x%lx stval 0x%lx sepc 0x%lx sstatus 0x%lx\n",
	       scause & SCAUSE_IRQ ? "interrupt" : "exception",
	       scause & ~SCAUSE_IRQ, cpu, scause, stval, f->sepc, f->sstatus);
	arch_halt();
}

int arch_cpu_start(unsigned int cpu)
{
	struct sbiret r;

	if (!sbi_has_hsm)
		return (int)SBI_ERR_NOT_SUPPORTED;
	r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, platform.cpu_hwid[cpu],
		     (uintptr_t)secondary_entry, cpu);
	return (int)r.error;
}

extern char cpu_cycle_entry[];

long arch_cpu_cycle_start(unsigned int cpu)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, platform.cpu_hwid[cpu],
			(uintptr_t)cpu_cycle_entry, 0)
		.error;
}

long arch_cpu_is_off(unsigned int cpu)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STATUS,
				   platform.cpu_hwid[cpu], 0, 0);

	return !r.error && r.value == SBI_HSM_STOPPED;
}

void arch_ipi_send(unsigned int cpu, unsigned int kind)
{
	uint64_t hart = platform.cpu_hwid[cpu];

	/* The kind must be visible before the interrupt that announces it. */
	__atomic_fetch_or(&ipi_pending[cpu], 1U << kind, __ATOMIC_SEQ_CST);
	if (sbi_has_ipi) {
		/* hart_mask bit 0 stands for hart_mask_base. */
		sbi_call(SBI_EXT_IPI, 0, 1, hart, 0);
	} else if (hart < 64) {
		/* v0.1 takes the address of a mask of harts 0..63. */
		unsigned long mask = 1UL << hart;

		sbi_legacy_call(SBI_EXT_LEGACY_SEND_IPI, (uintptr_t)&mask);
	}
}

long arch_hyp_yield(void)
{
	return sbi_call(SBI_EXT_KEEL, SBI_KEEL_YIELD, 0, 0, 0).error;
}

long arch_poweroff(void)
{
	struct sbiret r;

	/* The v0.1 call only where SRST is absent: it is deprecated. */
	if (!sbi_has_srst)
		return sbi_legacy_call(SBI_EXT_LEGACY_SHUTDOWN, 0);
	r = sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_SHUTDOWN, 0, 0);
	return r.error;
}

void arch_halt(void)
{
	riscv_park();
}

/* ---- instruction counting ---- */

static bool instret_read(uint64_t *v)
{
	struct basic_fault f;

	fault_catch_begin();
	__asm__ __volatile__("csrr %0, instret" : "+r"(*v)::"memory");
	return !fault_catch_end(&f);
}

/*
 * Retired instructions between two reads of instret around `n` addi
 * (n = 16 or 256): straight-line code, interrupts off, so the difference
 * of the two is exactly 240 on a counter that counts instructions.
 */
static uint64_t instret_around(unsigned int n)
{
	uint64_t a, b;

	if (n == 16)
		__asm__ __volatile__("csrr %0, instret\n\t"
				     ".rept 16\n\taddi x0, x0, 0\n\t.endr\n\t"
				     "csrr %1, instret"
				     : "=&r"(a), "=r"(b));
	else
		__asm__ __volatile__("csrr %0, instret\n\t"
				     ".rept 256\n\taddi x0, x0, 0\n\t.endr\n\t"
				     "csrr %1, instret"
				     : "=&r"(a), "=r"(b));
	return b - a;
}

/*
 * instret may be unreadable (the level above did not open it to
 * S-mode), or readable but not counting instructions: QEMU without
 * -icount returns a host clock there. Only a counter that tells 16 from
 * 256 instructions exactly, three times, is used.
 */
static void instret_init(void)
{
	uint64_t v = 0;
	unsigned int i;

	if (!instret_read(&v)) {
		instret_state = INSTRET_UNREADABLE;
		return;
	}
	/* Interrupts are still off: nothing runs in between. */
	instret_state = INSTRET_OK;
	for (i = 0; i < 3; i++) {
		uint64_t d = instret_around(256) - instret_around(16);

		instret_seen = d;
		if (d != 240)
			instret_state = INSTRET_NOT_INSTRUCTIONS;
	}
}

bool arch_inst_counter_start(void)
{
	return instret_state == INSTRET_OK;
}

uint32_t arch_inst_count(void)
{
	if (instret_state != INSTRET_OK)
		return 0;
	return (uint32_t)csr_read(instret);
}

static void instret_info(void)
{
	switch (instret_state) {
	case INSTRET_UNREADABLE:
		printf("instret: not readable in S-mode, no instruction counts\n");
		break;
	case INSTRET_NOT_INSTRUCTIONS:
		printf("instret: readable but not counting instructions (%ld for 240), not used\n",
		       (long)instret_seen);
		break;
	case INSTRET_OK:
		printf("instret: counts instructions\n");
		break;
	}
}

/* ---- device tree ---- */

static uint32_t dt_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The boot hart's ISA: riscv,isa ("rv64imac_sstc_...") or the list form. */
static void find_isa(uint64_t hartid)
{
	char path[32];

	snprintf(path, sizeof(path), "/cpus/cpu@%lx", hartid);
	isa = fdt_getprop_path(platform.fdt, path, "riscv,isa-extensions",
			       &isa_len);
	if (isa)
		return;
	isa = fdt_getprop_path(platform.fdt, path, "riscv,isa", &isa_len);
}

bool riscv_has_ext(const char *ext)
{
	size_t n = strlen(ext);
	int i, start;

	if (!isa)
		return false;
	if (fdt_prop_has_string(isa, isa_len, ext))
		return true;
	/* Multi-letter extensions follow the base and single letters. */
	for (i = start = 0; i <= isa_len; i++) {
		if (i == isa_len || isa[i] == '_' || isa[i] == '\0') {
			if (start && (size_t)(i - start) == n &&
			    !strncmp(&isa[start], ext, n))
				return true;
			if (i == isa_len || isa[i] == '\0')
				return false;
			start = i + 1;
		}
	}
	return false;
}

/* The booting hart becomes vCPU 0, the others keep device-tree order. */
static void order_cpus(uint64_t me)
{
	unsigned int i;

	for (i = 0; i < platform.nr_cpus; i++) {
		if (platform.cpu_hwid[i] == me)
			break;
	}
	if (i == platform.nr_cpus) {
		if (platform.nr_cpus < BASIC_MAX_CPUS)
			platform.nr_cpus++;
		i = platform.nr_cpus - 1;
	}
	memmove(&platform.cpu_hwid[1], &platform.cpu_hwid[0],
		i * sizeof(platform.cpu_hwid[0]));
	platform.cpu_hwid[0] = me;
}

static void find_timebase(void)
{
	const uint8_t *p;
	int len;

	p = fdt_getprop_path(platform.fdt, "/cpus", "timebase-frequency", &len);
	if (p && len == 4)
		timebase = dt_u32(p);
	else if (p && len == 8)
		timebase = (uint64_t)dt_u32(p) << 32 | dt_u32(p + 4);
	if (!timebase) {
		timebase = TIMEBASE_DEFAULT;
		printf("basic: no /cpus timebase-frequency, assuming %lu Hz\n",
		       timebase);
	}
}

static void find_devices(void)
{
	struct basic_range r;
	uint32_t irq;

	if (!fdt_find_compatible(platform.fdt, "ns16550a", &r, &irq)) {
		uart_base = r.base;
		if (irq)
			uart_irq = irq;
	}
	if (!fdt_find_compatible(platform.fdt, "google,goldfish-rtc", &r,
				 NULL)) {
		rtc_base = r.base;
		rtc_in_dt = true;
	}
}

static void find_plic(void)
{
	struct basic_range r = { PLIC_DEFAULT_BASE, 0 };
	const uint8_t *p;
	uint32_t ndev = 96;
	int len;

	if (fdt_find_compatible(platform.fdt, "riscv,plic0", &r, NULL) &&
	    fdt_find_compatible(platform.fdt, "sifive,plic-1.0.0", &r, NULL)) {
		printf("basic: no PLIC in the device tree, console input polled\n");
		return;
	}
	p = fdt_getprop_path(platform.fdt, "/soc/plic", "riscv,ndev", &len);
	if (p && len == 4)
		ndev = dt_u32(p);
	if (plic_init(r.base, ndev))
		return;
	plic_init_context(plic_s_context(platform.cpu_hwid[0]), ndev);
	plic_enable(plic_s_context(platform.cpu_hwid[0]), uart_irq);
	plic_ok = true;
}

/* ---- SBI ---- */

static bool sbi_probe(long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext, 0, 0);

	return !r.error && r.value;
}

static void sbi_init(void)
{
	struct sbiret r =
		sbi_call(SBI_EXT_BASE, SBI_BASE_SPEC_VERSION, 0, 0, 0);

	/* A v0.1 firmware has no BASE and answers with an error. */
	sbi_has_base = !r.error;
	sbi_version = sbi_has_base ? r.value : 0x1;
	if (!sbi_has_base)
		return;
	sbi_has_time = sbi_probe(SBI_EXT_TIME);
	sbi_has_ipi = sbi_probe(SBI_EXT_IPI);
	sbi_has_hsm = sbi_probe(SBI_EXT_HSM);
	sbi_has_srst = sbi_probe(SBI_EXT_SRST);
}

static const char *sbi_impl_name(long id)
{
	static const char *const names[] = { "BBL",   "OpenSBI", "Xvisor",
					     "KVM",   "RustSBI", "Diosix",
					     "Coffer" };

	if (id >= 0 && (unsigned long)id < ARRAY_SIZE(names))
		return names[id];
	return "unknown";
}

/* A string, or the NUL-separated list form, on one line. */
static void print_isa(void)
{
	char buf[256];
	int i;

	if (!isa) {
		printf("ISA unknown (no riscv,isa in the device tree)\n");
		return;
	}
	for (i = 0; i < isa_len && i + 1 < (int)sizeof(buf); i++)
		buf[i] = isa[i] ? isa[i] : ' ';
	/* The property's own terminating NUL is no separator. */
	while (i && buf[i - 1] == ' ')
		i--;
	buf[i] = '\0';
	printf("ISA %s\n", buf);
}

void arch_info(void)
{
	printf("S-mode, hart %lu, sstatus 0x%lx, sie 0x%lx, satp 0x%lx\n",
	       platform.cpu_hwid[arch_cpu_id()], csr_read(sstatus),
	       csr_read(sie), csr_read(satp));
	print_isa();
	printf("SBI %ld.%ld, %s, HSM %s, SRST %s\n", sbi_version >> 24 & 0x7f,
	       sbi_version & 0xffffff,
	       sbi_has_base ? sbi_impl_name(sbi_call(SBI_EXT_BASE,
						     SBI_BASE_IMPL_ID, 0, 0, 0)
						    .value) :
			      "legacy",
	       sbi_has_hsm ? "yes" : "no", sbi_has_srst ? "yes" : "no");
	printf("timer: %s, IPIs: %s\n", timer_name(),
	       sbi_has_ipi ? "SBI IPI" : "legacy SBI send_ipi");
	instret_info();
	printf("UART NS16550 0x%lx IRQ %u, RTC goldfish 0x%lx%s\n", uart_base,
	       uart_irq, rtc_base,
	       rtc_in_dt ? "" : " (not in the device tree)");
	if (plic_ok)
		plic_info();
	else
		printf("PLIC: none, console input polled\n");
}

/* ---- start-up ---- */

void riscv_main(uint64_t fdt, uint64_t hartid)
{
	platform.arch = "riscv64";
	platform.syndrome_name = "scause";
	platform.fault_addr_name = "stval";
	platform.abort_addr = ABORT_DEFAULT;
	platform.image_start = (uintptr_t)_image_start;
	platform.image_end = (uintptr_t)_image_end;
	platform.reserved[platform.nr_reserved].base = platform.image_start;
	platform.reserved[platform.nr_reserved++].size =
		platform.image_end - platform.image_start;

	if (fdt_scan((const void *)(uintptr_t)fdt, &platform))
		fdt = 0;
	find_devices();
	uart_init();
	if (!fdt)
		printf("basic: no valid device tree\n");
	order_cpus(hartid);
	find_isa(hartid);
	find_timebase();
	sbi_init();
	timer_init();
	arch_timer_stop();
	instret_init();

	find_plic();
	/* The timer and IPIs need only the hart's own interrupt lines. */
	platform.irq_ok = true;
	if (plic_ok)
		mmio_write8(uart_base + UART_IER, UART_IER_RDI);
	csr_clear(sip, SIP_SSIP);
	csr_set(sie, SIE_SSIE | (plic_ok ? SIE_SEIE : 0));
	arch_irq_enable();
	basic_main();
}

void riscv_secondary_main(unsigned int cpu, uint64_t hartid)
{
	if (cpu >= BASIC_MAX_CPUS || platform.cpu_hwid[cpu] != hartid)
		arch_halt();
	arch_timer_stop();
	csr_clear(sip, SIP_SSIP);
	csr_set(sie, SIE_SSIE);
	basic_secondary_main(cpu);
}

/* ---- riscv commands ---- */

static uint32_t goldfish_read(void)
{
	uint64_t lo = mmio_read32(rtc_base + RTC_TIME_LOW);
	uint64_t hi = mmio_read32(rtc_base + RTC_TIME_HIGH);

	return (uint32_t)((hi << 32 | lo) / 1000000000UL);
}

static int cmd_rtc(int argc, char **argv)
{
	return test_rtc(goldfish_read);
}

static int cmd_ipi(int argc, char **argv)
{
	return test_ipi();
}

/* ---- fpu ---- */

#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS (3UL << 13)
#define FPU_ROUNDS_DEFAULT 200
#define FPU_ROUNDS_MAX 100000

void fpu_load(const uint64_t regs[32], uint64_t fcsr);
void fpu_store(uint64_t regs[32], uint64_t *fcsr);

/*
 * f0-f31 and fcsr, given values that differ per vCPU and round, must
 * survive SBI calls, each a trip through the hypervisor (or the SBI
 * firmware), Keel's yield included: there another vCPU, perhaps of
 * another guest doing the same, runs on this hart in between.
 */
static int cmd_fpu(int argc, char **argv)
{
	uint64_t rounds = FPU_ROUNDS_DEFAULT, want[32], got[32], fcsr, fcsr_got;
	unsigned int cpu = arch_cpu_id(), i;
	uint64_t r;

	if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], &rounds) ||
				       !rounds || rounds > FPU_ROUNDS_MAX)))
		return fail("usage: fpu [rounds 1..%u]", FPU_ROUNDS_MAX);
	csr_set(sstatus, SSTATUS_FS_INITIAL);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 32; i++)
			want[i] = ((uint64_t)cpu << 56 | (uint64_t)i << 48) ^
				  ((r + 1) * 0x9e3779b97f4a7c15UL);
		/* A valid rounding mode (0-4) and some exception flags. */
		fcsr = (r % 5) << 5 | (r & 0x1f);
		fpu_load(want, fcsr);
		arch_hyp_yield();
		sbi_call(SBI_EXT_BASE, SBI_BASE_SPEC_VERSION, 0, 0, 0);
		fpu_store(got, &fcsr_got);
		for (i = 0; i < 32; i++) {
			if (got[i] != want[i]) {
				csr_clear(sstatus, SSTATUS_FS);
				return fail(
					"round %lu: f%u 0x%lx, expected 0x%lx",
					r, i, got[i], want[i]);
			}
		}
		if (fcsr_got != fcsr) {
			csr_clear(sstatus, SSTATUS_FS);
			return fail("round %lu: fcsr 0x%lx, expected 0x%lx", r,
				    fcsr_got, fcsr);
		}
	}
	csr_clear(sstatus, SSTATUS_FS);
	printf("fpu f0-f31 and fcsr kept across %lu rounds of SBI calls\n",
	       rounds);
	return 0;
}

static const struct {
	const char *name;
	long id;
} sbi_extensions[] = {
	{ "BASE", SBI_EXT_BASE }, { "TIME", SBI_EXT_TIME },
	{ "IPI", SBI_EXT_IPI },	  { "RFENCE", SBI_EXT_RFENCE },
	{ "HSM", SBI_EXT_HSM },	  { "SRST", SBI_EXT_SRST },
	{ "DBCN", SBI_EXT_DBCN },
};

static const char *hart_state(long s)
{
	static const char *const names[] = { "started",	      "stopped",
					     "start pending", "stop pending",
					     "suspended",     "suspend pending",
					     "resume pending" };

	if (s >= 0 && (unsigned long)s < ARRAY_SIZE(names))
		return names[s];
	return "error";
}

static int cmd_sbi(int argc, char **argv)
{
	unsigned long major = sbi_version >> 24 & 0x7f,
		      minor = sbi_version & 0xffffff;
	struct sbiret id, ver;
	unsigned int i;

	if (argc > 1)
		return fail("usage: sbi");
	if (!sbi_has_base || (major == 0 && minor < 2))
		return fail("SBI %lu.%lu: older than 0.2", major, minor);
	id = sbi_call(SBI_EXT_BASE, SBI_BASE_IMPL_ID, 0, 0, 0);
	ver = sbi_call(SBI_EXT_BASE, SBI_BASE_IMPL_VERSION, 0, 0, 0);
	printf("sbi spec version %lu.%lu, implementation %ld (%s) version 0x%lx\n",
	       major, minor, id.value, sbi_impl_name(id.value),
	       (unsigned long)ver.value);
	printf("sbi mvendorid 0x%lx marchid 0x%lx mimpid 0x%lx\n",
	       sbi_call(SBI_EXT_BASE, SBI_BASE_MVENDORID, 0, 0, 0).value,
	       sbi_call(SBI_EXT_BASE, SBI_BASE_MARCHID, 0, 0, 0).value,
	       sbi_call(SBI_EXT_BASE, SBI_BASE_MIMPID, 0, 0, 0).value);
	for (i = 0; i < ARRAY_SIZE(sbi_extensions); i++) {
		struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
					   sbi_extensions[i].id, 0, 0);

		printf("sbi extension %s (0x%lx): %s (%ld)\n",
		       sbi_extensions[i].name, sbi_extensions[i].id,
		       !r.error && r.value ? "present" : "absent", r.value);
	}
	for (i = 0; sbi_has_hsm && i < platform.nr_cpus; i++) {
		struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STATUS,
					   platform.cpu_hwid[i], 0, 0);
		long s = r.error ? r.error : r.value;

		printf("sbi vCPU%u hart %lu status %ld (%s)\n", i,
		       platform.cpu_hwid[i], s, hart_state(s));
	}
	if (!sbi_has_time || !sbi_has_ipi || !sbi_has_hsm)
		return fail("missing:%s%s%s", sbi_has_time ? "" : " TIME",
			    sbi_has_ipi ? "" : " IPI",
			    sbi_has_hsm ? "" : " HSM");
	return 0;
}

/*
 * Loads and stores to emulated devices in every form and place a
 * hypervisor must decode itself from the guest's pc (mmio_forms.S): each
 * must reach its device, leave the right value and move the pc on by its
 * own length. The device: PLIC source 1's priority, 32-bit and
 * read/write, set to 1 (the interrupt stays disabled).
 */
static int cmd_mmio_forms(int argc, char **argv)
{
	static const char *const names[] = {
		"c.lw at pc%4 == 0",
		"c.lw at pc%4 == 2",
		"lw at pc%4 == 2",
		"lw at pc%4 == 0",
	};
	uint64_t out[6], prio;
	long steps;

	if (!plic_ok)
		return fail("no PLIC in use");
	prio = plic_priority_addr(1);
	mmio_write32(prio, 1);
	steps = mmio_forms_run(prio, riscv_uart_base() + 7, out, 1);
	if (steps != MMIO_FORMS_STEPS)
		return fail("%ld of %u instructions ran between the accesses",
			    steps, MMIO_FORMS_STEPS);
	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		if (out[i] != 1)
			return fail("%s of a priority of 1 left 0x%lx",
				    names[i], out[i]);
	if (mmio_read32(prio) != 1)
		return fail("c.sw of 1 left the priority at %u",
			    mmio_read32(prio));
	if (out[4] != (uint64_t)(int64_t)(int8_t)0xa5 || out[5] != 0xa5)
		return fail("sb 0xa5 to SCR read back as lb 0x%lx, lbu 0x%lx",
			    out[4], out[5]);
	printf("mmio-forms: c.lw, lw, c.sw, sb, lb, lbu at both pc "
	       "alignments: values and pc right\n");
	return 0;
}

const struct basic_command arch_commands[] = {
	{ "mmio-forms", "", "MMIO loads/stores, compressed and not, any pc",
	  cmd_mmio_forms },
	{ "mmu", "", "Sv39 identity map on, RO page faults, off again",
	  cmd_mmu },
	{ "ipi", "", "SBI IPIs to every vCPU and back (starts secondaries)",
	  cmd_ipi },
	{ "rtc", "", "goldfish RTC advances by 1-2 s in 1.1 s", cmd_rtc },
	{ "sbi", "", "SBI version (>= 0.2), extensions, hart states", cmd_sbi },
	{ "sbi-conf", "", "every SBI function Keel offers against SBI v2.0",
	  cmd_sbi_conf },
	{ "fpu", "[rounds]", "f0-f31 and fcsr survive SBI calls and yields",
	  cmd_fpu },
};
const unsigned int arch_nr_commands = ARRAY_SIZE(arch_commands);

/* ---- riscv benchmark operations ---- */

/*
 * An extension ID that no SBI specification assigns (outside the
 * experimental, vendor and firmware ranges): the answer must be
 * SBI_ERR_NOT_SUPPORTED.
 */
#define SBI_EXT_UNKNOWN 0x0b000000UL

static int ecall_run(struct bench_sample *s)
{
	struct basic_fault f;
	struct sbiret r;

	fault_catch_begin();
	bench_begin(s);
	r = sbi_call(SBI_EXT_UNKNOWN, 0, 0, 0, 0);
	bench_end(s);
	if (fault_catch_end(&f))
		return fail("ecall raised an exception, scause 0x%lx",
			    f.syndrome);
	if (r.error != SBI_ERR_NOT_SUPPORTED)
		return fail("SBI extension 0x%lx returned %ld, not %ld",
			    SBI_EXT_UNKNOWN, r.error, SBI_ERR_NOT_SUPPORTED);
	return 0;
}

/* A base-extension call every SBI implementation answers itself. */
static int sbi_version_run(struct bench_sample *s)
{
	struct basic_fault f;
	struct sbiret r;

	fault_catch_begin();
	bench_begin(s);
	r = sbi_call(SBI_EXT_BASE, SBI_BASE_SPEC_VERSION, 0, 0, 0);
	bench_end(s);
	if (fault_catch_end(&f))
		return fail("ecall raised an exception, scause 0x%lx",
			    f.syndrome);
	if (r.error || r.value < 2)
		return fail("sbi_get_spec_version returned %ld, 0x%lx", r.error,
			    r.value);
	return 0;
}

static int mmio_read_run(struct bench_sample *s)
{
	bench_begin(s);
	mmio_read8(uart_base + UART_LSR);
	bench_end(s);
	return 0;
}

static uint64_t plic_prio1;

static int plic_read_prepare(void)
{
	if (!plic_ok)
		return fail("no PLIC in use");
	plic_prio1 = plic_priority_addr(1);
	return 0;
}

static int plic_read_run(struct bench_sample *s)
{
	bench_begin(s);
	mmio_read32(plic_prio1);
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

static uint8_t ier;

static int mmio_write_prepare(void)
{
	ier = mmio_read8(uart_base + UART_IER);
	return 0;
}

static int mmio_write_run(struct bench_sample *s)
{
	bench_begin(s);
	mmio_write8(uart_base + UART_IER, ier);
	bench_end(s);
	return 0;
}

/* A refused device access (basic.h): an access fault. */
const bool arch_refused_access_faults = true;

const struct bench_op arch_bench_ops[] = {
	{ "ecall", "SBI call, unknown extension: must return -2", NULL,
	  ecall_run, true },
	{ "sbi-version", "SBI sbi_get_spec_version, must be >= 0.2", NULL,
	  sbi_version_run, true },
	{ "mmio-read", "read NS16550 LSR", NULL, mmio_read_run, true },
	{ "mmio-write", "write NS16550 IER, unchanged", mmio_write_prepare,
	  mmio_write_run, true },
	{ "plic-read", "read PLIC source 1's priority", plic_read_prepare,
	  plic_read_run, true },
	{ "zero-read", "read a keel,zero window, must be 0", bench_zero_prepare,
	  zero_read_run, true },
};
const unsigned int arch_nr_bench_ops = ARRAY_SIZE(arch_bench_ops);
