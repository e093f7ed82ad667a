/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv64 guests: G-stage tables and VMID per guest (gstage.c), and per
 * vCPU the state the VS-mode world switch (vcpu_switch.S) saves and
 * restores, the VS CSRs switched in C around it (vcpu.c), and the
 * virtual interrupts Keel injects through hvip.
 */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

/* Offsets into struct riscv_guest_ctx, shared with vcpu_switch.S. */
#define GCTX_X(n) ((n)*8)
#define GCTX_SEPC 256
#define GCTX_SSTATUS 264
#define GCTX_HSTATUS 272
#define GCTX_SCAUSE 280
#define GCTX_STVAL 288
#define GCTX_HTVAL 296
#define GCTX_HTINST 304
/*
 * ra, sp, gp, tp and s0-s3 of the host thread that entered the guest;
 * the C caller keeps s4-s11 itself (vcpu.c's vcpu_enter()).
 */
#define GCTX_HOST 312
#define GCTX_HOST_REGS 8
#define GCTX_FP (GCTX_HOST + GCTX_HOST_REGS * 8)
#define GCTX_FCSR (GCTX_FP + 32 * 8)
#define GCTX_SIZE (GCTX_FCSR + 8)

#ifndef __ASSEMBLY__
#include <keel/types.h>
#include <keel/timer.h>
#include <keel/pgtable.h>

/* What the world switch saves and restores; layout fixed by the offsets. */
struct riscv_guest_ctx {
	u64 x[32]; /* x[0] unused */
	u64 sepc; /* the guest's pc */
	u64 sstatus; /* SPP: the guest's mode (VS or VU) */
	u64 hstatus; /* written at entry; at exit, what the trap left */
	u64 scause, stval, htval, htinst; /* the exit's trap */
	u64 host[GCTX_HOST_REGS];
	u64 fp[32]; /* f0-f31 as raw 64-bit values */
	u64 fcsr;
};

/* The guest's VS-mode CSRs, switched in C around each entry. */
struct riscv_vs_state {
	u64 vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
	u64 vstimecmp; /* with Sstc */
};

struct arch_vcpu {
	struct riscv_guest_ctx ctx;
	/*
	 * In the hart while loaded (vcpu.c), except vsie and vstimecmp,
	 * read back at every exit.
	 */
	struct riscv_vs_state vs;
	/* VS CSRs and FP registers are in the hart (vcpu.c). */
	bool loaded;
	/* The guest wrote its FP registers since they were loaded. */
	bool fp_dirty;
	u64 hartid; /* the hart id the guest sees: its vCPU index */
	/* The supervisor software interrupt as the guest sees it (hvip). */
	bool vssip;
	/*
	 * The interrupt controller's external interrupt output to this hart
	 * (guest_irq_output), read at every entry; NULL: none.
	 */
	const volatile bool *eip;
	/* Set by other vCPUs' SBI IPI calls; merged into vssip at entry. */
	volatile u32 ipi_pending;
	/* SBI RFENCE from other vCPUs: bit 0 guest TLB, bit 1 FENCE.I. */
	volatile u32 fence_pending;
	/* Between taking the fences and leaving the guest (SBI RFENCE). */
	volatile bool in_guest;
	/* SBI TIME deadline in guest time without Sstc; ~0: none. */
	u64 timer_deadline;
	/* Kicks a running vCPU at its timer deadline (no Sstc). */
	struct timer_event timer_event;
	/* The pending MMIO access: destination, sign, instruction length. */
	unsigned int mmio_reg, mmio_len;
	bool mmio_signed;
	int last_cpu; /* where it last ran: a new hart needs a TLB fence */
	/* In SBI hart_suspend until it next runs (hart_get_status). */
	volatile bool suspended;
	/* A non-retentive suspend: where and with what it resumes. */
	bool resume;
	u64 resume_addr, resume_opaque;
};

struct arch_guest {
	struct pgtable gstage;
	unsigned long hgatp; /* mode, VMID and root: what entry will load */
	unsigned int vmid;
	u64 htimedelta; /* guest time = host time + htimedelta */
	bool sstc; /* vCPUs run with henvcfg.STCE: vstimecmp is theirs */
};

#endif
#endif
