/* SPDX-License-Identifier: GPL-2.0 */
/* Thread switch: only callee-saved registers survive a call. */

	.text
/* void arch_context_switch(struct arch_context *from, struct arch_context *to) */
	.globl arch_context_switch
arch_context_switch:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x2, sp
	str	x2, [x0, #96]

	ldp	x19, x20, [x1, #0]
	ldp	x21, x22, [x1, #16]
	ldp	x23, x24, [x1, #32]
	ldp	x25, x26, [x1, #48]
	ldp	x27, x28, [x1, #64]
	ldp	x29, x30, [x1, #80]
	ldr	x2, [x1, #96]
	mov	sp, x2
	ret

/* A new thread's first instructions: entry in x19, its argument in x20. */
	.globl arm64_thread_trampoline
arm64_thread_trampoline:
	mov	x0, x19
	mov	x1, x20
	mov	x29, #0
	bl	thread_bootstrap
1:	b	1b
