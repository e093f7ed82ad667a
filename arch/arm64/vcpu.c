// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPUs: EL1 state switching around the world switch, the traps a
 * guest causes, and their decoding into struct vcpu_exit.
 */
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/string.h>
#include <keel/timer.h>
#include <arch/irqflags.h>
#include <asm/sysreg.h>
#include "psci_emul.h"
#include "sysreg_emul.h"
#include "vgic_lr.h"
#include "vtimer.h"

#define HCR_VM (1ULL << 0)
#define HCR_SWIO (1ULL << 1)
#define HCR_FMO (1ULL << 3)
#define HCR_IMO (1ULL << 4)
#define HCR_AMO (1ULL << 5)
#define HCR_FB (1ULL << 9)
#define HCR_BSU_IS (1ULL << 10)
#define HCR_TWI (1ULL << 13)
#define HCR_TWE (1ULL << 14)
#define HCR_TID3 (1ULL << 18)
#define HCR_TSC (1ULL << 19)
#define HCR_TSW (1ULL << 22)
#define HCR_RW (1ULL << 31)
#define HCR_GUEST                                                        \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB |      \
	 HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TID3 | HCR_TSC | HCR_TSW | \
	 HCR_RW)

/* EL1h with D, A, I, F masked: how a CPU leaves reset. */
#define PSTATE_EL1H_MASKED 0x3c5
#define PSTATE_MODE_MASK 0xf
#define PSTATE_EL0T 0x0
#define PSTATE_EL1T 0x4
#define PSTATE_EL1H 0x5

#define SCTLR_EL1_RES1 0x30d00800ULL

#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25

#define ESR_IL (1ULL << 25)
#define ISS_DABT_ISV (1ULL << 24)
#define ISS_DABT_SSE (1ULL << 21)
#define ISS_DABT_SF (1ULL << 15)
#define ISS_DABT_WNR (1ULL << 6)
#define DFSC_EXTABT 0x10

void arm64_vcpu_enter(struct arm64_guest_ctx *ctx);

u64 arch_vcpu_hwid(const struct vcpu *v)
{
	return v->arch.mpidr & 0xff00ffffffULL;
}

int arch_vcpu_init(struct vcpu *v)
{
	/* Aff0 counts vCPUs within a cluster of 16, Aff1 the clusters. */
	v->arch.mpidr =
		(1ULL << 31) | ((u64)(v->index / 16) << 8) | (v->index % 16);
	v->arch.hcr = HCR_GUEST;
	arm64_vtimer_vcpu_init(v);
	return arm64_vgic_vcpu_init(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
	arm64_vtimer_vcpu_destroy(v);
}

void arch_vcpu_reset(struct vcpu *v, u64 entry, u64 arg)
{
	struct arch_vcpu *a = &v->arch;
	u64 mpidr = a->mpidr;

	memset(&a->ctx, 0, sizeof(a->ctx));
	memset(&a->el1, 0, sizeof(a->el1));
	a->ctx.pc = entry;
	a->ctx.pstate = PSTATE_EL1H_MASKED;
	a->ctx.x[0] = arg;
	a->el1.sctlr = SCTLR_EL1_RES1;
	a->mpidr = mpidr;
	a->hcr = HCR_GUEST;
	/* The virtual CPU interface comes out of reset too. */
	a->vmcr = a->ap0r0 = a->ap1r0 = 0;
	/* The physical timer off, debug registers as after a cold reset. */
	memset(&a->ptimer, 0, sizeof(a->ptimer));
	memset(&a->dbg, 0, sizeof(a->dbg));
	a->dbg.oslk = 1;
}

static void el1_restore(const struct arm64_el1_state *s)
{
	write_sysreg(sctlr_el1, s->sctlr);
	write_sysreg(cpacr_el1, s->cpacr);
	write_sysreg(ttbr0_el1, s->ttbr0);
	write_sysreg(ttbr1_el1, s->ttbr1);
	write_sysreg(tcr_el1, s->tcr);
	write_sysreg(esr_el1, s->esr);
	write_sysreg(afsr0_el1, s->afsr0);
	write_sysreg(afsr1_el1, s->afsr1);
	write_sysreg(far_el1, s->far);
	write_sysreg(mair_el1, s->mair);
	write_sysreg(amair_el1, s->amair);
	write_sysreg(vbar_el1, s->vbar);
	write_sysreg(contextidr_el1, s->contextidr);
	write_sysreg(cntkctl_el1, s->cntkctl);
	write_sysreg(par_el1, s->par);
	write_sysreg(tpidr_el1, s->tpidr_el1);
	write_sysreg(sp_el1, s->sp_el1);
	write_sysreg(elr_el1, s->elr_el1);
	write_sysreg(spsr_el1, s->spsr_el1);
	write_sysreg(sp_el0, s->sp_el0);
	write_sysreg(tpidr_el0, s->tpidr_el0);
	write_sysreg(tpidrro_el0, s->tpidrro_el0);
	write_sysreg(csselr_el1, s->csselr);
	write_sysreg(mdscr_el1, s->mdscr);
	write_sysreg(cntv_cval_el0, s->cntv_cval);
	write_sysreg(cntv_ctl_el0, s->cntv_ctl);
}

static void el1_save(struct arm64_el1_state *s)
{
	s->sctlr = read_sysreg(sctlr_el1);
	s->cpacr = read_sysreg(cpacr_el1);
	s->ttbr0 = read_sysreg(ttbr0_el1);
	s->ttbr1 = read_sysreg(ttbr1_el1);
	s->tcr = read_sysreg(tcr_el1);
	s->esr = read_sysreg(esr_el1);
	s->afsr0 = read_sysreg(afsr0_el1);
	s->afsr1 = read_sysreg(afsr1_el1);
	s->far = read_sysreg(far_el1);
	s->mair = read_sysreg(mair_el1);
	s->amair = read_sysreg(amair_el1);
	s->vbar = read_sysreg(vbar_el1);
	s->contextidr = read_sysreg(contextidr_el1);
	s->cntkctl = read_sysreg(cntkctl_el1);
	s->par = read_sysreg(par_el1);
	s->tpidr_el1 = read_sysreg(tpidr_el1);
	s->sp_el1 = read_sysreg(sp_el1);
	s->elr_el1 = read_sysreg(elr_el1);
	s->spsr_el1 = read_sysreg(spsr_el1);
	s->sp_el0 = read_sysreg(sp_el0);
	s->tpidr_el0 = read_sysreg(tpidr_el0);
	s->tpidrro_el0 = read_sysreg(tpidrro_el0);
	s->csselr = read_sysreg(csselr_el1);
	s->mdscr = read_sysreg(mdscr_el1);
	s->cntv_ctl = read_sysreg(cntv_ctl_el0);
	s->cntv_cval = read_sysreg(cntv_cval_el0);
	/* The guest's timer must not fire while Keel or another guest runs. */
	write_sysreg(cntv_ctl_el0, 0);
}

/* Write a general register; x31 as a destination is the zero register. */
static void set_reg(struct arch_vcpu *a, unsigned int reg, u64 value)
{
	if (reg < 31)
		a->ctx.x[reg] = value;
}

static u64 get_reg(const struct arch_vcpu *a, unsigned int reg)
{
	return reg < 31 ? a->ctx.x[reg] : 0;
}

static void skip_instruction(struct arch_vcpu *a)
{
	a->ctx.pc += (a->ctx.esr & ESR_IL) ? 4 : 2;
}

/*
 * Deliver a synchronous exception to the guest's EL1 as the hardware
 * would: syndrome and return state into the EL1 registers, then the
 * vector for where the guest was.
 */
static void inject_sync(struct arch_vcpu *a, u64 esr, u64 far)
{
	u64 mode = a->ctx.pstate & PSTATE_MODE_MASK;
	u64 offset;

	if (mode == PSTATE_EL1H)
		offset = 0x200;
	else if (mode == PSTATE_EL1T)
		offset = 0x000;
	else if (a->ctx.pstate & (1ULL << 4))
		offset = 0x600; /* from AArch32 EL0 */
	else
		offset = 0x400;
	a->el1.esr = esr;
	a->el1.far = far;
	a->el1.elr_el1 = a->ctx.pc;
	a->el1.spsr_el1 = a->ctx.pstate;
	a->ctx.pstate = PSTATE_EL1H_MASKED;
	a->ctx.pc = a->el1.vbar + offset;
}

static void inject_undefined(struct arch_vcpu *a)
{
	inject_sync(a, ((u64)EC_UNKNOWN << 26) | ESR_IL, 0);
}

void arch_vcpu_inject_abort(struct vcpu *v, const struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	bool from_el1 = (a->ctx.pstate & PSTATE_MODE_MASK) != PSTATE_EL0T;
	u32 ec = (a->ctx.esr >> 26) & 0x3f;
	bool instruction = ec == EC_IABT_LOW;
	u64 esr;

	esr = ((u64)(instruction ? (from_el1 ? EC_IABT_CUR : EC_IABT_LOW) :
				   (from_el1 ? EC_DABT_CUR : EC_DABT_LOW))
	       << 26) |
	      ESR_IL | DFSC_EXTABT;
	if (!instruction && exit && exit->write)
		esr |= ISS_DABT_WNR;
	inject_sync(a, esr, a->ctx.far);
}

void arch_vcpu_mmio_done(struct vcpu *v, const struct vcpu_exit *exit,
			 u64 value)
{
	struct arch_vcpu *a = &v->arch;

	if (!exit->write) {
		unsigned int bits = exit->size * 8;

		if (bits < 64) {
			value &= (1ULL << bits) - 1;
			if (a->mmio_sign_extend && (value >> (bits - 1)) & 1)
				value |= ~0ULL << bits;
		}
		if (!a->mmio_64bit)
			value &= 0xffffffffULL;
		set_reg(a, a->mmio_reg, value);
	}
	skip_instruction(a);
}

static void decode_data_abort(struct vcpu *v, struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	u64 esr = a->ctx.esr;
	u64 ipa = ((a->ctx.hpfar >> 4) << 12) | (a->ctx.far & 0xfff);

	exit->gpa = ipa;
	exit->write = esr & ISS_DABT_WNR;
	if (!(esr & ISS_DABT_ISV)) {
		/*
		 * No syndrome (load/store pair, writeback...): Keel cannot
		 * emulate it, so the guest gets an abort, as from a bus.
		 */
		exit->size = 0;
		exit->reason = VCPU_EXIT_MMIO;
		return;
	}
	exit->size = 1U << ((esr >> 22) & 3);
	a->mmio_reg = (esr >> 16) & 0x1f;
	a->mmio_sign_extend = esr & ISS_DABT_SSE;
	a->mmio_64bit = esr & ISS_DABT_SF;
	if (exit->write) {
		u64 value = get_reg(a, a->mmio_reg);

		exit->value = exit->size == 8 ?
				      value :
				      value & ((1ULL << (exit->size * 8)) - 1);
	}
	exit->reason = VCPU_EXIT_MMIO;
}

/* Cache maintenance by set/way (trapped by HCR_EL2.TSW): nothing to do. */
static bool is_dc_set_way(u64 esr)
{
	u32 iss = esr & 0x1ffffff;
	u32 op0 = (iss >> 20) & 3, op1 = (iss >> 14) & 7,
	    crn = (iss >> 10) & 0xf;

	return op0 == 1 && op1 == 0 && crn == 7;
}

static void handle_sync(struct vcpu *v, struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	u32 ec = (a->ctx.esr >> 26) & 0x3f;

	switch (ec) {
	case EC_WFX:
		skip_instruction(a);
		exit->reason =
			(a->ctx.esr & 1) ? VCPU_EXIT_YIELD : VCPU_EXIT_WFI;
		break;
	case EC_HVC64:
		exit->reason = arm64_psci_call(v, a->ctx.x);
		break;
	case EC_SMC64:
		skip_instruction(a);
		exit->reason = arm64_psci_call(v, a->ctx.x);
		break;
	case EC_SYSREG: {
		u32 iss = a->ctx.esr & 0x1ffffff;
		unsigned int rt = (iss >> 5) & 0x1f;
		u64 value = get_reg(a, rt);

		if (is_dc_set_way(a->ctx.esr)) {
			skip_instruction(a);
		} else if (arm64_vgic_sysreg(v, iss, &value) ||
			   arm64_sysreg_emulate(v, iss, &value)) {
			if (iss & 1)
				set_reg(a, rt, value);
			skip_instruction(a);
		} else {
			inject_undefined(a);
		}
		exit->reason = VCPU_EXIT_SYSREG;
		break;
	}
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		if (ec == EC_IABT_LOW) {
			/* Executing outside RAM: a bus error for the guest. */
			exit->gpa = ((a->ctx.hpfar >> 4) << 12) |
				    (a->ctx.far & 0xfff);
			arch_vcpu_inject_abort(v, NULL);
			exit->reason = VCPU_EXIT_NONE;
			break;
		}
		decode_data_abort(v, exit);
		break;
	default:
		inject_undefined(a);
		exit->reason = VCPU_EXIT_NONE;
		break;
	}
}

void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	struct arch_guest *ag = &v->guest->arch;

	memset(exit, 0, sizeof(*exit));
	write_sysreg(vttbr_el2, ag->vttbr);
	write_sysreg(cntvoff_el2, ag->cntvoff);
	write_sysreg(vmpidr_el2, a->mpidr);
	write_sysreg(hcr_el2, a->hcr);
	el1_restore(&a->el1);
	arm64_vtimer_flush(v);
	arm64_vgic_flush(v);
	__asm__ volatile("isb" ::: "memory");

	arm64_vcpu_enter(&a->ctx);

	arm64_vgic_sync(v);
	el1_save(&a->el1);
	switch (a->ctx.exit_kind) {
	case GUEST_EXIT_SYNC:
		handle_sync(v, exit);
		break;
	case GUEST_EXIT_IRQ:
	case GUEST_EXIT_FIQ:
		exit->reason = VCPU_EXIT_IRQ;
		break;
	default:
		exit->reason = VCPU_EXIT_FATAL;
		exit->why = "SError from the guest";
		break;
	}
}

/* The timer and SGIs reach the guest through the vGIC: nothing of its own. */
bool arch_vcpu_irq_pending(struct vcpu *v)
{
	return false;
}

void arch_vcpu_dump(struct vcpu *v, int (*print)(const char *fmt, ...))
{
	const struct arch_vcpu *a = &v->arch;

	for (unsigned int i = 0; i < 30; i += 2)
		print("x%-2u  0x%016llx   x%-2u  0x%016llx\n", i,
		      (unsigned long long)a->ctx.x[i], i + 1,
		      (unsigned long long)a->ctx.x[i + 1]);
	print("x30  0x%016llx   sp_el1 0x%016llx\n",
	      (unsigned long long)a->ctx.x[30],
	      (unsigned long long)a->el1.sp_el1);
	print("pc   0x%016llx   pstate 0x%08llx\n",
	      (unsigned long long)a->ctx.pc, (unsigned long long)a->ctx.pstate);
	print("sctlr_el1 0x%016llx   ttbr0_el1 0x%016llx\n",
	      (unsigned long long)a->el1.sctlr,
	      (unsigned long long)a->el1.ttbr0);
	print("vbar_el1  0x%016llx   esr_el1   0x%016llx\n",
	      (unsigned long long)a->el1.vbar, (unsigned long long)a->el1.esr);
	print("far_el1   0x%016llx   elr_el1   0x%016llx\n",
	      (unsigned long long)a->el1.far,
	      (unsigned long long)a->el1.elr_el1);
	print("cntv_ctl  0x%016llx   cntv_cval 0x%016llx\n",
	      (unsigned long long)a->el1.cntv_ctl,
	      (unsigned long long)a->el1.cntv_cval);
	print("cntp_ctl  0x%016llx   cntp_cval 0x%016llx\n",
	      (unsigned long long)a->ptimer.ctl,
	      (unsigned long long)a->ptimer.cval);
	print("mpidr     0x%016llx\n", (unsigned long long)a->mpidr);
}
