/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 256 interrupt and exception vectors. Each stub pushes a 0 where the
 * CPU pushes no error code, then its vector number, and joins the common
 * path, which completes a struct arch_regs frame on the current stack
 * (Keel runs in ring 0 only, so the CPU never switches stacks, except to
 * the IST stacks of #DF, NMI and #MC) for x86_trap(). Stubs are 16 bytes
 * apart: cpu.c points IDT entry v at x86_vector_stubs + 16 * v.
 */
#include <asm/regs.h>

	.text
	.balign	16
	.globl x86_vector_stubs
x86_vector_stubs:
	vector = 0
	.rept	256
	.balign	16
	.if	!(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
	pushq	$0
	.endif
	pushq	$vector
	jmp	x86_trap_common
	vector = vector + 1
	.endr

x86_trap_common:
	pushq	%r15
	pushq	%r14
	pushq	%r13
	pushq	%r12
	pushq	%r11
	pushq	%r10
	pushq	%r9
	pushq	%r8
	pushq	%rbp
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rbx
	pushq	%rax
	cld
	movq	%rsp, %rdi
	call	x86_trap
	popq	%rax
	popq	%rbx
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	popq	%rbp
	popq	%r8
	popq	%r9
	popq	%r10
	popq	%r11
	popq	%r12
	popq	%r13
	popq	%r14
	popq	%r15
	addq	$16, %rsp			/* vector and error code */
	iretq
