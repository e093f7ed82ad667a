// SPDX-License-Identifier: GPL-2.0
/*
 * riscv64's lazily switched state for `lazy-state` (tests/common/basic/
 * lazy.c): the VS-mode CSRs the guest sees as its S-mode ones (sscratch,
 * stvec, sepc, scause, stval, sie, sip.SSIP, sstatus.SUM/MXR), stimecmp
 * with Sstc, and f0-f31 with fcsr.
 *
 * Every value is one the firmware can live with while sstatus.SIE is
 * clear: stvec points at one of four jumps to the real vector, the
 * timer's deadline is decades away, and arch_lazy_restore() puts back
 * the firmware's own vector, interrupt enables and timer before
 * interrupts are enabled again. satp is left out: with the MMU off it
 * must stay 0 (Bare).
 */
#include "riscv.h"

#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_SUM (1UL << 18)
#define SSTATUS_MXR (1UL << 19)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define UART_LSR 5
#define SIE_ALL (SIE_SSIE | SIE_STIE | SIE_SEIE)

extern char lazy_stvec[];
void fpu_load(const uint64_t regs[32], uint64_t fcsr);
void fpu_store(uint64_t regs[32], uint64_t *fcsr);

enum {
	W_SSCRATCH,
	W_STVEC,
	W_SEPC,
	W_SCAUSE,
	W_STVAL,
	W_SSTATUS,
	W_STIMECMP, /* only with Sstc: the last CSR, before sie */
	W_SIE,
	W_SIP,
	W_CSRS,
};

static const char *const csr_names[W_CSRS] = {
	"sscratch", "stvec",	"sepc", "scause", "stval",
	"sstatus",  "stimecmp", "sie",	"sip",
};

static uint64_t saved_stvec[BASIC_MAX_CPUS], saved_sie[BASIC_MAX_CPUS];

/* Word i: a CSR (stimecmp only with Sstc), f0-f31, then fcsr. */
static int csr_of(unsigned int i)
{
	bool sstc = riscv_timer_is_sstc();

	if (!sstc && i >= W_STIMECMP)
		i++;
	return i < W_CSRS ? (int)i : -1;
}

static unsigned int nr_csrs(void)
{
	return riscv_timer_is_sstc() ? W_CSRS : W_CSRS - 1;
}

unsigned int arch_lazy_begin(void)
{
	unsigned int cpu = arch_cpu_id();

	csr_set(sstatus, SSTATUS_FS_INITIAL);
	saved_stvec[cpu] = csr_read(stvec);
	saved_sie[cpu] = csr_read(sie);
	return nr_csrs() + 33;
}

void arch_lazy_name(unsigned int i, char *buf, size_t size)
{
	unsigned int n = nr_csrs();

	if (i < n)
		snprintf(buf, size, "%s", csr_names[csr_of(i)]);
	else if (i - n < 32)
		snprintf(buf, size, "f%u", i - n);
	else
		snprintf(buf, size, "fcsr");
}

uint64_t arch_lazy_value(unsigned int i, uint64_t random)
{
	unsigned int n = nr_csrs();

	if (i >= n)
		return i - n < 32 ? random : random & 0xff;
	switch (csr_of(i)) {
	case W_STVEC:
		return (uintptr_t)lazy_stvec + 4 * (random & 3);
	case W_SEPC:
		return random & ~1UL;
	/* An exception code, interrupt bit clear: scause is WLRL. */
	case W_SCAUSE:
		return random & 0xf;
	case W_SSTATUS:
		return random & (SSTATUS_SUM | SSTATUS_MXR);
	/* Decades ahead. */
	case W_STIMECMP:
		return 1UL << 61 | (random & 0xffffffffffffUL);
	case W_SIE:
		return random & SIE_ALL;
	/* The one bit a VS-mode sip shows and takes on QEMU 7.2. */
	case W_SIP:
		return random & SIP_SSIP;
	default:
		return random;
	}
}

static void csr_write_word(int csr, uint64_t v)
{
	switch (csr) {
	case W_SSCRATCH:
		csr_write(sscratch, v);
		break;
	case W_STVEC:
		csr_write(stvec, v);
		break;
	case W_SEPC:
		csr_write(sepc, v);
		break;
	case W_SCAUSE:
		csr_write(scause, v);
		break;
	case W_STVAL:
		csr_write(stval, v);
		break;
	case W_SSTATUS:
		csr_clear(sstatus, ~v & (SSTATUS_SUM | SSTATUS_MXR));
		csr_set(sstatus, v);
		break;
	case W_STIMECMP:
		__asm__ __volatile__("csrw %0, %1" ::"i"(CSR_STIMECMP), "r"(v)
				     : "memory");
		break;
	case W_SIE:
		csr_write(sie, v);
		break;
	case W_SIP:
		csr_clear(sip, ~v & SIP_SSIP);
		csr_set(sip, v);
		break;
	}
}

static uint64_t csr_read_word(int csr)
{
	uint64_t v = 0;

	switch (csr) {
	case W_SSCRATCH:
		return csr_read(sscratch);
	case W_STVEC:
		return csr_read(stvec);
	case W_SEPC:
		return csr_read(sepc);
	case W_SCAUSE:
		return csr_read(scause);
	case W_STVAL:
		return csr_read(stval);
	case W_SSTATUS:
		return csr_read(sstatus) & (SSTATUS_SUM | SSTATUS_MXR);
	case W_STIMECMP:
		__asm__ __volatile__("csrr %0, %1"
				     : "=r"(v)
				     : "i"(CSR_STIMECMP)
				     : "memory");
		return v;
	case W_SIE:
		return csr_read(sie) & SIE_ALL;
	case W_SIP:
		return csr_read(sip) & SIP_SSIP;
	}
	return v;
}

void arch_lazy_write(const uint64_t *v)
{
	unsigned int n = nr_csrs(), i;

	for (i = 0; i < n; i++)
		csr_write_word(csr_of(i), v[i]);
	fpu_load(&v[n], v[n + 32]);
}

void arch_lazy_read(uint64_t *v)
{
	unsigned int n = nr_csrs(), i;

	for (i = 0; i < n; i++)
		v[i] = csr_read_word(csr_of(i));
	fpu_store(&v[n], &v[n + 32]);
}

void arch_lazy_restore(void)
{
	unsigned int cpu = arch_cpu_id();

	csr_write(stvec, saved_stvec[cpu]);
	csr_clear(sstatus, SSTATUS_SUM | SSTATUS_MXR);
	csr_clear(sip, SIP_SSIP);
	/* Stops the timer too (stimecmp = ~0, STIE clear). */
	arch_timer_stop();
	csr_write(sie, saved_sie[cpu] & ~SIE_STIE);
}

void arch_lazy_end(void)
{
	csr_clear(sstatus, SSTATUS_FS);
}

const char *arch_lazy_exit(unsigned int kind)
{
	switch (kind) {
	case 0:
		sbi_call(SBI_EXT_BASE, SBI_BASE_SPEC_VERSION, 0, 0, 0);
		return "SBI get_spec_version";
	case 1:
		mmio_read8(riscv_uart_base() + UART_LSR);
		return "an NS16550 LSR read";
	default:
		mmio_read32(riscv_rtc_base());
		return "a goldfish RTC read";
	}
}

unsigned int arch_lazy_irq_state(uint64_t *v, const char **names)
{
	names[0] = "sepc";
	v[0] = csr_read(sepc);
	names[1] = "scause";
	v[1] = csr_read(scause);
	names[2] = "sstatus.SPP/SPIE";
	v[2] = csr_read(sstatus) & (SSTATUS_SPP | SSTATUS_SPIE);
	names[3] = "sie";
	v[3] = csr_read(sie);
	return 4;
}
