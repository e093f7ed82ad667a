/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world switch between Keel (EL2) and a guest (EL1). While the guest
 * runs, TPIDR_EL2 points at its context so that the lower-EL vectors find
 * where to save it; the host's own value is kept in the context.
 *
 * FP/SIMD registers are not switched here: Keel itself never uses them
 * (-mgeneral-regs-only), so a vCPU's stay in the CPU from the guest's
 * first use after a load (an FP trap) to its put (vcpu.c), however many
 * exits it takes in between.
 */
#include <asm/vcpu.h>

	.arch	armv8-a+fp+simd
	.text

/* void arm64_vcpu_enter(struct arm64_guest_ctx *ctx): returns on exit. */
	.globl arm64_vcpu_enter
arm64_vcpu_enter:
	stp	x19, x20, [x0, #GCTX_HOST_REGS + 0]
	stp	x21, x22, [x0, #GCTX_HOST_REGS + 16]
	stp	x23, x24, [x0, #GCTX_HOST_REGS + 32]
	stp	x25, x26, [x0, #GCTX_HOST_REGS + 48]
	stp	x27, x28, [x0, #GCTX_HOST_REGS + 64]
	stp	x29, x30, [x0, #GCTX_HOST_REGS + 80]
	mov	x1, sp
	str	x1, [x0, #GCTX_HOST_SP]
	mrs	x1, tpidr_el2
	str	x1, [x0, #GCTX_HOST_TPIDR]
	msr	tpidr_el2, x0

	ldp	x1, x2, [x0, #GCTX_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2

	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0, #0]
	eret
	dsb	nsh
	isb

/* Entered from a lower-EL vector with the guest's x0/x1 pushed on SP_EL2. */
.macro guest_exit kind
	mrs	x0, tpidr_el2
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
	str	x30, [x0, #240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #0]
	mov	x1, #\kind
	b	arm64_guest_exit_common
.endm

	.globl arm64_guest_exit_sync
arm64_guest_exit_sync:
	guest_exit GUEST_EXIT_SYNC
	.globl arm64_guest_exit_irq
arm64_guest_exit_irq:
	guest_exit GUEST_EXIT_IRQ
	.globl arm64_guest_exit_fiq
arm64_guest_exit_fiq:
	guest_exit GUEST_EXIT_FIQ
	.globl arm64_guest_exit_serror
arm64_guest_exit_serror:
	guest_exit GUEST_EXIT_SERROR

arm64_guest_exit_common:
	str	x1, [x0, #GCTX_EXIT_KIND]
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [x0, #GCTX_PC]
	mrs	x1, esr_el2
	mrs	x2, far_el2
	stp	x1, x2, [x0, #GCTX_ESR]
	mrs	x1, hpfar_el2
	str	x1, [x0, #GCTX_HPFAR]

	ldr	x1, [x0, #GCTX_HOST_TPIDR]
	msr	tpidr_el2, x1
	ldr	x1, [x0, #GCTX_HOST_SP]
	mov	sp, x1
	ldp	x19, x20, [x0, #GCTX_HOST_REGS + 0]
	ldp	x21, x22, [x0, #GCTX_HOST_REGS + 16]
	ldp	x23, x24, [x0, #GCTX_HOST_REGS + 32]
	ldp	x25, x26, [x0, #GCTX_HOST_REGS + 48]
	ldp	x27, x28, [x0, #GCTX_HOST_REGS + 64]
	ldp	x29, x30, [x0, #GCTX_HOST_REGS + 80]
	ret

/* void arm64_fp_restore(const struct arm64_guest_ctx *ctx) */
	.globl arm64_fp_restore
arm64_fp_restore:
	add	x1, x0, #GCTX_FPREGS
	ldp	q0, q1, [x1, #0]
	ldp	q2, q3, [x1, #32]
	ldp	q4, q5, [x1, #64]
	ldp	q6, q7, [x1, #96]
	ldp	q8, q9, [x1, #128]
	ldp	q10, q11, [x1, #160]
	ldp	q12, q13, [x1, #192]
	ldp	q14, q15, [x1, #224]
	ldp	q16, q17, [x1, #256]
	ldp	q18, q19, [x1, #288]
	ldp	q20, q21, [x1, #320]
	ldp	q22, q23, [x1, #352]
	ldp	q24, q25, [x1, #384]
	ldp	q26, q27, [x1, #416]
	ldp	q28, q29, [x1, #448]
	ldp	q30, q31, [x1, #480]
	ldr	x2, [x0, #GCTX_FPSR]
	msr	fpsr, x2
	ldr	x2, [x0, #GCTX_FPCR]
	msr	fpcr, x2
	ret

/* void arm64_fp_save(struct arm64_guest_ctx *ctx) */
	.globl arm64_fp_save
arm64_fp_save:
	add	x1, x0, #GCTX_FPREGS
	stp	q0, q1, [x1, #0]
	stp	q2, q3, [x1, #32]
	stp	q4, q5, [x1, #64]
	stp	q6, q7, [x1, #96]
	stp	q8, q9, [x1, #128]
	stp	q10, q11, [x1, #160]
	stp	q12, q13, [x1, #192]
	stp	q14, q15, [x1, #224]
	stp	q16, q17, [x1, #256]
	stp	q18, q19, [x1, #288]
	stp	q20, q21, [x1, #320]
	stp	q22, q23, [x1, #352]
	stp	q24, q25, [x1, #384]
	stp	q26, q27, [x1, #416]
	stp	q28, q29, [x1, #448]
	stp	q30, q31, [x1, #480]
	mrs	x2, fpsr
	str	x2, [x0, #GCTX_FPSR]
	mrs	x2, fpcr
	str	x2, [x0, #GCTX_FPCR]
	ret
