/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thread switch: only rsp, rbx, rbp and r12-r15 survive a call (struct
 * arch_context); the return address is on the stack rsp points to.
 */

	.text
/* void arch_context_switch(struct arch_context *from, struct arch_context *to) */
	.globl arch_context_switch
arch_context_switch:
	movq	%rsp, 0(%rdi)
	movq	%rbx, 8(%rdi)
	movq	%rbp, 16(%rdi)
	movq	%r12, 24(%rdi)
	movq	%r13, 32(%rdi)
	movq	%r14, 40(%rdi)
	movq	%r15, 48(%rdi)

	movq	0(%rsi), %rsp
	movq	8(%rsi), %rbx
	movq	16(%rsi), %rbp
	movq	24(%rsi), %r12
	movq	32(%rsi), %r13
	movq	40(%rsi), %r14
	movq	48(%rsi), %r15
	ret

/*
 * A new thread's first instructions, "returned" to by its first switch:
 * entry in rbx, its argument in r12, rsp 16-byte aligned.
 */
	.globl x86_thread_trampoline
x86_thread_trampoline:
	movq	%rbx, %rdi
	movq	%r12, %rsi
	xorl	%ebp, %ebp			/* frame pointer: end of the chain */
	call	thread_bootstrap
1:	hlt
	jmp	1b
