// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPUs: EL1 state switching around the world switch, the traps a
 * guest causes, and their decoding into struct vcpu_exit.
 */
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/string.h>
#include <keel/timer.h>
#include <keel/vcpu_reentry.h>
#include <arch/irqflags.h>
#include <asm/sysreg.h>
#include "esr.h"
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

void arm64_vcpu_enter(struct arm64_guest_ctx *ctx);
void arm64_fp_restore(const struct arm64_guest_ctx *ctx);
void arm64_fp_save(struct arm64_guest_ctx *ctx);

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

	/* By the vCPU's own thread (vcpu_power_on): its memory copy, then. */
	arch_vcpu_put(v);
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
	a->vtimer_seen.valid = false;
}

/*
 * Two registers at a time, both read before either is written: the
 * fields are adjacent, so each pair is one LDP or STP instead of two
 * loads or stores (the world switch of every vCPU switch does this).
 */
#define EL1_LOAD2(s, f1, r1, f2, r2)              \
	do {                                      \
		u64 v1_ = (s)->f1, v2_ = (s)->f2; \
		write_sysreg(r1, v1_);            \
		write_sysreg(r2, v2_);            \
	} while (0)
#define EL1_SAVE2(s, f1, r1, f2, r2)       \
	do {                               \
		u64 v1_ = read_sysreg(r1); \
		u64 v2_ = read_sysreg(r2); \
		(s)->f1 = v1_;             \
		(s)->f2 = v2_;             \
	} while (0)

static void el1_restore(const struct arm64_el1_state *s)
{
	EL1_LOAD2(s, sctlr, sctlr_el1, cpacr, cpacr_el1);
	EL1_LOAD2(s, ttbr0, ttbr0_el1, ttbr1, ttbr1_el1);
	EL1_LOAD2(s, tcr, tcr_el1, esr, esr_el1);
	EL1_LOAD2(s, afsr0, afsr0_el1, afsr1, afsr1_el1);
	EL1_LOAD2(s, far, far_el1, mair, mair_el1);
	EL1_LOAD2(s, amair, amair_el1, vbar, vbar_el1);
	EL1_LOAD2(s, contextidr, contextidr_el1, cntkctl, cntkctl_el1);
	EL1_LOAD2(s, par, par_el1, tpidr_el1, tpidr_el1);
	EL1_LOAD2(s, sp_el1, sp_el1, elr_el1, elr_el1);
	EL1_LOAD2(s, spsr_el1, spsr_el1, sp_el0, sp_el0);
	EL1_LOAD2(s, tpidr_el0, tpidr_el0, tpidrro_el0, tpidrro_el0);
	EL1_LOAD2(s, csselr, csselr_el1, mdscr, mdscr_el1);
	EL1_LOAD2(s, cntv_cval, cntv_cval_el0, cntv_ctl, cntv_ctl_el0);
}

static void el1_save(struct arm64_el1_state *s)
{
	EL1_SAVE2(s, sctlr, sctlr_el1, cpacr, cpacr_el1);
	EL1_SAVE2(s, ttbr0, ttbr0_el1, ttbr1, ttbr1_el1);
	EL1_SAVE2(s, tcr, tcr_el1, esr, esr_el1);
	EL1_SAVE2(s, afsr0, afsr0_el1, afsr1, afsr1_el1);
	EL1_SAVE2(s, far, far_el1, mair, mair_el1);
	EL1_SAVE2(s, amair, amair_el1, vbar, vbar_el1);
	EL1_SAVE2(s, contextidr, contextidr_el1, cntkctl, cntkctl_el1);
	EL1_SAVE2(s, par, par_el1, tpidr_el1, tpidr_el1);
	EL1_SAVE2(s, sp_el1, sp_el1, elr_el1, elr_el1);
	EL1_SAVE2(s, spsr_el1, spsr_el1, sp_el0, sp_el0);
	EL1_SAVE2(s, tpidr_el0, tpidr_el0, tpidrro_el0, tpidrro_el0);
	EL1_SAVE2(s, csselr, csselr_el1, mdscr, mdscr_el1);
	/* CNTV_CTL and CNTV_CVAL are read back on every exit (vcpu_run). */
	/* The guest's timer must not fire while Keel or another guest runs. */
	write_sysreg(cntv_ctl_el0, 0);
}

/*
 * A vCPU's state that only it uses stays in the CPU from the first entry
 * after it was switched in until it is switched out (arch_vcpu_put):
 * EL1 system registers, FP/SIMD (from the guest's first use: fp_take),
 * the virtual timer, the GIC virtual interface's control state and the
 * guest-wide EL2 registers. An exit that Keel answers without switching
 * costs none of it (KVM's vcpu_load/vcpu_put). Only this vCPU's own thread touches the live
 * copies; everyone else sees the memory copy, which is current whenever
 * the vCPU is not loaded (always when it is parked).
 */
static void vcpu_load(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct arch_guest *ag = &v->guest->arch;

	write_sysreg(vttbr_el2, ag->vttbr);
	write_sysreg(cntvoff_el2, ag->cntvoff);
	write_sysreg(vmpidr_el2, a->mpidr);
	write_sysreg(hcr_el2, a->hcr);
	el1_restore(&a->el1);
	arm64_vgic_load(v);
	arm64_vtimer_load(v);
	a->loaded = true;
}

/*
 * Masked here too: a caller with interrupts enabled (an injected
 * exception, when core answers an MMIO exit the arch returned
 * unanswered) must not be preempted half-way, by a switch whose own put
 * would then save another CPU's registers, or trap on FP, when this one
 * resumes.
 */
void arch_vcpu_put(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	unsigned long flags;

	if (!a->loaded)
		return;
	flags = arch_irq_save();
	if (a->loaded) {
		el1_save(&a->el1);
		if (a->fp_live) {
			arm64_fp_save(&a->ctx);
			write_sysreg(cptr_el2, CPTR_EL2_TRAP_FP);
			a->fp_live = false;
		}
		arm64_vgic_put(v);
		a->loaded = false;
	}
	arch_irq_restore(flags);
}

/*
 * The guest's first FP/SIMD instruction since its vCPU was loaded trapped
 * (CPTR_EL2.TFP, set whenever no vCPU's FP state is in the CPU): load it
 * and run that instruction again. A guest that never uses FP between two
 * switches costs neither the save nor the restore (KVM does the same).
 */
static void fp_take(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	write_sysreg(cptr_el2, CPTR_EL2_NO_FP);
	__asm__ volatile("isb" ::: "memory");
	arm64_fp_restore(&a->ctx);
	a->fp_live = true;
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
	a->ctx.pc += esr_insn_len(a->ctx.esr);
}

/*
 * Deliver a synchronous exception to the guest's EL1 as the hardware
 * would: syndrome and return state into the EL1 registers, then the
 * vector for where the guest was.
 */
static void inject_sync(struct vcpu *v, u64 esr, u64 far)
{
	struct arch_vcpu *a = &v->arch;
	u64 mode = a->ctx.pstate & PSTATE_MODE_MASK;
	u64 offset;

	/* Rare: edit the memory copy, reloaded at the next entry. */
	arch_vcpu_put(v);
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

static void inject_undefined(struct vcpu *v)
{
	inject_sync(v, esr_make(ESR_EC_UNKNOWN, 0), 0);
}

void arch_vcpu_inject_abort(struct vcpu *v, const struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	bool from_el1 = (a->ctx.pstate & PSTATE_MODE_MASK) != PSTATE_EL0T;
	bool instruction = esr_ec(a->ctx.esr) == ESR_EC_IABT_LOW;
	unsigned int ec;
	u64 iss = ESR_FSC_EXTABT;

	if (instruction)
		ec = from_el1 ? ESR_EC_IABT_CUR : ESR_EC_IABT_LOW;
	else
		ec = from_el1 ? ESR_EC_DABT_CUR : ESR_EC_DABT_LOW;
	if (!instruction && exit && exit->write)
		iss |= ESR_DABT_WNR;
	inject_sync(v, esr_make(ec, iss), a->ctx.far);
}

void arch_vcpu_mmio_done(struct vcpu *v, const struct vcpu_exit *exit,
			 u64 value)
{
	struct arch_vcpu *a = &v->arch;

	if (!exit->write)
		set_reg(a, a->mmio_reg,
			esr_dabt_load_value(exit->size, a->mmio_sign_extend,
					    a->mmio_64bit, value));
	skip_instruction(a);
}

static __always_inline void decode_data_abort(struct vcpu *v,
					      struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	struct esr_dabt access;

	exit->gpa = esr_abort_ipa(a->ctx.hpfar, a->ctx.far);
	exit->write = a->ctx.esr & ESR_DABT_WNR;
	exit->reason = VCPU_EXIT_MMIO;
	if (esr_dabt_decode(a->ctx.esr, &access)) {
		/*
		 * No syndrome (load/store pair, writeback...): Keel cannot
		 * emulate it, so the guest gets an abort, as from a bus.
		 */
		exit->size = 0;
		return;
	}
	exit->size = access.size;
	a->mmio_reg = access.reg;
	a->mmio_sign_extend = access.sign_extend;
	a->mmio_64bit = access.reg64;
	if (exit->write)
		exit->value = esr_dabt_store_value(access.size,
						   get_reg(a, access.reg));
}

/* Cache maintenance by set/way (trapped by HCR_EL2.TSW): nothing to do. */
static bool is_dc_set_way(const struct esr_sysreg *sr)
{
	return sr->op0 == 1 && sr->op1 == 0 && sr->crn == 7;
}

/* Inline in both of arch_vcpu_run()'s paths: a call here costs each exit. */
static __always_inline void handle_sync(struct vcpu *v, struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	unsigned int ec = esr_ec(a->ctx.esr);

	switch (ec) {
	case ESR_EC_WFX:
		skip_instruction(a);
		exit->reason = (a->ctx.esr & ESR_WFX_TI_WFE) ? VCPU_EXIT_YIELD :
							       VCPU_EXIT_WFI;
		break;
	case ESR_EC_HVC64:
		exit->reason = arm64_psci_call(v, a->ctx.x);
		break;
	case ESR_EC_FP_ASIMD:
		/* Before any of the guest's own traps (CPACR_EL1): allowed. */
		fp_take(v);
		exit->reason = VCPU_EXIT_NONE;
		break;
	case ESR_EC_SMC64:
		skip_instruction(a);
		exit->reason = arm64_psci_call(v, a->ctx.x);
		break;
	case ESR_EC_SYSREG: {
		struct esr_sysreg sr = esr_sysreg_decode(esr_iss(a->ctx.esr));
		u64 value = get_reg(a, sr.rt);

		if (is_dc_set_way(&sr)) {
			skip_instruction(a);
		} else if (arm64_vgic_sysreg(v, &sr, &value) ||
			   arm64_sysreg_emulate(v, &sr, &value)) {
			if (sr.read)
				set_reg(a, sr.rt, value);
			skip_instruction(a);
		} else {
			inject_undefined(v);
		}
		exit->reason = VCPU_EXIT_SYSREG;
		break;
	}
	case ESR_EC_DABT_LOW:
	case ESR_EC_IABT_LOW:
		if (ec == ESR_EC_IABT_LOW) {
			/* Executing outside RAM: a bus error for the guest. */
			exit->gpa = esr_abort_ipa(a->ctx.hpfar, a->ctx.far);
			arch_vcpu_inject_abort(v, NULL);
			exit->reason = VCPU_EXIT_NONE;
			exit->stage2_fault = true;
			break;
		}
		decode_data_abort(v, exit);
		break;
	default:
		inject_undefined(v);
		exit->reason = VCPU_EXIT_NONE;
		break;
	}
}

/* Into the guest and back, and the exit answered as far as the arch can. */
static __always_inline void run_once(struct vcpu *v, struct vcpu_exit *exit,
				     bool again)
{
	struct arch_vcpu *a = &v->arch;
	u64 entry;

	/*
	 * At every entry, not once per run: an exit answered here may have
	 * put the vCPU to edit its memory copy (an injected exception, a
	 * register switched in the CPU), to be reloaded before it goes in.
	 */
	if (!a->loaded)
		vcpu_load(v);
	arm64_vtimer_flush(v);
	arm64_vgic_flush(v);
	__asm__ volatile("isb" ::: "memory");

	/* The counter the host clock reads (arm_arch_timer.c): see vcpu.h. */
	entry = read_sysreg(cntpct_el0);
	vcpu_exit_entering(v, exit, entry, again);
	arm64_vcpu_enter(&a->ctx);
	exit->exit_cycles = read_sysreg(cntpct_el0);

	/* The guest writes its virtual timer untrapped: look at it now. */
	a->el1.cntv_ctl = read_sysreg(cntv_ctl_el0);
	a->el1.cntv_cval = read_sysreg(cntv_cval_el0);
	arm64_vgic_sync(v);
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

/*
 * Answered here: straight back in (keel/vcpu_reentry.h), unless a host
 * interrupt waits (ISR_EL1 at EL2: the physical IRQ and FIQ lines),
 * which would end the next run at once anyway.
 */
static __always_inline bool may_reenter(struct vcpu *v, struct vcpu_exit *exit)
{
	return vcpu_answer_for_reentry(v, exit) &&
	       !(read_sysreg(isr_el1) & (ISR_EL1_I | ISR_EL1_F));
}

/* Out of line: the loop's registers would cost every other exit. */
static __noinline void run_again(struct vcpu *v, struct vcpu_exit *exit)
{
	do
		run_once(v, exit, true);
	while (may_reenter(v, exit));
}

void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	vcpu_exit_clear(exit);
	run_once(v, exit, false);
	if (may_reenter(v, exit))
		run_again(v, exit);
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
