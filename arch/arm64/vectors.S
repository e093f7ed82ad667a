/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EL2 exception vectors. Keel's own exceptions arrive on the "current EL
 * with SPx" row; the "lower EL" rows are where guests' exits will land.
 * Each entry saves a struct arch_regs frame on the current stack.
 */
#include <asm/regs.h>

.macro save_frame
	sub	sp, sp, #ARM64_REGS_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	add	x0, sp, #ARM64_REGS_SIZE
	stp	x30, x0, [sp, #16 * 15]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #16 * 16]
.endm

.macro restore_frame
	ldp	x0, x1, [sp, #16 * 16]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #ARM64_REGS_SIZE
.endm

.macro vector_entry label
	.balign	0x80
	b	\label
.endm

/* A guest exit: free two registers on the host stack, then switch. */
.macro guest_vector label
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	b	\label
.endm

.macro unexpected_vector kind
	save_frame
	mov	x0, sp
	mov	x1, #\kind
	bl	arm64_unexpected_exception
	b	arch_halt
.endm

	.text
	.balign	2048
	.globl arm64_vectors
arm64_vectors:
	vector_entry el2t_unexpected	/* current EL, SP_EL0 */
	vector_entry el2t_unexpected
	vector_entry el2t_unexpected
	vector_entry el2t_unexpected
	vector_entry el2h_sync		/* current EL, SP_EL2 */
	vector_entry el2h_irq
	vector_entry el2h_fiq
	vector_entry el2h_serror
	guest_vector arm64_guest_exit_sync	/* lower EL, AArch64 */
	guest_vector arm64_guest_exit_irq
	guest_vector arm64_guest_exit_fiq
	guest_vector arm64_guest_exit_serror
	guest_vector arm64_guest_exit_sync	/* lower EL, AArch32 */
	guest_vector arm64_guest_exit_irq
	guest_vector arm64_guest_exit_fiq
	guest_vector arm64_guest_exit_serror

el2t_unexpected:
	unexpected_vector 0
el2h_fiq:
	unexpected_vector 1
el2h_serror:
	unexpected_vector 2

el2h_sync:
	save_frame
	mov	x0, sp
	bl	arm64_sync_exception
	restore_frame
	eret

el2h_irq:
	save_frame
	bl	irq_handle_entry
	restore_frame
	eret
