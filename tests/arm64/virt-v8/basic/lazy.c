// SPDX-License-Identifier: GPL-2.0
/*
 * arm64's lazily switched state for `lazy-state` (tests/common/basic/
 * lazy.c): EL1 and EL0 system registers the guest owns, FP/SIMD, the
 * virtual timer, and the GIC virtual CPU interface (ICH_VMCR: priority
 * mask, binary points, group enables, EOI mode) through the ICC_*
 * registers (GICv3) or the GICC frame (GICv2, the host's GICV).
 *
 * Every value is one the firmware can live with while interrupts are
 * masked at PSTATE: the MMU is off (so MAIR and the TTBRs are not used),
 * TPIDR_EL1 keeps the vCPU number in its low half, the timer's deadline
 * is decades away, and arch_lazy_restore() puts back the firmware's own
 * GIC set-up and event stream before interrupts are unmasked.
 */
#include "arm64.h"

#define UART_FR 0x18
#define GICD_TYPER 0x004
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_RPR 0x14
#define GICC_ABPR 0x1c
#define GICC_APR0 0xd0

#define CPACR_FPEN (3UL << 20)
#define FP_WORDS 66 /* q0-q31 as two halves, FPCR, FPSR */

void arm64_fp_load(const uint64_t *v);
void arm64_fp_store(uint64_t *v);

/* With the MMU off every access is Device: Q pairs need 16-byte alignment. */
static uint64_t fp_buf[BASIC_MAX_CPUS][FP_WORDS] __aligned(16);

struct lazy_sysreg {
	const char *name;
	/* The bits the register keeps; values keep only these. */
	uint64_t keep;
	void (*write)(uint64_t v);
	uint64_t (*read)(void);
};

#define SYSREG(reg, k)                                                   \
	static void lazy_write_##reg(uint64_t v)                         \
	{                                                                \
		write_sysreg(v, reg);                                    \
	}                                                                \
	static uint64_t lazy_read_##reg(void)                            \
	{                                                                \
		return read_sysreg(reg);                                 \
	}                                                                \
	static const struct lazy_sysreg lazy_##reg = { #reg, k,          \
						       lazy_write_##reg, \
						       lazy_read_##reg }

#define GICC(off, k)                                                 \
	static void lazy_write_gicc_##off(uint64_t v)                \
	{                                                            \
		mmio_write32(GICC_BASE + off, (uint32_t)v);          \
	}                                                            \
	static uint64_t lazy_read_gicc_##off(void)                   \
	{                                                            \
		return mmio_read32(GICC_BASE + off);                 \
	}                                                            \
	static const struct lazy_sysreg lazy_gicc_##off = {          \
		#off, k, lazy_write_gicc_##off, lazy_read_gicc_##off \
	}

SYSREG(tpidr_el1, ~0UL);
SYSREG(tpidrro_el0, ~0UL);
SYSREG(tpidr_el0, ~0UL);
SYSREG(contextidr_el1, 0xffffffffUL);
SYSREG(sp_el0, ~0UL);
SYSREG(par_el1, 0xfffffffff000UL);
SYSREG(mair_el1, ~0UL);
SYSREG(ttbr0_el1, 0xfffffffffffeUL);
SYSREG(ttbr1_el1, 0xfffffffffffeUL);
SYSREG(elr_el1, ~0UL);
SYSREG(spsr_el1, 0xf00003c0UL);
SYSREG(esr_el1, 0xffffffffUL);
SYSREG(far_el1, ~0UL);
SYSREG(cntkctl_el1, 0x3ffUL);
/* CVAL before CTL: enabling must not see an old deadline. */
SYSREG(cntv_cval_el0, ~0UL);
SYSREG(cntv_ctl_el0, 7UL);
SYSREG(icc_pmr_el1, 0xf8UL);
SYSREG(icc_bpr0_el1, 7UL);
SYSREG(icc_bpr1_el1, 7UL);
SYSREG(icc_ctlr_el1, 2UL);
SYSREG(icc_igrpen0_el1, 1UL);
SYSREG(icc_igrpen1_el1, 1UL);
GICC(GICC_PMR, 0xf8UL);
GICC(GICC_BPR, 7UL);
GICC(GICC_ABPR, 7UL);
GICC(GICC_CTLR, 0x203UL);

static const struct lazy_sysreg *const common_regs[] = {
	&lazy_tpidr_el1,      &lazy_tpidrro_el0, &lazy_tpidr_el0,
	&lazy_contextidr_el1, &lazy_sp_el0,	 &lazy_par_el1,
	&lazy_mair_el1,	      &lazy_ttbr0_el1,	 &lazy_ttbr1_el1,
	&lazy_elr_el1,	      &lazy_spsr_el1,	 &lazy_esr_el1,
	&lazy_far_el1,	      &lazy_cntkctl_el1, &lazy_cntv_cval_el0,
	&lazy_cntv_ctl_el0,
};

static const struct lazy_sysreg *const gicv3_regs[] = {
	&lazy_icc_pmr_el1,  &lazy_icc_bpr0_el1,	   &lazy_icc_bpr1_el1,
	&lazy_icc_ctlr_el1, &lazy_icc_igrpen0_el1, &lazy_icc_igrpen1_el1,
};

static const struct lazy_sysreg *const gicv2_regs[] = {
	&lazy_gicc_GICC_PMR,
	&lazy_gicc_GICC_BPR,
	&lazy_gicc_GICC_ABPR,
	&lazy_gicc_GICC_CTLR,
};

/* What restore puts back, read once per vCPU by begin. */
static uint64_t saved_cntkctl[BASIC_MAX_CPUS];
static uint64_t saved_igrpen0[BASIC_MAX_CPUS];

static bool is_gicv3(void)
{
	return gic == &gicv3_ops;
}

static unsigned int nr_gic_regs(void)
{
	if (!gic)
		return 0;
	return is_gicv3() ? ARRAY_SIZE(gicv3_regs) : ARRAY_SIZE(gicv2_regs);
}

static const struct lazy_sysreg *sysreg_at(unsigned int i)
{
	if (i < ARRAY_SIZE(common_regs))
		return common_regs[i];
	i -= ARRAY_SIZE(common_regs);
	return is_gicv3() ? gicv3_regs[i] : gicv2_regs[i];
}

static unsigned int nr_sysregs(void)
{
	return ARRAY_SIZE(common_regs) + nr_gic_regs();
}

unsigned int arch_lazy_begin(void)
{
	unsigned int cpu = arch_cpu_id();

	write_sysreg(read_sysreg(cpacr_el1) | CPACR_FPEN, cpacr_el1);
	isb();
	saved_cntkctl[cpu] = read_sysreg(cntkctl_el1);
	if (gic && is_gicv3())
		saved_igrpen0[cpu] = read_sysreg(icc_igrpen0_el1);
	return nr_sysregs() + FP_WORDS;
}

void arch_lazy_name(unsigned int i, char *buf, size_t size)
{
	unsigned int n = nr_sysregs();

	if (i < n)
		snprintf(buf, size, "%s", sysreg_at(i)->name);
	else if (i - n < 64)
		snprintf(buf, size, "q%u[%s]", (i - n) / 2,
			 (i - n) % 2 ? "127:64" : "63:0");
	else
		snprintf(buf, size, "%s", i - n == 64 ? "fpcr" : "fpsr");
}

uint64_t arch_lazy_value(unsigned int i, uint64_t random)
{
	unsigned int n = nr_sysregs();
	const struct lazy_sysreg *r;

	if (i >= n) {
		if (i - n < 64)
			return random;
		/* FPCR: AHP, DN, FZ, RMode. FPSR: QC and the flags. */
		return random & (i - n == 64 ? 0x07c00000UL : 0x0800009fUL);
	}
	r = sysreg_at(i);
	if (r == &lazy_tpidr_el1)
		return (random & ~0xffffffffUL) | arch_cpu_id();
	/* Decades ahead, below QEMU 7.2's CVAL + CNTVOFF wrap. */
	if (r == &lazy_cntv_cval_el0)
		return 1UL << 61 | (random & 0xffffffffffffUL);
	/* ISTATUS must read 0 for such a deadline. */
	if (r == &lazy_cntv_ctl_el0)
		return random & 3;
	/* The event stream stays on (EVNTEN): arch_wfe() relies on it. */
	if (r == &lazy_cntkctl_el1)
		return (random & 0x3fbUL) | 4;
	/* Binary points above the virtual interface's minimum (2, 3). */
	if (r == &lazy_icc_bpr0_el1 || r == &lazy_gicc_GICC_BPR)
		return 3 + (random & 3);
	if (r == &lazy_icc_bpr1_el1 || r == &lazy_gicc_GICC_ABPR)
		return 4 + (random & 3);
	return random & r->keep;
}

void arch_lazy_write(const uint64_t *v)
{
	unsigned int n = nr_sysregs(), i;
	uint64_t *fp = fp_buf[arch_cpu_id()];

	for (i = 0; i < n; i++)
		sysreg_at(i)->write(v[i]);
	isb();
	memcpy(fp, &v[n], sizeof(fp_buf[0]));
	arm64_fp_load(fp);
}

void arch_lazy_read(uint64_t *v)
{
	unsigned int n = nr_sysregs(), i;
	uint64_t *fp = fp_buf[arch_cpu_id()];

	isb();
	for (i = 0; i < n; i++)
		v[i] = sysreg_at(i)->read() & sysreg_at(i)->keep;
	arm64_fp_store(fp);
	memcpy(&v[n], fp, sizeof(fp_buf[0]));
}

/* As gicv2.c / gicv3.c and main.c set them up. */
void arch_lazy_restore(void)
{
	unsigned int cpu = arch_cpu_id();

	write_sysreg(0, cntv_ctl_el0);
	write_sysreg(saved_cntkctl[cpu], cntkctl_el1);
	if (gic && is_gicv3()) {
		write_sysreg(0xff, icc_pmr_el1);
		write_sysreg(0, icc_bpr1_el1);
		write_sysreg(0, icc_ctlr_el1);
		write_sysreg(saved_igrpen0[cpu], icc_igrpen0_el1);
		write_sysreg(1, icc_igrpen1_el1);
	} else if (gic) {
		mmio_write32(GICC_BASE + GICC_PMR, 0xff);
		mmio_write32(GICC_BASE + GICC_BPR, 0);
		mmio_write32(GICC_BASE + GICC_CTLR, 1);
	}
	isb();
}

void arch_lazy_end(void)
{
	/* The firmware's C code never uses FP: leave it enabled. */
}

const char *arch_lazy_exit(unsigned int kind)
{
	switch (kind) {
	case 0:
		psci_call(PSCI_VERSION, 0, 0, 0);
		return "PSCI_VERSION";
	case 1:
		mmio_read32(UART_BASE + UART_FR);
		return "a PL011 UARTFR read";
	default:
		mmio_read32(GICD_BASE + GICD_TYPER);
		return "a GICD_TYPER read";
	}
}

unsigned int arch_lazy_irq_state(uint64_t *v, const char **names)
{
	if (gic && is_gicv3()) {
		names[0] = "ICC_RPR_EL1";
		v[0] = read_sysreg(icc_rpr_el1);
		names[1] = "ICC_AP1R0_EL1";
		v[1] = read_sysreg(icc_ap1r0_el1);
	} else {
		names[0] = "GICC_RPR";
		v[0] = mmio_read32(GICC_BASE + GICC_RPR);
		names[1] = "GICC_APR0";
		v[1] = mmio_read32(GICC_BASE + GICC_APR0);
	}
	names[2] = "ELR_EL1";
	v[2] = read_sysreg(elr_el1);
	names[3] = "SPSR_EL1";
	v[3] = read_sysreg(spsr_el1);
	return 4;
}
