/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

/* Offsets into struct arm64_guest_ctx, shared with vcpu_switch.S. */
#define GCTX_X0 0
#define GCTX_PC 248
#define GCTX_PSTATE 256
#define GCTX_HOST_SP 264
#define GCTX_HOST_REGS 272
#define GCTX_HOST_TPIDR 368
#define GCTX_ESR 376
#define GCTX_FAR 384
#define GCTX_HPFAR 392
#define GCTX_EXIT_KIND 400
#define GCTX_FPREGS 416
#define GCTX_FPSR 928
#define GCTX_FPCR 936

#define GUEST_EXIT_SYNC 0
#define GUEST_EXIT_IRQ 1
#define GUEST_EXIT_FIQ 2
#define GUEST_EXIT_SERROR 3

#ifndef __ASSEMBLY__
#include <keel/types.h>
#include <keel/pgtable.h>
#include <keel/timer.h>
#include <keel/vgic.h>

/* What the world switch saves and restores; layout fixed by the offsets. */
struct arm64_guest_ctx {
	u64 x[31];
	u64 pc;
	u64 pstate;
	u64 host_sp;
	u64 host_regs[12]; /* x19..x30 */
	u64 host_tpidr;
	u64 esr, far, hpfar;
	u64 exit_kind;
	u64 pad;
	u64 fpregs[64] __aligned(16); /* q0..q31 */
	u64 fpsr, fpcr;
};

/*
 * EL1 and virtual timer state: in the CPU while the vCPU is loaded
 * (vcpu.c), except CNTV_CTL and CNTV_CVAL, read back at every exit.
 */
struct arm64_el1_state {
	u64 sctlr, cpacr, ttbr0, ttbr1, tcr, esr, afsr0, afsr1, far, mair,
		amair, vbar, contextidr, cntkctl, par, tpidr_el1, sp_el1,
		elr_el1, spsr_el1, sp_el0, tpidr_el0, tpidrro_el0, csselr,
		mdscr;
	u64 cntv_ctl, cntv_cval;
};

#define ARM64_MAX_BREAKPOINTS 16

/*
 * The debug registers as this vCPU sees them (sysreg_emul.c): trapped
 * (MDCR_EL2.TDA/TDOSA/TDRA) and kept here, never loaded into the CPU, so
 * a guest reads back its own values and its breakpoints never arm.
 * MDSCR_EL1 is the exception: it is switched in the CPU (el1.mdscr) for
 * software step.
 */
struct arm64_debug_state {
	u64 bvr[ARM64_MAX_BREAKPOINTS], bcr[ARM64_MAX_BREAKPOINTS];
	u64 wvr[ARM64_MAX_BREAKPOINTS], wcr[ARM64_MAX_BREAKPOINTS];
	u64 mdccint, claim, oslk, osdlr, dbgprcr;
};

/* The EL1 physical timer, emulated (CNTHCTL_EL2.EL1PCEN clear). */
struct arm64_ptimer {
	u64 ctl; /* ENABLE, IMASK as written; ISTATUS is computed */
	u64 cval; /* compared with the physical count (no offset) */
};

/* The timers' registers as the last look before an entry saw them. */
struct arm64_vtimer_seen {
	bool valid;
	u64 vctl, vcval; /* the physical timer's writes clear valid */
	u64 until; /* the count at which a level may rise */
	bool vlevel; /* the virtual timer's level then */
};

struct arch_vcpu {
	struct arm64_guest_ctx ctx;
	/* EL1 and GIC interface state are in the CPU (vcpu.c). */
	bool loaded;
	/* FP/SIMD state is in the CPU: loaded at the guest's first use. */
	bool fp_live;
	/* The guest's GIC model (NULL: none), fixed when the vCPU is made. */
	struct vgic *vgic;
	struct vgic_quiet_probe vgic_probe;
	struct arm64_el1_state el1;
	u64 mpidr;
	u64 hcr;
	/* The pending MMIO read's destination, from the syndrome. */
	unsigned int mmio_reg;
	bool mmio_sign_extend, mmio_64bit;
	/*
	 * Virtual CPU interface state (GICv3 ICH_VMCR and active priorities;
	 * GICv2 GICH_VMCR and GICH_APR in vmcr and ap0r0) and what the LRs
	 * hold.
	 */
	u64 vmcr, ap0r0, ap1r0;
	unsigned int lrs_used;
	/*
	 * The model's generation when a timer's PPI went straight into LR 0
	 * at this entry (arm64_vgic_set_own_line): the fill is skipped only
	 * while it is still that.
	 */
	u64 handed_gen;
	struct vgic_lr lr_meta[VGIC_MAX_LRS];
	struct arm64_ptimer ptimer;
	struct arm64_debug_state dbg;
	/* At the earliest deadline of the virtual and physical timers. */
	struct timer_event timer_event;
	struct arm64_vtimer_seen vtimer_seen;
};

struct arch_guest {
	struct pgtable s2;
	u64 vttbr;
	unsigned int vmid;
	u64 cntvoff;
};

#endif
#endif
