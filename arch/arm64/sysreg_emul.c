// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-visible CPU state that Keel does not hand to guests: the EL1
 * physical timer, the PMU and the debug registers. Each of them would
 * otherwise be one piece of hardware per host CPU shared by every vCPU
 * that runs there, so one guest could read, or be hit by, another's
 * values. Keel traps them all (CNTHCTL_EL2.EL1PCEN clear; MDCR_EL2.TPM,
 * TPMCR, TDA, TDOSA, TDRA set, TDE clear) and emulates them per vCPU:
 *
 * - EL1 physical timer (CNTP_CTL/CVAL/TVAL_EL0): kept in struct
 *   arm64_ptimer and compared with the physical count; its interrupt is
 *   PPI 14 (INTID 30) through the vGIC, as the virtual timer's (vtimer.c).
 *   CNTPCT_EL0 stays untrapped (EL1PCTEN set).
 * - PMU: absent. The ID registers trap (HCR_EL2.TID3) and read as the
 *   host's, except that ID_AA64DFR0_EL1.PMUVer and ID_DFR0_EL1.PerfMon
 *   say "no PMU"; should a guest touch the PMU registers anyway, they read
 *   as zero (PMCR_EL0.N = 0: no counters) and ignore writes. The guest
 *   device tree has no PMU node.
 * - Debug: breakpoint/watchpoint value and control registers, MDCCINT,
 *   the claim tags, the OS lock (OSLAR/OSLSR, reset locked), OSDLR and
 *   DBGPRCR keep per-vCPU values that the guest reads back, but are never
 *   loaded into the CPU: guest breakpoints and watchpoints never fire.
 *   MDSCR_EL1 is switched in the CPU with the other EL1 registers (so
 *   software step works) and read and written here while trapped. The
 *   debug communication channel and anything else reads as zero.
 */
#include <keel/guest.h>
#include <keel/timer.h>
#include <asm/sysreg.h>
#include "sysreg_emul.h"

#define MDCR_TPMCR (1ULL << 5)
#define MDCR_TPM (1ULL << 6)
#define MDCR_TDA (1ULL << 9)
#define MDCR_TDOSA (1ULL << 10)
#define MDCR_TDRA (1ULL << 11)

/* OSLSR_EL1: OSLM = 0b10 (bits 3 and 0), the OS lock is implemented. */
#define OSLSR_OSLM_IMPLEMENTED (1ULL << 3)
#define OSLSR_OSLK (1ULL << 1)

#define SR(op0, op1, crn, crm, op2)                              \
	((u32)(op0) << 14 | (u32)(op1) << 11 | (u32)(crn) << 7 | \
	 (u32)(crm) << 3 | (u32)(op2))

#define CNTP_TVAL_EL0 SR(3, 3, 14, 2, 0)
#define CNTP_CTL_EL0 SR(3, 3, 14, 2, 1)
#define CNTP_CVAL_EL0 SR(3, 3, 14, 2, 2)
#define MDCCINT_EL1 SR(2, 0, 0, 2, 0)
#define MDSCR_EL1 SR(2, 0, 0, 2, 2)
#define OSLAR_EL1 SR(2, 0, 1, 0, 4)
#define OSLSR_EL1 SR(2, 0, 1, 1, 4)
#define OSDLR_EL1 SR(2, 0, 1, 3, 4)
#define DBGPRCR_EL1 SR(2, 0, 1, 4, 4)
#define DBGCLAIMSET_EL1 SR(2, 0, 7, 8, 6)
#define DBGCLAIMCLR_EL1 SR(2, 0, 7, 9, 6)

static bool ptimer_access(struct vcpu *v, u32 sr, bool read, u64 *reg)
{
	struct arm64_ptimer *t = &v->arch.ptimer;
	u64 now = timer_read_cycles();

	/* A write changes what the next entry's timer look finds. */
	if (!read)
		v->arch.vtimer_seen.valid = false;

	switch (sr) {
	case CNTP_CTL_EL0:
		if (read)
			*reg = (t->ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) |
			       ((t->ctl & CNT_CTL_ENABLE) && t->cval <= now ?
					CNT_CTL_ISTATUS :
					0);
		else
			t->ctl = *reg & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
		return true;
	case CNTP_CVAL_EL0:
		if (read)
			*reg = t->cval;
		else
			t->cval = *reg;
		return true;
	case CNTP_TVAL_EL0:
		/* A signed 32-bit view of CVAL - count; bits 63:32 RES0. */
		if (read)
			*reg = (u32)(t->cval - now);
		else
			t->cval = now + (u64)(s64)(s32)(u32)*reg;
		return true;
	default:
		return false;
	}
}

static bool is_pmu(u32 op0, u32 op1, u32 crn, u32 crm, u32 op2)
{
	if (op0 != 3)
		return false;
	/* PMCR..PMOVSSET (CRm 12-14), PMINTENSET/CLR and PMMIR at EL1. */
	if (crn == 9)
		return (op1 == 3 && crm >= 12 && crm <= 14) ||
		       (op1 == 0 && crm == 14);
	/* PMEVCNTR<n>, PMEVTYPER<n>, PMCCFILTR. */
	return op1 == 3 && crn == 14 && crm >= 8;
}

static bool debug_access(struct vcpu *v, u32 sr, u32 crm, u32 op2, bool read,
			 u64 *reg)
{
	struct arm64_debug_state *d = &v->arch.dbg;
	u64 *slot = NULL;

	/* DBGBVR<n>, DBGBCR<n>, DBGWVR<n>, DBGWCR<n>: op1 0, CRn 0, op2 4-7. */
	if ((sr & SR(3, 7, 15, 0, 0)) == SR(2, 0, 0, 0, 0) && op2 >= 4) {
		u64 *base = op2 == 4 ? d->bvr :
			    op2 == 5 ? d->bcr :
			    op2 == 6 ? d->wvr :
				       d->wcr;

		slot = &base[crm];
	} else {
		switch (sr) {
		case MDSCR_EL1:
			/* Switched in the CPU: edit the memory copy. */
			arch_vcpu_put(v);
			slot = &v->arch.el1.mdscr;
			break;
		case MDCCINT_EL1:
			slot = &d->mdccint;
			break;
		case OSLAR_EL1:
			if (!read)
				d->oslk = *reg & 1;
			else
				*reg = 0;
			return true;
		case OSLSR_EL1:
			if (read)
				*reg = OSLSR_OSLM_IMPLEMENTED |
				       (d->oslk ? OSLSR_OSLK : 0);
			return true;
		case OSDLR_EL1:
			if (!read)
				*reg &= 1;
			slot = &d->osdlr;
			break;
		case DBGPRCR_EL1:
			if (!read)
				*reg &= 1;
			slot = &d->dbgprcr;
			break;
		case DBGCLAIMSET_EL1:
			/* Eight claim tags; reading SET says which exist. */
			if (read)
				*reg = 0xff;
			else
				d->claim |= *reg & 0xff;
			return true;
		case DBGCLAIMCLR_EL1:
			if (read)
				*reg = d->claim;
			else
				d->claim &= ~*reg;
			return true;
		default:
			break;
		}
	}
	if (!slot) {
		/* The DCC, MDRAR, DBGAUTHSTATUS...: read as zero. */
		if (read)
			*reg = 0;
		return true;
	}
	if (read)
		*reg = *slot;
	else
		*slot = *reg;
	return true;
}

/* The ID registers HCR_EL2.TID3 traps: op0 3, op1 0, CRn 0, CRm 1-7. */
#define ID_CASE(crm, op2)     \
	case (crm)*8 + (op2): \
		return read_sysreg(S3_0_C0_C##crm##_##op2)
#define ID_ROW(crm)      \
	ID_CASE(crm, 0); \
	ID_CASE(crm, 1); \
	ID_CASE(crm, 2); \
	ID_CASE(crm, 3); \
	ID_CASE(crm, 4); \
	ID_CASE(crm, 5); \
	ID_CASE(crm, 6); \
	ID_CASE(crm, 7)

static u64 host_id_reg(u32 crm, u32 op2)
{
	switch (crm * 8 + op2) {
		ID_ROW(1);
		ID_ROW(2);
		ID_ROW(3);
		ID_ROW(4);
		ID_ROW(5);
		ID_ROW(6);
		ID_ROW(7);
	default:
		return 0;
	}
}

/* The host's ID register as the guest sees it: without a PMU. */
static u64 guest_id_reg(u32 crm, u32 op2)
{
	u64 value = host_id_reg(crm, op2);

	if (crm == 5 && op2 == 0) /* ID_AA64DFR0_EL1.PMUVer */
		value &= ~(0xfULL << 8);
	else if (crm == 1 && op2 == 2) /* ID_DFR0_EL1.PerfMon */
		value &= ~(0xfULL << 24);
	return value;
}

bool arm64_sysreg_emulate(struct vcpu *v, const struct esr_sysreg *access,
			  u64 *reg)
{
	u32 op0 = access->op0, op1 = access->op1, crn = access->crn;
	u32 crm = access->crm, op2 = access->op2;
	bool read = access->read;
	u32 sr = SR(op0, op1, crn, crm, op2);

	if (ptimer_access(v, sr, read, reg))
		return true;
	if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7) {
		/* Read only: a write is undefined. */
		if (!read)
			return false;
		*reg = guest_id_reg(crm, op2);
		return true;
	}
	if (is_pmu(op0, op1, crn, crm, op2)) {
		if (read)
			*reg = 0;
		return true;
	}
	/* Op0 2 is the debug register space; every trapped one is ours. */
	if (op0 == 2 && op1 != 4)
		return debug_access(v, sr, crm, op2, read, reg);
	return false;
}

/* The CPU's breakpoint/watchpoint controls: one encoding per number. */
#define BP_CASE(n)                                        \
	case n:                                           \
		if (bank)                                 \
			write_sysreg(dbgwcr##n##_el1, 0); \
		else                                      \
			write_sysreg(dbgbcr##n##_el1, 0); \
		break

static void disarm_breakpoint(bool bank, unsigned int n)
{
	switch (n) {
		BP_CASE(0);
		BP_CASE(1);
		BP_CASE(2);
		BP_CASE(3);
		BP_CASE(4);
		BP_CASE(5);
		BP_CASE(6);
		BP_CASE(7);
		BP_CASE(8);
		BP_CASE(9);
		BP_CASE(10);
		BP_CASE(11);
		BP_CASE(12);
		BP_CASE(13);
		BP_CASE(14);
		BP_CASE(15);
	default:
		break;
	}
}

void arm64_guest_traps_init(void)
{
	u64 dfr0 = read_sysreg(id_aa64dfr0_el1);
	unsigned int pmuver = (dfr0 >> 8) & 0xf;
	unsigned int brps = ((dfr0 >> 12) & 0xf) + 1;
	unsigned int wrps = ((dfr0 >> 20) & 0xf) + 1;
	u64 mdcr = MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA;

	/*
	 * HPMN as at reset (all counters), when there is a PMU to ask:
	 * EL1 never reaches them anyway (TPM).
	 */
	if (pmuver && pmuver != 0xf) {
		mdcr |= (read_sysreg(pmcr_el0) >> 11) & 0x1f;
		/* EL0 accesses undefined at EL1 first, as without a PMU. */
		write_sysreg(pmuserenr_el0, 0);
	}
	write_sysreg(mdcr_el2, mdcr);
	/* No breakpoint, watchpoint or EL1 physical timer is ever armed. */
	for (unsigned int i = 0; i < brps; i++)
		disarm_breakpoint(false, i);
	for (unsigned int i = 0; i < wrps; i++)
		disarm_breakpoint(true, i);
	write_sysreg(cntp_ctl_el0, 0);
}
